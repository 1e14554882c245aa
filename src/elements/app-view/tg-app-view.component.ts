import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { CallToolResult } from '../../../workers/shared/wire.js';
import type { JsonObject } from '../../apps/bridge.js';
import { hostContext, themeOf } from '../../apps/host-context.js';
import { prepareView, type PrepareInput, type PreparedView, type ReadyView } from '../../apps/prepare.js';
import { proxyFrameUrl } from '../../apps/sandbox-origin.js';
import { viewRequestHandler, type ConsentRequest, type DownloadFile, type ViewRequestDeps } from '../../apps/view-requests.js';
import { ViewSession, type DisplayMode } from '../../apps/view-session.js';
import { windowChannel, type WindowChannel } from '../../apps/window-channel.js';
import { escapeName } from '../../gate/pins.js';
import { TgAppContextEvent } from '../../events/tg-app-context.js';
import { TgAppMessageEvent } from '../../events/tg-app-message.js';
import { TgAppTeardownEvent } from '../../events/tg-app-teardown.js';
import { styles } from './tg-app-view.styles.js';
import { dataProperties, stateProperties } from '../shared/properties.js';

/** What `<tg-app-view>` needs: where the sandbox is, whose view, and the host's pieces. */
export interface AppViewSource extends PrepareInput {
  /** The gate, `resources/read` of the same server, schema validation (see `ViewRequestDeps`). */
  requests: Omit<ViewRequestDeps, 'consent' | 'deliver' | 'signal' | 'audit'>;
  hostInfo?: { name: string; version: string };
}

const MIN_HEIGHT = 60;
const DEFAULT_HEIGHT = 240;
const STEP = 120;

type Pending = { request: ConsentRequest; resolve: (yes: boolean) => void };

const formatSize = (n: number) => (n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);

/**
 * An MCP App view (SEP-1865), inline under its tool call: the server's HTML in the sandbox proxy on
 * a separate origin (never this page's), its own CSP, every request passing the gate or the
 * person. Renders a clear notice instead when no sandbox origin is configured, when the view is
 * unusable, or when it changed since it was accepted (with "Review and allow").
 *
 * Keyboard: the frame is in the tab order; a consent card takes focus when it appears and gives it
 * back to the frame when answered (Escape declines); Escape on the toolbar leaves full screen.
 *
 * @event tg-app-message - The person let the view send a message: `detail: { text, serverId, tool, resourceUri }` (src/events/tg-app-message.ts).
 * @event tg-app-context - The view updated what the model should know: `detail: { text?, structured?, serverId, tool, resourceUri }`.
 * @event tg-app-teardown - The view asked to be closed, or was torn down: `detail: { reason }`.
 *
 * @csspart frame - The outer iframe (the sandbox proxy).
 * @csspart toolbar - The label and controls above the frame.
 * @csspart notice - Why the view is not shown.
 * @csspart consent - The consent card for a link, a download or a message.
 */
export class TgAppView extends LitElement {
  static override styles = styles;

  static override properties = {
    ...dataProperties('source', 'input', 'result', 'cancelled'),
    maxHeight: { type: Number, attribute: 'max-height' },
    ...stateProperties('_prepared', '_height', '_mode', '_pending', '_closed'),
  };

  /** Where and what to show (set by `<tg-agent>`; a host with its own UI builds one). */
  declare source: AppViewSource | undefined;
  /** The tool call's complete arguments (the same as `toolInput()`). */
  declare input: JsonObject | undefined;
  /** The tool call's result (the same as `toolResult()`). */
  declare result: CallToolResult | undefined;
  /** Why the tool call was cancelled (the same as `toolCancelled()`). */
  declare cancelled: string | undefined;
  /** Tallest inline height in pixels (the view asks through size-changed; the person resizes). */
  declare maxHeight: number;
  declare protected _prepared: PreparedView | undefined;
  declare protected _height: number;
  declare protected _mode: DisplayMode;
  declare protected _pending: Pending | undefined;
  declare protected _closed: string | undefined;

  #session: ViewSession | undefined;
  #channel: WindowChannel | undefined;
  #input: JsonObject | undefined;
  #result: CallToolResult | undefined;
  #cancelled: string | undefined;
  #abort = new AbortController();
  #resize: ResizeObserver | undefined;
  #dark = matchMedia('(prefers-color-scheme: dark)');

  constructor() {
    super();
    this.maxHeight = 600;
    this._height = DEFAULT_HEIGHT;
    this._mode = 'inline';
  }

  /** The outer frame, once the view runs. */
  get frame(): HTMLIFrameElement | null {
    return this.renderRoot.querySelector('iframe');
  }

  /** The bridge's counts and the messages ignored for their source or origin (diagnostics). */
  get diagnostics(): { received: number; refused: number; requests: number; foreign: number } | undefined {
    if (!this.#session || !this.#channel) return undefined;
    return { ...this.#session.bridge.diagnostics, foreign: this.#channel.foreign };
  }

  /** The view's state: `preparing`, `ready` (frame shown), `quarantined`, `unavailable` or `closed`. */
  get state(): string {
    if (this._closed !== undefined) return 'closed';
    return this._prepared?.state ?? 'preparing';
  }

  /** The tool's arguments (complete). Sent once the view is initialized, and again after a reload. */
  toolInput(args: JsonObject): void {
    this.#input = args;
    this.#session?.toolInput(args);
  }

  toolInputPartial(args: JsonObject): void {
    this.#session?.toolInputPartial(args);
  }

  toolResult(result: CallToolResult): void {
    this.#result = result;
    this.#session?.toolResult(result);
  }

  toolCancelled(reason: string): void {
    this.#cancelled = reason;
    this.#session?.toolCancelled(reason);
  }

  /** Tells the view it is going (`ui/resource-teardown`), waits briefly for it, and removes the frame. */
  async teardown(reason: string): Promise<void> {
    if (this._closed !== undefined) return;
    this._pending?.resolve(false);
    await this.#session?.teardown(reason);
    this.#stop(reason);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#dark.addEventListener('change', this.#onTheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dark.removeEventListener('change', this.#onTheme);
    // Removed from the page: no time to wait for the view's answer, but it is told.
    void this.#session?.teardown('The view was removed from the page.', 0);
    this.#stop('The view was removed from the page.');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source') && this.source && !this._prepared) void this.#prepare(this.source);
    if (changed.has('input') && this.input && this.input !== this.#input) this.toolInput(this.input);
    if (changed.has('result') && this.result && this.result !== this.#result) this.toolResult(this.result);
    if (changed.has('cancelled') && this.cancelled !== undefined && this.cancelled !== this.#cancelled) this.toolCancelled(this.cancelled);
  }

  protected override updated(): void {
    const frame = this.frame;
    if (frame && this._prepared?.state === 'ready' && !this.#session) this.#start(frame, this._prepared);
    if (this._pending) this.renderRoot.querySelector<HTMLElement>('.consent')?.focus();
  }

  async #prepare(source: AppViewSource): Promise<void> {
    this._prepared = await prepareView(source);
  }

  async #approve(): Promise<void> {
    const prepared = this._prepared;
    if (!this.source || prepared?.state !== 'quarantined') return;
    await this.source.pins.approve(prepared.ready.facts);
    this._prepared = prepared.ready;
  }

  #start(frame: HTMLIFrameElement, ready: ReadyView): void {
    const source = this.source!;
    const { identity } = source;
    this.#channel = windowChannel(frame, ready.sandbox.origin);
    const handle = viewRequestHandler(identity, {
      ...source.requests,
      audit: source.audit,
      signal: this.#abort.signal,
      consent: (request) => this.#ask(request),
      deliver: {
        message: (text) => this.dispatchEvent(new TgAppMessageEvent({ text, ...this.#who() })),
        modelContext: (text, structured) =>
          this.dispatchEvent(new TgAppContextEvent({ ...(text !== undefined && { text }), ...(structured !== undefined && { structured }), ...this.#who() })),
        openLink: () => {}, // opened in the consent click itself (a user gesture), see #answer
        download: (file) => this.#download(file),
        displayMode: (mode) => this.#setMode(mode),
      },
    });
    const session = new ViewSession({
      channel: this.#channel,
      resource: {
        html: ready.view.html,
        csp: ready.csp as unknown as JsonObject,
        ...(ready.permissions.length > 0 && { permissions: Object.fromEntries(ready.permissions.map((p) => [p, {}])) }),
        sandbox: 'allow-scripts allow-forms',
        title: `View of ${escapeName(identity.tool.name)}`,
      },
      hostInfo: source.hostInfo ?? { name: 'toolgate', version: '0.1.0' },
      hostCapabilities: {
        openLinks: {},
        downloadFile: {},
        serverTools: {},
        serverResources: {},
        logging: {},
        message: { text: {} },
        updateModelContext: { text: {}, structuredContent: {} },
        sandbox: { csp: ready.csp as unknown as JsonObject, permissions: Object.fromEntries(ready.permissions.map((p) => [p, {}])) },
      },
      hostContext: () => this.#context(),
      actions: {
        request: handle,
        sizeChanged: ({ height }) => {
          if (height !== undefined) this._height = Math.max(MIN_HEIGHT, Math.min(this.maxHeight, Math.ceil(height)));
        },
        log: () => {},
        requestTeardown: () => void this.teardown('The view asked to close.'),
      },
    });
    this.#session = session;
    if (this.#input) session.toolInput(this.#input);
    if (this.#result) session.toolResult(this.#result);
    else if (this.#cancelled !== undefined) session.toolCancelled(this.#cancelled);
    this.#resize = new ResizeObserver(() => session.hostContextChanged({ containerDimensions: this.#dimensions() }));
    this.#resize.observe(this);
    void source.audit
      .append({
        kind: 'view-request',
        server: { url: identity.serverUrl, id: identity.serverId },
        tool: { name: identity.tool.name },
        method: 'render',
        outcome: 'allowed',
        detail: { view: identity.resourceUri, hash: ready.view.hash, sandbox: ready.sandbox.origin, csp: ready.csp, refused: ready.refused, permissions: ready.permissions } as never,
      })
      .catch(() => {});
  }

  #stop(reason: string): void {
    this.#abort.abort();
    this.#resize?.disconnect();
    this.#session?.close();
    this.#session = undefined;
    if (this._closed === undefined) {
      this._closed = reason;
      this.dispatchEvent(new TgAppTeardownEvent({ reason }));
    }
  }

  #who() {
    const { identity } = this.source!;
    return { serverId: identity.serverId, tool: identity.tool.name, resourceUri: identity.resourceUri };
  }

  #dimensions(): JsonObject {
    return this._mode === 'fullscreen'
      ? { width: Math.round(innerWidth), height: Math.round(innerHeight) }
      : { width: Math.round(this.getBoundingClientRect().width), maxHeight: this.maxHeight };
  }

  #context(): JsonObject {
    const tool = this.source!.identity.tool as unknown as JsonObject;
    const dims = this.#dimensions();
    return { ...hostContext({ element: this, displayMode: this._mode, width: Number(dims['width']), maxHeight: this.maxHeight, tool }), containerDimensions: dims };
  }

  #onTheme = () => this.#session?.hostContextChanged({ theme: themeOf(this) });

  #setMode(mode: DisplayMode): DisplayMode {
    const next: DisplayMode = mode === 'fullscreen' ? 'fullscreen' : 'inline';
    if (next !== this._mode) {
      this._mode = next;
      void this.updateComplete.then(() => this.#session?.hostContextChanged({ displayMode: next, containerDimensions: this.#dimensions() }));
    }
    return next;
  }

  #ask(request: ConsentRequest): Promise<boolean> {
    // One question at a time: a second one while the first is open is declined.
    if (this._pending) return Promise.resolve(false);
    return new Promise((resolve) => {
      this._pending = { request, resolve };
    });
  }

  #answer(yes: boolean): void {
    const pending = this._pending;
    if (!pending) return;
    this._pending = undefined;
    if (yes && pending.request.kind === 'open-link') window.open(pending.request.url, '_blank', 'noopener,noreferrer');
    pending.resolve(yes);
    void this.updateComplete.then(() => this.frame?.focus());
  }

  #download(file: DownloadFile): void {
    const url = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: file.mimeType }));
    const a = document.createElement('a');
    a.href = url;
    a.download = file.name;
    a.rel = 'noopener';
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  }

  #onToolbarKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this._mode === 'fullscreen') this.#setMode('inline');
  };

  #resizeBy(delta: number): void {
    this._height = Math.max(MIN_HEIGHT, Math.min(this.maxHeight, this._height + delta));
  }

  #renderConsent(p: Pending): TemplateResult {
    const r = p.request;
    const who = `The view of ${escapeName(this.source!.identity.tool.name)} on ${this.source!.identity.serverId}`;
    let body: TemplateResult;
    let yes: string;
    if (r.kind === 'open-link') {
      yes = `Open ${r.domain}`;
      body = html`<p>${who} wants to open a link:</p>
        <p class="url" part="url"><code>${r.url}</code></p>
        ${r.punycode ? html`<p class="warn" part="punycode-warning">This address uses internationalized characters (${r.host}) that can imitate another site.</p>` : nothing}`;
    } else if (r.kind === 'download') {
      yes = 'Download';
      body = html`<p>${who} wants to save a file:</p>
        <p><code>${r.name}</code> · ${r.mimeType} · ${formatSize(r.size)}</p>`;
    } else {
      yes = 'Send';
      body = html`<p>${who} wants to send this message in the conversation (it was written by the app, not by you):</p>
        <blockquote part="message">${r.text}</blockquote>
        ${r.dropped > 0 ? html`<p class="muted">${r.dropped} non-text part(s) were left out.</p>` : nothing}`;
    }
    return html`<div
      part="consent"
      class="consent"
      role="alertdialog"
      aria-label="Request from an app view"
      tabindex="-1"
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.#answer(false)}
    >
      ${body}
      <div class="actions">
        <button class="primary" @click=${() => this.#answer(true)}>${yes}</button>
        <button @click=${() => this.#answer(false)}>Decline</button>
      </div>
    </div>`;
  }

  override render(): TemplateResult {
    const source = this.source;
    const name = source ? escapeName(source.identity.tool.name) : '';
    const server = source?.identity.serverId ?? '';
    const label = html`<span class="label">App view · <code>${name}</code> on ${server}</span>`;
    if (this._closed !== undefined) return html`<div part="notice" class="notice" role="status">${label} — closed. ${this._closed}</div>`;
    const prepared = this._prepared;
    if (!prepared) return html`<div part="notice" class="notice" role="status">${label} — loading…</div>`;
    if (prepared.state === 'unavailable') {
      return html`<div part="notice" class="notice" role="status" data-code=${prepared.code}>${label} — not shown: ${prepared.message}</div>`;
    }
    if (prepared.state === 'quarantined') {
      return html`<div part="notice" class="notice warn" role="status" data-code=${prepared.code}>
        ${label} — ${prepared.message}
        <p class="muted">Now ${formatSize(prepared.ready.view.size)}, reaching ${prepared.ready.csp.connectDomains.join(', ') || 'no other sites'}.</p>
        <button @click=${() => void this.#approve()}>Review and allow</button>
      </div>`;
    }
    const height = this._mode === 'fullscreen' ? undefined : `${this._height}px`;
    return html`<div class="wrap ${this._mode}">
      <div part="toolbar" class="toolbar" @keydown=${this.#onToolbarKey}>
        ${label}
        <span class="muted">sandboxed on ${prepared.sandbox.origin}</span>
        ${this._mode === 'fullscreen'
          ? html`<button @click=${() => this.#setMode('inline')}>Exit full screen</button>`
          : html`<button aria-label="Shorter" @click=${() => this.#resizeBy(-STEP)}>−</button>
              <button aria-label="Taller" @click=${() => this.#resizeBy(STEP)}>+</button>`}
      </div>
      <iframe
        part="frame"
        title=${`App view of ${name} on ${server}`}
        src=${proxyFrameUrl(prepared.sandbox, location.origin)}
        sandbox="allow-scripts allow-same-origin allow-forms"
        allow=${prepared.permissions.map((p) => (p === 'clipboardWrite' ? 'clipboard-write' : p)).join('; ')}
        referrerpolicy="origin"
        style=${styleMap(height ? { height } : {})}
      ></iframe>
      ${this._pending ? this.#renderConsent(this._pending) : nothing}
    </div>`;
  }
}
