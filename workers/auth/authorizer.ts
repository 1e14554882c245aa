/**
 * The authorizing fetch one connection's transport uses: adds `Authorization: Bearer`, and on a 401
 * challenge refreshes (when it can) or runs discovery → registration → authorization (the page opens
 * the popup; this worker builds the URL and checks the callback) → token, then retries the request.
 * A 403 `insufficient_scope` steps up with the union of scopes, at most MAX_ATTEMPTS per scope set.
 * A token about to expire (< REFRESH_MARGIN_MS) is refreshed before it is used, also one loaded from
 * the encrypted store (token-store.ts). Tokens and client secrets live only in #private fields of
 * this worker and, encrypted, in its store (never returned to the page).
 */
import { ErrorCode, TgError, errorCode } from '../shared/errors.js';
import { discover, type Discovery } from './discovery.js';
import { asSupportsDPoP, createDPoP, fetchWithDPoP, type DPoPBinding } from './dpop.js';
import { isIdJagOptions, requestIdJag } from './id-jag.js';
import type { OAuthOptions, AuthorizeHandler } from '../shared/auth.js';
import { authorizationRequest, processCallback } from './pkce/authorize.js';
import { clientRecord, pendingDatabase, rememberPending, resumePending, takePending } from './pkce/pending-store.js';
import { chooseAuthMethod, register, type RegisteredClient } from './registration.js';
import { createSafeFetch, type AuthEndpoint } from './safe-fetch.js';
import { chooseScope, unionScopes } from './scopes.js';
import { revokeTokens } from './revocation.js';
import type { StoredAuth, TokenStore } from './token-store.js';
import { clientCredentials, exchangeCode, jwtBearer, refresh, type TokenSet } from './tokens.js';
import { parseWwwAuthenticate, type BearerChallenge } from './www-authenticate.js';

export const MAX_ATTEMPTS = 3;
/** Refresh a token this long before it expires, rather than wait for a 401. */
export const REFRESH_MARGIN_MS = 60_000;

export interface AuthorizerOptions {
  serverUrl: string;
  oauth: OAuthOptions;
  onAuthorize?: AuthorizeHandler;
  /** The transport's fetch (to the MCP server). */
  fetch?: typeof fetch;
  /** The fetch under the SSRF guard (tests, or a host proxy hook). */
  authFetch?: typeof fetch;
  /** Told after each successful authorization (no tokens in it). */
  onAuthorized?: (info: { issuer: string; scope?: string }) => void;
  /** Told before the person is sent to the authorization server (so a host can show its own UI first). */
  onAuthRequired?: (info: { issuer: string; resource: string; scope?: string }) => void;
  /** Non-fatal problems (e.g. DPoP given up for Bearer because the AS's CORS refused the header). */
  onProblem?: (error: TgError) => void;
  /** Encrypted persistence; tokens are loaded from it before the first request. */
  store?: Promise<TokenStore | undefined>;
}

/** What the last recovery from a 401 did, so a refused fresh token ends the loop with a clear error. */
type Recovery = 'refreshed' | 'authorized' | 'shared';

export class Authorizer {
  readonly #serverUrl: string;
  readonly #oauth: OAuthOptions;
  readonly #onAuthorize?: AuthorizeHandler;
  readonly #base: typeof fetch;
  readonly #safeFetch: typeof fetch;
  readonly #onAuthorized?: AuthorizerOptions['onAuthorized'];
  readonly #onAuthRequired?: AuthorizerOptions['onAuthRequired'];
  readonly #onProblem?: AuthorizerOptions['onProblem'];
  readonly #store?: Promise<TokenStore | undefined>;
  #loaded?: Promise<void>;
  #stopped = false;
  /** Client registrations per issuer: credentials never go to another AS. */
  readonly #clients = new Map<string, RegisteredClient>();
  readonly #attempts = new Map<string, number>();
  #discovery?: Discovery;
  #tokens?: TokenSet;
  /** `oauth.callbackUrl` is answered once. */
  #resumed?: Promise<void>;
  #callbackUsed = false;
  /** The DPoP key of this connection (non-extractable), made when an AS first advertises DPoP. */
  #dpop?: DPoPBinding;
  /** Issuers whose CORS refused the `DPoP` header: their token requests go without it (see #tokenRequest). */
  readonly #bearerOnly = new Set<string>();
  #scope?: string;
  #inflight?: Promise<void>;

  constructor(options: AuthorizerOptions) {
    this.#serverUrl = options.serverUrl;
    this.#oauth = options.oauth;
    if (options.onAuthorize) this.#onAuthorize = options.onAuthorize;
    if (options.onAuthorized) this.#onAuthorized = options.onAuthorized;
    if (options.onAuthRequired) this.#onAuthRequired = options.onAuthRequired;
    if (options.onProblem) this.#onProblem = options.onProblem;
    if (options.store) this.#store = options.store.catch(() => undefined);
    this.#base = options.fetch ?? ((input, init) => fetch(input, init));
    this.#safeFetch = createSafeFetch({
      development: options.oauth.development === true,
      ...(options.authFetch && { fetch: options.authFetch }),
      endpointOf: (url) => this.#endpointOf(url),
    });
  }

  /** True once a token is held (for diagnostics; the token itself is never exposed). */
  get authorized(): boolean {
    return this.#tokens !== undefined;
  }

  /**
   * After this, 401 and 403 answers are returned as they are: no refresh, no popup. For closing a
   * connection (its session DELETE must not ask the person to sign in again).
   */
  stop(): void {
    this.#stopped = true;
  }

  /** The fetch to hand to the transport. */
  readonly fetch: typeof fetch = async (input, init) => {
    await this.#load();
    if (this.#stopped) return this.#send(input, init);
    await this.#refreshIfExpiring();
    let used = this.#tokens;
    let response = await this.#send(input, init);
    let recovery: Recovery | undefined;
    for (let round = 0; round < MAX_ATTEMPTS * 2; round++) {
      const challenge = parseWwwAuthenticate(response.headers.get('www-authenticate'));
      if (response.status === 401) {
        await this.#drain(response);
        if (recovery === 'authorized' && used !== undefined && used === this.#tokens) {
          // A token the AS has just issued for this resource, refused at once: another authorization
          // would only loop (e.g. the AS issued it for another audience).
          this.#tokens = undefined;
          await (await this.#store)?.delete(this.#serverUrl).catch(() => {});
          throw new TgError(ErrorCode.AUTH_TOKEN_FAILED, `${new URL(this.#serverUrl).host} refused the token its authorization server just issued${challenge?.error_description ? `: ${challenge.error_description}` : ''}`, {
            data: { reason: 'rejected-by-resource', ...(challenge?.error && { error: challenge.error }), ...(this.#discovery && { issuer: this.#discovery.as.issuer }) },
          });
        }
        recovery = await this.#onUnauthorized(challenge, used, recovery !== 'refreshed');
      } else if (response.status === 403 && challenge?.error === 'insufficient_scope') {
        await this.#drain(response);
        await this.#stepUp(challenge, used);
        recovery = undefined;
      } else {
        return response;
      }
      used = this.#tokens;
      response = await this.#send(input, init);
    }
    return response;
  };

  /**
   * Forgets this server's tokens here and in the store, and revokes the refresh and access tokens at
   * the AS when it has a revocation endpoint (RFC 7009). `revoked` says whether the AS confirmed;
   * the local state is gone either way. The client registration stays (it is no credential of the person).
   */
  async signOut(): Promise<{ revoked: boolean }> {
    await this.#load();
    await this.#inflight?.catch(() => {});
    const tokens = this.#tokens;
    const discovery = this.#discovery;
    const registered = discovery && this.#clients.get(discovery.as.issuer);
    this.#tokens = undefined;
    this.#scope = undefined;
    this.#attempts.clear();
    await (await this.#store)?.delete(this.#serverUrl).catch(() => {});
    if (!tokens || !discovery || !registered || !discovery.as.revocation_endpoint) return { revoked: false };
    return { revoked: await revokeTokens(discovery.as, registered, tokens, { fetch: this.#safeFetch, development: this.#oauth.development === true }) };
  }

  /** Restores tokens, registration, discovery (and the DPoP key) saved by an earlier worker, once. */
  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      const stored = await (await this.#store)?.load(this.#serverUrl).catch(() => undefined);
      if (!stored || this.#tokens) return;
      const { client, as, prm, resource, tokens, scope, dpopKeyPair } = stored;
      this.#clients.set(as.issuer, { client: { client_id: client.clientId, token_endpoint_auth_method: client.auth }, auth: client.auth, ...(client.secret !== undefined && { secret: client.secret }), how: client.how });
      this.#discovery = { as, resource, ...(prm && { prm }) };
      if (dpopKeyPair) this.#dpop = await createDPoP(dpopKeyPair);
      else if (tokens.tokenType === 'dpop') return; // bound to a key we no longer have: useless
      this.#tokens = tokens;
      if (scope !== undefined) this.#scope = scope;
      // Signed in by an earlier worker: the page learns it too (it offers "Sign out" from this).
      this.#onAuthorized?.({ issuer: as.issuer, ...((tokens.scope ?? scope) !== undefined && { scope: tokens.scope ?? scope }) });
    })();
    return this.#loaded;
  }

  async #save(): Promise<void> {
    const store = await this.#store;
    const discovery = this.#discovery;
    const tokens = this.#tokens;
    const registered = discovery && this.#clients.get(discovery.as.issuer);
    // client_credentials and private_key_jwt clients hold host config, not something to persist.
    if (!store || !discovery || !tokens || !registered || registered.privateKey || this.#oauth.grant === 'client_credentials') return;
    const record: StoredAuth = {
      issuer: discovery.as.issuer,
      resource: discovery.resource,
      tokens,
      client: { clientId: registered.client.client_id, auth: registered.auth, ...(registered.secret !== undefined && { secret: registered.secret }), how: registered.how },
      as: discovery.as,
      ...(discovery.prm && { prm: discovery.prm }),
      ...(this.#scope !== undefined && { scope: this.#scope }),
      ...(tokens.tokenType === 'dpop' && this.#dpop && { dpopKeyPair: this.#dpop.keyPair }),
    };
    await store.save(this.#serverUrl, record).catch(() => {});
  }

  /** Proactive refresh: a token with less than REFRESH_MARGIN_MS left is renewed before it is sent. */
  async #refreshIfExpiring(): Promise<void> {
    const tokens = this.#tokens;
    if (!tokens?.refreshToken || tokens.expiresAt === undefined || tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS) return;
    await this.#serialize(tokens, async () => {
      if (!(await this.#refresh(tokens))) this.#tokens = undefined; // the request goes without; its 401 starts over
    }).catch(() => {});
  }

  /** A refresh with the stored registration; false when there is none or the AS refused. */
  async #refresh(tokens: TokenSet): Promise<boolean> {
    const discovery = this.#discovery;
    const registered = discovery && this.#clients.get(discovery.as.issuer);
    if (!tokens.refreshToken || !discovery || !registered) return false;
    const run = async (): Promise<boolean> => {
      // Another worker of this origin (another tab) may have refreshed already: refresh tokens rotate,
      // and presenting the spent one again makes many ASes revoke the whole grant (reuse detection).
      if (await this.#adoptNewerStored(tokens)) return true;
      try {
        this.#tokens = await this.#tokenRequest(discovery.as, (dpop) =>
          refresh(discovery.as, registered, tokens, { fetch: this.#safeFetch, development: this.#oauth.development === true, resource: discovery.resource, ...dpop }),
        );
      } catch {
        return false;
      }
      await this.#save();
      return true;
    };
    // One refresh at a time across the origin's workers (Web Locks), so the check above is not racy.
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    return this.#store && locks ? locks.request(`toolgate-auth ${this.#serverUrl}`, run) : run();
  }

  /** Takes the stored tokens when another worker saved newer ones than `current` since we loaded. */
  async #adoptNewerStored(current: TokenSet): Promise<boolean> {
    const stored = await (await this.#store)?.load(this.#serverUrl).catch(() => undefined);
    if (!stored || stored.tokens.accessToken === current.accessToken || stored.tokens.refreshToken === current.refreshToken) return false;
    if (stored.tokens.expiresAt !== undefined && stored.tokens.expiresAt - Date.now() <= REFRESH_MARGIN_MS) return false;
    if (stored.dpopKeyPair) this.#dpop = await createDPoP(stored.dpopKeyPair);
    else if (stored.tokens.tokenType === 'dpop') return false;
    this.#tokens = stored.tokens;
    return true;
  }

  #send(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
    const headers = new Headers(init?.headers);
    if (this.#tokens?.tokenType === 'dpop' && this.#dpop) {
      const url = input instanceof Request ? input.url : String(input);
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      return fetchWithDPoP(this.#dpop, this.#tokens.accessToken, (signed) => this.#base(input, { ...init, headers: signed }), url, method, headers);
    }
    if (this.#tokens) headers.set('authorization', `Bearer ${this.#tokens.accessToken}`);
    return this.#base(input, { ...init, headers });
  }

  /** The DPoP binding for token requests to this AS, or undefined when it does not advertise DPoP (or its CORS refused it). */
  async #dpopFor(as: Discovery['as']): Promise<{ dpop?: DPoPBinding }> {
    if (!asSupportsDPoP(as) || this.#bearerOnly.has(as.issuer)) return {};
    this.#dpop ??= await createDPoP();
    return { dpop: this.#dpop };
  }

  /**
   * One token request, DPoP-bound when the AS advertises DPoP. When the browser refused it at the token
   * endpoint although the AS answers (its CORS does not allow the `DPoP` header: the request was never
   * sent), it is sent once more without a proof, for a Bearer token, and this AS gets no more proofs.
   * Not when the resource requires DPoP-bound tokens (RFC 9728 `dpop_bound_access_tokens_required`): AS
   * metadata cannot say DPoP is mandatory (RFC 9449 §5.1 only lists algorithms), the resource's can.
   */
  async #tokenRequest(as: Discovery['as'], request: (binding: { dpop?: DPoPBinding }) => Promise<TokenSet>): Promise<TokenSet> {
    const binding = await this.#dpopFor(as);
    try {
      return await request(binding);
    } catch (err) {
      const data = (err as { data?: { endpoint?: AuthEndpoint; cors?: boolean } }).data;
      if (!binding.dpop || errorCode(err) !== ErrorCode.AUTH_NETWORK_ERROR || data?.endpoint !== 'token' || data.cors !== true) throw err;
      const message = (err as Error).message;
      if (this.#discovery?.prm?.dpop_bound_access_tokens_required === true) {
        throw new TgError(ErrorCode.AUTH_NETWORK_ERROR, `${message}. ${this.#serverUrl} requires DPoP-bound tokens, so Bearer is no way out`, {
          cause: err,
          data: { ...data, dpopRequired: true },
        });
      }
      this.#bearerOnly.add(as.issuer);
      this.#onProblem?.(new TgError(ErrorCode.AUTH_NETWORK_ERROR, `${message}. Asking ${as.issuer} for a Bearer token instead`, { cause: err, data: { ...data, fallback: 'bearer' } }));
      return request({});
    }
  }

  /** Which of the AS's (or the IdP's) endpoints `url` is, for error messages; metadata URLs are told by their path. */
  #endpointOf(url: URL): AuthEndpoint | undefined {
    const as = this.#discovery?.as;
    const endpoints: [unknown, AuthEndpoint][] = [
      [as?.token_endpoint, 'token'],
      [as?.registration_endpoint, 'registration'],
      [as?.revocation_endpoint, 'revocation'],
      [this.#oauth.idJag?.idpTokenEndpoint, 'idp-token'],
      [this.#oauth.clientMetadataUrl, 'client-metadata'],
    ];
    const target = `${url.origin}${url.pathname}`;
    return endpoints.find(([endpoint]) => typeof endpoint === 'string' && sameEndpoint(endpoint, target))?.[1];
  }

  async #drain(response: Response): Promise<void> {
    await response.body?.cancel().catch(() => {});
  }

  /** One authorization (or refresh) at a time: concurrent requests wait for the one in flight. */
  async #serialize<T>(seen: TokenSet | undefined, run: () => Promise<T>): Promise<T | 'shared'> {
    if (this.#inflight) {
      await this.#inflight.catch(() => {});
      if (this.#tokens !== seen) return 'shared'; // someone else already got a new token
    }
    if (this.#tokens !== seen) return 'shared';
    const running = run();
    this.#inflight = running.then(() => undefined).finally(() => (this.#inflight = undefined));
    this.#inflight.catch(() => {}); // observed by the caller through `running`
    return running;
  }

  async #onUnauthorized(challenge: BearerChallenge | undefined, seen: TokenSet | undefined, mayRefresh: boolean): Promise<Recovery> {
    return this.#serialize(seen, async (): Promise<Recovery> => {
      const tokens = this.#tokens;
      if (mayRefresh && tokens?.refreshToken && (await this.#refresh(tokens))) return 'refreshed';
      this.#tokens = undefined; // a new authorization
      await this.#authorize(challenge, challenge?.scope);
      return 'authorized';
    });
  }

  async #stepUp(challenge: BearerChallenge, seen: TokenSet | undefined): Promise<void> {
    await this.#serialize(seen, () => this.#authorize(challenge, unionScopes(this.#scope, this.#tokens?.scope, challenge.scope)));
  }

  async #authorize(challenge: BearerChallenge | undefined, challengedScope: string | undefined): Promise<void> {
    const development = this.#oauth.development === true;
    // Discovery again when the challenge points elsewhere (the server may have moved its AS).
    if (!this.#discovery || challenge?.resource_metadata) {
      this.#discovery = await discover(this.#safeFetch, this.#serverUrl, challenge?.resource_metadata);
    }
    const { as, resource, prm } = this.#discovery;
    const scope = challengedScope ?? chooseScope(undefined, prm?.scopes_supported, as.scopes_supported);
    const key = `${as.issuer} ${scope ?? ''}`;
    const attempts = this.#attempts.get(key) ?? 0;
    if (attempts >= MAX_ATTEMPTS) {
      throw new TgError(
        challenge?.error === 'insufficient_scope' ? ErrorCode.AUTH_INSUFFICIENT_SCOPE : ErrorCode.AUTH_TOKEN_FAILED,
        `Gave up after ${MAX_ATTEMPTS} authorization attempts for ${scope ? `scope "${scope}"` : 'this server'}`,
        { data: { issuer: as.issuer, scope, attempts } },
      );
    }
    if (this.#oauth.grant === 'id-jag') {
      const { clientId, clientSecret, idJag } = this.#oauth;
      if (!clientId || !isIdJagOptions(idJag)) {
        throw new TgError(ErrorCode.AUTH_REGISTRATION_FAILED, 'The id-jag grant needs oauth.clientId and oauth.idJag (idToken, idpTokenEndpoint, idpClientId)');
      }
      const registered: RegisteredClient =
        clientSecret !== undefined
          ? { client: { client_id: clientId }, auth: chooseAuthMethod(as, true), secret: clientSecret, how: 'pre-registered' }
          : { client: { client_id: clientId }, auth: 'none', how: 'pre-registered' };
      this.#clients.set(as.issuer, registered);
      this.#attempts.set(key, attempts + 1);
      const assertion = await requestIdJag(idJag, { issuer: as.issuer, resource, ...(scope && { scope }) }, { fetch: this.#safeFetch, development });
      this.#tokens = await this.#tokenRequest(as, (dpop) => jwtBearer(as, registered, assertion, { fetch: this.#safeFetch, development, resource, ...(scope && { scope }), ...dpop }));
      this.#scope = scope;
      this.#onAuthorized?.({ issuer: as.issuer, ...((this.#tokens.scope ?? scope) !== undefined && { scope: this.#tokens.scope ?? scope }) });
      return;
    }
    if (this.#oauth.grant === 'client_credentials') {
      const { clientId, clientSecret, clientPrivateKey } = this.#oauth;
      if (!clientId || (clientSecret === undefined && !clientPrivateKey)) {
        throw new TgError(ErrorCode.AUTH_REGISTRATION_FAILED, 'The client_credentials grant needs oauth.clientId and oauth.clientSecret or oauth.clientPrivateKey');
      }
      const registered: RegisteredClient = clientPrivateKey
        ? { client: { client_id: clientId }, auth: 'private_key_jwt', privateKey: clientPrivateKey, how: 'pre-registered' }
        : { client: { client_id: clientId }, auth: chooseAuthMethod(as, true), secret: clientSecret!, how: 'pre-registered' };
      this.#clients.set(as.issuer, registered);
      this.#attempts.set(key, attempts + 1);
      this.#tokens = await this.#tokenRequest(as, (dpop) => clientCredentials(as, registered, { fetch: this.#safeFetch, development, resource, ...(scope && { scope }), ...dpop }));
      this.#scope = scope;
      this.#onAuthorized?.({ issuer: as.issuer, ...((this.#tokens.scope ?? scope) !== undefined && { scope: this.#tokens.scope ?? scope }) });
      return;
    }
    const returned = this.#oauth.callbackUrl;
    if (returned !== undefined && !this.#callbackUsed) {
      // Back from a full-page redirect: finish the flow a previous worker started (its verifier is in
      // IndexedDB). Once: a failure is rethrown to every later attempt (era detection retries) rather
      // than quietly starting another flow the page did not ask for.
      this.#resumed ??= (async () => {
        const resumed = await resumePending(pendingDatabase(this.#oauth.database), this.#serverUrl, as.issuer, returned);
        this.#clients.set(as.issuer, resumed.registered);
        const params = processCallback(as, resumed.registered.client, resumed.pending, returned);
        this.#tokens = await this.#tokenRequest(as, (dpop) => exchangeCode(as, resumed.registered, resumed.pending, params, { fetch: this.#safeFetch, development, ...dpop }));
        this.#scope = resumed.pending.scope;
        await this.#save();
        this.#onAuthorized?.({ issuer: as.issuer, ...((this.#tokens.scope ?? this.#scope) !== undefined && { scope: this.#tokens.scope ?? this.#scope }) });
      })();
      await this.#resumed;
      this.#callbackUsed = true;
      return;
    }
    const redirectUri = this.#oauth.redirectUri;
    if (!this.#onAuthorize || !redirectUri) {
      throw new TgError(ErrorCode.AUTH_REQUIRED, `${new URL(this.#serverUrl).host} requires authorization, and the page offers none (onAuthorize, oauth.redirectUri)`, {
        data: { issuer: as.issuer, ...(scope && { scope }) },
      });
    }
    let registered = this.#clients.get(as.issuer);
    if (!registered) {
      registered = await register(as, {
        ...(this.#oauth.clientId !== undefined && { clientId: this.#oauth.clientId }),
        ...(this.#oauth.clientSecret !== undefined && { clientSecret: this.#oauth.clientSecret }),
        ...(this.#oauth.clientMetadataUrl !== undefined && { clientMetadataUrl: this.#oauth.clientMetadataUrl }),
        clientName: this.#oauth.clientName ?? 'Toolgate',
        redirectUri,
        // Registered scope limits what the client may ever ask for at some servers (oidc-provider):
        // register everything the resource lists, so a later step-up is not refused as invalid_scope.
        ...(unionScopes(scope, prm?.scopes_supported?.join(' ')) !== undefined && { scope: unionScopes(scope, prm?.scopes_supported?.join(' '))! }),
        fetch: this.#safeFetch,
        development,
      });
      this.#clients.set(as.issuer, registered);
    }
    this.#attempts.set(key, attempts + 1);
    const pending = await authorizationRequest(as, registered.client, { redirectUri, resource, development, ...(scope && { scope }) });
    this.#onAuthRequired?.({ issuer: as.issuer, resource, ...(scope && { scope }) });
    // Kept worker-side before the page may navigate away (redirect fallback); removed once answered here.
    const pendingDb = this.#oauth.persist === false ? undefined : pendingDatabase(this.#oauth.database);
    if (pendingDb) await rememberPending(pendingDb, { server: this.#serverUrl, pending, client: clientRecord(registered) });
    const callbackUrl = await this.#onAuthorize(pending.url).finally(() => pendingDb && void takePending(pendingDb, pending.state));
    if (typeof callbackUrl !== 'string') throw new TgError(ErrorCode.AUTH_CANCELLED, 'The page returned no callback URL');
    const params = processCallback(as, registered.client, pending, callbackUrl);
    const tokens = await this.#tokenRequest(as, (dpop) => exchangeCode(as, registered, pending, params, { fetch: this.#safeFetch, development, ...dpop }));
    this.#tokens = tokens;
    this.#scope = scope;
    await this.#save();
    this.#onAuthorized?.({ issuer: as.issuer, ...((tokens.scope ?? scope) !== undefined && { scope: tokens.scope ?? scope }) });
  }
}

function sameEndpoint(endpoint: string, target: string): boolean {
  try {
    const url = new URL(endpoint);
    return `${url.origin}${url.pathname}` === target;
  } catch {
    return false; // not a URL: no request went there
  }
}
