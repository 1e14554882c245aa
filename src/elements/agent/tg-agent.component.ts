import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Agent } from '../../agent/agent.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { TgServerActionEvent } from '../../events/tg-server-action.js';
import type { Gate } from '../../gate/gate.js';
import type { Policy } from '../../gate/policy.js';
import type { ManualProvider } from '../../llm/manual-provider.js';
import type { PageToolDefinition, RegisterToolOptions } from '../../page/page-tools.js';
import type { LlmProvider } from '../../llm/types.js';
import type { CodedError } from '../../runtime/coded-error.js';
import type { Runtime, RuntimeOptions } from '../../runtime/runtime.js';
import type { ServerSpec } from '../../runtime/server-spec.js';
import type { ServerState } from '../../runtime/servers.js';
import { CONNECTIONS_PARTS } from '../connections/connections-parts.js';
import { PROVIDER_ATTRIBUTES } from '../provider/provider-config.js';
import { declaredServers, SERVER_ATTRIBUTES } from '../server/server-config.js';
import { listConverter } from '../shared/list-attribute.js';
import { dataProperties, stateProperties } from '../shared/properties.js';
import { AgentController, elementSettings, type AgentStatus } from './agent.controller.js';
import { AppViewsController } from './app-views.controller.js';
import { renderAuditBanners } from './audit-banners.template.js';
import type { JsonObject } from '../../../workers/shared/wire.js';
import { renderConversation, renderTop } from './conversation.template.js';
import { MarkdownView } from './markdown-view.js';
import { ComposerController } from './composer.js';
import { LazyCards } from './lazy-cards.js';
import { PageToolsController } from './page-tools.controller.js';
import { ProvidersController, renderProviderPicker } from './providers.controller.js';
import { SavedServersController } from './saved-servers.controller.js';
import { styles } from './tg-agent.styles.js';

/**
 * The Toolgate agent element: an LLM agent (or, without a model, the person) using the tools of
 * remote MCP servers, every call passing the gate — policy, inline approval, audit log.
 *
 * - A view of one runtime (audit log → gate → agent → servers, `runtime`), open while inserted.
 * - Servers: `<tg-server>` children, or the `servers` property (wins when set), then those the
 *   person added; one card each (status, tools: one Web Worker per connection).
 * - The model: the `provider` property, else the chosen `<tg-provider>` child (a picker offers
 *   them and "no model"; `no-provider-picker` hides it), else manual: the person picks a tool and
 *   fills a form generated from its schema (`<tg-manual-form>`).
 * - The conversation shows the person's text, the model's streamed Markdown (sanitized; images
 *   only from `allowedOrigins`), a chip per tool call — the model's, the person's (form or a
 *   card's panel), an app view's: every call passes the gate and shows here — and coded errors.
 *   A call the policy asks about shows an inline `<tg-approval>` card (the host may decide first:
 *   `tg-tool-request`). The audit log opens from the toolbar (`no-audit` hides it).
 * - The page's own tools: `registerTool()` (WebMCP's shape), `<form toolname>` with `tool-forms`,
 *   and the WebMCP bridge with `webmcp="offer publish"` — server "This page", behind the same gate.
 * - Attach (resources) and `/` (prompts) add server content to the next message, as chips.
 *
 * Everything a server sends is untrusted and rendered as text (images only as raster `data:` URLs;
 * links are never fetched).
 *
 * @example
 * ```html
 * <tg-agent tenant="acme" name="Support agent">
 *   <tg-provider kind="openai" base-url="http://localhost:11434/v1" model="qwen2.5"></tg-provider>
 *   <tg-server url="wss://tools.example/mcp" msgpack></tg-server>
 * </tg-agent>
 * ```
 *
 * @event tg-connection-status - A server's connection status changed. `detail: { url, id, name?, status, attempt?, error? }`.
 * @event tg-turn-start - A turn started (`kind: 'model' | 'manual'`). `detail: { turnId, kind, text? }`.
 * @event tg-message - A user message, an assistant message as it streams (`delta`) and when complete. `detail: { turnId, entry, delta? }`.
 * @event tg-tool-call - A tool call (the model's, the person's, an app view's) started, progressed or ended. `detail: { turnId, entry, phase }`.
 * @event tg-turn-end - A turn ended. `detail: { turnId, reason, steps, usage?, error? }`.
 * @event tg-error - A coded error entry was added to the conversation. `detail: { turnId, entry }`.
 * @event tg-elicitation - Cancelable, fired before an elicitation card is shown: `preventDefault()` declines; `detail.respond(result)` answers for the host. `detail: { server, request, respond }`.
 * @event tg-tool-request - Cancelable, fired before an approval card is shown: `preventDefault()` denies; `detail.respond('allow'|'deny')` decides for the host. `detail: { request, respond }`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart provider-picker - The model picker (`no-provider-picker` hides it).
 * @csspart agent-error - Why the agent could not start (e.g. `TG_POLICY_INVALID`, `TG_STORAGE_FAILED`).
 * @csspart audit-banner - Shown while the audit log cannot be written (calls are refused); it clears when the log writes again.
 * @csspart audit-retry - The audit banner's Retry button (the log also retries by itself, with a backoff).
 * @csspart export-banner - Shown while shipping the audit log to the collector (`otlp`) lags or stopped.
 * @csspart export-resume - The export banner's Resume button, when shipping stopped.
 * @csspart connections - The `<tg-connections>` manager. Its parts (`server-card`, `status-badge`, `tool-button`,
 *   `call-form`, `result`, …, listed on `<tg-connections>`) are exported through `<tg-agent>`: `tg-agent::part(server-card)`.
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
 * @csspart card-error - A card that could not be loaded (`TG_UI_LOAD_FAILED`); what waited for it was refused.
 * @csspart stop-button - Stop, while a turn runs.
 * @csspart manual-form - The `<tg-manual-form>` (manual mode).
 * @csspart composer - The message form (with a model).
 * @csspart input - The message textarea.
 * @csspart send-button - The Send button.
 * @csspart audit - The audit section.
 * @csspart toolbar - The model picker and the audit log's toggle.
 * @csspart audit-toggle - The button that shows or hides the audit log.
 * @csspart context-chip - Something attached to the next message (a resource, a prompt's message); `data-withheld` when its content will not (waiting) or did not (sent) reach the model.
 * @csspart withheld-reason - Why an attached item will not or did not reach the model (data-flow policy, or parts for the person only).
 * @csspart attach-button - Opens the resource picker.
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
    ...dataProperties('servers', 'provider', 'policy', 'otlp'),
    roles: { converter: listConverter },
    tenant: { type: String },
    name: { type: String },
    system: { type: String },
    maxSteps: { type: Number, attribute: 'max-steps' },
    reconnectWaitMs: { type: Number, attribute: 'reconnect-wait-ms' },
    noAudit: { type: Boolean, attribute: 'no-audit', reflect: true },
    noProviderPicker: { type: Boolean, attribute: 'no-provider-picker', reflect: true },
    allowedOrigins: { converter: listConverter, attribute: 'allowed-origins' },
    workerUrl: { type: String, attribute: 'worker-url' },
    appsSandboxOrigin: { attribute: 'apps-sandbox-origin' },
    toolForms: { type: Boolean, attribute: 'tool-forms' },
    webmcp: { converter: listConverter },
    ...stateProperties('_auditOpen'),
  };

  /** The servers; wins over `<tg-server>` children while set. Assign a new array to change it. */
  declare servers: ServerSpec[] | undefined;
  /** A provider the host built (`OpenAiCompatibleProvider`, …); wins over `<tg-provider>` children, from the next turn. */
  declare provider: LlmProvider | ManualProvider | undefined;
  /** The gate's policy (a later change is audited); unset, the tenant's stored one, else the default. */
  declare policy: Policy | undefined;
  /** Ships the audit log to the organisation's OpenTelemetry collector, durably (`createRuntime({ otlp })`; `export-banner` when it lags). Property only. */
  declare otlp: RuntimeOptions['otlp'];
  /** The person's roles (attribute: space- or comma-separated). */
  declare roles: string[] | undefined;
  /** Partitions the audit log, the policy, the pins and the server ids (database `toolgate:<tenant>`). Read on insertion. */
  declare tenant: string | undefined;
  /** This agent's name in the audit records (its id is a per-instance id). Read on insertion. */
  declare name: string | undefined;
  /** System prompt for the model. Read on insertion. */
  declare system: string | undefined;
  /** Model requests per turn at most (default 8). Read on insertion. */
  declare maxSteps: number | undefined;
  /** How long a call to a reconnecting server waits for it, in ms (default 10 000; 0: fail at once). Read on insertion. */
  declare reconnectWaitMs: number | undefined;
  /** Hides the audit panel. */
  declare noAudit: boolean;
  /** Hides the model picker (shown when `<tg-provider>` children offer a choice and no `provider` is set). */
  declare noProviderPicker: boolean;
  /** Origins whose images in the model's Markdown load and whose links are not flagged (attribute: space-separated). */
  declare allowedOrigins: string[] | undefined;
  /** Where connection workers load from, for a CSP that allows neither the library's origin nor `blob:` (README, "Content-Security-Policy and Trusted Types"). Read when a connection opens. */
  declare workerUrl: string | undefined;
  /** Where MCP App views run: the origin or URL serving `public/mcp-app-sandbox.html`, on ANOTHER HOST than this page (README, "MCP Apps"); unset, views are not shown (their text is). */
  declare appsSandboxOrigin: string | undefined;
  /** The page's `<form toolname>` elements are page tools (WebMCP's declarative form). */
  declare toolForms: boolean;
  /** The WebMCP bridge (experimental): `offer` the tools on `document.modelContext` to the agent, `publish` the gated tools there. */
  declare webmcp: string[] | undefined;
  declare _auditOpen: boolean;

  readonly #providers = new ProvidersController(this, () => (this.#agent?.applyConfig(), this.requestUpdate()));
  readonly #agent: AgentController = new AgentController(this, {
    target: this,
    saved: new SavedServersController(this, { tenant: () => this.tenant, changed: () => this.#syncServers() }),
    opened: (runtime) => this.#pageTools.opened(runtime),
    config: () => ({ ...elementSettings(this), provider: this.provider ?? this.#providers.provider, apps: this.#apps.enabled }),
  });
  readonly #apps: AppViewsController = new AppViewsController(this, { agent: this.#agent, sandbox: () => this.appsSandboxOrigin, send: (text) => this.send(text) });
  readonly #pageTools = new PageToolsController(this, () => ({ toolForms: this.toolForms, webmcp: this.webmcp ?? [] }));
  readonly #composer = new ComposerController(this, () => this.#agent.runtime);
  readonly #markdown = new MarkdownView(this, () => this.allowedOrigins ?? []);
  /** Children are read from attributes, so markup and (reflected) property changes both show up here. */
  readonly #syncServers = (): void => this.#agent.setServers(declaredServers(this, this.servers));
  readonly #observer = new MutationObserver(() => (this.#syncServers(), this.#providers.sync()));
  readonly #cards = new LazyCards(this, this.#agent);

  constructor() {
    super();
    this.noAudit = this.noProviderPicker = this._auditOpen = false;
    this.toolForms = false;
  }

  /** Every server and its state (status, error, tools, id), in order. */
  get connections(): readonly ServerState[] { return this.#agent.servers; }
  /** The runtime this element is a view of, once open (after insertion): audit log, gate, agent, servers. */
  get runtime(): Runtime | undefined { return this.#agent.runtime; }
  /** The agent loop, once open. */
  get agent(): Agent | undefined { return this.#agent.runtime?.agent; }
  /** The gate every call passes, once open. */
  get gate(): Gate | undefined { return this.#agent.gate; }
  /** This element's audit log, once open. */
  get auditLog(): AuditLog | undefined { return this.#agent.auditLog; }
  /** `opening` after insertion, `ready` when the runtime is open, `failed` (see `agentError`), `closed`. */
  get agentStatus(): AgentStatus { return this.#agent.status; }
  /** Why the agent could not open, if it failed. */
  get agentError(): CodedError | undefined { return this.#agent.error; }
  /** This element's id in its audit records. */
  get instanceId(): string { return this.#agent.instanceId; }
  /** Resolves when the runtime is open (or opening failed). */
  get ready(): Promise<void> { return this.#agent.ready; }
  /** Opens every server that is not open (also retries failed ones). Done on insertion into the DOM. */
  connect(): void { this.#agent.connect(); }
  /** Closes every connection; they stay closed until `connect()` or re-insertion into the DOM. */
  disconnect(): Promise<void> { return this.#agent.disconnect(); }
  /** Sends the person's text to the model and runs the turn to its end. Never rejects once open; manual mode ends it with `TG_NO_MODEL`. */
  send(text: string): Promise<void> { return this.#agent.send(this.#apps.withNotes(text)); }
  /** Runs one tool the person picked (its gate id, e.g. `notes__search_notes`) through the gate. */
  runTool(toolId: string, args: JsonObject = {}): Promise<void> { return this.#agent.runTool(toolId, args); }
  /** Registers one of the page's own tools (WebMCP's shape): server "This page", behind the gate; also before the runtime is open. Returns the disposer. */
  registerTool(definition: PageToolDefinition, options?: RegisterToolOptions): () => void { return this.#pageTools.registerTool(definition, options); }
  /** Stops the running turn: the model stream and every call in flight (the servers are told). */
  stop(): void { this.#agent.stop(); }
  /** `updateComplete` also waits for the cards and the form shown so far to be defined (and so upgraded). */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    // An element whose module was loading renders in the update its arrival requests: wait for that too.
    const loading = this.#cards.settled();
    return loading ? loading.then(() => super.getUpdateComplete()) : done;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#observer.observe(this, { childList: true, subtree: true, attributes: true, attributeFilter: [...new Set([...SERVER_ATTRIBUTES, ...PROVIDER_ATTRIBUTES])] });
    this.#syncServers();
  }

  override disconnectedCallback(): void {
    this.#observer.disconnect();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('servers') && this.isConnected) this.#syncServers();
    if (changed.has('provider') || changed.has('policy') || changed.has('roles') || changed.has('appsSandboxOrigin') || changed.has('workerUrl') || changed.has('otlp')) this.#agent.applyConfig();
    if (changed.has('toolForms') || changed.has('webmcp')) this.#pageTools.apply();
  }

  protected override render(): TemplateResult {
    const agent = this.#agent;
    const conversation = agent.conversation;
    const cards = this.#cards.render(conversation);
    return html`<div part="base" class="base">
      ${renderTop({
        errors: [...(agent.error ? [agent.error] : []), ...(this.provider ? [] : this.#providers.configErrors)],
        banners: renderAuditBanners(agent.auditBanners),
        audit: agent.auditLog,
        picker: this.provider || this.noProviderPicker ? nothing : renderProviderPicker(this.#providers, agent.busy),
        auditShown: !this.noAudit,
        auditOpen: this._auditOpen,
        toggleAudit: () => (this._auditOpen = !this._auditOpen),
      })}
      ${renderConversation({
        ...conversation,
        ...cards,
        markdown: this.#markdown,
        appView: (entry) => this.#apps.render(entry),
        viewNotes: this.#apps.renderNotes(),
        composer: this.#composer.render({ busy: agent.busy, ready: agent.status === 'ready', send: (text) => void this.send(text) }),
        describeTool: agent.describeTool,
        attachLink: (entry, uri, title) => this.#composer.attachLink(entry.toolId, uri, title),
        runTool: (toolId, args) => void agent.runTool(toolId, args),
        stop: () => this.stop(),
      })}
      ${cards.connections
        ? html`<tg-connections
            part="connections"
            exportparts=${CONNECTIONS_PARTS}
            .servers=${agent.servers}
            .tools=${agent.personTools}
            .pins=${agent.pins}
            .policy=${agent.gate?.policy}
            .call=${agent.call}
            @tg-server-action=${(event: TgServerActionEvent) => this.#agent.act(event.detail)}
          ></tg-connections>`
        : nothing}
    </div>`;
  }
}
