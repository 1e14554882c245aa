/**
 * Subprotocol `mcp.msgpack`: one JSON-RPC message per binary frame, MessagePack-encoded.
 *
 * Plain text barely shrinks under MessagePack and decodes slower than `JSON.parse`; the gain is
 * binary content. So the base64 `data` of image/audio blocks and the `blob` of resource contents
 * travel as MessagePack `bin` (a third smaller) and are restored to base64 strings on decode,
 * leaving the MCP shapes above this layer unchanged. Loaded by dynamic import, only when negotiated.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { ErrorCode, TgError } from '../shared/errors.js';
import type { Codec } from './codec.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

type Node = { [key: string]: unknown } | unknown[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Copy of `value` with base64 binary content replaced by bytes. Non-base64 strings stay strings. */
export function base64ContentToBinary(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(base64ContentToBinary);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = base64ContentToBinary(child);
  const isMedia = value.type === 'image' || value.type === 'audio';
  if (isMedia && typeof value.data === 'string') out.data = tryBytes(value.data);
  if (typeof value.uri === 'string' && typeof value.blob === 'string') out.blob = tryBytes(value.blob);
  return out;
}

function tryBytes(s: string): Uint8Array | string {
  try {
    return base64ToBytes(s);
  } catch {
    return s; // not valid base64: send as given and let the peer judge it
  }
}

/** Replaces, in place, every `bin` value anywhere in a decoded message with its base64 string. */
export function binaryToBase64Deep(value: unknown): unknown {
  if (value instanceof Uint8Array) return bytesToBase64(value);
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Node;
  for (const key of Object.keys(node)) {
    const child = (node as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) (node as Record<string, unknown>)[key] = binaryToBase64Deep(child);
  }
  return node;
}

const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

export const msgpackCodec: Codec = {
  name: 'msgpack',
  // Only a response (to a server's sampling or elicitation request) can carry binary content from
  // this side; requests and notifications go out as they are, without a copying walk.
  encode: (message) => encoder.encode('result' in message ? base64ContentToBinary(message) : message),
  decode(frame) {
    if (typeof frame === 'string') {
      throw new TgError(ErrorCode.PROTOCOL_ERROR, 'Text frame received on a MessagePack (mcp.msgpack) connection');
    }
    let decoded: unknown;
    try {
      decoded = decoder.decode(new Uint8Array(frame));
    } catch (cause) {
      throw new TgError(ErrorCode.PROTOCOL_ERROR, 'Frame is not valid MessagePack', { cause });
    }
    return binaryToBase64Deep(decoded);
  },
};
