/**
 * One running view: the bridge plus what the host must remember for it — the tool input and the
 * last result (re-sent when the view reloads and initializes again), the host context, and the
 * teardown handshake. DOM-free; the element supplies the channel, the context and the actions.
 *
 * Host → view, after the view's `ui/notifications/initialized` (and again after a reload):
 * `tool-input` (complete arguments; partial ones only before that), then `tool-result` or
 * `tool-cancelled` if known. `host-context-changed` carries only what changed.
 */
import type { CallToolResult } from '../../workers/shared/wire.js';
import { TgError, type ErrorCodeValue } from '../../workers/shared/errors.js';
import { ViewBridge, type BridgeLimits, type JsonObject, type ViewChannel, type ViewNotificationMethod, type ViewRequestMethod } from './bridge.js';

export type DisplayMode = 'inline' | 'fullscreen' | 'pip';

/** What a view may ask of the host. Each throws a coded error to refuse. */
export interface ViewActions {
  request(method: ViewRequestMethod, params: JsonObject): Promise<JsonObject>;
  sizeChanged(size: { width?: number; height?: number }): void;
  log(entry: { level: string; logger?: string; data: unknown }): void;
  requestTeardown(): void;
}

export interface ViewSessionOptions {
  channel: ViewChannel;
  /** What goes to the proxy in `sandbox-resource-ready` (html, csp, permissions, sandbox, title). */
  resource: JsonObject;
  hostInfo: { name: string; version: string };
  hostCapabilities: JsonObject;
  /** The full host context, read when the view initializes. */
  hostContext(): JsonObject;
  actions: ViewActions;
  limits?: BridgeLimits;
  /** The view completed its handshake (each time). */
  onReady?(): void;
  onRefused?(reason: string, method?: string): void;
}

export class ViewSession {
  readonly #bridge: ViewBridge;
  readonly #options: ViewSessionOptions;
  #input: JsonObject | undefined;
  #partial: JsonObject | undefined;
  #result: CallToolResult | undefined;
  #cancelled: string | undefined;
  #closed = false;

  constructor(options: ViewSessionOptions) {
    this.#options = options;
    this.#bridge = new ViewBridge(
      options.channel,
      {
        onProxyReady: () => this.#bridge.sendResource(options.resource),
        initializeResult: () => ({
          hostInfo: options.hostInfo,
          hostCapabilities: options.hostCapabilities,
          hostContext: options.hostContext(),
        }),
        onInitialized: () => {
          this.#replay();
          options.onReady?.();
        },
        onRequest: (method, params) => options.actions.request(method, params),
        onNotification: (method, params) => this.#notification(method, params),
        ...(options.onRefused && { onRefused: options.onRefused }),
      },
      options.limits,
    );
  }

  get bridge(): ViewBridge {
    return this.#bridge;
  }

  /** Streaming arguments (sent only until the complete input is known). */
  toolInputPartial(args: JsonObject): void {
    if (this.#input) return;
    this.#partial = args;
    this.#bridge.notify('ui/notifications/tool-input-partial', { arguments: args });
  }

  toolInput(args: JsonObject): void {
    this.#input = args;
    this.#partial = undefined;
    this.#bridge.notify('ui/notifications/tool-input', { arguments: args });
  }

  toolResult(result: CallToolResult): void {
    this.#result = result;
    this.#cancelled = undefined;
    this.#bridge.notify('ui/notifications/tool-result', result as unknown as JsonObject);
  }

  toolCancelled(reason: string): void {
    this.#cancelled = reason;
    this.#bridge.notify('ui/notifications/tool-cancelled', { reason });
  }

  hostContextChanged(changed: JsonObject): void {
    if (Object.keys(changed).length > 0) this.#bridge.notify('ui/notifications/host-context-changed', changed);
  }

  /**
   * Tells the view it is going (`ui/resource-teardown`) and waits for its answer, at most
   * `timeoutMs`; then closes the bridge. Resolves either way.
   */
  async teardown(reason: string, timeoutMs = 2000): Promise<void> {
    if (this.#closed) return;
    if (this.#bridge.state === 'ready') {
      try {
        await this.#bridge.request('ui/resource-teardown', { reason }, timeoutMs);
      } catch {
        /* a view that does not answer is torn down all the same */
      }
    }
    this.close();
  }

  close(): void {
    this.#closed = true;
    this.#bridge.close();
  }

  #replay(): void {
    if (this.#input) this.#bridge.notify('ui/notifications/tool-input', { arguments: this.#input });
    else if (this.#partial) this.#bridge.notify('ui/notifications/tool-input-partial', { arguments: this.#partial });
    if (this.#result) this.#bridge.notify('ui/notifications/tool-result', this.#result as unknown as JsonObject);
    else if (this.#cancelled !== undefined) this.#bridge.notify('ui/notifications/tool-cancelled', { reason: this.#cancelled });
  }

  #notification(method: ViewNotificationMethod, params: JsonObject): void {
    const { actions } = this.#options;
    switch (method) {
      case 'ui/notifications/size-changed': {
        const size = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
        const width = size(params['width']);
        const height = size(params['height']);
        actions.sizeChanged({ ...(width !== undefined && { width }), ...(height !== undefined && { height }) });
        return;
      }
      case 'notifications/message': {
        const level = typeof params['level'] === 'string' ? params['level'].slice(0, 16) : 'info';
        const logger = typeof params['logger'] === 'string' ? params['logger'].slice(0, 100) : undefined;
        actions.log({ level, ...(logger && { logger }), data: params['data'] ?? null });
        return;
      }
      case 'ui/notifications/request-teardown':
        actions.requestTeardown();
        return;
    }
  }
}

/** A refusal a view request gets (JSON-RPC error with `data.code`). */
export const refuse = (code: ErrorCodeValue, message: string, data?: unknown) => new TgError(code, message, data === undefined ? {} : { data });
