/**
 * Streamable HTTP (MCP 2025-03-26 … 2025-11-25): one POST per message, answered by JSON, an SSE
 * stream, or 202; the session id from `initialize` on every later request; `MCP-Protocol-Version`
 * once negotiated; an optional GET stream for server-initiated messages; resumption of a broken
 * stream with `Last-Event-ID` after the server's `retry` delay, with a floor (`reopenDelay`); DELETE on close.
 *
 * `send()` settles when the HTTP exchange for that message is over; a rejection rejects the request
 * in the RPC engine. Reopening is bounded: a floor that grows, jitter, a cap, and a number of attempts.
 */
import { ErrorCode, TgError, isAuthError } from '../shared/errors.js';
import { parseRetryAfter } from '../shared/http.js';
import type { JsonRpcMessage, RequestId } from '../shared/wire.js';
import { readSse } from './sse.js';
import { fetchFailure } from './fetch-failure.js';
import { HttpTransport, asTgError, discard, mediaType, readJson, type HttpTransportOptions } from './http-transport.js';

export interface RetryPolicy {
  /** Used until the server sends `retry:` (a stream with events is reopened after it, see `reopenDelay`). */
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export interface StreamableHttpOptions extends HttpTransportOptions {
  retry?: Partial<RetryPolicy>;
}

const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 5 };
const DELETE_TIMEOUT_MS = 2000;
const STREAM_OPEN_WAIT_MS = 250;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** No stream is reopened sooner than this, unless the server is polling it (see `reopenDelay`). */
export const REOPEN_FLOOR_MS = 1000;
/** The smallest `retry:` taken at its word, from a stream that delivered events (SEP-1699 polling). */
export const MIN_HONOURED_RETRY_MS = 500;

/**
 * The pause before reopening a stream. `retry` is always a lower bound (the client MUST respect it).
 * A stream that delivered events and asks for ≥ MIN_HONOURED_RETRY_MS is being polled (SEP-1699: the
 * server closes it and names when to come back): reopened after exactly `retry`, which is what the
 * conformance suite checks (500 ms, 450–700). Anything else — a smaller `retry` such as 0, or a stream
 * that ended with nothing — waits the floor: 1 s, doubling with each reopen since the last JSON-RPC
 * message, +0–25 % jitter, capped at `maxMs`. So a server that answers `retry: 0` and closes is
 * reopened at 1 s, 2 s, 4 s…, never in a tight loop.
 */
export function reopenDelay(retryMs: number, deliveredEvents: boolean, reopensSinceMessage: number, maxMs: number, random = Math.random): number {
  if (deliveredEvents && retryMs >= MIN_HONOURED_RETRY_MS) return retryMs;
  const doubling = REOPEN_FLOOR_MS * 2 ** Math.min(Math.max(reopensSinceMessage - 1, 0), 30);
  return Math.max(retryMs, Math.round(Math.min(Math.max(maxMs, REOPEN_FLOOR_MS), doubling * (1 + random() * 0.25))));
}

function responseId(message: unknown): RequestId | null | undefined {
  if (typeof message !== 'object' || message === null || 'method' in message) return undefined;
  return (message as { id?: RequestId | null }).id;
}

export class StreamableHttpTransport extends HttpTransport {
  readonly #url: string;
  readonly #retry: RetryPolicy;
  #sessionId?: string;
  /** The server gave a session: from then on a request without one would be refused, or worse, dropped. */
  #sessionful = false;
  #protocolVersion?: string;

  constructor(options: StreamableHttpOptions) {
    super(options);
    this.#url = options.url;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
  }

  override async send(message: JsonRpcMessage): Promise<void> {
    const body = this.encode(message);
    const requestId = 'method' in message && 'id' in message ? message.id : undefined;
    const isInitialize = 'method' in message && message.method === 'initialize';
    if (isInitialize) this.#sessionId = undefined; // a fresh initialize never carries an old session
    else if (this.#sessionful && this.#sessionId === undefined) {
      // The session expired (another request saw the 404): not sent; the connection re-initializes first.
      throw new TgError(ErrorCode.SESSION_EXPIRED, 'The server ended the session; initialize again');
    }
    const sentSession = this.#sessionId; // what this request carried (#request reads it synchronously)
    const response = await this.#request('POST', { body, accept: 'application/json, text/event-stream' });
    if (isInitialize) {
      this.#sessionId = response.headers.get('mcp-session-id') ?? undefined;
      if (this.#sessionId !== undefined) this.#sessionful = true;
    }

    if (response.status === 202) return discard(response);
    // Judged by the session this request carried: with concurrent requests, the others' 404s arrive after
    // the first cleared it (they are expiries too), or after a re-initialize set a new one (keep it).
    if (response.status === 404 && sentSession !== undefined && !isInitialize) {
      if (this.#sessionId === sentSession) this.#sessionId = undefined;
      discard(response);
      throw new TgError(ErrorCode.SESSION_EXPIRED, 'The server ended the session (HTTP 404)');
    }
    const type = mediaType(response);
    if (!response.ok) {
      // A JSON-RPC error in the body is still the answer to our request: deliver it as such.
      const answer = type === 'application/json' ? await readJson(response, this.maxBytes, this.#url).catch(() => undefined) : undefined;
      if (answer !== undefined && requestId !== undefined && responseId(answer) === requestId) return this.deliver(answer);
      if (answer === undefined) discard(response);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new TgError(ErrorCode.HTTP_ERROR, `HTTP ${response.status} from ${this.#url}`, {
        data: { status: response.status, ...(retryAfterMs !== undefined && { retryAfterMs }) },
      });
    }
    if (type === 'application/json') {
      const answer = await readJson(response, this.maxBytes, this.#url);
      let answered = false;
      for (const item of Array.isArray(answer) ? answer : [answer]) {
        if (requestId !== undefined && responseId(item) === requestId) answered = true;
        this.deliver(item);
      }
      // A JSON body is the whole answer: without our response in it, none will come (don't wait for a timeout).
      if (requestId !== undefined && !answered && !this.closed) {
        throw new TgError(ErrorCode.PROTOCOL_ERROR, `The JSON response from ${this.#url} does not answer request ${JSON.stringify(requestId)}`);
      }
      return;
    }
    if (type === 'text/event-stream') return this.#consumeStream(response, requestId);
    discard(response);
    if (requestId === undefined) return; // a notification or response needs no body
    throw new TgError(ErrorCode.PROTOCOL_ERROR, `Unexpected content type "${type}" from ${this.#url}`);
  }

  /**
   * Opens the standalone GET stream. Waits for its response (bounded), so a request sent right after
   * cannot overtake a stream still being opened; Firefox resolves `fetch` only at the first event, so
   * the wait is capped rather than unbounded.
   */
  async openEventStream(): Promise<void> {
    if (this.closed || this.#sessionId === undefined) return;
    const opened = this.#request('GET', { accept: 'text/event-stream' }).then(
      (response) => {
        if (!response.ok || mediaType(response) !== 'text/event-stream') {
          discard(response);
          return; // 405: the server offers no stream; that is allowed
        }
        void this.#followStream(response, undefined).catch((error: unknown) => {
          if (!this.closed) this.onerror?.(asTgError(error));
        });
      },
      (error: unknown) => {
        if (!this.closed) this.onerror?.(asTgError(error));
      },
    );
    await Promise.race([opened, new Promise<void>((resolve) => setTimeout(resolve, STREAM_OPEN_WAIT_MS))]);
  }

  /** Tells the server the session is over; 405 or a failure is fine, but it does not hang on it. */
  protected override async farewell(): Promise<void> {
    if (this.#sessionId === undefined) return;
    await this.fetch(this.#url, {
      method: 'DELETE',
      headers: this.#headers('application/json'),
      credentials: 'omit',
      signal: AbortSignal.timeout(DELETE_TIMEOUT_MS),
    }).then(discard, () => {});
  }

  /** Reads an SSE response; if it breaks before the answer to `requestId`, resumes it with GET + Last-Event-ID. */
  async #consumeStream(response: Response, requestId: RequestId | undefined): Promise<void> {
    const answered = await this.#followStream(response, requestId);
    if (!answered && requestId !== undefined && !this.closed) {
      throw new TgError(ErrorCode.CONNECTION_CLOSED, 'The event stream ended before the response arrived');
    }
  }

  /**
   * Follows one logical stream across reconnections. Returns true once the response to `until`
   * arrived; for the standalone stream (`until` undefined) it runs until closed or out of attempts.
   */
  async #followStream(first: Response, until: RequestId | undefined): Promise<boolean> {
    let lastEventId: string | undefined;
    let retryMs = this.#retry.initialDelayMs;
    let answered = false;
    let response: Response | undefined = first;
    let attempt = 0;
    /** Reopens since the last JSON-RPC message: what grows the floor. */
    let reopens = 0;
    for (;;) {
      let events = 0;
      if (response) {
        try {
          await readSse(
            response.body ?? new ReadableStream(),
            {
              onEvent: (event) => {
                events++;
                if (event.id !== undefined) lastEventId = event.id;
                if (event.data === '') return; // priming event: an id to resume from, no message
                const message = this.parseEvent(event.data);
                if (message === undefined) return;
                reopens = 0;
                if (until !== undefined && responseId(message) === until) answered = true;
                this.deliver(message);
              },
              onRetry: (ms) => (retryMs = ms),
            },
            this.maxBytes,
          );
          // A stream that delivered something and ended cleanly resets the attempt budget; one that ends
          // empty every time does not, so a server that closes each GET at once gets maxAttempts, not a loop.
          if (events > 0) attempt = 0;
        } catch (error) {
          if (this.closed) return answered;
          this.onerror?.(asTgError(error));
        }
      }
      if (answered || this.closed) return answered;
      if (lastEventId === undefined && until !== undefined) return false; // nothing to resume from
      if (++attempt > this.#retry.maxAttempts) return false;
      await sleep(reopenDelay(retryMs, events > 0, ++reopens, this.#retry.maxDelayMs), this.lifetime.signal);
      if (this.closed) return answered;
      response = await this.#request('GET', {
        accept: 'text/event-stream',
        ...(lastEventId !== undefined && { lastEventId }),
      }).catch((error: unknown) => {
        this.onerror?.(asTgError(error));
        return undefined;
      });
      if (response && (!response.ok || mediaType(response) !== 'text/event-stream')) {
        discard(response);
        if (response.status === 405 || response.status === 404) return answered;
        response = undefined;
      }
    }
  }

  #headers(accept: string, lastEventId?: string): Record<string, string> {
    const headers: Record<string, string> = { accept };
    if (this.#sessionId !== undefined) headers['mcp-session-id'] = this.#sessionId;
    if (this.#protocolVersion !== undefined) headers['mcp-protocol-version'] = this.#protocolVersion;
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    return headers;
  }

  async #request(method: 'GET' | 'POST', options: { body?: string; accept: string; lastEventId?: string }): Promise<Response> {
    if (this.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed');
    const headers = this.#headers(options.accept, options.lastEventId);
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.fetch(this.#url, {
        method,
        headers,
        ...(options.body !== undefined && { body: options.body }),
        credentials: 'omit',
        signal: this.lifetime.signal,
      });
    } catch (cause) {
      if (this.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed', { cause });
      if (isAuthError(cause)) throw cause; // the injected (authorizing) fetch's coded error, e.g. TG_AUTH_*
      throw await fetchFailure(this.#url, cause, this.lifetime.signal); // TG_CORS_BLOCKED or TG_NETWORK_ERROR
    }
  }
}
