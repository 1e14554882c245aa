/**
 * DPoP (RFC 9449) for one connection, on oauth4webapi's DPoP handle (proof signing and a per-origin
 * nonce cache). Used only when the authorization server advertises `dpop_signing_alg_values_supported`
 * with ES256 (MCP core is Bearer; SEP-1932 is the DPoP profile). The key pair is made here, in the
 * worker, with a **non-extractable** private key: a token stolen from this worker (or from storage) is
 * useless without it, and no script can export it. WebCrypto public keys are always extractable, which
 * is what the proof's `jwk` header needs.
 *
 * What a resource server must verify (RFC 9449 §4.3, §7.1), e.g. the demo's protected server:
 * - `Authorization: DPoP <token>` (not Bearer) and exactly one `DPoP` header, a JWT with
 *   `typ: "dpop+jwt"`, an asymmetric `alg`, and a public `jwk` (no `d`); the signature verifies with it;
 * - `htm` equals the request method, `htu` equals the request URL without query and fragment;
 * - `iat` is recent (a few minutes), `jti` is not replayed within that window;
 * - `ath` is base64url(SHA-256(access token)); the token's `cnf.jkt` equals the JWK SHA-256 thumbprint
 *   (RFC 7638) of the proof's `jwk`;
 * - optionally `nonce`: answer 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"` with a `DPoP-Nonce`
 *   header; this client retries once with it.
 * In a browser the server must also allow the request header `DPoP` and expose `DPoP-Nonce` and
 * `WWW-Authenticate` (CORS), or the nonce cannot be read.
 */
import * as oauth from 'oauth4webapi';

/** The one algorithm this client signs proofs with (P-256, available in every browser's WebCrypto). */
export const DPOP_ALG = 'ES256';

/** True when the authorization server issues DPoP-bound tokens we can prove possession for. */
export function asSupportsDPoP(as: oauth.AuthorizationServer): boolean {
  const algs = as.dpop_signing_alg_values_supported;
  return Array.isArray(algs) && algs.includes(DPOP_ALG);
}

export interface DPoPBinding {
  /** Passed as `DPoP` to oauth4webapi's token and resource requests. */
  readonly handle: oauth.DPoPHandle;
  /** Structured-cloneable, so a token store may persist it next to the tokens it binds. */
  readonly keyPair: CryptoKeyPair;
}

/** A binding with a fresh non-extractable ES256 key pair, or around a key pair restored from storage. */
export async function createDPoP(keyPair?: CryptoKeyPair): Promise<DPoPBinding> {
  const pair = keyPair ?? ((await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair);
  return { keyPair: pair, handle: oauth.DPoP({}, pair) };
}

/**
 * Runs a token request (request + process) and, when the AS answers `use_dpop_nonce` (RFC 9449 §8),
 * runs it once more: the handle has cached the `DPoP-Nonce` the answer carried.
 */
export async function withNonceRetry<T>(dpop: DPoPBinding | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (dpop && oauth.isDPoPNonceError(error)) return run();
    throw error;
  }
}

/**
 * One MCP request with `Authorization: DPoP <token>` and a fresh proof (`htm`, `htu`, `ath`, a new `jti`,
 * the cached nonce). oauth4webapi builds the headers; the request itself goes through `send` with the
 * caller's own body, signal and options, so streaming and cancellation behave as without DPoP. A 401
 * `use_dpop_nonce` from the resource server (RFC 9449 §9) is retried once with the new nonce; any other
 * answer, challenges included, is returned for the caller's 401/403 handling.
 */
export async function fetchWithDPoP(
  dpop: DPoPBinding,
  accessToken: string,
  send: (headers: Headers) => Promise<Response>,
  url: string,
  method: string,
  headers: Headers,
): Promise<Response> {
  const target = new URL(url);
  const once = async (): Promise<{ response: Response; nonce: boolean }> => {
    let sent: Response | undefined;
    const outgoing = new Headers(headers);
    outgoing.delete('authorization');
    try {
      await oauth.protectedResourceRequest(accessToken, method, target, outgoing, undefined, {
        DPoP: dpop.handle,
        // The MCP URL's scheme was already checked by the connection (https, or http on loopback in development).
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: async (_url, prepared) => (sent = await send(new Headers(prepared.headers))),
      });
    } catch (error) {
      if (!(error instanceof oauth.WWWAuthenticateChallengeError)) throw error;
      return { response: error.response, nonce: oauth.isDPoPNonceError(error) };
    }
    return { response: sent!, nonce: false };
  };
  const first = await once();
  if (!first.nonce) return first.response;
  await first.response.body?.cancel().catch(() => {});
  return (await once()).response;
}
