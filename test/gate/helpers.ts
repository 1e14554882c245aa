/** Shared helpers of the gate tests. */
import { toBase64Url } from '../../src/audit/record.js';

const b64 = (s: string) => toBase64Url(new TextEncoder().encode(s));

/** Signs an allow-list payload as a compact JWS (ES256), as an administrator would. */
export async function signAllowList(payload: unknown, privateKey: CryptoKey, header: unknown = { alg: 'ES256' }): Promise<string> {
  const signingInput = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(signingInput));
  return `${signingInput}.${toBase64Url(new Uint8Array(sig))}`;
}

