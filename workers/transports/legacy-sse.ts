/**
 * HTTP+SSE, the transport of MCP 2024-11-05 (docs/specification/2024-11-05/basic/transports.mdx),
 * deprecated since 2025-03-26 but still spoken by many servers. The client GETs the server's URL as
 * an event stream; the server's first event, `endpoint`, names the URI to POST every client message
 * to; every server message arrives on that one stream as a `message` event.
 *
 * The stream is read from `fetch` (EventSource cannot send headers or be bounded). The endpoint is
 * untrusted input: it is resolved against the SSE URL and must be same-origin, or a malicious server
 * could make the worker POST the conversation (and, later, credentials) to any host. The stream is the
 * only way back, so when it ends the transport is closed: 2024-11-05 has no resumption, and a new GET
 * would be a new session on most servers.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { JsonRpcMessage } from '../shared/wire.js';
import { readSse } from './sse.js';
import { fetchFailure } from './fetch-failure.js';
import { HttpTransport, discard, mediaType, type HttpTransportOptions } from './http-transport.js';

/** `url` is the SSE URL (GET). */
export interface LegacySseOptions extends HttpTransportOptions {
  /** How long to wait for the `endpoint` event after the stream opened. */
  endpointTimeoutMs?: number;
}

export const DEFAULT_ENDPOINT_TIMEOUT_MS = 10_000;

export class LegacySseTransport extends HttpTransport {
  readonly #url: URL;
  readonly #endpointTimeoutMs: number;
  #endpoint?: URL;
  #started = false;

  constructor(options: LegacySseOptions) {
    super(options);
    this.#url = new URL(options.url);
    this.#endpointTimeoutMs = options.endpointTimeoutMs ?? DEFAULT_ENDPOINT_TIMEOUT_MS;
  }

  /** The URI messages are POSTed to, once the server named it. */
  get endpoint(): string | undefined {
    return this.#endpoint?.href;
  }

  /**
   * Opens the stream and waits (bounded) for the `endpoint` event. Rejects with `TG_NETWORK_ERROR`,
   * `TG_HTTP_ERROR` (`data.status`), `TG_PROTOCOL_ERROR` (not an event stream),
   * `TG_CROSS_ORIGIN_ENDPOINT`, or `TG_CONNECTION_FAILED` (no endpoint in time, or the stream ended first).
   */
  override async start(): Promise<void> {
    if (this.#started) throw new TgError(ErrorCode.CONNECTION_FAILED, 'The transport was already started');
    this.#started = true;
    const response = await this.#request(this.#url, { method: 'GET', headers: { accept: 'text/event-stream' } });
    if (!response.ok) {
      discard(response);
      throw new TgError(ErrorCode.HTTP_ERROR, `HTTP ${response.status} from ${this.#url.href}`, { data: { status: response.status } });
    }
    const type = mediaType(response);
    if (type !== 'text/event-stream' || !response.body) {
      discard(response);
      throw new TgError(ErrorCode.PROTOCOL_ERROR, `Expected an event stream from ${this.#url.href}, got "${type}"`);
    }

    let settle!: { resolve: () => void; reject: (error: TgError) => void };
    const endpointReady = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const timer = setTimeout(
      () => settle.reject(new TgError(ErrorCode.CONNECTION_FAILED, `No endpoint event from ${this.#url.href} within ${this.#endpointTimeoutMs} ms`)),
      this.#endpointTimeoutMs,
    );
    const onEndpoint = (data: string): void => {
      if (this.#endpoint) {
        // The endpoint is fixed for the session: a server (or an injected event) must not redirect our traffic.
        if (data.trim() !== '' && this.#resolveEndpoint(data)?.href !== this.#endpoint.href) {
          this.onerror?.(new TgError(ErrorCode.PROTOCOL_ERROR, 'Ignored a second endpoint event naming a different URI'));
        }
        return;
      }
      const endpoint = this.#resolveEndpoint(data);
      if (!endpoint) {
        settle.reject(new TgError(ErrorCode.PROTOCOL_ERROR, `The endpoint event is not a URI: ${JSON.stringify(data.slice(0, 200))}`));
        return;
      }
      if (endpoint.origin !== this.#url.origin) {
        settle.reject(
          new TgError(
            ErrorCode.CROSS_ORIGIN_ENDPOINT,
            `Refused the endpoint ${endpoint.origin}: messages may only be posted to the SSE URL's origin ${this.#url.origin}`,
            { data: { endpoint: endpoint.href, origin: this.#url.origin } },
          ),
        );
        return;
      }
      this.#endpoint = endpoint;
      settle.resolve();
    };

    const reading = readSse(
      response.body,
      {
        onEvent: (event) => {
          if (event.event === 'endpoint') return onEndpoint(event.data);
          if (event.event !== undefined && event.event !== 'message') return; // other event types: not ours
          const message = this.parseEvent(event.data);
          if (message !== undefined) this.deliver(message);
        },
      },
      this.maxBytes,
    );
    void reading.then(
      () => new TgError(ErrorCode.CONNECTION_CLOSED, `The server closed the event stream of ${this.#url.href}`),
      (cause: unknown) =>
        cause instanceof TgError ? cause : new TgError(ErrorCode.CONNECTION_CLOSED, `The event stream of ${this.#url.href} broke`, { cause }),
    ).then((reason) => {
      // A stream that ends before naming the endpoint fails the start, not an open connection.
      settle.reject(new TgError(ErrorCode.CONNECTION_FAILED, `The event stream of ${this.#url.href} ended before the endpoint event`, { cause: reason }));
      this.#ended(reason);
    });

    try {
      await endpointReady;
    } catch (error) {
      this.shutdown();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** POSTs one message to the endpoint; the answer comes on the stream. Settles when the POST is over. */
  override async send(message: JsonRpcMessage): Promise<void> {
    if (this.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed');
    const endpoint = this.#endpoint;
    if (!endpoint) throw new TgError(ErrorCode.NOT_CONNECTED, 'No endpoint yet: call start() first');
    const response = await this.#request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: this.encode(message) });
    // 202 Accepted (or 200): the body, if any, carries nothing of the protocol.
    discard(response);
    if (!response.ok) {
      throw new TgError(ErrorCode.HTTP_ERROR, `HTTP ${response.status} from ${endpoint.origin}${endpoint.pathname}`, {
        data: { status: response.status },
      });
    }
  }

  /** The stream ended without our asking: the connection is over, with a reason. */
  #ended(reason: TgError): void {
    if (this.closed) return;
    this.shutdown();
    if (this.#endpoint) this.onclose?.(reason); // before the endpoint, start() reports it
  }

  #resolveEndpoint(data: string): URL | undefined {
    try {
      const url = new URL(data.trim(), this.#url);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
    } catch {
      return undefined;
    }
  }

  async #request(url: URL, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<Response> {
    try {
      // A POST is never redirected: a redirect could carry the message to another origin after all.
      const redirect: RequestRedirect = init.method === 'POST' ? 'error' : 'follow';
      return await this.fetch(url.href, { ...init, credentials: 'omit', redirect, signal: this.lifetime.signal });
    } catch (cause) {
      if (this.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed', { cause });
      // Both the SSE URL and the message endpoint need the CORS headers: TG_CORS_BLOCKED or TG_NETWORK_ERROR.
      throw await fetchFailure(url.href, cause, this.lifetime.signal);
    }
  }
}
