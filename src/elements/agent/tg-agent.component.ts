import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Agent } from '../../agent/agent.js';
import type { AssistantEntry, ConversationEntry, ToolCallEntry } from '../../agent/conversation.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { TgConnectionStatusEvent } from '../../events/tg-connection-status.js';
import type { Gate } from '../../gate/gate.js';
import type { Policy } from '../../gate/policy.js';
import type { ManualProvider } from '../../llm/manual-provider.js';
import type { LlmProvider } from '../../llm/types.js';
import '../approval/tg-approval.js';
import '../elicitation/tg-elicitation.js';
import { dispatchElicitation } from '../elicitation/tg-elicitation-event.js';
import type { TgManualSubmitEvent } from '../manual-form/tg-manual-form-events.js';
import { parseProviderAttributes, PROVIDER_ATTRIBUTES, type ProviderDeclaration } from '../provider/provider-config.js';
import { declareServer, parseServerAttributes, SERVER_ATTRIBUTES, type ServerSpec } from '../server/server-config.js';
import { AgentController, type AgentStatus } from './agent.controller.js';
import { AppViewsController } from './app-views.controller.js';
import type { TgAppContextDetail, TgAppMessageDetail } from '../app-view/tg-app-view.js';
import type { CodedError } from './connection-types.js';
import type { JsonObject, Tool } from '../../../workers/shared/wire.js';
import { ConnectionsController, type ServerState } from './connections.controller.js';
import { describeResult } from './result-view.js';
import { renderError, renderResult } from '../shared/result.template.js';
import '../connections/tg-connections.js';
import type { ConnectionsManager } from '../connections/tg-connections.component.js';
import { loadSavedServers, storeSavedServers, type SavedServer } from '../connections/saved-servers.js';
import { authorizeInPopup } from '../../connections/oauth-popup.js';
import { authorizeWithFallback } from '../../connections/oauth-redirect.js';
import { ToolCallController } from './tool-call.controller.js';
import { MarkdownView } from './markdown-view.js';
import { styles } from './tg-agent.styles.js';

/** `roles="hr devops"` or `roles="hr, devops"`. */
const rolesConverter = {
  fromAttribute: (value: string | null) => (value === null ? undefined : value.split(/[\s,]+/).filter(Boolean)),
  toAttribute: (value: readonly string[] | undefined) => (value === undefined ? null : value.join(' ')),
};

/**
 * The Toolgate agent element: an LLM agent (or, without a model, the person) using the tools of
 * remote MCP servers, every call passing the gate — policy, inline approval, audit log.
 *
 * - Servers come from `<tg-server>` children, or from the `servers` property, which wins when set.
 *   Each gets a card with its status and tools (one Web Worker per connection); a tool's JSON
 *   panel calls it through the gate, as the person's call.
 * - The model comes from the `provider` property (a host-built `LlmProvider`), else a
 *   `<tg-provider>` child, else the manual provider: the person picks a tool and fills a form
 *   generated from its schema (`<tg-manual-form>`).
 * - The conversation shows the person's text, the model's text as it streams (Markdown, sanitized;
 *   remote images load only from `allowedOrigins`, others are placeholders), a chip per tool call
 *   with live status, progress and result, and coded errors. Calls the policy asks about show an inline `<tg-approval>` card,
 *   which takes focus; the host may decide first through the cancelable `tg-tool-request` event.
 * - The audit log of this element (tenant from `tenant`) is behind a toggle (`no-audit` hides it).
 * - With `<tg-provider>` children, a picker lets the person choose among them or no model at all
 *   (`no-provider-picker` hides it; a `provider` property set by the host wins and hides it too).
 *
 * Everything a server sends is untrusted and rendered as text (images only as raster `data:` URLs;
 * links are never fetched). The model's text is sanitized Markdown (see `src/markdown/render.ts`).
 *
 * @example
 * ```html
 * <tg-agent tenant="acme" name="Support agent">
 *   <tg-provider kind="openai" base-url="http://localhost:11434/v1" model="qwen2.5"></tg-provider>
 *   <tg-server url="wss://tools.example/mcp" msgpack></tg-server>
 * </tg-agent>
 * ```
 *
 * @event tg-connection-status - A server's connection status changed. `detail: { url, name?, status, error? }`.
 * @event tg-turn-start - A turn started (`kind: 'model' | 'manual'`). `detail: { turnId, kind, text? }`.
 * @event tg-message - A user message, an assistant message as it streams (`delta`) and when complete. `detail: { turnId, entry, delta? }`.
 * @event tg-tool-call - A tool call started, progressed or ended. `detail: { turnId, entry, phase }`.
 * @event tg-turn-end - A turn ended. `detail: { turnId, reason, steps, usage?, error? }`.
 * @event tg-error - A coded error entry was added to the conversation. `detail: { turnId, entry }`.
 * @event tg-elicitation - Cancelable, fired before an elicitation card is shown: `preventDefault()` declines; `detail.respond(result)` answers for the host. `detail: { server, request, respond }`.
 * @event tg-tool-request - Cancelable, fired before an approval card is shown: `preventDefault()` denies; `detail.respond('allow'|'deny')` decides for the host. `detail: { request, respond }`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart provider-picker - The model picker (`no-provider-picker` hides it).
 * @csspart agent-error - Why the agent could not start (e.g. `TG_POLICY_INVALID`, `TG_STORAGE_FAILED`).
 * @csspart audit-banner - Shown when the audit log failed (calls are refused).
 * @csspart connections - The `<tg-connections>` manager. Its parts are exported through `<tg-agent>`
 *   (`tg-agent::part(server-card)`); the main ones follow, the rest are listed on `<tg-connections>`.
 * @csspart empty - The message shown when no server is configured.
 * @csspart add-form - The form that adds a server (URL, transport, MessagePack).
 * @csspart consent - The prompt before using a server the policy's allow-list does not name.
 * @csspart server-card - One server: name, URL, status, trust, actions, tools.
 * @csspart trust-badge - `trusted` or `untrusted`, from the policy.
 * @csspart pin-badge - A tool's pin state: `pinned`, `always allowed` or `quarantined`.
 * @csspart status-badge - The status of a connection: `connecting`, `ready`, `closed` or `failed`.
 * @csspart error - A connection error (code and message).
 * @csspart tool-list - The list of a server's tools.
 * @csspart tool - One tool in the list.
 * @csspart tool-button - The button that selects a tool.
 * @csspart claim-badge - A `readOnlyHint`/`destructiveHint` badge (the server's claim, not verified).
 * @csspart call-form - The arguments form of the selected tool.
 * @csspart arguments - The JSON arguments textarea.
 * @csspart call-button - The Call button.
 * @csspart cancel-button - The Cancel button, while a call runs.
 * @csspart progress - The progress of the call in flight.
 * @csspart result - The live region holding the call's result or error.
 * @csspart call-error - An error thrown by the call (with its code).
 * @csspart conversation - The conversation section.
 * @csspart messages - The conversation log (role `log`).
 * @csspart user-message - A message of the person.
 * @csspart assistant-message - A message of the model (`data-status`: streaming, done, stopped, failed).
 * @csspart tool-chip - A tool call (`data-status`: running, ok, tool-error, refused, failed, cancelled).
 * @csspart chip-status - The status badge of a tool call.
 * @csspart tool-result - The result or error of a tool call.
 * @csspart error-entry - A coded error in the conversation.
 * @csspart approvals - The pending approval cards.
 * @csspart approval - One `<tg-approval>` card.
 * @csspart elicitations - The pending elicitation cards (a server asking the person something).
 * @csspart elicitation - One `<tg-elicitation>` card.
 * @csspart stop-button - Stop, while a turn runs.
 * @csspart manual-form - The `<tg-manual-form>` (manual mode).
 * @csspart composer - The message form (with a model).
 * @csspart input - The message textarea.
 * @csspart send-button - The Send button.
 * @csspart audit - The audit section.
 * @csspart audit-toggle - The button that shows or hides the audit log.
 * @csspart audit-log - The `<tg-audit-log>`.
 *
 * @cssproperty --tg-font-family - Text font.
 * @cssproperty --tg-mono-font-family - Font of arguments, results and codes.
 * @cssproperty --tg-font-size - Base font size.
 * @cssproperty --tg-radius - Corner radius of cards and controls.
 * @cssproperty --tg-space - Spacing between and inside cards.
 * @cssproperty --tg-color-bg - Background.
 * @cssproperty --tg-color-fg - Text colour.
 * @cssproperty --tg-color-muted - Secondary text.
 * @cssproperty --tg-color-surface - Background of tools, chips and neutral badges.
 * @cssproperty --tg-color-border - Borders.
 * @cssproperty --tg-color-accent - Primary buttons, focus rings, the selected tool.
 * @cssproperty --tg-color-accent-fg - Text on the accent colour.
 * @cssproperty --tg-color-ok - `ready`, trusted, pinned and read-only badges (text).
 * @cssproperty --tg-color-ok-bg - `ready`, trusted, pinned and read-only badges (background).
 * @cssproperty --tg-color-warn - `connecting` and quarantined badges, the consent prompt (text).
 * @cssproperty --tg-color-warn-bg - `connecting` and quarantined badges, the consent prompt (background).
 * @cssproperty --tg-color-error - Errors and destructive badges (text).
 * @cssproperty --tg-color-error-bg - Errors and destructive badges (background).
 */
export class TgAgent extends LitElement {
  static override styles = styles;

  static override properties = {
    servers: { attribute: false },
    provider: { attribute: false },
    policy: { attribute: false },
    roles: { converter: rolesConverter },
    tenant: { type: String },
    name: { type: String },
    system: { type: String },
    maxSteps: { type: Number, attribute: 'max-steps' },
    noAudit: { type: Boolean, attribute: 'no-audit', reflect: true },
    noProviderPicker: { type: Boolean, attribute: 'no-provider-picker', reflect: true },
    allowedOrigins: { converter: rolesConverter, attribute: 'allowed-origins' },
    appsSandboxOrigin: { attribute: 'apps-sandbox-origin' },
    _auditOpen: { state: true, attribute: false },
  };

  /**
   * The servers to connect to. When set, it wins over `<tg-server>` children; set `undefined`
   * to go back to them. Assign a new array to change it (mutating in place is not observed).
   */
  declare servers: ServerSpec[] | undefined;
  /**
   * A provider the host built (`OpenAiCompatibleProvider`, `AnthropicProvider`,
   * `HostFunctionProvider`, `ManualProvider`). Wins over a `<tg-provider>` child. Takes effect
   * from the next turn.
   */
  declare provider: LlmProvider | ManualProvider | undefined;
  /**
   * The gate's policy. Set before insertion it is the policy the gate opens with; set later it
   * replaces the policy (the change is audited). Unset, the tenant's stored policy applies, else
   * the default (annotations decide: only a trusted server's read-only tools run without asking).
   */
  declare policy: Policy | undefined;
  /** The person's roles (attribute: space- or comma-separated). */
  declare roles: string[] | undefined;
  /** Partitions the audit log, the policy and the pins (database `toolgate:<tenant>`). Read on insertion. */
  declare tenant: string | undefined;
  /** This agent's name in the audit records (its id is a per-instance id). Read on insertion. */
  declare name: string | undefined;
  /** System prompt for the model. Read on insertion. */
  declare system: string | undefined;
  /** Model requests per turn at most (default 8). Read on insertion. */
  declare maxSteps: number | undefined;
  /** Hides the audit panel. */
  declare noAudit: boolean;
  /** Hides the model picker (shown when `<tg-provider>` children offer a choice and no `provider` is set). */
  declare noProviderPicker: boolean;
  /**
   * Origins (`https://img.example`) whose images in the model's Markdown are loaded, and whose
   * links are not flagged with their domain (attribute: space-separated). Default none: any
   * other image is a placeholder the person may choose to load.
   */
  declare allowedOrigins: string[] | undefined;
  /**
   * Where MCP App views run: the origin (or full URL) at which the host serves
   * `public/mcp-app-sandbox.html`, on ANOTHER HOST than this page (see the README, "MCP Apps").
   * Unset or on this page's host: views are not shown (their text is), and servers are not told
   * that views could be rendered.
   */
  declare appsSandboxOrigin: string | undefined;
  declare _auditOpen: boolean;

  readonly #connections = new ConnectionsController(this, {
    onStatusChange: (server) => this.#announceStatus(server),
    onElicitation: (pending) => dispatchElicitation(this, pending),
    sensitiveFields: (): 'refuse' | 'allow' | undefined => this.#sensitiveFields(),
    apps: (): boolean => this.#apps.enabled,
  });

  readonly #agent = new AgentController(this, {
    connections: this.#connections,
    target: this,
    consented: (url) => this.#consented.has(url),
    config: () => ({
      tenant: this.tenant,
      name: this.name,
      policy: this.policy,
      roles: this.roles,
      provider: this.provider ?? this.#chosenProvider?.provider,
      system: this.system,
      maxSteps: this.maxSteps,
    }),
  });

  readonly #calls = new ToolCallController(this, this.#connections, {
    call: (serverKey, toolName, args, options) => this.#agent.callThroughGate(serverKey, toolName, args, options),
  });

  readonly #markdown = new MarkdownView(this, () => this.allowedOrigins ?? []);

  readonly #apps: AppViewsController = new AppViewsController(this, {
    sandbox: () => this.appsSandboxOrigin,
    gate: () => this.#agent.gate,
    audit: () => this.#agent.auditLog,
    reader: (gateId: string) => this.#connections.servers.find((s: ServerState) => this.#agent.registration(s.key)?.gateId === gateId && s.status === 'ready')?.connection,
    mayReachModel: (gateId) => this.#agent.mayReachModel(gateId),
  });

  /** Servers the person added in `<tg-connections>` (kept per tenant), after the declared ones. */
  #saved: SavedServer[] = [];
  #declaredCount = 0;
  /** Server URLs the person agreed to use although the policy's allow-list does not name them. */
  readonly #consented = new Set<string>();
  /** Bumped on every render so `<tg-connections>` re-renders with the agent. */
  #revision = 0;

  readonly #manager: ConnectionsManager = ((host: TgAgent): ConnectionsManager => ({
    get servers() {
      return host.#connections.servers;
    },
    get gate() {
      return host.#agent.gate;
    },
    panels: this.#calls,
    registration: (key) => this.#agent.registration(key),
    isSaved: (key) => this.#savedIndex(key) >= 0,
    add: (server) => {
      if (server.consented) this.#consented.add(server.url);
      this.#saved = [...this.#saved, server];
      storeSavedServers(this.tenant, this.#saved);
      this.#syncServers();
    },
    remove: (key) => {
      const index = this.#savedIndex(key);
      if (index < 0) return;
      this.#saved = this.#saved.filter((_, i) => i !== index);
      storeSavedServers(this.tenant, this.#saved);
      this.#syncServers();
    },
    connect: (key) => this.#connections.connectServer(key),
    disconnect: (key) => void this.#connections.disconnectServer(key),
    signIn: (key, popup) => {
      // The popup was opened in the click; when it was blocked (null), the full-page redirect takes over
      // and the reloaded page resumes the flow (src/connections/oauth-redirect.ts).
      const server = this.#connections.get(key)?.spec.url;
      this.#connections.connectServer(key, {
        authorize: (url) => (server ? authorizeWithFallback(url, { ...(popup && { popup }), server }) : authorizeInPopup(url, { popup })),
      });
    },
    signOut: (key) => void this.#connections.signOutServer(key).catch(() => {}),
    consent: (key) => {
      const server = this.#connections.get(key);
      if (!server) return;
      this.#consented.add(server.spec.url);
      const index = this.#savedIndex(key);
      if (index >= 0) {
        this.#saved = this.#saved.map((s, i) => (i === index ? { ...s, consented: true } : s));
        storeSavedServers(this.tenant, this.#saved);
      }
      this.#agent.retryServer(key);
    },
  }))(this);
  /** The `<tg-provider>` children as last read (kept while their attributes stay the same). */
  #declaredProviders: ProviderDeclaration[] = [];
  /** The picker's choice: an index into `#declaredProviders`, or -1 for the manual provider. */
  #providerChoice = 0;

  get #chosenProvider(): ProviderDeclaration | undefined {
    return this.#declaredProviders[this.#providerChoice];
  }

  /** Children are read from attributes, so markup and (reflected) property changes both show up here. */
  readonly #observer = new MutationObserver(() => {
    this.#syncServers();
    this.#syncProvider();
  });

  constructor() {
    super();
    this.noAudit = false;
    this.noProviderPicker = false;
    this._auditOpen = false;
  }

  /** Every declared server and its state (status, error, tools, connection), in order. */
  get connections(): readonly ServerState[] {
    return this.#connections.servers;
  }

  /** The agent loop, once open (after insertion). */
  get agent(): Agent | undefined {
    return this.#agent.agent;
  }

  /** The gate every call passes, once open. */
  get gate(): Gate | undefined {
    return this.#agent.gate;
  }

  /** This element's audit log, once open. */
  get auditLog(): AuditLog | undefined {
    return this.#agent.auditLog;
  }

  /** `opening` after insertion, `ready` when the log, gate and agent are open, `failed` (see `agentError`), `closed`. */
  get agentStatus(): AgentStatus {
    return this.#agent.status;
  }

  /** Why the agent could not open, if it failed. */
  get agentError(): CodedError | undefined {
    return this.#agent.error;
  }

  /** This element's id in its audit records. */
  get instanceId(): string {
    return this.#agent.instanceId;
  }

  /** Resolves when the audit log, the gate and the agent are open (or opening failed). */
  get ready(): Promise<void> {
    return this.#agent.ready;
  }

  /** Opens every server that is not open (also retries failed ones). Done on insertion into the DOM. */
  connect(): void {
    this.#connections.connect();
  }

  /** Closes every connection; they stay closed until `connect()` or re-insertion into the DOM. */
  disconnect(): Promise<void> {
    return this.#connections.disconnect();
  }

  /**
   * Sends the person's text to the model and runs the turn to its end (tool calls through the
   * gate). Never rejects once open; in manual mode the turn ends with `TG_NO_MODEL`.
   */
  send(text: string): Promise<void> {
    // What views set as context for the model goes with the next message (the person saw it).
    const notes = this.#apps.takeNotes();
    return this.#agent.send(notes ? `${text}\n\n${notes}` : text);
  }

  /** Runs one tool the person picked (its gate id, e.g. `notes__search_notes`) through the gate. */
  runTool(toolId: string, args: JsonObject = {}): Promise<void> {
    return this.#agent.runTool(toolId, args);
  }

  /** Stops the running turn: the model stream and every call in flight (the servers are told). */
  stop(): void {
    this.#agent.stop();
  }

  /** The lazy `<tg-manual-form>` definition, once manual mode has rendered. */
  #manualForm: Promise<unknown> | undefined;

  /** `updateComplete` also waits for `<tg-manual-form>` to be defined (and so upgraded) once it is shown. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await this.#manualForm;
    return done;
  }

  override connectedCallback(): void {
    this.#saved = loadSavedServers(this.tenant);
    for (const server of this.#saved) if (server.consented) this.#consented.add(server.url);
    this.#syncProvider();
    super.connectedCallback();
    this.#observer.observe(this, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: [...new Set([...SERVER_ATTRIBUTES, ...PROVIDER_ATTRIBUTES])],
    });
    this.#syncServers();
  }

  override disconnectedCallback(): void {
    this.#observer.disconnect();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('servers') && this.isConnected) this.#syncServers();
    if (changed.has('provider') || changed.has('policy') || changed.has('roles')) this.#agent.applyConfig();
  }

  #syncServers(): void {
    const declarations = this.servers
      ? this.servers.map((spec) => declareServer(spec))
      : Array.from(this.querySelectorAll(':scope > tg-server'), (element) => parseServerAttributes(element));
    this.#declaredCount = declarations.length;
    this.#connections.setServers([...declarations, ...this.#saved.map(({ consented: _c, ...spec }) => declareServer(spec))]);
  }

  /** The index in `#saved` of a server added in `<tg-connections>`, or -1 for a declared one. */
  #savedIndex(key: string): number {
    const index = this.#connections.servers.findIndex((s) => s.key === key);
    return index < this.#declaredCount ? -1 : index - this.#declaredCount;
  }

  #syncProvider(): void {
    const next = [...this.querySelectorAll(':scope > tg-provider')].map((element) => parseProviderAttributes(element));
    const keys = (list: ProviderDeclaration[]) => list.map((d) => d.key).join('\n');
    if (keys(next) === keys(this.#declaredProviders)) return;
    this.#declaredProviders = next;
    if (this.#providerChoice >= next.length) this.#providerChoice = 0;
    this.#agent.applyConfig();
    this.requestUpdate();
  }

  /** The policy in force (the gate's, else the one set on the element) on sensitive form fields. */
  #sensitiveFields(): 'refuse' | 'allow' | undefined {
    return (this.#agent.gate?.policy ?? this.policy)?.elicitation?.sensitiveFields;
  }

  #announceStatus(server: ServerState): void {
    const { spec, status, error } = server;
    const detail: TgConnectionStatusEvent['detail'] = { url: spec.url, status };
    if (spec.name) detail.name = spec.name;
    if (error && (status === 'failed' || status === 'closed')) detail.error = { ...error };
    this.dispatchEvent(new TgConnectionStatusEvent(detail));
  }

  protected override render(): TemplateResult {
    const audit = this.#agent.auditLog;
    const health = audit?.health;
    return html`<div part="base" class="base">
      ${this.#agent.error ? html`<div role="alert">${renderError(this.#agent.error, 'agent-error')}</div>` : nothing}
      ${health?.state === 'failed'
        ? html`<p part="audit-banner" class="error banner" role="alert">
            <code class="code">${health.error.code}</code>The audit log cannot be written, so tool calls are refused: ${health.error.message}
          </p>`
        : nothing}
      ${this.provider ? nothing : this.#declaredProviders.map((d) => (d.configError ? html`<div role="alert">${renderError(d.configError, 'agent-error')}</div>` : nothing))}
      ${this.#renderConversation()}
      <tg-connections part="connections" exportparts=${CONNECTIONS_PARTS} .manager=${this.#manager} .revision=${++this.#revision}></tg-connections>
      ${this.noAudit ? nothing : this.#renderAudit(audit)}
    </div>`;
  }

  #renderConversation(): TemplateResult {
    const entries = this.#agent.entries;
    const busy = this.#agent.busy;
    const manual = this.#agent.manual;
    const streaming = entries.some((e) => e.kind === 'assistant' && e.status === 'streaming');
    const approvals = this.#agent.approvals;
    return html`<section part="conversation" class="card conversation" aria-labelledby="conversation-title">
      <h2 id="conversation-title">${manual ? 'Tool calls' : 'Conversation'}</h2>
      ${this.#renderProviderPicker(busy)}
      <div class="log" role="log" aria-live="polite" aria-busy=${streaming ? 'true' : 'false'} aria-label="Conversation">
        <ol
          part="messages"
          class="messages"
          @tg-app-message=${(e: CustomEvent<TgAppMessageDetail>) => void this.#viewMessage(e.detail)}
          @tg-app-context=${(e: CustomEvent<TgAppContextDetail>) => this.#apps.setNote(e.detail)}
        >
          ${repeat(
            entries,
            (entry) => entry.id,
            (entry) => renderEntry(entry, this.#markdown, this.#apps),
          )}
        </ol>
      </div>
      ${approvals.length > 0
        ? html`<div part="approvals" class="approvals">
            ${repeat(
              approvals,
              (r) => r.id,
              (r) => html`<tg-approval part="approval" .queue=${this.#agent.gate?.approvals} .request=${r}></tg-approval>`,
            )}
          </div>`
        : nothing}
      ${this.#connections.elicitations.length > 0
        ? html`<div part="elicitations" class="approvals">
            ${repeat(
              this.#connections.elicitations,
              (p) => p.id,
              (p) => html`<tg-elicitation part="elicitation" .pending=${p}></tg-elicitation>`,
            )}
          </div>`
        : nothing}
      ${busy
        ? html`<div class="actions">
            <button part="stop-button" class="secondary" type="button" @click=${() => this.stop()}>Stop</button>
            <span class="muted" role="status">Working…</span>
          </div>`
        : nothing}
      ${this.#renderViewNotes()}
      ${manual ? this.#renderManualForm(busy) : this.#renderComposer(busy)}
    </section>`;
  }

  /** The model picker: each valid `<tg-provider>` child, and "no model" (the person picks tools). */
  #renderProviderPicker(busy: boolean): TemplateResult | typeof nothing {
    if (this.provider || this.noProviderPicker || this.#declaredProviders.length === 0) return nothing;
    return html`<label part="provider-picker" class="provider-picker">
      <span>Model</span>
      <select ?disabled=${busy} @change=${(e: Event) => this.#pickProvider(Number((e.target as HTMLSelectElement).value))}>
        ${this.#declaredProviders.map((d, i) =>
          d.provider ? html`<option value=${i} ?selected=${i === this.#providerChoice}>${d.title}</option>` : nothing,
        )}
        <option value="-1" ?selected=${this.#providerChoice < 0}>No model: pick tools yourself</option>
      </select>
    </label>`;
  }

  #pickProvider(choice: number): void {
    this.#providerChoice = choice;
    this.#agent.applyConfig();
    this.requestUpdate();
  }

  #renderManualForm(busy: boolean): TemplateResult {
    // Defined on first use, so a page with a model never loads the form and its schema validator.
    this.#manualForm ??= import('../manual-form/tg-manual-form.js');
    return html`<tg-manual-form
      part="manual-form"
      .tools=${this.#agent.personTools}
      ?busy=${busy || this.#agent.status !== 'ready'}
      @tg-manual-submit=${(event: TgManualSubmitEvent) => void this.#agent.runTool(event.detail.toolId, event.detail.args)}
    ></tg-manual-form>`;
  }

  /** A view's message the person agreed to send: a user turn, marked as written by the app. */
  #viewMessage(detail: TgAppMessageDetail): Promise<void> {
    return this.send(`[Message from the view of ${detail.tool} on ${detail.serverId} — written by the app, sent by the person]\n${detail.text}`);
  }

  /** What views set as context for the model: shown until it goes with the next message, removable. */
  #renderViewNotes(): TemplateResult | typeof nothing {
    const notes = this.#apps.notes;
    if (notes.length === 0) return nothing;
    return html`<ul part="view-context" class="view-context" aria-label="Context from app views for your next message">
      ${notes.map(
        (n) => html`<li>
          <span class="muted">The view of <code>${n.tool}</code> on ${n.serverId} adds this to your next message:</span>
          <pre>${n.text ?? JSON.stringify(n.structured, null, 2)}</pre>
          <button @click=${() => this.#apps.removeNote(n.key)}>Remove</button>
        </li>`,
      )}
    </ul>`;
  }

  #renderComposer(busy: boolean): TemplateResult {
    const send = (form: HTMLFormElement) => {
      const input = form.querySelector('textarea')!;
      const text = input.value.trim();
      if (!text || this.#agent.busy) return;
      input.value = '';
      void this.send(text);
    };
    return html`<form
      part="composer"
      class="composer"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        send(event.currentTarget as HTMLFormElement);
      }}
    >
      <label for="message">Message</label>
      <textarea
        id="message"
        part="input"
        rows="2"
        aria-describedby="message-hint"
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send((event.target as HTMLTextAreaElement).form!);
          }
        }}
      ></textarea>
      <p id="message-hint" class="hint">Enter sends; Shift+Enter starts a new line.</p>
      <div class="actions">
        <button part="send-button" class="primary" type="submit" ?disabled=${busy || this.#agent.status !== 'ready'}>Send</button>
      </div>
    </form>`;
  }

  #renderAudit(audit: AuditLog | undefined): TemplateResult {
    const open = this._auditOpen;
    return html`<section part="audit" class="audit">
      <button
        part="audit-toggle"
        class="secondary"
        type="button"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="audit-panel"
        @click=${() => {
          // The viewer (virtualizer, verify, export) loads when first opened, not with the first paint.
          if (!open) void import('../audit-log/tg-audit-log.js');
          this._auditOpen = !open;
        }}
      >
        ${open ? 'Hide audit log' : 'Show audit log'}
      </button>
      <div id="audit-panel" ?hidden=${!open}>
        ${open && audit ? html`<tg-audit-log part="audit-log" .log=${audit}></tg-audit-log>` : nothing}
      </div>
    </section>`;
  }
}

/** `<tg-connections>` parts a host can style through `<tg-agent>` (`tg-agent::part(server-card)`). */
const CONNECTIONS_PARTS = [
  'empty', 'progress', 'call-error', 'add-form', 'url-input', 'url-error', 'transport-select', 'msgpack-toggle', 'add-button', 'consent', 'server-card',
  'status-badge', 'trust-badge', 'error', 'gate-error', 'connect-button', 'disconnect-button', 'sign-in-button',
  'sign-out-button', 'allow-button', 'remove-button', 'tool-list', 'tool', 'tool-button', 'pin-badge', 'claim-badge',
  'review-button', 'diff', 'reapprove-button', 'call-form', 'arguments', 'call-button', 'cancel-button', 'result',
].join(', ');

const CHIP_STATUS: Record<ToolCallEntry['status'], string> = {
  running: 'running',
  ok: 'done',
  'tool-error': 'tool error',
  refused: 'refused',
  failed: 'failed',
  cancelled: 'cancelled',
};

function renderEntry(entry: ConversationEntry, markdown: MarkdownView, apps: AppViewsController): TemplateResult {
  switch (entry.kind) {
    case 'user':
      return html`<li part="user-message" class="msg user">
        <span class="who">You</span>
        <div class="text">${entry.text}</div>
      </li>`;
    case 'assistant':
      return renderAssistant(entry, markdown);
    case 'tool-call':
      return renderChip(entry, apps.render(entry));
    case 'error':
      return html`<li part="error-entry" class="msg error-entry" data-code=${entry.code}>
        <code class="code">${entry.code}</code><span class="message">${entry.message}</span>
      </li>`;
  }
}

function renderAssistant(entry: AssistantEntry, markdown: MarkdownView): TemplateResult {
  // The model's output is untrusted: Markdown goes through the sanitizer and the image/link gate
  // (src/markdown/render.ts) and is inserted as a node, never as an HTML string.
  return html`<li part="assistant-message" class="msg assistant" data-status=${entry.status}>
    <span class="who">Assistant</span>
    ${markdown.render(entry.id, entry.text)}${entry.status === 'streaming' ? html`<span class="cursor" aria-hidden="true">▍</span>` : nothing}
    ${entry.status === 'stopped' ? html`<p class="muted">(stopped)</p>` : nothing}
  </li>`;
}

function renderChip(entry: ToolCallEntry, view: TemplateResult | typeof nothing): TemplateResult {
  const outcome = entry.outcome;
  const p = entry.progress;
  const total = p && typeof p.total === 'number' && p.total > 0 ? p.total : undefined;
  return html`<li part="tool-chip" class="msg chip status-${entry.status}" data-tool=${entry.toolId} data-status=${entry.status}>
    <div class="chip-head">
      <span class="muted">${entry.proposer.kind === 'person' ? 'You ran' : entry.proposer.kind === 'app' ? `The view of ${entry.proposer.tool} called` : 'The model called'}</span>
      <code class="chip-name">${entry.toolId}</code>
      <span part="chip-status" class="badge chip-status" role="status">${CHIP_STATUS[entry.status]}</span>
    </div>
    ${Object.keys(entry.args).length > 0
      ? html`<details class="chip-args">
          <summary>Arguments</summary>
          <pre>${JSON.stringify(entry.args, null, 2)}</pre>
        </details>`
      : nothing}
    ${entry.status === 'running' && p
      ? html`<div class="progress">
          ${total !== undefined ? html`<progress max=${total} .value=${Math.min(p.progress, total)} aria-label="Progress of ${entry.toolId}"></progress>` : nothing}
          <span class="muted">${p.progress}${total !== undefined ? ` of ${total}` : ''}${p.message ? ` — ${p.message}` : ''}</span>
        </div>`
      : nothing}
    ${outcome
      ? html`<div part="tool-result" class="tool-result">
          ${'result' in outcome
            ? renderResult(describeResult(outcome.result, { toolName: entry.toolId }))
            : html`<p class="error" data-code=${outcome.error.code}><code class="code">${outcome.error.code}</code><span class="message">${outcome.error.message}</span></p>`}
        </div>`
      : nothing}
    ${view}
  </li>`;
}
