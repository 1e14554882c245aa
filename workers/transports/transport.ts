/** Largest frame or message body sent or accepted, unless configured otherwise. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
import type { TgError } from '../shared/errors.js';
import type { JsonRpcMessage, RequestId } from '../shared/wire.js';

/**
 * A transport only frames and carries messages; correlation, timeouts and rejecting pending
 * requests on close belong to the RPC engine. `onerror` reports are not fatal: the transport
 * stays open after a bad frame. `onclose` fires once, with a reason unless the close was asked for.
 */
export interface Transport {
  /** Opens the connection; rejects with `TG_CONNECTION_FAILED`. */
  start(): Promise<void>;
  /** Sends one message; rejects with `TG_CONNECTION_CLOSED` or `TG_FRAME_TOO_LARGE`. */
  send(message: JsonRpcMessage): Promise<void>;
  close(): Promise<void>;
  /** The wire encoding in use once started. */
  readonly codecName: 'json' | 'msgpack';
  /** Told the negotiated version, for transports that send it as a header. */
  setProtocolVersion?(version: string): void;
  /**
   * Cancels one request at the transport level, where the binding defines that (2026-07-28 HTTP: close
   * its response stream). Returns true when that is the whole cancellation, so the RPC engine sends
   * no `notifications/cancelled`.
   */
  abort?(id: RequestId, reason?: string): boolean;
  /** Opens the server-to-client stream where the transport has one (HTTP GET); resolves once it is open or refused. */
  openEventStream?(): Promise<void>;
  onmessage?: (message: unknown) => void;
  onerror?: (error: TgError) => void;
  onclose?: (reason?: TgError) => void;
}
