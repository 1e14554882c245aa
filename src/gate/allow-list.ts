/**
 * Signed server allow-lists: an administrator signs the list once; the host hands Toolgate the
 * signed document and the administrator's public key; Toolgate verifies it with WebCrypto before
 * using it and refuses a tampered, expired or malformed list with `TG_ALLOWLIST_INVALID`.
 *
 * Format: a compact JWS (RFC 7515) `header.payload.signature`, base64url, header
 * `{"alg":"ES256"}` (ECDSA P-256 / SHA-256, signature r‖s) or `{"alg":"EdDSA"}` (Ed25519, where the
 * browser supports it); payload `{"servers":[ServerPolicy…],"iat":<s>,"exp":<s>?}`. Any JWS
 * library produces it.
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import { fromBase64Url } from '../audit/record.js';
import { validatePolicy, type ServerPolicy } from './policy.js';

export interface AllowListPayload {
  servers: ServerPolicy[];
  /** Issued at (seconds since the epoch). */
  iat?: number;
  /** Expires at (seconds since the epoch). */
  exp?: number;
}

const invalid = (why: string, cause?: unknown) =>
  new TgError(ErrorCode.ALLOWLIST_INVALID, `The signed allow-list was refused: ${why}`, cause === undefined ? {} : { cause });

const ALGORITHMS = {
  ES256: { importAlg: { name: 'ECDSA', namedCurve: 'P-256' }, verifyAlg: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { importAlg: { name: 'Ed25519' }, verifyAlg: { name: 'Ed25519' } },
} as const;

/** Verifies a signed allow-list and returns its (validated) server entries. */
export async function verifySignedAllowList(jws: string, publicKey: JsonWebKey | CryptoKey, options: { now?: number } = {}): Promise<AllowListPayload> {
  if (typeof jws !== 'string') throw invalid('not a compact JWS string');
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw invalid('not a compact JWS (header.payload.signature)');
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: AllowListPayload;
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    header = JSON.parse(text.decode(fromBase64Url(h)));
    payload = JSON.parse(text.decode(fromBase64Url(p)));
  } catch (err) {
    throw invalid('header or payload is not JSON', err);
  }
  const alg = header.alg === 'ES256' || header.alg === 'EdDSA' ? ALGORITHMS[header.alg] : undefined;
  if (!alg) throw invalid(`unsupported algorithm ${JSON.stringify(header.alg)} (ES256 or EdDSA)`);
  let ok: boolean;
  try {
    const key = publicKey instanceof CryptoKey ? publicKey : await crypto.subtle.importKey('jwk', publicKey, alg.importAlg, false, ['verify']);
    ok = await crypto.subtle.verify(alg.verifyAlg, key, fromBase64Url(s), new TextEncoder().encode(`${h}.${p}`));
  } catch (err) {
    throw invalid('the key or signature could not be used', err);
  }
  if (!ok) throw invalid('the signature does not verify');
  const now = (options.now ?? Date.now()) / 1000;
  if (typeof payload.exp === 'number' && payload.exp < now) throw invalid('it has expired');
  try {
    validatePolicy({ version: 1, servers: payload.servers });
  } catch (err) {
    throw invalid(`its server entries are invalid (${(err as Error).message})`, err);
  }
  if (!Array.isArray(payload.servers)) throw invalid('it has no "servers" array');
  return payload;
}
