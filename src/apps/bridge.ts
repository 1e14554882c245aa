/**
 * The host side of the MCP Apps bridge (SEP-1865 "Communication Protocol"): JSON-RPC 2.0 between
 * the host page and one view, carried by postMessage through the sandbox proxy. Ours, not the
 * ext-apps `AppBridge` (whose schema library alone is several times our bundle budget).
 *
 * The bridge is DOM-free: a `ViewChannel` (window-channel.ts) delivers only messages whose
 * `event.source` is the view's frame and whose `event.origin` is the sandbox origin, and posts to
 * exactly that origin. Here every message is then
 * - size-bounded (`maxMessageBytes`, measured as JSON) and normalised to plain JSON (a structured
 *   clone could carry Maps, Blobs, cycles…);
 * - rate-limited (a token bucket; `maxInFlight` requests at once), so a view cannot flood the host
 *   or the person with approval cards;
 * - shape-checked (JSON-RPC 2.0; ids string or number);
 * - taken in order of the lifecycle: before the proxy said `sandbox-proxy-ready` nothing is taken;
 *   until the view's `ui/initialize` was answered, requests get an error and notifications are
 *   dropped; the host sends the view nothing before `ui/notifications/initialized`. A second
 *   `ui/initialize` (the view reloaded) is answered again, and the host re-sends what the view must
 *   know (`onInitialized` runs again).
 *
 * Refused messages are counted (`diagnostics`) and reported to `onRefused`; the bridge keeps
 * working. A method the bridge does not know gets -32601.
 */
import { TgError, errorCode, ErrorCode } from '../../workers/shared/errors.js';
import { APPS_PROTOCOL_VERSION } from './ui-meta.js';

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
type Id = string | number;

/** Where the bridge posts, and how it hears: one view's frame (see window-channel.ts). */
export interface ViewChannel {
  post(message: JsonObject): void;
  /** Calls `receive` with the `data` of each message from the view; returns a function that stops it. */
  listen(receive: (data: unknown) => void): () => void;
}

/** Requests a view may make of the host. */
export const VIEW_REQUESTS = [
  'tools/call',
  'resources/read',
  'ui/message',
  'ui/update-model-context',
  'ui/open-link',
  'ui/download-file',
  'ui/request-display-mode',
] as const;
export type ViewRequestMethod = (typeof VIEW_REQUESTS)[number];

/** Notifications a view may send (others are ignored). */
export const VIEW_NOTIFICATIONS = ['ui/notifications/size-changed', 'notifications/message', 'ui/notifications/request-teardown'] as const;
export type ViewNotificationMethod = (typeof VIEW_NOTIFICATIONS)[number];

export interface BridgeHandlers {
  /** The sandbox proxy is ready: send it the resource (`sendResource`). */
  onProxyReady(): void;
  /** Answer to `ui/initialize`: the host's info, capabilities and context. */
  initializeResult(params: JsonObject): JsonObject;
  /** The view finished its handshake (again, after a reload): send it tool input and result. */
  onInitialized(): void;
  /** A request of the view; resolve with its result, or throw a coded error. */
  onRequest(method: ViewRequestMethod, params: JsonObject): Promise<JsonObject>;
  onNotification(method: ViewNotificationMethod, params: JsonObject): void;
  /** A message was refused (why, and its method when it had one). */
  onRefused?(reason: string, method?: string): void;
}

export interface BridgeLimits {
  /** Largest message accepted from the view, as JSON bytes. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Sustained messages per second from the view. Default 20. */
  ratePerSecond?: number;
  /** Burst allowance. Default 40. */
  burst?: number;
  /** Requests of the view being handled at once. Default 8. */
  maxInFlight?: number;
  /** Clock (tests). */
  now?: () => number;
}

export type BridgeState = 'awaiting-proxy' | 'awaiting-initialize' | 'initializing' | 'ready' | 'closed';

/** JSON-RPC error codes the bridge answers with. */
export const RpcCode = { INVALID_REQUEST: -32600, METHOD_NOT_FOUND: -32601, INVALID_PARAMS: -32602, INTERNAL: -32603, REFUSED: -32000 } as const;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is Id => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** The JSON-RPC code for a coded error thrown by a handler. */
function rpcCodeFor(code: string | undefined): number {
  if (code === ErrorCode.APP_ARGS_INVALID) return RpcCode.INVALID_PARAMS;
  return RpcCode.REFUSED;
}

export class ViewBridge {
  #state: BridgeState = 'awaiting-proxy';
  readonly #channel: ViewChannel;
  readonly #handlers: BridgeHandlers;
  readonly #maxBytes: number;
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxInFlight: number;
  readonly #now: () => number;
  #tokens: number;
  #refilledAt: number;
  #inFlight = 0;
  #nextId = 1;
  readonly #pending = new Map<string, { resolve: (v: JsonObject) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  readonly #stop: () => void;
  readonly #counts = { received: 0, refused: 0, requests: 0 };

  constructor(channel: ViewChannel, handlers: BridgeHandlers, limits: BridgeLimits = {}) {
    this.#channel = channel;
    this.#handlers = handlers;
    this.#maxBytes = limits.maxMessageBytes ?? 1024 * 1024;
    this.#rate = limits.ratePerSecond ?? 20;
    this.#burst = limits.burst ?? 40;
    this.#maxInFlight = limits.maxInFlight ?? 8;
    this.#now = limits.now ?? (() => Date.now());
    this.#tokens = this.#burst;
    this.#refilledAt = this.#now();
    this.#stop = channel.listen((data) => this.#receive(data));
  }

  get state(): BridgeState {
    return this.#state;
  }

  /** Messages received, refused, and requests handled so far. */
  get diagnostics(): { received: number; refused: number; requests: number } {
    return { ...this.#counts };
  }

  /** Sends the view resource to the proxy (after `onProxyReady`). */
  sendResource(params: JsonObject): void {
    if (this.#state !== 'awaiting-initialize') return;
    this.#channel.post({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-resource-ready', params });
  }

  /** A notification to the view; dropped unless the view finished its handshake. */
  notify(method: string, params: JsonObject = {}): boolean {
    if (this.#state !== 'ready') return false;
    this.#channel.post({ jsonrpc: '2.0', method, params });
    return true;
  }

  /** A request to the view (e.g. `ui/resource-teardown`); rejects after `timeoutMs` or on close. */
  request(method: string, params: JsonObject = {}, timeoutMs = 3000): Promise<JsonObject> {
    if (this.#state !== 'ready') return Promise.reject(new TgError(ErrorCode.APP_MESSAGE_REFUSED, `The view is not ready for ${method}.`));
    const id = `tg-${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new TgError(ErrorCode.APP_MESSAGE_REFUSED, `The view did not answer ${method} in ${timeoutMs} ms.`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#channel.post({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Stops listening; pending requests reject. The frame itself is the caller's to remove. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stop();
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new TgError(ErrorCode.APP_MESSAGE_REFUSED, 'The view was closed.'));
      this.#pending.delete(id);
    }
  }

  // ---------------------------------------------------------------------------------------------

  #refuse(reason: string, message?: { id?: unknown; method?: unknown }): void {
    this.#counts.refused++;
    const method = typeof message?.method === 'string' ? message.method : undefined;
    this.#handlers.onRefused?.(reason, method);
    if (message && isId(message.id) && method !== undefined) {
      this.#error(message.id, RpcCode.REFUSED, reason, ErrorCode.APP_MESSAGE_REFUSED);
    }
  }

  #error(id: Id, code: number, message: string, tgCode?: string, data?: unknown): void {
    const error: JsonObject = { code, message };
    if (tgCode !== undefined || data !== undefined) error['data'] = { ...(tgCode && { code: tgCode }), ...(isObject(data) ? data : {}) } as JsonObject;
    this.#channel.post({ jsonrpc: '2.0', id, error });
  }

  #takeToken(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#rate);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Plain JSON of at most `maxMessageBytes`, or undefined. */
  #normalise(data: unknown): JsonObject | undefined {
    let text: string | undefined;
    try {
      text = JSON.stringify(data);
    } catch {
      return undefined;
    }
    if (text === undefined || text.length > this.#maxBytes) return undefined;
    // Counting UTF-16 units first keeps the common case cheap; multi-byte text is measured exactly.
    if (text.length * 3 > this.#maxBytes && new TextEncoder().encode(text).length > this.#maxBytes) return undefined;
    const value = JSON.parse(text) as unknown;
    return isObject(value) ? value : undefined;
  }

  #receive(data: unknown): void {
    if (this.#state === 'closed') return;
    this.#counts.received++;
    if (!this.#takeToken()) {
      // Answered (cheaply, from the raw message) so the view does not wait on a dropped request.
      const raw = isObject(data) ? data : undefined;
      return this.#refuse('Too many messages from the view.', raw && isId(raw['id']) && typeof raw['method'] === 'string' ? { id: raw['id'], method: raw['method'] } : undefined);
    }
    const message = this.#normalise(data);
    if (!message) return this.#refuse(`A message was not JSON or larger than ${this.#maxBytes} bytes.`);
    if (message['jsonrpc'] !== '2.0') return this.#refuse('Not a JSON-RPC 2.0 message.', message);
    const { id, method } = message;
    const params = isObject(message['params']) ? message['params'] : {};

    // A response to one of the host's requests.
    if (method === undefined) {
      if (typeof id !== 'string' || !this.#pending.has(id)) return this.#refuse('A response to no request of the host.');
      const pending = this.#pending.get(id)!;
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      if (isObject(message['result'])) pending.resolve(message['result']);
      else pending.reject(new TgError(ErrorCode.APP_MESSAGE_REFUSED, 'The view answered with an error.', { data: message['error'] ?? null }));
      return;
    }
    if (typeof method !== 'string') return this.#refuse('A message whose method is not a string.');
    if (id !== undefined && !isId(id)) return this.#refuse('A request id must be a string or a number.');

    if (this.#state === 'awaiting-proxy') {
      if (method === 'ui/notifications/sandbox-proxy-ready' && id === undefined) {
        this.#state = 'awaiting-initialize';
        this.#handlers.onProxyReady();
        return;
      }
      return this.#refuse('The sandbox proxy is not ready yet.', message);
    }
    if (method.startsWith('ui/notifications/sandbox-')) return this.#refuse('Sandbox messages are taken only once, at the start.');

    if (method === 'ui/initialize') {
      if (id === undefined) return this.#refuse('ui/initialize must be a request.');
      const protocolVersion = params['protocolVersion'];
      if (typeof protocolVersion !== 'string' || !isObject(params['appInfo'] ?? {})) {
        return this.#error(id, RpcCode.INVALID_PARAMS, 'ui/initialize needs protocolVersion and appInfo.', ErrorCode.APP_MESSAGE_REFUSED);
      }
      const result = { protocolVersion: APPS_PROTOCOL_VERSION, ...this.#handlers.initializeResult(params) };
      this.#state = 'initializing';
      this.#channel.post({ jsonrpc: '2.0', id, result });
      return;
    }
    if (this.#state === 'awaiting-initialize') return this.#refuse('The view must send ui/initialize first.', message);

    if (id === undefined) {
      if (method === 'ui/notifications/initialized') {
        if (this.#state !== 'initializing') return;
        this.#state = 'ready';
        this.#handlers.onInitialized();
        return;
      }
      if ((VIEW_NOTIFICATIONS as readonly string[]).includes(method)) {
        this.#handlers.onNotification(method as ViewNotificationMethod, params);
      }
      return; // unknown notifications are ignored, as JSON-RPC allows
    }

    if (method === 'ping') return this.#channel.post({ jsonrpc: '2.0', id, result: {} });
    if (!(VIEW_REQUESTS as readonly string[]).includes(method)) return this.#error(id, RpcCode.METHOD_NOT_FOUND, `Method not found: ${method}`);
    if (this.#inFlight >= this.#maxInFlight) return this.#refuse(`The view has ${this.#maxInFlight} requests in flight already.`, message);
    this.#counts.requests++;
    this.#inFlight++;
    void this.#handlers
      .onRequest(method as ViewRequestMethod, params)
      .then(
        (result) => {
          if (this.#state !== 'closed') this.#channel.post({ jsonrpc: '2.0', id, result });
        },
        (err: unknown) => {
          if (this.#state === 'closed') return;
          const code = errorCode(err);
          const text = err instanceof Error ? err.message : String(err);
          this.#error(id, rpcCodeFor(code), text, code, (err as { data?: unknown } | null)?.data);
        },
      )
      .finally(() => this.#inFlight--);
  }
}
