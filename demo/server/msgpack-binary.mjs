// @ts-check
/**
 * Binary content under the `mcp.msgpack` subprotocol.
 *
 * JSON-RPC (and so the MCP SDK) only knows binary as base64 strings. On the wire MessagePack can
 * carry it as `bin`, a third smaller and with no base64 pass in the browser, so the transport swaps
 * between the two at the frame boundary and the rest of the server never sees a Uint8Array.
 */

/**
 * Returns `value` with every Uint8Array anywhere inside it replaced by its base64 string.
 * Used on decode: whatever a peer sent as `bin`, JSON-RPC can only mean base64 by it.
 * Arrays and plain objects are copied; other values are returned as they are.
 * @param {unknown} value
 * @returns {unknown}
 */
export function binaryToBase64Deep(value) {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (Array.isArray(value)) return value.map(binaryToBase64Deep);
  if (isPlainObject(value)) return mapValues(value, binaryToBase64Deep);
  return value;
}

/**
 * Returns `value` with the base64 payloads of binary content turned into Uint8Arrays, so that
 * MessagePack encodes them as `bin`: the `data` of `image` and `audio` content blocks and the
 * `blob` of resource contents (objects with a string `uri` and a string `blob`), at any depth.
 * A string that is not canonical base64 stays a string, so the swap never loses data.
 * @param {unknown} value
 * @returns {unknown}
 */
export function base64ContentToBinary(value) {
  if (Array.isArray(value)) return value.map(base64ContentToBinary);
  if (!isPlainObject(value)) return value;
  const out = mapValues(value, base64ContentToBinary);
  const isMedia = value.type === 'image' || value.type === 'audio';
  if (isMedia && typeof value.data === 'string') out.data = base64ToBytes(value.data) ?? value.data;
  if (typeof value.uri === 'string' && typeof value.blob === 'string') {
    out.blob = base64ToBytes(value.blob) ?? value.blob;
  }
  return out;
}

/**
 * Node's base64 decoder skips characters it does not know, so only a round trip proves the
 * string was base64; otherwise undefined.
 * @param {string} text
 * @returns {Uint8Array | undefined}
 */
function base64ToBytes(text) {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  // A plain Uint8Array, not a Buffer view into Node's shared pool.
  return new Uint8Array(bytes);
}

/**
 * Copies `object` with `fn` applied to each own value. Keys are defined, not assigned, so a
 * decoded `__proto__` key stays data (as with JSON.parse) instead of swapping the prototype.
 * @param {Record<string, unknown>} object
 * @param {(item: unknown) => unknown} fn
 * @returns {Record<string, unknown>}
 */
function mapValues(object, fn) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, item] of Object.entries(object)) {
    Object.defineProperty(out, key, { value: fn(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObject(value) {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
