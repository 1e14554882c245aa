import { expect } from '@esm-bundle/chai';
import { sha256Hex } from '../../src/audit/sha256.js';

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).to.equal(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches WebCrypto at every padding boundary and on UTF-8 text', async () => {
    for (const length of [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 4097]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff);
      expect(sha256Hex(bytes), `length ${length}`).to.equal(await webCryptoHex(bytes));
    }
    const text = 'Grüße, 世界 — 🔐';
    expect(sha256Hex(text)).to.equal(await webCryptoHex(new TextEncoder().encode(text)));
  });
});
