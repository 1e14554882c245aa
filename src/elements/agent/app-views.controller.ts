/**
 * MCP App views in `<tg-agent>`'s conversation: under a tool call whose tool links a `ui://` view,
 * a `<tg-app-view>` renders it (the apps host — bridge, sandbox, view element — is loaded the first
 * time such a call is shown, so a page without apps never pays for it). Without a sandbox origin on
 * another host only a short notice says why there is no view; the text result is shown as always.
 *
 * Everything a view does goes through the element's runtime (src/runtime/): its HTML and its own
 * `resources/read` through `servers.readResource()`, its `tools/call` through `runtime.call()` — the
 * one entry, so the gate decides and the call shows in the conversation as the view's — and the
 * data-flow check through `runtime.mayReachModel()`.
 *
 * What a view sends back enters the conversation only through the person: a `ui/message` they
 * agreed to send becomes a user message marked as the view's; a `ui/update-model-context` is shown
 * as a context note (removable) and goes with the next message to the model. Views of a server
 * are torn down when it disconnects or is removed, and all of them when the element is removed.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ToolCallEntry } from '../../agent/conversation.js';
import { sandboxTarget, type SandboxTarget } from '../../apps/sandbox-origin.js';
import { toolUi, type ViewPermission } from '../../apps/ui-meta.js';
import { validateArgs } from '../../apps/validate-args.js';
import { ViewPins, openViewPinStorage, type ViewPinStorage } from '../../apps/view-pins.js';
import type { ViewReader } from '../../apps/view-resource.js';
import type { TgAppContextDetail } from '../../events/tg-app-context.js';
import type { TgAppMessageDetail } from '../../events/tg-app-message.js';
import { escapeName } from '../../gate/pins.js';
import type { GatedTool } from '../../gate/tool-gate.js';
import type { AppViewSource } from '../app-view/tg-app-view.js';
import type { AgentController } from './agent.controller.js';

export interface AppViewsOptions {
  /** The `apps-sandbox-origin` attribute. */
  sandbox(): string | undefined;
  /** The element's runtime (while open) and the tools the person may pick (`gate.tools({ kind: 'person' })`). */
  agent: Pick<AgentController, 'runtime' | 'personTools'>;
  /** Sends a message to the model as the person (the element's `send`). */
  send(text: string): Promise<void>;
  /** Permission-policy features views may get (default none). */
  grantable?(): readonly ViewPermission[];
}

/** A context note a view set for the model, shown to the person until it is sent or removed. */
export interface ViewContextNote extends TgAppContextDetail {
  key: string;
}

type Host = ReactiveControllerHost & HTMLElement;

/** While a server is in one of these states its views stay (a reconnect keeps them). */
const LIVE = new Set(['connecting', 'ready', 'reconnecting']);

export class AppViewsController implements ReactiveController {
  readonly #host: Host;
  readonly #options: AppViewsOptions;
  readonly #sources = new Map<string, AppViewSource>();
  #defined: Promise<unknown> | undefined;
  #pins: (ViewPinStorage & { close(): void }) | undefined;
  #pinsOpening: Promise<void> | undefined;
  readonly #notes = new Map<string, ViewContextNote>();

  constructor(host: Host, options: AppViewsOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The configured sandbox, checked against this page's URL. */
  get sandbox(): SandboxTarget {
    return sandboxTarget(this.#options.sandbox(), location.href);
  }

  /** Servers are told we render views only when a usable sandbox is configured. */
  get enabled(): boolean {
    return this.sandbox.ok;
  }

  /** Context notes of views, oldest first. */
  get notes(): readonly ViewContextNote[] {
    return [...this.#notes.values()];
  }

  /** The person's text with the views' context notes appended (then they are cleared): what goes to the model. */
  withNotes(text: string): string {
    const notes = this.notes
      .map((n) => `[Context from the view of ${n.tool} on ${n.serverId} — written by the app, not by the person]\n${n.text ?? JSON.stringify(n.structured)}`)
      .join('\n\n');
    if (!notes) return text;
    this.#notes.clear();
    this.#host.requestUpdate();
    return `${text}\n\n${notes}`;
  }

  /** The view under one tool call, or nothing when its tool has none. */
  render(entry: ToolCallEntry): TemplateResult | typeof nothing {
    if (entry.proposer.kind === 'app') return nothing; // a view's own calls show no second view
    const gated = this.#options.agent.personTools.find((t) => t.id === entry.toolId);
    const resourceUri = gated && toolUi(gated.tool).resourceUri;
    if (!gated || !resourceUri) return nothing;
    const sandbox = this.sandbox;
    if (!sandbox.ok) {
      return html`<p part="app-notice" class="muted">This tool has an interactive view; it is not shown: ${sandbox.reason}</p>`;
    }
    if (!customElements.get('tg-app-view') || !this.#pins) {
      this.#load();
      return html`<p part="app-notice" class="muted" role="status">Loading the view of ${escapeName(gated.tool.name)}…</p>`;
    }
    const source = this.#source(entry, gated, resourceUri, sandbox);
    if (!source) return nothing;
    const outcome = entry.outcome;
    return html`<tg-app-view
      part="app-view"
      data-entry=${entry.id}
      data-server=${gated.serverId}
      .source=${source}
      .input=${entry.args}
      .result=${outcome && 'result' in outcome ? outcome.result : undefined}
      .cancelled=${outcome?.status === 'cancelled' ? outcome.error.message : undefined}
    ></tg-app-view>`;
  }

  /** What views set as context for the model: shown until it goes with the next message, removable. */
  renderNotes(): TemplateResult | typeof nothing {
    const notes = this.notes;
    if (notes.length === 0) return nothing;
    return html`<ul part="view-context" class="view-context" aria-label="Context from app views for your next message">
      ${notes.map(
        (n) => html`<li>
          <span class="muted">The view of <code>${n.tool}</code> on ${n.serverId} adds this to your next message:</span>
          <pre>${n.text ?? JSON.stringify(n.structured, null, 2)}</pre>
          <button @click=${() => this.#removeNote(n.key)}>Remove</button>
        </li>`,
      )}
    </ul>`;
  }

  hostConnected(): void {
    this.#host.addEventListener('tg-app-message', this.#onMessage);
    this.#host.addEventListener('tg-app-context', this.#onContext);
  }

  hostUpdate(): void {
    // Views of a server that is gone (disconnected, failed, removed) are told and closed.
    const servers = this.#options.agent.runtime?.servers;
    for (const [id, source] of this.#sources) {
      const status = servers?.get(source.identity.serverId)?.status;
      if (status && LIVE.has(status)) continue;
      this.#sources.delete(id);
      const el = this.#host.shadowRoot?.querySelector(`tg-app-view[data-entry="${CSS.escape(id)}"]`) as { teardown?: (reason: string) => Promise<void> } | null;
      void el?.teardown?.('The server disconnected.');
    }
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('tg-app-message', this.#onMessage);
    this.#host.removeEventListener('tg-app-context', this.#onContext);
    // The views' own disconnectedCallback tells each view; here only our storage closes.
    this.#sources.clear();
    this.#pins?.close();
    this.#pins = undefined;
    this.#pinsOpening = undefined;
  }

  /** A view's message the person agreed to send: a user turn, marked as written by the app. */
  readonly #onMessage = (event: CustomEvent<TgAppMessageDetail>): void => {
    const { tool, serverId, text } = event.detail;
    void this.#options.send(`[Message from the view of ${tool} on ${serverId} — written by the app, sent by the person]\n${text}`);
  };

  /** A view updated its context: each view keeps only its latest (none when it cleared it). */
  readonly #onContext = (event: CustomEvent<TgAppContextDetail>): void => {
    const detail = event.detail;
    const key = `${detail.serverId}\n${detail.resourceUri}`;
    if (!detail.text && detail.structured === undefined) this.#notes.delete(key);
    else this.#notes.set(key, { ...detail, key });
    this.#host.requestUpdate();
  };

  #removeNote(key: string): void {
    this.#notes.delete(key);
    this.#host.requestUpdate();
  }

  #load(): void {
    this.#defined ??= import('../app-view/tg-app-view.js').then(() => this.#host.requestUpdate());
    const audit = this.#options.agent.runtime?.audit;
    if (audit && !this.#pins && !this.#pinsOpening) {
      this.#pinsOpening = openViewPinStorage(audit.dbName).then(
        (storage) => {
          this.#pins = storage;
          this.#host.requestUpdate();
        },
        () => {
          this.#pinsOpening = undefined;
        },
      );
    }
  }

  #source(entry: ToolCallEntry, gated: GatedTool, resourceUri: string, sandbox: SandboxTarget): AppViewSource | undefined {
    const cached = this.#sources.get(entry.id);
    if (cached) return cached;
    const runtime = this.#options.agent.runtime;
    if (!runtime || !this.#pins) return undefined;
    const { serverId } = gated;
    const reader: ViewReader = { readResource: (uri) => runtime.servers.readResource(serverId, uri) };
    const source: AppViewSource = {
      sandbox,
      identity: { serverId, serverUrl: gated.serverUrl, tool: gated.tool, resourceUri },
      reader,
      pins: new ViewPins(this.#pins, runtime.audit),
      audit: runtime.audit,
      ...(this.#options.grantable && { grantable: this.#options.grantable() }),
      requests: {
        // The one entry: through the gate, and into the conversation as the view's call.
        gate: { tools: (proposer) => runtime.gate.tools(proposer), call: (request) => runtime.call(request) },
        readResource: reader.readResource,
        validate: validateArgs,
        mayReachModel: () => runtime.mayReachModel(serverId),
      },
    };
    this.#sources.set(entry.id, source);
    return source;
  }
}
