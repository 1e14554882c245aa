// @ts-check
/**
 * The demo authorization server (oidc-provider) and the protected demo MCP server, from Node with
 * oauth4webapi as the client: DCR, the automatic interaction, PKCE, JWT access tokens for the MCP
 * resource, refresh rotation; the resource server's challenges, audience check, DPoP binding, and the
 * single-use WebSocket ticket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import WebSocket from 'ws';
import { startAuthorizationServer, TEST_ACCOUNT } from '../../demo/server/oauth/authorization-server.mjs';
import { startDemoServer } from '../../demo/server/server.mjs';

const REDIRECT = 'http://localhost:9/callback';
const insecure = { [oauth.allowInsecureRequests]: true };

/** @typedef {Awaited<ReturnType<typeof startAuthorizationServer>>} As */
/** @typedef {Awaited<ReturnType<typeof startDemoServer>>} Demo */

/**
 * Follows the authorization redirects (login and consent finish by themselves) with a cookie jar,
 * up to the redirect URI; returns the callback URL.
 * @param {string} url
 */
async function authorizeHeadless(url) {
  /** @type {Map<string, string>} */
  const jar = new Map();
  let next = url;
  for (let i = 0; i < 10; i++) {
    if (next.startsWith(REDIRECT)) return new URL(next);
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = /** @type {string} */ (pair).split('=');
      jar.set(/** @type {string} */ (name), value.join('='));
    }
    const location = response.headers.get('location');
    assert.ok(location, `no redirect from ${next}: HTTP ${response.status} ${await response.text()}`);
    next = new URL(location, next).href;
  }
  throw new Error('too many redirects');
}

/**
 * @param {As} as
 * @param {string} resource
 * @param {{ scope?: string, dpop?: oauth.DPoPHandle }} [options]
 */
async function getTokens(as, resource, { scope = 'notes:read', dpop } = {}) {
  const metadata = await oauth.processDiscoveryResponse(new URL(as.issuer), await oauth.discoveryRequest(new URL(as.issuer), { algorithm: 'oidc', ...insecure }));
  const registration = await oauth.dynamicClientRegistrationRequest(
    metadata,
    { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'notes:read notes:write' },
    insecure,
  );
  const client = /** @type {oauth.Client} */ (await registration.json());
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(/** @type {string} */ (metadata.authorization_endpoint));
  url.search = new URLSearchParams({ client_id: client.client_id, redirect_uri: REDIRECT, response_type: 'code', scope, resource, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
  const callback = await authorizeHeadless(url.href);
  const params = oauth.validateAuthResponse(metadata, client, callback);
  const response = await oauth.authorizationCodeGrantRequest(metadata, client, oauth.None(), params, REDIRECT, verifier, { additionalParameters: { resource }, ...(dpop && { DPoP: dpop }), ...insecure });
  return { metadata, client, tokens: await oauth.processAuthorizationCodeResponse(metadata, client, response) };
}

/** @param {string} url @param {string} token @param {unknown} body */
function post(url, token, body, scheme = 'Bearer') {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `${scheme} ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify(body),
  });
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

/** @param {string} url @param {string[]} protocols @returns {Promise<string | false>} the chosen subprotocol, or false */
function wsOpens(url, protocols) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols);
    ws.on('open', () => {
      const chosen = ws.protocol;
      ws.close();
      resolve(chosen);
    });
    ws.on('error', () => resolve(false));
  });
}

describe('demo OAuth: authorization server + protected MCP server', () => {
  /** @type {As} */
  let as;
  /** @type {Demo} */
  let demo;

  before(async () => {
    as = await startAuthorizationServer();
    demo = await startDemoServer({ oauth: { issuer: as.issuer } });
    as.addResource(demo.httpUrl);
  });
  after(async () => {
    await demo.close();
    await as.close();
  });

  it('serves protected-resource metadata naming the AS, and challenges without a token', async () => {
    const prm = await (await fetch(new URL('/.well-known/oauth-protected-resource/mcp', demo.httpUrl))).json();
    assert.equal(prm.resource, demo.httpUrl);
    assert.deepEqual(prm.authorization_servers, [as.issuer]);
    const response = await fetch(demo.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(initialize) });
    assert.equal(response.status, 401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.match(challenge, /resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/);
    assert.match(challenge, /scope="notes:read"/);
  });

  it('issues a JWT access token for the MCP resource with the account as sub, and a refresh token that rotates', async () => {
    const { metadata, client, tokens } = await getTokens(as, demo.httpUrl);
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString());
    assert.equal(claims.aud, demo.httpUrl);
    assert.equal(claims.iss, as.issuer);
    assert.equal(claims.sub, TEST_ACCOUNT);
    assert.equal(claims.scope, 'notes:read');
    assert.ok(tokens.refresh_token);
    const ok = await post(demo.httpUrl, tokens.access_token, initialize);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const refreshed = await oauth.processRefreshTokenResponse(metadata, client, await oauth.refreshTokenGrantRequest(metadata, client, oauth.None(), /** @type {string} */ (tokens.refresh_token), { additionalParameters: { resource: demo.httpUrl }, ...insecure }));
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  });

  it('answers 403 insufficient_scope with the union of scopes for delete_note', async () => {
    const { tokens } = await getTokens(as, demo.httpUrl);
    const response = await post(demo.httpUrl, tokens.access_token, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'delete_note', arguments: { id: 'note-1' } } });
    assert.equal(response.status, 403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /error="insufficient_scope"/);
    assert.match(challenge, /scope="notes:read notes:write"/);
  });

  it('refuses a token for another audience with 401 invalid_token', async () => {
    const other = await startDemoServer({ oauth: { issuer: as.issuer } });
    try {
      as.addResource(other.httpUrl);
      const { tokens } = await getTokens(as, other.httpUrl);
      const response = await post(demo.httpUrl, tokens.access_token, initialize);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    } finally {
      await other.close();
    }
  });

  it('binds tokens to a DPoP key: refused as Bearer or without a proof, accepted with one', async () => {
    const keyPair = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']));
    const dpop = oauth.DPoP({}, keyPair);
    const { tokens } = await getTokens(as, demo.httpUrl, { dpop });
    assert.equal(tokens.token_type, 'dpop');
    const asBearer = await post(demo.httpUrl, tokens.access_token, initialize);
    assert.equal(asBearer.status, 401);
    const noProof = await post(demo.httpUrl, tokens.access_token, initialize, 'DPoP');
    assert.equal(noProof.status, 401);
    const withProof = await oauth.protectedResourceRequest(tokens.access_token, 'POST', new URL(demo.httpUrl), new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' }), JSON.stringify(initialize), { DPoP: dpop, ...insecure });
    assert.equal(withProof.status, 200);
    await withProof.body?.cancel();
    assert.ok(demo.guard && demo.guard.stats.dpop > 0);
  });

  it('issues a single-use WebSocket ticket: the handshake with it opens once and never again', async () => {
    const { tokens } = await getTokens(as, demo.httpUrl);
    const unauthorized = await fetch(`${demo.httpUrl}/ws-ticket`, { method: 'POST' });
    assert.equal(unauthorized.status, 401);
    const response = await post(`${demo.httpUrl}/ws-ticket`, tokens.access_token, {});
    assert.equal(response.status, 200);
    const { ticket, expires_in: expiresIn } = await response.json();
    assert.match(ticket, /^[A-Za-z0-9_-]{16,}$/);
    assert.ok(expiresIn <= 30);
    assert.equal(await wsOpens(demo.wsUrl, ['mcp']), false);
    // The server picks an MCP framing, never the ticket.
    assert.equal(await wsOpens(demo.wsUrl, ['mcp', `mcp.ticket.${ticket}`]), 'mcp');
    assert.equal(await wsOpens(demo.wsUrl, ['mcp', `mcp.ticket.${ticket}`]), false);
  });
});
