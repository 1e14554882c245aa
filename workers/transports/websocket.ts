/**
 * MCP over WebSocket. The client offers the subprotocols `mcp.msgpack` (only when MessagePack is
 * enabled) and `mcp`; the server's choice decides the framing:
 * - `mcp` (or none chosen): one JSON-RPC message per text frame;
 * - `mcp.msgpack`: one message per binary frame, MessagePack (see codecs/msgpack.ts).
 * A frame over `maxFrameBytes`, in either direction, is refused with `TG_FRAME_TOO_LARGE` and the
 * connection stays open. Close codes: 1000 when either side closes on purpose; anything else is
 * reported as `TG_CONNECTION_CLOSED` with `{ code, reason, wasClean }` as data.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { Codec } from '../codecs/codec.js';
import { jsonCodec } from '../codecs/json.js';
import type { JsonRpcMessage } from '../shared/wire.js';
import { DEFAULT_MAX_FRAME_BYTES, type Transport } from './transport.js';

export const SUBPROTOCOL_JSON = 'mcp';
export const SUBPROTOCOL_MSGPACK = 'mcp.msgpack';
const NORMAL_CLOSURE = 1000;

export interface WebSocketTransportOptions {
  url: string;
  /** Offer `mcp.msgpack` before `mcp`. */
  msgpack: boolean;
  maxFrameBytes?: number;
  /**
   * Extra subprotocols offered after the MCP ones, asked for before each handshake: the single-use
   * auth ticket (`mcp.ticket.<ticket>`, workers/auth/ws-ticket.ts). The server must not select one.
   */
  authProtocols?: () => Promise<string[]>;
}

/** UTF-8 byte length without allocating, stopping as soon as `limit` is passed. */
export function utf8LengthExceeds(s: string, limit: number): boolean {
  if (s.length > limit) return true; // every UTF-16 unit is at least one byte
  if (s.length * 3 <= limit) return false; // and at most three
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
    if (bytes > limit) return true;
  }
  return false;
}

function frameSize(frame: string | ArrayBuffer | Uint8Array, limit: number): boolean {
  return typeof frame === 'string' ? utf8LengthExceeds(frame, limit) : frame.byteLength > limit;
}

export class WebSocketTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TgError) => void;
  onclose?: (reason?: TgError) => void;

  readonly #options: Required<Omit<WebSocketTransportOptions, 'authProtocols'>>;
  readonly #authProtocols: (() => Promise<string[]>) | undefined;
  #ws?: WebSocket;
  #codec: Codec = jsonCodec;
  /** Frames that arrive while the negotiated codec is still loading, in order. */
  #backlog: (string | ArrayBuffer)[] | undefined = [];
  #closing = false;
  #closed = false;

  constructor(options: WebSocketTransportOptions) {
    const { authProtocols, ...rest } = options;
    this.#options = { maxFrameBytes: DEFAULT_MAX_FRAME_BYTES, ...rest };
    this.#authProtocols = authProtocols;
  }

  get codecName(): 'json' | 'msgpack' {
    return this.#codec.name;
  }

  async start(): Promise<void> {
    if (this.#ws) throw new TgError(ErrorCode.PROTOCOL_ERROR, 'WebSocket transport already started');
    const mcp = this.#options.msgpack ? [SUBPROTOCOL_MSGPACK, SUBPROTOCOL_JSON] : [SUBPROTOCOL_JSON];
    const offered = [...mcp, ...(this.#authProtocols ? await this.#authProtocols() : [])];
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#options.url, offered);
    } catch (cause) {
      throw new TgError(ErrorCode.CONNECTION_FAILED, `Cannot open WebSocket to ${this.#options.url}`, { cause });
    }
    this.#ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (event: MessageEvent<string | ArrayBuffer>) => this.#receive(event.data);

    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onclose = (event) => {
        this.#closed = true;
        reject(
          new TgError(ErrorCode.CONNECTION_FAILED, `WebSocket to ${this.#options.url} failed to open`, {
            data: { code: event.code, reason: event.reason },
          }),
        );
      };
    });
    ws.onclose = (event) => this.#handleClose(event);
    if (ws.protocol !== '' && !mcp.includes(ws.protocol)) {
      ws.close(1002, 'unexpected subprotocol');
      throw new TgError(ErrorCode.CONNECTION_FAILED, `Server chose the subprotocol ${ws.protocol.slice(0, 40)}, which is not an MCP framing`);
    }

    if (ws.protocol === SUBPROTOCOL_MSGPACK) {
      if (!this.#options.msgpack) {
        ws.close(1002, 'unrequested subprotocol');
        throw new TgError(ErrorCode.CONNECTION_FAILED, 'Server chose mcp.msgpack, which was not offered');
      }
      this.#codec = (await import('../codecs/msgpack.js')).msgpackCodec;
    }
    const backlog = this.#backlog ?? [];
    this.#backlog = undefined;
    for (const frame of backlog) this.#receive(frame);
  }

  async send(message: JsonRpcMessage): Promise<void> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      throw new TgError(ErrorCode.CONNECTION_CLOSED, 'WebSocket is not open');
    }
    const frame = this.#codec.encode(message);
    if (frameSize(frame, this.#options.maxFrameBytes)) {
      throw new TgError(ErrorCode.FRAME_TOO_LARGE, `Outgoing frame exceeds ${this.#options.maxFrameBytes} bytes`, {
        data: { limit: this.#options.maxFrameBytes },
      });
    }
    ws.send(frame);
  }

  async close(): Promise<void> {
    if (this.#closed || this.#closing) return;
    this.#closing = true;
    const ws = this.#ws;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      ws.addEventListener('close', () => resolve(), { once: true });
      ws.close(NORMAL_CLOSURE, 'client closed');
    });
  }

  #receive(frame: string | ArrayBuffer): void {
    if (this.#backlog) {
      this.#backlog.push(frame);
      return;
    }
    if (frameSize(frame, this.#options.maxFrameBytes)) {
      this.onerror?.(
        new TgError(ErrorCode.FRAME_TOO_LARGE, `Incoming frame exceeds ${this.#options.maxFrameBytes} bytes; dropped`, {
          data: { limit: this.#options.maxFrameBytes },
        }),
      );
      return;
    }
    let message: unknown;
    try {
      message = this.#codec.decode(frame);
    } catch (err) {
      this.onerror?.(err instanceof TgError ? err : new TgError(ErrorCode.PROTOCOL_ERROR, 'Undecodable frame', { cause: err }));
      return;
    }
    this.onmessage?.(message);
  }

  #handleClose(event: CloseEvent): void {
    if (this.#closed) return;
    this.#closed = true;
    const asked = this.#closing || (event.code === NORMAL_CLOSURE && event.wasClean);
    this.onclose?.(
      asked
        ? undefined
        : new TgError(ErrorCode.CONNECTION_CLOSED, `WebSocket closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`, {
            data: { code: event.code, reason: event.reason, wasClean: event.wasClean },
          }),
    );
  }
}
