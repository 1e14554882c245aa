// @ts-check
/**
 * MCP over one WebSocket, as an MCP SDK server `Transport` (so `mcpServer.connect(transport)`).
 *
 * Framing follows the negotiated subprotocol (`socket.protocol`):
 * - `mcp`, or none: one JSON-RPC message per text frame, JSON.
 * - `mcp.msgpack`: one message per binary frame, MessagePack, with base64 binary content sent as
 *   `bin` (see msgpack-binary.mjs).
 *
 * A bad frame (too large, not parseable, not JSON-RPC, or of the wrong kind for the subprotocol) is
 * reported through `onerror` with a `TG_*` code and dropped; the connection stays open, because
 * one bad message from a peer should not cost it its session.
 *
 * Close codes: 1000 normal close (`close()`), 1011 server error (the server could not set up the
 * session). ws itself may close with 1002/1007/1009 on protocol violations it detects (invalid
 * UTF-8 in a text frame, a frame above its own `maxPayload`).
 */
import { randomUUID } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';
import { base64ContentToBinary, binaryToBase64Deep } from './msgpack-binary.mjs';

/** @typedef {import('@modelcontextprotocol/sdk/shared/transport.js').Transport} Transport */
/** @typedef {import('@modelcontextprotocol/sdk/types.js').JSONRPCMessage} JSONRPCMessage */

export const SUBPROTOCOL_JSON = 'mcp';
export const SUBPROTOCOL_MSGPACK = 'mcp.msgpack';
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
export const CLOSE_NORMAL = 1000;
export const CLOSE_SERVER_ERROR = 1011;

/** A frame above the transport's `maxFrameBytes`. */
export const TG_FRAME_TOO_LARGE = 'TG_FRAME_TOO_LARGE';
/** A frame that does not decode to a JSON-RPC message, or of the wrong kind (text/binary). */
export const TG_PROTOCOL_ERROR = 'TG_PROTOCOL_ERROR';

/** An error about one incoming frame; callers branch on `code`. */
export class FrameError extends Error {
  /**
   * @param {typeof TG_FRAME_TOO_LARGE | typeof TG_PROTOCOL_ERROR} code
   * @param {string} message
   * @param {unknown} [cause]
   */
  constructor(code, message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'FrameError';
    this.code = code;
  }
}

/**
 * Picks the subprotocol for ws's `handleProtocols`. The server's choice wins; `false` makes ws
 * answer without a Sec-WebSocket-Protocol header, and the connection is JSON.
 * @param {Set<string>} offered
 * @param {{ msgpack: boolean }} options
 * @returns {string | false}
 */
export function selectSubprotocol(offered, { msgpack }) {
  if (msgpack && offered.has(SUBPROTOCOL_MSGPACK)) return SUBPROTOCOL_MSGPACK;
  if (offered.has(SUBPROTOCOL_JSON)) return SUBPROTOCOL_JSON;
  return false;
}

/** @implements {Transport} */
export class WebSocketServerTransport {
  /** @type {Transport['onmessage']} */
  onmessage = undefined;
  /** @type {Transport['onerror']} */
  onerror = undefined;
  /** @type {Transport['onclose']} */
  onclose = undefined;

  #socket;
  #maxFrameBytes;
  #binary;
  #started = false;
  #closeReported = false;
  /** Messages that arrived before start(); ws does not buffer for listeners added later. */
  #early = /** @type {JSONRPCMessage[]} */ ([]);

  /**
   * @param {WebSocket} socket An open server-side socket; its `protocol` picks the framing.
   * @param {{ maxFrameBytes?: number, sessionId?: string }} [options]
   */
  constructor(socket, { maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, sessionId = randomUUID() } = {}) {
    this.#socket = socket;
    this.#maxFrameBytes = maxFrameBytes;
    this.#binary = socket.protocol === SUBPROTOCOL_MSGPACK;
    /** @type {string | undefined} */
    this.sessionId = sessionId;
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('error', (error) => this.onerror?.(error));
    // Before start() the SDK has not installed onclose yet; start() reports it then.
    socket.on('close', () => this.#started && this.#reportClose());
  }

  /** The framing in use: `mcp.msgpack` or `mcp`. */
  get subprotocol() {
    return this.#binary ? SUBPROTOCOL_MSGPACK : SUBPROTOCOL_JSON;
  }

  async start() {
    if (this.#started) throw new Error('WebSocketServerTransport already started');
    this.#started = true;
    for (const message of this.#early.splice(0)) this.onmessage?.(message);
    if (this.#socket.readyState === WebSocket.CLOSED) this.#reportClose();
  }

  /** @param {JSONRPCMessage} message */
  async send(message) {
    if (this.#socket.readyState !== WebSocket.OPEN) throw new Error('WebSocket is not open');
    // ignoreUndefined: MessagePack would send `title: undefined` as nil, where JSON drops the key
    // and client schemas reject null.
    const frame = this.#binary ? encode(base64ContentToBinary(message), { ignoreUndefined: true }) : JSON.stringify(message);
    /** @type {Promise<void>} */
    const sent = new Promise((resolve, reject) => {
      this.#socket.send(frame, { binary: this.#binary }, (error) => (error ? reject(error) : resolve()));
    });
    await sent;
  }

  async close() {
    if (this.#socket.readyState === WebSocket.CLOSED) this.#reportClose();
    else this.#socket.close(CLOSE_NORMAL);
  }

  /**
   * @param {WebSocket.RawData} data
   * @param {boolean} isBinary
   */
  #receive(data, isBinary) {
    // With ws's default binaryType ('nodebuffer') data is one Buffer; the rest is for safety.
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let message;
    try {
      message = this.#decode(bytes, isBinary);
    } catch (error) {
      this.onerror?.(/** @type {Error} */ (error));
      return;
    }
    if (this.#started) this.onmessage?.(message);
    else this.#early.push(message);
  }

  /**
   * @param {Buffer} bytes
   * @param {boolean} isBinary
   * @returns {JSONRPCMessage}
   */
  #decode(bytes, isBinary) {
    if (bytes.length > this.#maxFrameBytes) {
      throw new FrameError(TG_FRAME_TOO_LARGE, `Frame of ${bytes.length} bytes exceeds the limit of ${this.#maxFrameBytes}`);
    }
    if (isBinary !== this.#binary) {
      const got = isBinary ? 'binary' : 'text';
      throw new FrameError(TG_PROTOCOL_ERROR, `Unexpected ${got} frame under subprotocol ${this.subprotocol}`);
    }
    let value;
    try {
      value = this.#binary ? binaryToBase64Deep(decode(bytes)) : JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new FrameError(TG_PROTOCOL_ERROR, `Frame does not decode under ${this.subprotocol}`, error);
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      throw new FrameError(TG_PROTOCOL_ERROR, 'Frame is not a JSON-RPC message', parsed.error);
    }
    return parsed.data;
  }

  #reportClose() {
    if (this.#closeReported) return;
    this.#closeReported = true;
    this.onclose?.();
  }
}
