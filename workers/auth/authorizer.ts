/**
 * The authorizing fetch one connection's transport uses: adds `Authorization: Bearer`, and on a 401
 * challenge refreshes (when it can) or runs discovery → registration → authorization (the page opens
 * the popup; this worker builds the URL and checks the callback) → token, then retries the request.
 * A 403 `insufficient_scope` steps up with the union of scopes, at most MAX_ATTEMPTS per scope set.
 * Tokens and client secrets live only in #private fields of this worker (never returned to the page).
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import { discover, type Discovery } from './discovery.js';
import { asSupportsDPoP, createDPoP, fetchWithDPoP, type DPoPBinding } from './dpop.js';
import { authorizationRequest, processCallback } from './pkce/authorize.js';
import { chooseAuthMethod, register, type RegisteredClient } from './registration.js';
import { createSafeFetch } from './safe-fetch.js';
import { chooseScope, unionScopes } from './scopes.js';
import { clientCredentials, exchangeCode, refresh, type TokenSet } from './tokens.js';
import { parseWwwAuthenticate, type BearerChallenge } from './www-authenticate.js';

export const MAX_ATTEMPTS = 3;

/** Host configuration for OAuth (`ConnectionConfig.oauth`). */
export interface OAuthOptions {
  /** Where the AS sends the browser back; the page's callback page (e.g. `/oauth-callback.html`). */
  redirectUri?: string;
  /** A pre-registered client (tried first). A secret is for hosts that hand one over by config, never baked into a page. */
  clientId?: string;
  clientSecret?: string;
  /** An https URL the host serves with its Client ID Metadata Document (its `client_id` is this URL). */
  clientMetadataUrl?: string;
  /** `client_name` for DCR. Default "Toolgate". */
  clientName?: string;
  /** Allows http:// and loopback authorization servers. Development only. */
  development?: boolean;
  /**
   * `client_credentials` (SEP-1046): no person, no popup; needs `clientId` and `clientSecret` (a
   * machine credential the host hands over by config). Default `authorization_code`.
   */
  grant?: 'authorization_code' | 'client_credentials';
  /** For `client_credentials` with `private_key_jwt`: a non-extractable signing key (ES256/RS256…). */
  clientPrivateKey?: CryptoKey;
}

/** Asks the page to send the person to the authorization URL; resolves with the callback URL. */
export type AuthorizeHandler = (authorizationUrl: string) => Promise<string>;

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
}

export class Authorizer {
  readonly #serverUrl: string;
  readonly #oauth: OAuthOptions;
  readonly #onAuthorize?: AuthorizeHandler;
  readonly #base: typeof fetch;
  readonly #safeFetch: typeof fetch;
  readonly #onAuthorized?: AuthorizerOptions['onAuthorized'];
  /** Client registrations per issuer: credentials never go to another AS. */
  readonly #clients = new Map<string, RegisteredClient>();
  readonly #attempts = new Map<string, number>();
  #discovery?: Discovery;
  #tokens?: TokenSet;
  /** The DPoP key of this connection (non-extractable), made when an AS first advertises DPoP. */
  #dpop?: DPoPBinding;
  #scope?: string;
  #inflight?: Promise<void>;

  constructor(options: AuthorizerOptions) {
    this.#serverUrl = options.serverUrl;
    this.#oauth = options.oauth;
    if (options.onAuthorize) this.#onAuthorize = options.onAuthorize;
    if (options.onAuthorized) this.#onAuthorized = options.onAuthorized;
    this.#base = options.fetch ?? ((input, init) => fetch(input, init));
    this.#safeFetch = createSafeFetch({ development: options.oauth.development === true, ...(options.authFetch && { fetch: options.authFetch }) });
  }

  /** True once a token is held (for diagnostics; the token itself is never exposed). */
  get authorized(): boolean {
    return this.#tokens !== undefined;
  }

  /** The fetch to hand to the transport. */
  readonly fetch: typeof fetch = async (input, init) => {
    let used = this.#tokens;
    let response = await this.#send(input, init);
    for (let round = 0; round < MAX_ATTEMPTS * 2; round++) {
      const challenge = parseWwwAuthenticate(response.headers.get('www-authenticate'));
      if (response.status === 401) {
        await this.#drain(response);
        await this.#onUnauthorized(challenge, used);
      } else if (response.status === 403 && challenge?.error === 'insufficient_scope') {
        await this.#drain(response);
        await this.#stepUp(challenge, used);
      } else {
        return response;
      }
      used = this.#tokens;
      response = await this.#send(input, init);
    }
    return response;
  };

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

  /** The DPoP binding for token requests to this AS, or undefined when it does not advertise DPoP. */
  async #dpopFor(as: Discovery['as']): Promise<{ dpop?: DPoPBinding }> {
    if (!asSupportsDPoP(as)) return {};
    this.#dpop ??= await createDPoP();
    return { dpop: this.#dpop };
  }

  async #drain(response: Response): Promise<void> {
    await response.body?.cancel().catch(() => {});
  }

  /** One authorization at a time: concurrent requests wait for the one in flight. */
  async #serialize(seen: TokenSet | undefined, run: () => Promise<void>): Promise<void> {
    if (this.#inflight) {
      await this.#inflight;
      if (this.#tokens !== seen) return; // someone else already got a new token
    }
    if (this.#tokens !== seen) return;
    this.#inflight = run().finally(() => (this.#inflight = undefined));
    await this.#inflight;
  }

  #onUnauthorized(challenge: BearerChallenge | undefined, seen: TokenSet | undefined): Promise<void> {
    return this.#serialize(seen, async () => {
      const tokens = this.#tokens;
      if (tokens?.refreshToken && this.#discovery) {
        const registered = this.#clients.get(this.#discovery.as.issuer);
        if (registered) {
          try {
            this.#tokens = await refresh(this.#discovery.as, registered, tokens, { fetch: this.#safeFetch, development: this.#oauth.development === true, resource: this.#discovery.resource, ...(await this.#dpopFor(this.#discovery.as)) });
            return;
          } catch {
            this.#tokens = undefined; // fall through to a new authorization
          }
        }
      }
      await this.#authorize(challenge, challenge?.scope);
    });
  }

  #stepUp(challenge: BearerChallenge, seen: TokenSet | undefined): Promise<void> {
    return this.#serialize(seen, () => this.#authorize(challenge, unionScopes(this.#scope, this.#tokens?.scope, challenge.scope)));
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
      this.#tokens = await clientCredentials(as, registered, { fetch: this.#safeFetch, development, resource, ...(scope && { scope }), ...(await this.#dpopFor(as)) });
      this.#scope = scope;
      this.#onAuthorized?.({ issuer: as.issuer, ...((this.#tokens.scope ?? scope) !== undefined && { scope: this.#tokens.scope ?? scope }) });
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
    const callbackUrl = await this.#onAuthorize(pending.url);
    if (typeof callbackUrl !== 'string') throw new TgError(ErrorCode.AUTH_CANCELLED, 'The page returned no callback URL');
    const params = processCallback(as, registered.client, pending, callbackUrl);
    const tokens = await exchangeCode(as, registered, pending, params, { fetch: this.#safeFetch, development, ...(await this.#dpopFor(as)) });
    this.#tokens = tokens;
    this.#scope = scope;
    this.#onAuthorized?.({ issuer: as.issuer, ...((tokens.scope ?? scope) !== undefined && { scope: tokens.scope ?? scope }) });
  }
}
