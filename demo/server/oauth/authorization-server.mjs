// @ts-check
/// <reference path="./oidc-provider.d.ts" />
/**
 * A real OAuth 2.1 authorization server for the demo and the browser tests: `oidc-provider` v8 on
 * 127.0.0.1 (http; the client accepts it only with `oauth.development: true`).
 *
 * - Dynamic Client Registration (open, no initial access token), PKCE S256 required;
 * - RFC 8707 resource indicators: access tokens are JWTs for the MCP resource (audience = the
 *   canonical MCP server URL), `sub` = the account;
 * - refresh tokens for every client allowed the grant (no `offline_access` ceremony), rotated;
 * - revocation, introspection, DPoP (RFC 9449) all on;
 * - CORS for the browser: oidc-provider does it for token/revocation/introspection (clientBasedCORS,
 *   here any loopback origin); registration has none of its own, so this module adds it;
 * - a test-friendly interaction: `/interaction/:uid` finishes login and consent at once for a fixed
 *   account, granting what was asked, so a real popup completes without a person;
 * - `/__test/*` control routes (only with `testHooks`): the tokens it issued (so a test can search
 *   for them where they must not be), the revocations it saw, the access-token lifetime.
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { readBody } from '../http-util.mjs';
import { memoryAdapter } from './memory-adapter.mjs';

/** The largest request body this server reads itself (test hooks, the token and revocation requests it inspects). */
const MAX_BODY = 64 * 1024;

/** The fixed account the test interaction signs in. */
export const TEST_ACCOUNT = 'tg-test-user';
export const DEFAULT_SCOPES = ['notes:read', 'notes:write'];

/**
 * @typedef {object} AuthorizationServerOptions
 * @property {string} [host] default 127.0.0.1
 * @property {number} [port] default 0
 * @property {string[]} [resources] resource indicators (MCP server URLs) this AS issues tokens for;
 *   more can be added later with `addResource`
 * @property {string[]} [scopes] the resource scopes; default notes:read notes:write
 * @property {number} [accessTokenTtl] seconds; default 600
 * @property {boolean} [testHooks] serve `/__test/*`; default false
 */

/**
 * @typedef {object} IssuedToken
 * @property {'access_token' | 'refresh_token'} kind
 * @property {string} value
 * @property {string} grantType
 * @property {string} [clientId]
 */

/**
 * @typedef {object} AuthorizationServer
 * @property {string} issuer
 * @property {Provider} provider
 * @property {(resource: string) => void} addResource
 * @property {IssuedToken[]} issued every token the token endpoint handed out, in order
 * @property {() => Promise<void>} close
 */

/** @param {string | undefined} origin */
function isLoopbackOrigin(origin) {
  if (!origin) return false;
  try {
    const { hostname, protocol } = new URL(origin);
    return (protocol === 'http:' || protocol === 'https:') && (hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]');
  } catch {
    return false;
  }
}


/**
 * @param {AuthorizationServerOptions} [options]
 * @returns {Promise<AuthorizationServer>}
 */
export async function startAuthorizationServer({ host = '127.0.0.1', port = 0, resources = [], scopes = DEFAULT_SCOPES, accessTokenTtl = 600, testHooks = false } = {}) {
  const allowed = new Set(resources);
  let ttl = accessTokenTtl;
  /** Audience override for negative tests: a token "for another resource". */
  /** @type {string | undefined} */
  let audienceOverride;
  /** @type {IssuedToken[]} */
  const issued = [];
  /** @type {{ tokenTypeHint: string | null, known: IssuedToken['kind'] | undefined }[]} */
  const revocations = [];

  // Listen first: the issuer must name the port.
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('authorization server is not listening on TCP');
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'tg-demo-es256', alg: 'ES256', use: 'sig' };
  const cookieKey = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

  const provider = new Provider(issuer, {
    // Its own store (oidc-provider's fallback is shared by every provider in the process, and warns).
    adapter: memoryAdapter(),
    jwks: { keys: [signingKey] },
    cookies: { keys: [cookieKey] },
    findAccount: async (/** @type {unknown} */ _ctx, /** @type {string} */ sub) => ({ accountId: sub, claims: async () => ({ sub, name: 'Test User' }) }),
    claims: { openid: ['sub'], profile: ['name'] },
    responseTypes: ['code'],
    // One signing key (ES256) for ID tokens and JWT access tokens alike.
    clientDefaults: { id_token_signed_response_alg: 'ES256', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
    scopes: ['openid', 'offline_access', ...scopes],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },
    // Public browser clients get refresh tokens too (OAuth 2.1 §4.3.1: then they must rotate).
    issueRefreshToken: async (/** @type {unknown} */ _ctx, /** @type {{ grantTypeAllowed(type: string): boolean }} */ client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    clientBasedCORS: (/** @type {unknown} */ _ctx, /** @type {string} */ origin) => isLoopbackOrigin(origin),
    ttl: {
      AccessToken: () => ttl,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      RefreshToken: 24 * 3600,
      Session: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // The client sends `resource` at the token endpoint too; a refresh may omit it.
        useGrantedResource: () => true,
        defaultResource: () => undefined,
        getResourceServerInfo: (/** @type {unknown} */ _ctx, /** @type {string} */ resourceIndicator) => {
          if (!allowed.has(resourceIndicator)) throw new Provider.errors.InvalidTarget(`unknown resource ${resourceIndicator}`);
          return {
            scope: scopes.join(' '),
            audience: audienceOverride ?? resourceIndicator,
            accessTokenTTL: ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    interactions: { url: (/** @type {unknown} */ _ctx, /** @type {{ uid: string }} */ interaction) => `/interaction/${interaction.uid}` },
    renderError: (/** @type {{ type: string, body: unknown }} */ ctx, /** @type {unknown} */ out) => {
      ctx.type = 'application/json';
      ctx.body = out;
    },
  });
  // Loopback http issuer: koa must not think the request is proxied https.
  provider.proxy = false;

  const callback = provider.callback();

  /**
   * Login, then consent: both prompts finish at once for TEST_ACCOUNT, granting every requested
   * OIDC scope and resource scope.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   */
  async function interact(req, res) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params } = details;
    if (prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: TEST_ACCOUNT } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: TEST_ACCOUNT, clientId: String(params.client_id) });
    if (!grant) throw new Error('grant vanished');
    const missing = /** @type {Record<string, any>} */ (prompt.details);
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, list] of Object.entries(missing.missingResourceScopes)) grant.addResourceScope(indicator, list.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /** Records the tokens in a token response (tests look for them where they must not be). */
  function recordTokens(/** @type {Buffer} */ requestBody, /** @type {string} */ responseText) {
    const form = new URLSearchParams(requestBody.toString('utf8'));
    let body;
    try {
      body = JSON.parse(responseText);
    } catch {
      return;
    }
    const grantType = form.get('grant_type') ?? '';
    const clientId = form.get('client_id') ?? undefined;
    for (const kind of /** @type {const} */ (['access_token', 'refresh_token'])) {
      if (typeof body?.[kind] === 'string') issued.push({ kind, value: body[kind], grantType, ...(clientId && { clientId }) });
    }
  }

  /**
   * Runs the provider on a request whose body was already read (to record it): oidc-provider takes
   * `req.body` when the stream is consumed.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {Buffer} body
   */
  function replay(req, res, body) {
    /** @type {any} */ (req).body = body;
    return callback(req, res);
  }

  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
  const json = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  async function testHook(req, res, url) {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const body = req.method === 'POST' ? JSON.parse((await readBody(req, MAX_BODY)).toString('utf8') || '{}') : {};
    switch (url.pathname) {
      case '/__test/issued':
        return json(res, 200, { issued });
      case '/__test/revocations':
        return json(res, 200, { revocations });
      case '/__test/refresh-token-active': {
        // Whether a refresh token the AS issued is still good (after revocation it is gone).
        const value = String(body.value ?? '');
        const token = await provider.RefreshToken.find(value);
        return json(res, 200, { active: Boolean(token && !token.isExpired) });
      }
      case '/__test/settings':
        if (typeof body.accessTokenTtl === 'number') ttl = body.accessTokenTtl;
        if ('audienceOverride' in body) audienceOverride = body.audienceOverride ?? undefined;
        return json(res, 200, { accessTokenTtl: ttl, audienceOverride: audienceOverride ?? null });
      default:
        return json(res, 404, { error: 'no such hook' });
    }
  }

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const run = async () => {
      if (testHooks && url.pathname.startsWith('/__test/')) return testHook(req, res, url);
      if (url.pathname.startsWith('/interaction/') && req.method === 'GET') return interact(req, res);
      // oidc-provider has no CORS on the registration endpoint; a browser client registers with fetch.
      if (url.pathname === '/reg') {
        const origin = req.headers.origin;
        if (isLoopbackOrigin(origin)) {
          res.setHeader('access-control-allow-origin', /** @type {string} */ (origin));
          res.setHeader('vary', 'origin');
          res.setHeader('access-control-allow-headers', 'content-type, authorization');
          res.setHeader('access-control-allow-methods', 'POST');
        }
        if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const body = await readBody(req, MAX_BODY);
        const chunks = /** @type {Buffer[]} */ ([]);
        const write = res.write.bind(res);
        const end = res.end.bind(res);
        res.write = /** @type {any} */ ((/** @type {any} */ chunk, /** @type {any[]} */ ...rest) => {
          if (chunk) chunks.push(Buffer.from(chunk));
          return write(chunk, ...rest);
        });
        res.end = /** @type {any} */ ((/** @type {any} */ chunk, /** @type {any[]} */ ...rest) => {
          if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
          if (res.statusCode === 200) recordTokens(body, Buffer.concat(chunks).toString('utf8'));
          return end(chunk, ...rest);
        });
        return replay(req, res, body);
      }
      if (url.pathname === '/token/revocation' && req.method === 'POST') {
        const body = await readBody(req, MAX_BODY);
        const form = new URLSearchParams(body.toString('utf8'));
        const value = form.get('token');
        revocations.push({ tokenTypeHint: form.get('token_type_hint'), known: issued.find((t) => t.value === value)?.kind });
        return replay(req, res, body);
      }
      return callback(req, res);
    };
    run().catch((error) => {
      if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });

  return {
    issuer,
    provider,
    addResource: (resource) => void allowed.add(resource),
    issued,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
