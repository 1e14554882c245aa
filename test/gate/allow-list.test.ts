/** Signed allow-lists: ES256 compact JWS verified with WebCrypto; tampering refused with a code. */
import { expect } from '@esm-bundle/chai';
import { toBase64Url } from '../../src/audit/record.js';
import { verifySignedAllowList } from '../../src/gate/allow-list.js';
import { signAllowList } from './helpers.js';

const b64 = (s: string) => toBase64Url(new TextEncoder().encode(s));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('verifySignedAllowList()', () => {
  let keys: CryptoKeyPair;
  let publicJwk: JsonWebKey;
  const payload = { servers: [{ url: 'wss://notes.example/*', trusted: true }], iat: 1 };

  before(async () => {
    keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    publicJwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  });

  it('returns the servers of a correctly signed list (JWK or CryptoKey)', async () => {
    const jws = await signAllowList(payload, keys.privateKey);
    expect((await verifySignedAllowList(jws, publicJwk)).servers).to.deep.equal(payload.servers);
    expect((await verifySignedAllowList(jws, keys.publicKey)).servers).to.deep.equal(payload.servers);
  });

  it('refuses a tampered payload, a wrong key, an expired or malformed list with TG_ALLOWLIST_INVALID', async () => {
    const jws = await signAllowList(payload, keys.privateKey);
    const [h, , s] = jws.split('.');
    const tampered = `${h}.${b64(JSON.stringify({ ...payload, servers: [{ url: '*', trusted: true }] }))}.${s}`;
    expect(await codeOf(verifySignedAllowList(tampered, publicJwk))).to.equal('TG_ALLOWLIST_INVALID');
    const other = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    expect(await codeOf(verifySignedAllowList(jws, other.publicKey))).to.equal('TG_ALLOWLIST_INVALID');
    const expired = await signAllowList({ ...payload, exp: 10 }, keys.privateKey);
    expect(await codeOf(verifySignedAllowList(expired, publicJwk))).to.equal('TG_ALLOWLIST_INVALID');
    expect(await codeOf(verifySignedAllowList('not.a-jws', publicJwk))).to.equal('TG_ALLOWLIST_INVALID');
    const none = await signAllowList(payload, keys.privateKey, { alg: 'none' });
    expect(await codeOf(verifySignedAllowList(none, publicJwk))).to.equal('TG_ALLOWLIST_INVALID');
    const badEntries = await signAllowList({ servers: [{ url: 'no-scheme' }] }, keys.privateKey);
    expect(await codeOf(verifySignedAllowList(badEntries, publicJwk))).to.equal('TG_ALLOWLIST_INVALID');
  });
});
