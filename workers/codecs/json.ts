import { ErrorCode, TgError } from '../shared/errors.js';
import type { Codec } from './codec.js';

/** Subprotocol `mcp`: one JSON-RPC message per text frame. */
export const jsonCodec: Codec = {
  name: 'json',
  encode: (message) => JSON.stringify(message),
  decode(frame) {
    if (typeof frame !== 'string') {
      throw new TgError(ErrorCode.PROTOCOL_ERROR, 'Binary frame received on a JSON (mcp) connection');
    }
    try {
      return JSON.parse(frame) as unknown;
    } catch (cause) {
      throw new TgError(ErrorCode.PROTOCOL_ERROR, 'Frame is not valid JSON', { cause });
    }
  },
};
