/**
 * MCP App views in `<tg-agent>`'s conversation: under a tool call whose tool links a `ui://` view,
 * a `<tg-app-view>` renders it (the apps host — bridge, sandbox, view element — is loaded the first
 * time such a call is shown, so a page without apps never pays for it). Without a sandbox origin on
 * another host only a short notice says why there is no view; the text result is shown as always.
 *
 * What a view sends back enters the conversation only through the person: a `ui/message` they
 * agreed to send becomes a user message marked as the view's; a `ui/update-model-context` is shown
 * as a context note (removable) and goes with the next message to the model. Views of a server
 * are torn down when it disconnects, and all of them when the element is removed.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ToolCallEntry } from '../../agent/conversation.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { sandboxTarget, type SandboxTarget } from '../../apps/sandbox-origin.js';
import { toolUi, type ViewPermission } from '../../apps/ui-meta.js';
import { validateArgs } from '../../apps/validate-args.js';
import { ViewPins, openViewPinStorage, type ViewPinStorage } from '../../apps/view-pins.js';
import type { ViewReader } from '../../apps/view-resource.js';
import type { Gate } from '../../gate/gate.js';
import { escapeName } from '../../gate/pins.js';
import type { AppViewSource, TgAppContextDetail } from '../app-view/tg-app-view.js';

export interface AppViewsOptions {
  /** The `apps-sandbox-origin` attribute. */
  sandbox(): string | undefined;
  gate(): Gate | undefined;
  audit(): AuditLog | undefined;
  /** The connection behind the gate's server id, while it is ready. */
  reader(gateServerId: string): ViewReader | undefined;
  /** Whether content of this server may reach the model in use (data-flow labels). */
  mayReachModel(gateServerId: string): boolean;
  /** Permission-policy features views may get (default none). */
  grantable?(): readonly ViewPermission[];
}

/** A context note a view set for the model, shown to the person until it is sent or removed. */
export interface ViewContextNote extends TgAppContextDetail {
  key: string;
}

type Host = ReactiveControllerHost & HTMLElement;

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

  removeNote(key: string): void {
    this.#notes.delete(key);
    this.#host.requestUpdate();
  }

  /** The notes as text to go with the next message to the model (then they are cleared). */
  takeNotes(): string {
    const text = this.notes
      .map((n) => `[Context from the view of ${n.tool} on ${n.serverId} — written by the app, not by the person]\n${n.text ?? JSON.stringify(n.structured)}`)
      .join('\n\n');
    this.#notes.clear();
    this.#host.requestUpdate();
    return text;
  }

  /** A view updated its context (`tg-app-context`): each view keeps only its latest. */
  setNote(detail: TgAppContextDetail): void {
    const key = `${detail.serverId}\n${detail.resourceUri}`;
    if (!detail.text && detail.structured === undefined) this.#notes.delete(key);
    else this.#notes.set(key, { ...detail, key });
    this.#host.requestUpdate();
  }

  /** The view under one tool call, or nothing when its tool has none. */
  render(entry: ToolCallEntry): TemplateResult | typeof nothing {
    if (entry.proposer.kind === 'app') return nothing; // a view's own calls show no second view
    const gate = this.#options.gate();
    const gated = gate?.tools({ kind: 'person' }).find((t) => t.id === entry.toolId);
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
    const source = this.#source(entry, gated.serverId, gated.serverUrl, gated.tool, resourceUri, sandbox);
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

  hostUpdate(): void {
    // Views of a server that is gone (disconnected, removed) are told and closed.
    for (const [id, source] of this.#sources) {
      if (this.#options.reader(source.identity.serverId)) continue;
      this.#sources.delete(id);
      const el = this.#host.shadowRoot?.querySelector(`tg-app-view[data-entry="${CSS.escape(id)}"]`) as { teardown?: (reason: string) => Promise<void> } | null;
      void el?.teardown?.('The server disconnected.');
    }
  }

  hostDisconnected(): void {
    // The views' own disconnectedCallback tells each view; here only our storage closes.
    this.#sources.clear();
    this.#pins?.close();
    this.#pins = undefined;
    this.#pinsOpening = undefined;
  }

  #load(): void {
    this.#defined ??= import('../app-view/tg-app-view.js').then(() => this.#host.requestUpdate());
    const audit = this.#options.audit();
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

  #source(entry: ToolCallEntry, serverId: string, serverUrl: string, tool: AppViewSource['identity']['tool'], resourceUri: string, sandbox: SandboxTarget): AppViewSource | undefined {
    const cached = this.#sources.get(entry.id);
    if (cached) return cached;
    const gate = this.#options.gate();
    const audit = this.#options.audit();
    const reader = this.#options.reader(serverId);
    if (!gate || !audit || !reader || !this.#pins) return undefined;
    const source: AppViewSource = {
      sandbox,
      identity: { serverId, serverUrl, tool, resourceUri },
      reader,
      pins: new ViewPins(this.#pins, audit),
      audit,
      ...(this.#options.grantable && { grantable: this.#options.grantable() }),
      requests: {
        gate,
        readResource: (uri) => reader.readResource(uri),
        validate: validateArgs,
        mayReachModel: () => this.#options.mayReachModel(serverId),
      },
    };
    this.#sources.set(entry.id, source);
    return source;
  }
}
