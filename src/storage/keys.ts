/**
 * The device key: an ECDSA P-256 key pair created once per database (origin + tenant), whose
 * private half is non-extractable and lives only in IndexedDB (structured clone of the CryptoKey).
 * Its RFC 7638 thumbprint identifies the device in every audit record.
 */
import canonicalize from 'canonicalize';
import { sha256Hex } from '../audit/sha256.js';
import { toBase64Url } from '../audit/record.js';
import type { StoredKey, ToolgateDb } from './db.js';

export const DEVICE_KEY_ID = 'device';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface DeviceKey {
  thumbprint: string;
  publicJwk: JsonWebKey;
  privateKey: CryptoKey;
}

/** RFC 7638 thumbprint of an EC public JWK: SHA-256 of `{"crv","kty","x","y"}` in that order, base64url. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }) ?? '';
  const hex = sha256Hex(members);
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return toBase64Url(bytes);
}

/**
 * Returns the database's device key, creating it on first use. Two pages racing here both
 * generate a key, but `add` lets only one be stored; the loser reads the winner's.
 */
export async function loadOrCreateDeviceKey(db: ToolgateDb): Promise<DeviceKey> {
  const existing = await db.get('keys', DEVICE_KEY_ID);
  if (existing?.privateKey) return { thumbprint: existing.thumbprint, publicJwk: existing.publicJwk, privateKey: existing.privateKey };

  // WebCrypto happens outside any transaction (awaiting it inside would end the transaction).
  const pair = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: JsonWebKey = { kty: exported.kty, crv: exported.crv, x: exported.x, y: exported.y };
  const thumbprint = jwkThumbprint(publicJwk);
  const createdAt = Date.now();
  const record: StoredKey = { id: DEVICE_KEY_ID, thumbprint, publicJwk, privateKey: pair.privateKey, publicKey: pair.publicKey, createdAt };

  const tx = db.transaction('keys', 'readwrite');
  const store = tx.store;
  const raced = await store.get(DEVICE_KEY_ID);
  if (raced?.privateKey) {
    await tx.done;
    return { thumbprint: raced.thumbprint, publicJwk: raced.publicJwk, privateKey: raced.privateKey };
  }
  void store.put(record);
  void store.put({ id: `pub:${thumbprint}`, thumbprint, publicJwk, createdAt });
  await tx.done;
  return { thumbprint, publicJwk, privateKey: pair.privateKey };
}

/** Every public key that ever signed in this database, by thumbprint (for exports and verify). */
export async function publicKeys(db: ToolgateDb): Promise<Record<string, JsonWebKey>> {
  const all = await db.getAll('keys', IDBKeyRange.bound('pub:', 'pub:\uffff'));
  const out: Record<string, JsonWebKey> = {};
  for (const key of all) out[key.thumbprint] = key.publicJwk;
  return out;
}
