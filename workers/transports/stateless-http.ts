/**
 * Streamable HTTP as of MCP 2026-07-28 (basic/transports/streamable-http.mdx): stateless. One POST per
 * request, answered by JSON or by an SSE stream scoped to that request; no session, no GET stream,
 * no resumption, and no `notifications/cancelled` — aborting the response stream is the cancellation.
 * Every POST carries `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and the tool's `Mcp-Param-*`
 * headers (protocol/headers.ts). A JSON-RPC error in a 4xx body is still the answer to the request,
 * so the protocol layer can act on -32022/-32020.
 */
import { ErrorCode, TgError, isAuthError } from '../shared/errors.js';
import { standardHeaders } from '../protocol/headers.js';
import { parseRetryAfter } from '../shared/http.js';
import { Method, type JsonRpcMessage, type JsonRpcRequest, type RequestId } from '../shared/wire.js';
import { readSse } from './sse.js';
import { fetchFailure } from './fetch-failure.js';
import { DEFAULT_MAX_FRAME_BYTES } from './transport.js';
import { HttpTransport, asTgError, discard, encodeMessage, eventMessage, mediaType, readJson, type HttpTransportOptions } from './http-transport.js';

/** The outcome of one POST: the HTTP status and, if the body held one, the response to our request. */
export interface Exchange {
  status: number;
  /** The JSON-RPC response for the request (an error with id null is attributed to it: one POST, one request). */
  answer?: unknown;
  /** True when an SSE body ended before the answer. */
  interrupted?: boolean;
  /** A busy answer's `Retry-After` (non-2xx only, when the header is exposed to this origin). */
  retryAfterMs?: number;
}

export interface PostOptions {
  url: string;
  fetch: typeof fetch;
  request: JsonRpcRequest;
  headers?: Record<string, string>;
  signal: AbortSignal;
  maxBytes?: number;
  /** Other messages on the response stream (progress, logging). */
  onOther?: (message: unknown) => void;
  onError?: (error: TgError) => void;
  /**
   * When the fetch fails, check reachability to tell `TG_CORS_BLOCKED` from `TG_NETWORK_ERROR`
   * (transports/fetch-failure.ts). Default true; era detection skips it, it only needs "it failed".
   */
  classifyFailure?: boolean;
}

function answerFor(message: unknown, id: RequestId): unknown {
  if (typeof message !== 'object' || message === null || Array.isArray(message) || 'method' in message) return undefined;
  const m = message as { id?: unknown; error?: unknown };
  if (m.id === id) return message;
  if (m.id === null && m.error !== undefined) return { ...m, id };
  return undefined;
}

/**
 * POSTs one request with the modern headers and reads its answer from a JSON body (any status) or an
 * SSE stream (2xx). Rejects with `TG_NETWORK_ERROR` (network or CORS), `TG_FRAME_TOO_LARGE`, or
 * `TG_PROTOCOL_ERROR` (a 2xx body that is not JSON/SSE); an abort rejects with the signal's reason.
 */
export async function postRequest(options: PostOptions): Promise<Exchange> {
  const { url, request, signal } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const body = encodeMessage(request, maxBytes);
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        ...standardHeaders(request),
        ...options.headers,
      },
      body,
      credentials: 'omit',
      signal,
    });
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    if (isAuthError(cause)) throw cause; // the injected (authorizing) fetch's coded error
    if (options.classifyFailure === false) {
      throw new TgError(ErrorCode.NETWORK_ERROR, `Could not reach ${new URL(url).origin} (network or CORS)`, { cause });
    }
    throw await fetchFailure(url, cause, signal);
  }
  const type = mediaType(response);
  const retryAfterMs = response.ok ? undefined : parseRetryAfter(response.headers.get('retry-after'));
  const failed = { status: response.status, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  if (type === 'application/json') {
    const parsed = await readJson(response, maxBytes, url).catch((error: unknown) => {
      if (response.ok) throw error;
      return undefined; // a 4xx/5xx with a broken body is reported by its status
    });
    const answer = answerFor(parsed, request.id);
    return answer === undefined ? failed : { status: response.status, answer };
  }
  if (type === 'text/event-stream' && response.ok) {
    let answer: unknown;
    await readSse(
      response.body ?? new ReadableStream(),
      {
        onEvent: (event) => {
          if (event.data === '' || answer !== undefined) return;
          const message = eventMessage(event.data, options.onError);
          if (message === undefined) return;
          const mine = answerFor(message, request.id);
          if (mine !== undefined) answer = mine;
          else options.onOther?.(message);
        },
      },
      maxBytes,
    ).catch((error: unknown) => {
      if (signal.aborted) throw signal.reason;
      if (answer === undefined) options.onError?.(asTgError(error));
    });
    return answer === undefined ? { status: response.status, interrupted: true } : { status: response.status, answer };
  }
  discard(response);
  if (!response.ok) return failed;
  throw new TgError(ErrorCode.PROTOCOL_ERROR, `Unexpected content type "${type}" from ${url}`, { data: { status: response.status } });
}

export type StatelessHttpOptions = HttpTransportOptions;

export class StatelessHttpTransport extends HttpTransport {
  readonly #url: string;
  /** One controller per request in flight: aborting it closes that response stream (= cancellation). */
  readonly #inflight = new Map<RequestId, AbortController>();
  #paramHeaders: (request: JsonRpcRequest) => Record<string, string> = () => ({});

  constructor(options: StatelessHttpOptions) {
    super(options);
    this.#url = options.url;
  }

  /** The protocol layer owns the tool definitions, so it supplies the `Mcp-Param-*` headers per request. */
  setParamHeaders(provider: (request: JsonRpcRequest) => Record<string, string>): void {
    this.#paramHeaders = provider;
  }

  override async send(message: JsonRpcMessage): Promise<void> {
    if (this.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed');
    if (!('method' in message)) {
      // Servers may not send requests in this era, so there is nothing to answer, and POSTing responses is forbidden.
      throw new TgError(ErrorCode.PROTOCOL_ERROR, 'The server sent a request; the 2026-07-28 HTTP binding carries no client responses');
    }
    if (!('id' in message)) {
      if (message.method === Method.CANCELLED) return; // cancellation is the aborted stream (see abort())
      throw new TgError(ErrorCode.PROTOCOL_ERROR, `No client notification ${message.method} exists in the 2026-07-28 HTTP binding`);
    }
    const controller = new AbortController();
    const onLifetimeEnd = () => controller.abort(new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed'));
    this.lifetime.signal.addEventListener('abort', onLifetimeEnd, { once: true });
    this.#inflight.set(message.id, controller);
    try {
      const exchange = await postRequest({
        url: this.#url,
        fetch: this.fetch,
        request: message,
        headers: this.#paramHeaders(message),
        signal: controller.signal,
        maxBytes: this.maxBytes,
        onOther: (other) => this.deliver(other),
        onError: (error) => this.onerror?.(error),
      });
      if (exchange.answer !== undefined) return this.deliver(exchange.answer);
      if (exchange.interrupted) {
        throw new TgError(ErrorCode.STREAM_INTERRUPTED, `The response stream for ${message.method} ended before its response`, {
          data: { method: message.method },
        });
      }
      throw new TgError(ErrorCode.HTTP_ERROR, `HTTP ${exchange.status} from ${this.#url}`, { data: { status: exchange.status } });
    } finally {
      this.#inflight.delete(message.id);
      this.lifetime.signal.removeEventListener('abort', onLifetimeEnd);
    }
  }

  /** Cancels a request by closing its response stream; true means no `notifications/cancelled` is needed. */
  abort(id: RequestId, reason?: string): boolean {
    this.#inflight.get(id)?.abort(new TgError(ErrorCode.CANCELLED, `Request cancelled: ${reason ?? 'cancelled'}`));
    return true;
  }
}
