// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import { base64ContentToBinary, binaryToBase64Deep } from '../../demo/server/msgpack-binary.mjs';

const BYTES = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 255);
const B64 = Buffer.from(BYTES).toString('base64');

describe('base64ContentToBinary', () => {
  it('turns image and audio data into bytes, at any depth', () => {
    const message = {
      jsonrpc: '2.0',
      id: 1,
      result: {
        content: [
          { type: 'image', mimeType: 'image/png', data: B64 },
          { type: 'audio', mimeType: 'audio/wav', data: B64 },
          { type: 'text', text: 'hello' },
        ],
      },
    };
    const out = /** @type {any} */ (base64ContentToBinary(message));
    assert.deepEqual(out.result.content[0].data, BYTES);
    assert.ok(out.result.content[0].data instanceof Uint8Array);
    assert.ok(!Buffer.isBuffer(out.result.content[0].data), 'a plain Uint8Array, not a pooled Buffer');
    assert.deepEqual(out.result.content[1].data, BYTES);
    assert.deepEqual(out.result.content[2], { type: 'text', text: 'hello' });
    assert.equal(message.result.content[0]?.data, B64, 'the input is not mutated');
  });

  it('turns the blob of resource contents into bytes, but not their text', () => {
    const out = /** @type {any} */ (
      base64ContentToBinary({
        contents: [
          { uri: 'file:///a.bin', mimeType: 'application/octet-stream', blob: B64 },
          { uri: 'file:///a.txt', text: B64 },
        ],
        embedded: { type: 'resource', resource: { uri: 'x:1', blob: B64 } },
      })
    );
    assert.deepEqual(out.contents[0].blob, BYTES);
    assert.equal(out.contents[1].text, B64);
    assert.deepEqual(out.embedded.resource.blob, BYTES);
  });

  it('leaves other strings alone, including look-alike fields', () => {
    const input = {
      type: 'text',
      data: B64, // `data` only means binary on image/audio blocks
      params: { level: 'info', data: B64 },
      blob: B64, // `blob` only with a string `uri`
    };
    assert.deepEqual(base64ContentToBinary(input), input);
  });

  it('keeps strings that are not canonical base64, so nothing is lost', () => {
    for (const data of ['not base64!', 'QUJD\n', 'QUJ', '']) {
      const out = /** @type {any} */ (base64ContentToBinary({ type: 'image', mimeType: 'image/png', data }));
      if (data === '') assert.deepEqual(out.data, new Uint8Array(0));
      else assert.equal(out.data, data, `kept ${JSON.stringify(data)}`);
    }
  });

  it('makes MessagePack carry the bytes as bin, about 3/4 of the base64 size', () => {
    const big = Buffer.alloc(3000, 7).toString('base64');
    const message = { content: [{ type: 'image', mimeType: 'image/png', data: big }] };
    const asBin = encode(base64ContentToBinary(message));
    const asString = encode(message);
    assert.ok(asBin.length < asString.length * 0.8, `${asBin.length} < 0.8 × ${asString.length}`);
    const decoded = /** @type {any} */ (decode(asBin));
    assert.ok(decoded.content[0].data instanceof Uint8Array);
  });
});

describe('binaryToBase64Deep', () => {
  it('turns every Uint8Array, wherever it is, into base64', () => {
    const out = binaryToBase64Deep({ a: BYTES, list: [1, 'x', { b: BYTES }], nested: { deeper: [[BYTES]] }, n: null });
    assert.deepEqual(out, { a: B64, list: [1, 'x', { b: B64 }], nested: { deeper: [[B64]] }, n: null });
  });

  it('reads a subarray view correctly, not its whole buffer', () => {
    const backing = Uint8Array.of(9, 9, 1, 2, 3, 9);
    assert.equal(binaryToBase64Deep(backing.subarray(2, 5)), Buffer.from([1, 2, 3]).toString('base64'));
  });

  it('round-trips with base64ContentToBinary through MessagePack', () => {
    const message = {
      jsonrpc: '2.0',
      id: 'r1',
      result: { content: [{ type: 'image', mimeType: 'image/png', data: B64 }, { type: 'resource', resource: { uri: 'u:1', blob: B64 } }] },
    };
    assert.deepEqual(binaryToBase64Deep(decode(encode(base64ContentToBinary(message)))), message);
  });

  it('keeps a __proto__ key as data instead of changing the prototype', () => {
    // The MessagePack decoder refuses such keys itself; the helper must not add the hole back.
    const decoded = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}');
    const out = /** @type {Record<string, unknown>} */ (binaryToBase64Deep(decoded));
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(/** @type {any} */ (out).polluted, undefined);
    assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'x']);
  });
});
