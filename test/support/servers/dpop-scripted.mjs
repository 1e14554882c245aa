// @ts-check
/**
 * A scripted authorization server + DPoP-protected MCP server (RFC 9449), one origin, for the browser
 * tests of the DPoP and redirect flows. Every test uses its own tenant `/t/<tag>`: the tag's words
 * switch behaviour (`asnonce`: the token endpoint demands a DPoP nonce; `rsnonce`: the MCP endpoint
 * does; `bearer`: no DPoP advertised, plain Bearer tokens; `corsdpop`: DPoP advertised, but the token
 * endpoint's CORS preflight does not allow the `DPoP` header, and a request without a proof gets a
 * Bearer token; `dpoprequired`: the resource metadata says `dpop_bound_access_tokens_required`). The authorize endpoint answers JSON
 * `{ redirect }` (the callback URL with code, state and iss) instead of a 302, so a test plays the
 * browser. It checks what a real server checks: PKCE S256, the proof (signature with its embedded JWK,
 * typ, htm, htu, iat, jti replay, ath, nonce) and the token's key binding (jkt). `GET /__dpop/<tag>`
 * returns what it saw.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import * as jose from 'jose';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { readBody } from '../../../demo/server/http-util.mjs';
import { listenOnLoopback } from './listen.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

const MAX_BODY = 64 * 1024;
const b64u = (/** @type {Buffer} */ buf) => buf.toString('base64url');
const sha256 = (/** @type {string} */ s) => b64u(createHash('sha256').update(s).digest());

/**
 * @typedef {{ grant: string, proof: string, nonce?: string, status: number, error?: string }} TokenLog
 * @typedef {{ scheme: string, proof: string, nonce?: string, status: number, method?: string }} McpLog
 * @typedef {{
 *   asNonce: boolean, rsNonce: boolean, bearer: boolean, corsDpop: boolean, dpopRequired: boolean,
 *   codes: Map<string, { challenge: string, redirectUri: string, clientId: string, resource?: string }>,
 *   tokens: Map<string, { jkt?: string }>, refresh: Map<string, { jkt?: string }>,
 *   jtis: Set<string>, asNonceValue: string, rsNonceValue: string,
 *   log: { token: TokenLog[], mcp: McpLog[], authorize: Record<string, string>[] },
 * }} Tenant
 */

/** @param {string} tag @returns {Tenant} */
function newTenant(tag) {
  const words = new Set(tag.split('-'));
  return {
    asNonce: words.has('asnonce'),
    rsNonce: words.has('rsnonce'),
    bearer: words.has('bearer'),
    corsDpop: words.has('corsdpop'),
    dpopRequired: words.has('dpoprequired'),
    codes: new Map(),
    tokens: new Map(),
    refresh: new Map(),
    jtis: new Set(),
    asNonceValue: `as-${randomUUID()}`,
    rsNonceValue: `rs-${randomUUID()}`,
    log: { token: [], mcp: [], authorize: [] },
  };
}

/** @param {ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** @param {IncomingMessage} req @returns {Promise<string>} */
const readText = async (req) => (await readBody(req, MAX_BODY)).toString('utf8');

/**
 * RFC 9449 §4.3 checks of one proof. Returns the JWK thumbprint and the proof's nonce, or an error.
 * @param {Tenant} tenant @param {string | string[] | undefined} header @param {string} method @param {string} url @param {string} [accessToken]
 */
async function checkProof(tenant, header, method, url, accessToken) {
  if (typeof header !== 'string' || header.includes(',')) return { error: 'missing or multiple DPoP headers' };
  try {
    const { payload, protectedHeader } = await jose.jwtVerify(header, jose.EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
    const jwk = /** @type {jose.JWK} */ (protectedHeader.jwk);
    if (jwk.d !== undefined) return { error: 'private key in jwk' };
    if (payload.htm !== method) return { error: 'htm' };
    const target = new URL(url);
    if (payload.htu !== `${target.origin}${target.pathname}`) return { error: `htu ${payload.htu}` };
    if (typeof payload.iat !== 'number' || Math.abs(Date.now() / 1000 - payload.iat) > 120) return { error: 'iat' };
    if (typeof payload.jti !== 'string' || tenant.jtis.has(payload.jti)) return { error: 'jti replayed' };
    tenant.jtis.add(payload.jti);
    if (accessToken !== undefined && payload.ath !== sha256(accessToken)) return { error: 'ath' };
    return { jkt: await jose.calculateJwkThumbprint(jwk), nonce: typeof payload.nonce === 'string' ? payload.nonce : undefined };
  } catch (err) {
    return { error: `invalid proof: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function smallServer() {
  const server = new McpServer({ name: 'dpop-scripted', version: '1.0.0' });
  server.tool('whoami', 'Says hello to the bound key', async () => ({ content: [{ type: 'text', text: 'hello, key holder' }] }));
  return server;
}

/** @returns {Promise<{ origin: string, close: () => Promise<void> }>} */
export async function startDPoPServer() {
  /** @type {Map<string, Tenant>} */
  const tenants = new Map();
  let origin = '';
  const tenantOf = (/** @type {string} */ tag) => {
    let tenant = tenants.get(tag);
    if (!tenant) tenants.set(tag, (tenant = newTenant(tag)));
    return tenant;
  };

  /** @param {Tenant} tenant @param {string} tag @param {IncomingMessage} req @param {ServerResponse} res */
  async function token(tenant, tag, req, res) {
    const params = new URLSearchParams(await readText(req));
    const grant = params.get('grant_type') ?? '';
    const endpoint = `${origin}/t/${tag}/token`;
    /** @param {number} status @param {Record<string, unknown>} body @param {string} proof @param {string | undefined} nonce @param {Record<string, string>} [headers] */
    const answer = (status, body, proof, nonce, headers) => {
      tenant.log.token.push({ grant, proof, ...(nonce && { nonce }), status, ...(typeof body.error === 'string' && { error: body.error }) });
      json(res, status, body, headers);
    };
    let jkt;
    let proofState = 'none';
    let nonce;
    // A browser only gets here without a proof when the client fell back to Bearer (corsdpop).
    const bearerFallback = tenant.corsDpop && req.headers.dpop === undefined;
    if (!tenant.bearer && !bearerFallback) {
      const proof = await checkProof(tenant, req.headers.dpop, 'POST', endpoint);
      if ('error' in proof) return answer(400, { error: 'invalid_dpop_proof', error_description: proof.error }, 'invalid', undefined);
      proofState = 'valid';
      nonce = proof.nonce;
      if (tenant.asNonce && proof.nonce !== tenant.asNonceValue) {
        return answer(400, { error: 'use_dpop_nonce' }, proofState, nonce, { 'dpop-nonce': tenant.asNonceValue });
      }
      jkt = proof.jkt;
    }
    if (grant === 'authorization_code') {
      const code = tenant.codes.get(params.get('code') ?? '');
      tenant.codes.delete(params.get('code') ?? '');
      const verifier = params.get('code_verifier') ?? '';
      if (!code || sha256(verifier) !== code.challenge || params.get('redirect_uri') !== code.redirectUri) {
        return answer(400, { error: 'invalid_grant', error_description: 'code, PKCE verifier or redirect_uri' }, proofState, nonce);
      }
    } else if (grant === 'refresh_token') {
      const held = tenant.refresh.get(params.get('refresh_token') ?? '');
      if (!held || held.jkt !== jkt) return answer(400, { error: 'invalid_grant', error_description: 'refresh token unknown or bound to another key' }, proofState, nonce);
    } else {
      return answer(400, { error: 'unsupported_grant_type' }, proofState, nonce);
    }
    const access = `at-${randomUUID()}`;
    const refresh = `rt-${randomUUID()}`;
    tenant.tokens.set(access, { ...(jkt && { jkt }) });
    tenant.refresh.set(refresh, { ...(jkt && { jkt }) });
    answer(200, { access_token: access, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: 3600, refresh_token: refresh }, proofState, nonce);
  }

  /** @param {Tenant} tenant @param {string} tag @param {IncomingMessage} req @param {ServerResponse} res */
  async function mcp(tenant, tag, req, res) {
    const url = `${origin}/t/${tag}/mcp`;
    const metadata = `${origin}/.well-known/oauth-protected-resource/t/${tag}/mcp`;
    const authorization = req.headers.authorization ?? '';
    const [given = '', value = ''] = authorization.split(' ');
    const held = tenant.tokens.get(value);
    // The scheme the token was issued for (DPoP-bound when it has a key thumbprint); challenges name DPoP unless the AS has none.
    const scheme = held ? (held.jkt ? 'DPoP' : 'Bearer') : tenant.bearer ? 'Bearer' : 'DPoP';
    /** @param {number} status @param {string} proof @param {string | undefined} nonce @param {Record<string, string>} headers */
    const refuse = (status, proof, nonce, headers) => {
      tenant.log.mcp.push({ scheme: given, proof, ...(nonce && { nonce }), status });
      json(res, status, { error: 'unauthorized' }, headers);
    };
    if (!held || given.toLowerCase() !== scheme.toLowerCase()) {
      return refuse(401, 'n/a', undefined, { 'www-authenticate': `${scheme} resource_metadata="${metadata}"` });
    }
    let proofState = 'n/a';
    let nonce;
    if (held.jkt) {
      const proof = await checkProof(tenant, req.headers.dpop, req.method ?? 'GET', url, value);
      if ('error' in proof || proof.jkt !== held.jkt) {
        return refuse(401, 'error' in proof ? String(proof.error) : 'jkt mismatch', undefined, { 'www-authenticate': `DPoP error="invalid_dpop_proof", resource_metadata="${metadata}"` });
      }
      proofState = 'valid';
      nonce = proof.nonce;
      if (tenant.rsNonce && proof.nonce !== tenant.rsNonceValue) {
        return refuse(401, proofState, nonce, { 'www-authenticate': `DPoP error="use_dpop_nonce", resource_metadata="${metadata}"`, 'dpop-nonce': tenant.rsNonceValue });
      }
    }
    if (req.method !== 'POST') {
      tenant.log.mcp.push({ scheme: given, proof: proofState, ...(nonce && { nonce }), status: 405 });
      return json(res, 405, { error: 'POST only' });
    }
    const body = JSON.parse(await readText(req));
    tenant.log.mcp.push({ scheme: given, proof: proofState, ...(nonce && { nonce }), status: 200, method: body?.method });
    const server = smallServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const tokenTag = /^\/t\/([\w-]+)\/token$/.exec(url.pathname)?.[1];
    const refusesDpop = tokenTag !== undefined && tenantOf(tokenTag).corsDpop;
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader(
      'access-control-allow-headers',
      `authorization, content-type, ${refusesDpop ? '' : 'dpop, '}mcp-protocol-version, mcp-session-id, mcp-method, mcp-name, last-event-id, accept`,
    );
    res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
    res.setHeader('access-control-expose-headers', 'www-authenticate, dpop-nonce, mcp-session-id, mcp-protocol-version');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    try {
      let m;
      if ((m = /^\/__dpop\/([\w-]+)$/.exec(url.pathname))) return json(res, 200, tenantOf(m[1] ?? '').log);
      if ((m = /^\/\.well-known\/oauth-protected-resource\/t\/([\w-]+)\/mcp$/.exec(url.pathname))) {
        const tag = m[1] ?? '';
        return json(res, 200, {
          resource: `${origin}/t/${tag}/mcp`,
          authorization_servers: [`${origin}/t/${tag}`],
          ...(tenantOf(tag).dpopRequired && { dpop_bound_access_tokens_required: true }),
        });
      }
      if ((m = /^\/\.well-known\/oauth-authorization-server\/t\/([\w-]+)$/.exec(url.pathname))) {
        const tag = m[1] ?? '';
        const base = `${origin}/t/${tag}`;
        return json(res, 200, {
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          authorization_response_iss_parameter_supported: true,
          ...(!tenantOf(tag).bearer && { dpop_signing_alg_values_supported: ['ES256'] }),
        });
      }
      if ((m = /^\/t\/([\w-]+)\/(authorize|token|mcp)$/.exec(url.pathname))) {
        const tag = m[1] ?? '';
        const tenant = tenantOf(tag);
        if (m[2] === 'authorize') {
          const q = url.searchParams;
          tenant.log.authorize.push(Object.fromEntries(q));
          const redirectUri = q.get('redirect_uri') ?? '';
          if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !redirectUri) return json(res, 400, { error: 'invalid_request' });
          const code = `code-${randomUUID()}`;
          tenant.codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri, clientId: q.get('client_id') ?? '' });
          const back = new URL(redirectUri);
          back.searchParams.set('code', code);
          back.searchParams.set('state', q.get('state') ?? '');
          back.searchParams.set('iss', `${origin}/t/${tag}`);
          return json(res, 200, { redirect: back.href });
        }
        if (m[2] === 'token' && req.method === 'POST') return await token(tenant, tag, req, res);
        if (m[2] === 'mcp') return await mcp(tenant, tag, req, res);
      }
      json(res, 404, { error: 'not found' });
    } catch (err) {
      if (!res.headersSent) json(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    }
  });
  const listening = await listenOnLoopback(http);
  origin = listening.origin;
  return { origin, close: listening.close };
}
