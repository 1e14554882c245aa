import type { JsonRpcMessage } from '../shared/wire.js';

/**
 * Turns one JSON-RPC message into one frame and back. `decode` returns the raw value
 * (shape checks belong to the RPC engine) and throws a `TG_PROTOCOL_ERROR` on bytes it
 * cannot read or on the wrong kind of frame.
 */
export interface Codec {
  readonly name: 'json' | 'msgpack';
  encode(message: JsonRpcMessage): string | Uint8Array;
  decode(frame: string | ArrayBuffer): unknown;
}
