// @ts-check
/**
 * The demo MCP server as an OAuth protected resource (MCP authorization, RFC 9728, RFC 6750):
 * - serves its protected-resource metadata at `/.well-known/oauth-protected-resource<path>`;
 * - answers a request without a valid token with 401 and
 *   `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (`error="invalid_token"` when one was sent);
 * - verifies JWT access tokens with `jose` against the authorization server's JWKS: signature, `iss`,
 *   `aud` = this server's canonical URL, expiry;
 * - answers 403 `insufficient_scope` (with the scope needed) for a tool that needs more, e.g.
 *   `notes:write` for `delete_note`;
 * - accepts DPoP-bound tokens (`Authorization: DPoP`, RFC 9449): the proof's signature, `htm`,
 *   `htu`, `iat`, `ath` and the key thumbprint against the token's `cnf.jkt`;
 * - issues single-use WebSocket tickets: `POST <mcp path>/ws-ticket` with the token returns an
 *   opaque ticket valid for 30 s, which the client offers as the subprotocol `mcp.ticket.<ticket>`
 *   (a browser cannot set `Authorization` on a WebSocket handshake, and a token must not go in a URL).
 */
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, createRemoteJWKSet, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';

export const TICKET_PREFIX = 'mcp.ticket.';
export const TICKET_TTL_MS = 30_000;
const DPOP_MAX_AGE_S = 300;

/**
 * @typedef {object} ResourceGuardOptions
 * @property {string} issuer the authorization server
 * @property {string} resource this server's canonical URL (the token audience), e.g. http://127.0.0.1:8787/mcp
 * @property {string[]} [scopes] what a token needs for any request; default ['notes:read']
 * @property {Record<string, string[]>} [toolScopes] extra scopes per tool; default delete_note → notes:write
 * @property {string[]} [scopesSupported] listed in the metadata; default notes:read notes:write
 */

/**
 * @typedef {{ sub?: string, scope: string[], jti?: string, exp?: number, clientId?: string }} Principal
 * @typedef {{ ok: true, principal: Principal } | { ok: false, status: number, headers: Record<string, string>, body: unknown }} Verdict
 */

/** @param {string} value */
const quote = (value) => `"${value.replace(/["\\]/g, '')}"`;

/** @param {ResourceGuardOptions} options */
export function createResourceGuard({ issuer, resource, scopes = ['notes:read'], toolScopes = { delete_note: ['notes:write'] }, scopesSupported = ['notes:read', 'notes:write'] }) {
  const resourceUrl = new URL(resource);
  const metadataPath = `/.well-known/oauth-protected-resource${resourceUrl.pathname === '/' ? '' : resourceUrl.pathname}`;
  const metadataUrl = new URL(metadataPath, resourceUrl.origin).href;
  const ticketPath = `${resourceUrl.pathname.replace(/\/$/, '')}/ws-ticket`;
  /** @type {ReturnType<typeof createRemoteJWKSet> | undefined} */
  let jwks;
  /** Test controls: tokens the server treats as expired (by jti), counters. */
  const expiredJti = new Set();
  /** Ids of the tokens this server accepted, for the `expire` control. */
  const acceptedJti = new Set();
  const stats = { unauthorized: 0, forbidden: 0, accepted: 0, ticketsIssued: 0, ticketsUsed: 0, ticketsRefused: 0, dpop: 0 };
  /** @type {Map<string, { principal: Principal, expiresAt: number }>} */
  const tickets = new Map();
  /** DPoP proof ids already seen (replay), kept for the proofs' lifetime. */
  /** @type {Map<string, number>} */
  const seenProofs = new Map();

  async function keys() {
    if (!jwks) {
      const response = await fetch(new URL('/.well-known/openid-configuration', issuer));
      const metadata = /** @type {{ jwks_uri?: string, issuer?: string }} */ (await response.json());
      if (metadata.issuer !== issuer || typeof metadata.jwks_uri !== 'string') throw new Error(`bad AS metadata for ${issuer}`);
      jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
    }
    return jwks;
  }

  const metadata = () => ({
    resource,
    authorization_servers: [issuer],
    scopes_supported: scopesSupported,
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
    resource_name: 'Toolgate demo notes',
  });

  /**
   * @param {number} status @param {string} scope @param {{ error?: string, description?: string, scheme?: string }} [extra]
   * @returns {Verdict}
   */
  function challenge(status, scope, extra = {}) {
    const params = [`resource_metadata=${quote(metadataUrl)}`, `scope=${quote(scope)}`];
    if (extra.error) params.push(`error=${quote(extra.error)}`);
    if (extra.description) params.push(`error_description=${quote(extra.description)}`);
    if (status === 401) stats.unauthorized++;
    else stats.forbidden++;
    return {
      ok: false,
      status,
      headers: { 'www-authenticate': `${extra.scheme ?? 'Bearer'} ${params.join(', ')}` },
      body: { error: extra.error ?? 'unauthorized', ...(extra.description && { error_description: extra.description }) },
    };
  }

  /**
   * RFC 9449 §4.3: the proof is a JWT signed by the key in its header, for this method and URL,
   * fresh, bound to this access token (`ath`), and its key is the one the token is bound to.
   * @param {string | undefined} proof @param {string} method @param {string} url @param {string} token @param {string} jkt
   */
  async function checkDpopProof(proof, method, url, token, jkt) {
    if (!proof) throw new Error('DPoP proof missing');
    const header = decodeProtectedHeader(proof);
    if (header.typ !== 'dpop+jwt') throw new Error('DPoP proof typ is not dpop+jwt');
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: DPOP_MAX_AGE_S, clockTolerance: 5 });
    const target = new URL(url);
    target.search = '';
    target.hash = '';
    if (payload.htm !== method) throw new Error('DPoP htm mismatch');
    if (typeof payload.htu !== 'string' || new URL(payload.htu).href.replace(/[?#].*$/, '') !== target.href) throw new Error('DPoP htu mismatch');
    const ath = createHash('sha256').update(token).digest('base64url');
    if (payload.ath !== ath) throw new Error('DPoP ath mismatch');
    if (!protectedHeader.jwk || (await calculateJwkThumbprint(protectedHeader.jwk)) !== jkt) throw new Error('DPoP key is not the one the token is bound to');
    const now = Date.now();
    for (const [id, until] of seenProofs) if (until < now) seenProofs.delete(id);
    if (typeof payload.jti !== 'string' || seenProofs.has(payload.jti)) throw new Error('DPoP proof replayed');
    seenProofs.set(payload.jti, now + DPOP_MAX_AGE_S * 1000);
  }

  /**
   * Checks the request's token. `tool` is the tool a `tools/call` names (for per-tool scopes).
   * @param {import('node:http').IncomingMessage} req
   * @param {{ tool?: string }} [what]
   * @returns {Promise<Verdict>}
   */
  async function verify(req, what = {}) {
    const needed = [...scopes, ...((what.tool && toolScopes[what.tool]) || [])];
    const authorization = req.headers.authorization ?? '';
    const match = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization);
    if (!match) return challenge(401, scopes.join(' '));
    const scheme = /** @type {string} */ (match[1]).toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = /** @type {string} */ (match[2]);
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await keys(), { issuer, audience: resource, typ: 'at+jwt', clockTolerance: 5 }));
    } catch (error) {
      return challenge(401, scopes.join(' '), { error: 'invalid_token', description: error instanceof Error ? error.message.slice(0, 200) : 'invalid token', scheme });
    }
    if (typeof payload.jti === 'string' && expiredJti.has(payload.jti)) {
      return challenge(401, scopes.join(' '), { error: 'invalid_token', description: 'the access token expired', scheme });
    }
    const cnf = /** @type {{ jkt?: unknown } | undefined} */ (payload.cnf);
    if (typeof cnf?.jkt === 'string' || scheme === 'DPoP') {
      try {
        if (typeof cnf?.jkt !== 'string') throw new Error('not a DPoP-bound token');
        if (scheme !== 'DPoP') throw new Error('a DPoP-bound token must be sent with the DPoP scheme');
        const header = req.headers.dpop;
        const proto = 'http:';
        await checkDpopProof(typeof header === 'string' ? header : undefined, req.method ?? 'GET', `${proto}//${req.headers.host}${req.url ?? '/'}`, token, cnf.jkt);
        stats.dpop++;
      } catch (error) {
        return challenge(401, scopes.join(' '), { error: 'invalid_dpop_proof', description: error instanceof Error ? error.message : 'bad proof', scheme: 'DPoP' });
      }
    }
    /** @type {string[]} */
    const granted = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    if (!needed.every((s) => granted.includes(s))) {
      // The scope a client needs for this operation (and what it already has: SEP-835 asks for the union).
      const union = [...new Set([...granted.filter((s) => scopesSupported.includes(s)), ...needed])];
      return challenge(403, union.join(' '), { error: 'insufficient_scope', description: `needs ${needed.join(' ')}`, scheme });
    }
    stats.accepted++;
    if (typeof payload.jti === 'string') acceptedJti.add(payload.jti);
    return {
      ok: true,
      principal: {
        scope: granted,
        ...(typeof payload.sub === 'string' && { sub: payload.sub }),
        ...(typeof payload.jti === 'string' && { jti: payload.jti }),
        ...(typeof payload.exp === 'number' && { exp: payload.exp }),
        ...(typeof payload.client_id === 'string' && { clientId: payload.client_id }),
      },
    };
  }

  /** @param {Principal} principal */
  function issueTicket(principal) {
    const now = Date.now();
    for (const [id, t] of tickets) if (t.expiresAt < now) tickets.delete(id);
    const ticket = randomBytes(24).toString('base64url');
    tickets.set(ticket, { principal, expiresAt: now + TICKET_TTL_MS });
    stats.ticketsIssued++;
    return { ticket, expires_in: TICKET_TTL_MS / 1000 };
  }

  /**
   * Finds a ticket among the offered subprotocols and burns it: one use, even when invalid.
   * @param {Iterable<string>} offered
   * @returns {Principal | undefined}
   */
  function redeemTicket(offered) {
    for (const protocol of offered) {
      if (!protocol.startsWith(TICKET_PREFIX)) continue;
      const ticket = protocol.slice(TICKET_PREFIX.length);
      const found = tickets.get(ticket);
      tickets.delete(ticket);
      if (found && found.expiresAt >= Date.now()) {
        stats.ticketsUsed++;
        return found.principal;
      }
    }
    stats.ticketsRefused++;
    return undefined;
  }

  return {
    metadataPath,
    ticketPath,
    metadata,
    verify,
    issueTicket,
    redeemTicket,
    stats,
    /** Test control: every token accepted so far is treated as expired from now on (as if its `exp` had passed). */
    expireAccepted() {
      for (const jti of acceptedJti) expiredJti.add(jti);
      return expiredJti.size;
    },
  };
}

/** @typedef {ReturnType<typeof createResourceGuard>} ResourceGuard */
