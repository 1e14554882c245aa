import { expect } from '@esm-bundle/chai';
import { jsonCodec } from '../../../workers/codecs/json.js';
import { msgpackCodec, base64ContentToBinary } from '../../../workers/codecs/msgpack.js';
import { base64ToBytes, bytesToBase64 } from '../../../workers/codecs/base64.js';
import { utf8LengthExceeds } from '../../../workers/transports/websocket.js';
import { ErrorCode, type TgError } from '../../../workers/shared/errors.js';
import type { JsonRpcMessage } from '../../../workers/shared/wire.js';

const png = bytesToBase64(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 300 }, (_, i) => i % 256)]));
const result: JsonRpcMessage = {
  jsonrpc: '2.0',
  id: 7,
  result: {
    content: [
      { type: 'text', text: 'a chart' },
      { type: 'image', mimeType: 'image/png', data: png },
      { type: 'resource', resource: { uri: 'file:///x.bin', blob: png } },
    ],
  },
};

function thrown(fn: () => unknown): TgError {
  try {
    fn();
  } catch (err) {
    return err as TgError;
  }
  throw new Error('expected a throw');
}

describe('codecs', () => {
  it('JSON round-trips and refuses binary frames and bad JSON with TG_PROTOCOL_ERROR', () => {
    expect(jsonCodec.decode(jsonCodec.encode(result) as string)).to.deep.equal(result);
    expect(thrown(() => jsonCodec.decode(new ArrayBuffer(2))).code).to.equal(ErrorCode.PROTOCOL_ERROR);
    expect(thrown(() => jsonCodec.decode('{nope')).code).to.equal(ErrorCode.PROTOCOL_ERROR);
  });

  it('MessagePack round-trips with base64 content restored to the same strings', () => {
    const frame = msgpackCodec.encode(result) as Uint8Array;
    const buffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
    expect(msgpackCodec.decode(buffer)).to.deep.equal(result);
  });

  it('MessagePack carries binary content as bin, a third smaller than JSON base64', () => {
    const converted = base64ContentToBinary(result) as { result: { content: { data?: unknown; resource?: { blob: unknown } }[] } };
    expect(converted.result.content[1]!.data).to.be.instanceOf(Uint8Array);
    expect(converted.result.content[2]!.resource!.blob).to.be.instanceOf(Uint8Array);
    expect((result as unknown as { result: { content: { data?: unknown }[] } }).result.content[1]!.data).to.equal(png); // input untouched
    const jsonBytes = new TextEncoder().encode(jsonCodec.encode(result) as string).byteLength;
    const msgpackBytes = (msgpackCodec.encode(result) as Uint8Array).byteLength;
    expect(msgpackBytes).to.be.below(jsonBytes * 0.8);
  });

  it('MessagePack refuses text frames and garbage with TG_PROTOCOL_ERROR', () => {
    expect(thrown(() => msgpackCodec.decode('{}')).code).to.equal(ErrorCode.PROTOCOL_ERROR);
    expect(thrown(() => msgpackCodec.decode(new Uint8Array([0xc1]).buffer)).code).to.equal(ErrorCode.PROTOCOL_ERROR);
  });

  it('base64 helpers round-trip every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).to.deep.equal(Array.from(bytes));
  });

  it('measures UTF-8 length against a limit exactly', () => {
    expect(utf8LengthExceeds('abc', 3)).to.equal(false);
    expect(utf8LengthExceeds('abcd', 3)).to.equal(true);
    expect(utf8LengthExceeds('é', 2)).to.equal(false); // 2 bytes
    expect(utf8LengthExceeds('éé', 3)).to.equal(true); // 4 bytes
    expect(utf8LengthExceeds('😀', 4)).to.equal(false); // 4 bytes, one surrogate pair
    expect(utf8LengthExceeds('😀a', 4)).to.equal(true);
  });
});
