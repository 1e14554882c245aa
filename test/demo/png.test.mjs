// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { crc32, encodePng, PNG_SIGNATURE, renderChartPng } from '../../demo/server/png.mjs';

describe('png', () => {
  it('crc32 matches the standard check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  it('encodes chunks with valid lengths and CRCs, and pixels that inflate back', () => {
    const rgba = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
    const png = encodePng(2, 3, rgba);
    assert.deepEqual(png.subarray(0, 8), Buffer.from(PNG_SIGNATURE));
    /** @type {string[]} */
    const types = [];
    let idat = Buffer.alloc(0);
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      const body = png.subarray(at + 4, at + 8 + length);
      assert.equal(png.readUInt32BE(at + 8 + length), crc32(body), 'chunk CRC');
      const type = body.toString('latin1', 0, 4);
      types.push(type);
      if (type === 'IDAT') idat = Buffer.from(body.subarray(4));
      at += 12 + length;
    }
    assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
    const rows = inflateSync(idat);
    assert.equal(rows.length, 3 * (1 + 2 * 4));
    assert.deepEqual(rows.subarray(1 + 8 + 1, 1 + 8 + 1 + 8), Buffer.from(rgba.subarray(8, 16)), 'second row, after its filter byte');
  });

  it('refuses pixel data of the wrong size', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(15)), RangeError);
  });

  it('renders a 64×64 chart of a few KB at most', () => {
    const png = renderChartPng(64);
    assert.equal(png.readUInt32BE(16), 64);
    assert.ok(png.length < 8192, `${png.length} bytes`);
  });
});
