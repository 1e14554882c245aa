/**
 * What the HTTP transports share (Streamable HTTP of both eras, legacy HTTP+SSE): JSON bodies and
 * SSE events, every one bounded in size; one injected `fetch` for all traffic (auth and proxies plug
 * in there); one lifetime whose abort ends every request and stream in flight; and the transport's
 * callbacks. Each subclass frames and carries its binding; the RPC engine owns correlation.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { JsonRpcMessage } from '../shared/wire.js';
import { DEFAULT_MAX_FRAME_BYTES, type Transport } from './transport.js';

export interface HttpTransportOptions {
  url: string;
  /** The one fetch all traffic uses (auth and proxies plug in here). */
  fetch?: typeof fetch;
  /** Largest message body or SSE event accepted or sent. */
  maxMessageBytes?: number;
}

export abstract class HttpTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TgError) => void;
  onclose?: (reason?: TgError) => void;
  readonly codecName = 'json' as const;

  protected readonly fetch: typeof fetch;
  protected readonly maxBytes: number;
  /** Aborted on close: ends every request and stream in flight. */
  protected readonly lifetime = new AbortController();
  protected closed = false;

  constructor(options: HttpTransportOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Nothing to open by default: each message is its own request. */
  async start(): Promise<void> {}

  abstract send(message: JsonRpcMessage): Promise<void>;

  /** Ends every request and stream, says goodbye where the binding has one, then `onclose` without a reason (it was asked for). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.shutdown();
    await this.farewell();
    this.onclose?.(undefined);
  }

  /** What the binding tells the server on close (Streamable HTTP: DELETE the session). Never throws. */
  protected async farewell(): Promise<void> {}

  protected shutdown(): void {
    this.closed = true;
    this.lifetime.abort();
  }

  /** Hands a message to the RPC engine, unless the transport is closed. */
  protected deliver(message: unknown): void {
    if (!this.closed) this.onmessage?.(message);
  }

  /** The body of an outgoing message; over the bound, `TG_FRAME_TOO_LARGE`. */
  protected encode(message: JsonRpcMessage): string {
    return encodeMessage(message, this.maxBytes);
  }

  /** An SSE event's data as a message; data that is not JSON is reported (not fatal) and skipped. */
  protected parseEvent(data: string): unknown {
    return eventMessage(data, (error) => this.onerror?.(error));
  }
}

/** An SSE event's data as a message; data that is not JSON goes to `onError` (`TG_PROTOCOL_ERROR`) and gives undefined. */
export function eventMessage(data: string, onError: ((error: TgError) => void) | undefined): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch (cause) {
    onError?.(new TgError(ErrorCode.PROTOCOL_ERROR, 'An SSE event is not JSON', { cause }));
    return undefined;
  }
}

export function encodeMessage(message: JsonRpcMessage, maxBytes: number): string {
  const body = JSON.stringify(message);
  if (body.length > maxBytes) throw new TgError(ErrorCode.FRAME_TOO_LARGE, `Outgoing message exceeds ${maxBytes} bytes`, { data: { limit: maxBytes } });
  return body;
}

/** A response's media type, lower case, without parameters (`''` when it has none). */
export function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Drops a body nobody reads (the connection is freed sooner). */
export function discard(response: Response): void {
  void response.body?.cancel().catch(() => {});
}

/** A JSON body, bounded: by its declared length before reading, by its text after. */
export async function readJson(response: Response, maxBytes: number, url: string): Promise<unknown> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    discard(response);
    throw new TgError(ErrorCode.FRAME_TOO_LARGE, `Response body exceeds ${maxBytes} bytes`, { data: { limit: maxBytes } });
  }
  const text = await response.text();
  if (text.length > maxBytes) throw new TgError(ErrorCode.FRAME_TOO_LARGE, `Response body exceeds ${maxBytes} bytes`, { data: { limit: maxBytes } });
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TgError(ErrorCode.PROTOCOL_ERROR, `Response body from ${url} is not JSON`, { cause });
  }
}

/** A stream's failure as a coded error (`TG_PROTOCOL_ERROR` when it had no code). */
export function asTgError(error: unknown): TgError {
  return error instanceof TgError ? error : new TgError(ErrorCode.PROTOCOL_ERROR, String(error), { cause: error });
}
