/**
 * `<tg-agent>`'s adapter to its runtime (src/runtime/, where the behaviour is):
 *
 * - opens a runtime when the element is inserted (tenant and name from the element; agent id =
 *   this element instance's id; the host hook fires the cancelable `tg-tool-request` on it) and
 *   closes it when the element is removed;
 * - turns runtime events into DOM events on the element — `tg-turn-start`, `tg-message`,
 *   `tg-tool-call`, `tg-turn-end`, `tg-error`, `tg-connection-status`, `tg-elicitation` — and
 *   into `requestUpdate()`;
 * - keeps what the element renders as snapshots whose identity changes only with their data (the
 *   servers, the person's tools, the pins), so child elements re-render only when they must;
 * - applies the element's later changes (provider, policy, roles, servers, the collector);
 * - forwards the audit banners' Retry and Resume to the runtime's log and shipper.
 *
 * No rendering, no behaviour of its own beyond that.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConversationEntry } from '../../agent/conversation.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { OtlpShippingOptions } from '../../audit/otlp-shipper.js';
import { authorizeInPopup } from '../../connections/oauth-popup.js';
import { authorizeWithFallback } from '../../connections/oauth-redirect.js';
import { ErrorCode, TgError, type ErrorCodeValue } from '../../../workers/shared/errors.js';
import { TgConnectionStatusEvent } from '../../events/tg-connection-status.js';
import { dispatchElicitation } from '../../events/tg-elicitation.js';
import { TgErrorEvent } from '../../events/tg-error.js';
import { TgMessageEvent } from '../../events/tg-message.js';
import type { TgServerActionDetail } from '../../events/tg-server-action.js';
import { TgToolCallEvent } from '../../events/tg-tool-call.js';
import { toolRequestHook } from '../../events/tg-tool-request.js';
import { TgTurnEndEvent } from '../../events/tg-turn-end.js';
import { TgTurnStartEvent } from '../../events/tg-turn-start.js';
import type { ApprovalRequest } from '../../gate/approvals.js';
import type { Gate } from '../../gate/gate.js';
import type { PinRecord } from '../../gate/pins.js';
import type { Policy } from '../../gate/policy.js';
import type { GatedTool, ToolCallOutcome } from '../../gate/tool-gate.js';
import { ManualProvider, isManualProvider } from '../../llm/manual-provider.js';
import type { LlmProvider } from '../../llm/types.js';
import type { JsonObject } from '../../../workers/shared/wire.js';
import { toCodedError, type CodedError } from '../../runtime/coded-error.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../runtime/runtime.js';
import { serverLabel, type ServerDeclaration } from '../../runtime/server-spec.js';
import type { ServerState } from '../../runtime/servers.js';
import type { PanelCaller } from '../connections/tool-call.controller.js';
import type { AuditBannersView } from './audit-banners.template.js';
import type { ConversationView } from './conversation.template.js';
import type { SavedServersController } from './saved-servers.controller.js';

/** What the controller reads from the element, each time it needs it. */
export interface AgentConfig {
  tenant?: string | undefined;
  name?: string | undefined;
  policy?: Policy | undefined;
  roles?: readonly string[] | undefined;
  provider?: LlmProvider | ManualProvider | undefined;
  system?: string | undefined;
  maxSteps?: number | undefined;
  reconnectWaitMs?: number | undefined;
  /** MCP App views can be rendered (a usable sandbox origin): connections advertise the extension. */
  apps?: boolean | undefined;
  /** Where connection workers load from (`OpenOptions.workerUrl`); unset, next to the library. */
  workerUrl?: string | undefined;
  /** The collector the audit log is shipped to. */
  otlp?: OtlpShippingOptions | undefined;
}

/** The settings the element holds under the same names. */
const ELEMENT_SETTINGS = ['tenant', 'name', 'policy', 'roles', 'system', 'maxSteps', 'reconnectWaitMs', 'workerUrl', 'otlp'] as const;

/** The element's own settings, read by name (its reactive properties). */
export function elementSettings(element: Pick<AgentConfig, (typeof ELEMENT_SETTINGS)[number]>): AgentConfig {
  return Object.fromEntries(ELEMENT_SETTINGS.map((key) => [key, element[key]]));
}

export interface AgentControllerOptions {
  /** Where DOM events are dispatched (the element). */
  target: EventTarget;
  config: () => AgentConfig;
  /** The servers the person added, and their consents: they follow the element's own servers. */
  saved: SavedServersController;
  /** Called with each runtime once it is open (the page tools join it). */
  opened?: (runtime: Runtime) => void;
  /** Opens the runtime; default `createRuntime`. */
  open?: (options: RuntimeOptions) => Promise<Runtime>;
}

export type AgentStatus = 'closed' | 'opening' | 'ready' | 'failed';

export class AgentController implements ReactiveController {
  /** This element instance's id: the `agent.id` of its audit records. */
  readonly instanceId = `tg-agent-${crypto.randomUUID()}`;
  readonly #host: ReactiveControllerHost;
  readonly #options: AgentControllerOptions;
  #status: AgentStatus = 'closed';
  #error: CodedError | undefined;
  #runtime: Runtime | undefined;
  #generation = 0;
  #cleanup: (() => void)[] = [];
  #ready: Promise<void> = Promise.resolve();
  #resolveReady: (() => void) | undefined;
  #appliedPolicy: Policy | undefined;
  #declared: readonly ServerDeclaration[] = [];
  /** `disconnect()` was called: servers stay closed until `connect()`. */
  #held = false;
  #personTools: readonly GatedTool[] = [];
  #pins: readonly PinRecord[] = [];
  #retryingAudit = false;

  constructor(host: ReactiveControllerHost, options: AgentControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get status(): AgentStatus {
    return this.#status;
  }

  /** Why opening the runtime failed (e.g. `TG_POLICY_INVALID`, `TG_STORAGE_FAILED`). */
  get error(): CodedError | undefined {
    return this.#error;
  }

  /** The runtime, once open. */
  get runtime(): Runtime | undefined {
    return this.#runtime;
  }

  get auditLog(): AuditLog | undefined {
    return this.#runtime?.audit;
  }

  get gate(): Gate | undefined {
    return this.#runtime?.gate;
  }

  /** Resolves when the runtime is open (or opening failed). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  get servers(): readonly ServerState[] {
    return this.#runtime?.servers.list ?? [];
  }

  get entries(): readonly ConversationEntry[] {
    return this.#runtime?.entries ?? [];
  }

  get busy(): boolean {
    return this.#runtime?.agent.busy ?? false;
  }

  get manual(): boolean {
    return this.#runtime ? this.#runtime.agent.manual : isManualProvider(this.#provider());
  }

  get approvals(): readonly ApprovalRequest[] {
    return this.#runtime?.gate.approvals.pending ?? [];
  }

  /** The tools the person may pick (a new array only when they changed). */
  get personTools(): readonly GatedTool[] {
    return this.#personTools;
  }

  /** What the conversation section shows of the runtime (the rest comes from the element). */
  get conversation(): Pick<ConversationView, 'entries' | 'approvals' | 'queue' | 'elicitations' | 'busy' | 'ready' | 'manual' | 'tools'> {
    const runtime = this.#runtime;
    return {
      entries: this.entries,
      approvals: this.approvals,
      queue: runtime?.gate.approvals,
      elicitations: runtime?.servers.elicitations ?? [],
      busy: this.busy,
      ready: this.#status === 'ready',
      manual: this.manual,
      tools: this.#personTools,
    };
  }

  /** A tool's title (else its name) and its server's name, for the person; the id itself when the person cannot see the tool. */
  readonly describeTool = (toolId: string): { title: string; server?: string } => {
    const gated = this.#personTools.find((t) => t.id === toolId);
    if (!gated) return { title: toolId };
    const server = this.servers.find((s) => s.id === gated.serverId);
    return { title: gated.tool.title || gated.tool.annotations?.title || gated.tool.name, ...(server && { server: serverLabel(server.spec) }) };
  };

  /** What the audit banners show (storage, shipping) and where their buttons go. */
  get auditBanners(): AuditBannersView {
    const runtime = this.#runtime;
    return {
      health: runtime?.audit.health,
      retrying: this.#retryingAudit,
      retry: () => void this.#retryAudit(),
      shipping: runtime?.otlp?.status,
      resume: () => runtime?.otlp?.resume(),
    };
  }

  /** The gate's pins (a new array only when they changed). */
  get pins(): readonly PinRecord[] {
    return this.#pins;
  }

  hostConnected(): void {
    void this.#open();
  }

  hostDisconnected(): void {
    this.#generation++;
    for (const off of this.#cleanup.splice(0)) off();
    // Stops the turn, denies pending approvals, closes the connections, the gate and the log.
    void this.#runtime?.close();
    this.#runtime = undefined;
    this.#personTools = [];
    this.#pins = [];
    this.#status = 'closed';
    this.#resolveReady?.();
  }

  /** The element's own servers; the person's saved ones follow them. */
  setServers(declared: readonly ServerDeclaration[]): void {
    this.#declared = this.#options.saved.declarations(declared);
    this.#runtime?.servers.set(this.#declared);
  }

  /** Opens every server that is not open (also retries failed ones). */
  connect(): void {
    this.#held = false;
    this.#runtime?.servers.connect();
  }

  /** Closes every connection until `connect()`. */
  async disconnect(): Promise<void> {
    this.#held = true;
    await this.#runtime?.servers.disconnect();
  }

  /** Sends the person's text (a no-op `TG_NO_MODEL` turn in manual mode). */
  async send(text: string): Promise<void> {
    await this.#ready;
    if (!this.#runtime) throw this.#notReady();
    await this.#runtime.send(text);
  }

  /** Runs a tool the person picked in the manual form, through the gate (a turn of its own). */
  async runTool(toolId: string, args: JsonObject): Promise<void> {
    await this.#ready;
    if (!this.#runtime) throw this.#notReady();
    await this.#runtime.agent.runTool(toolId, args);
  }

  stop(): void {
    this.#runtime?.stop();
  }

  /** The server panels' calls: the person's, through the runtime's one entry (gate and conversation). */
  readonly call: PanelCaller = async (server, tool, args, { signal, onProgress }) => {
    await this.#ready;
    if (!this.#runtime) {
      const { code, message } = this.#notReady();
      return { status: 'refused', error: { code, message }, forModel: [{ type: 'text', text: message }] } satisfies ToolCallOutcome;
    }
    return this.#runtime.call({ server, tool, args, signal, onProgress });
  };

  /** Carries out what the person asked in `<tg-connections>` (`tg-server-action`). */
  act(detail: TgServerActionDetail): void {
    const saved = this.#options.saved;
    if (detail.action === 'add') return saved.add(detail.server);
    const runtime = this.#runtime;
    if (!runtime) return;
    const servers = runtime.servers;
    switch (detail.action) {
      case 'remove': {
        const spec = servers.get(detail.serverId)?.spec;
        return spec && saved.remove(spec);
      }
      case 'connect':
        return servers.connectServer(detail.serverId);
      case 'disconnect':
        return void servers.disconnectServer(detail.serverId);
      case 'sign-out':
        return void servers.signOutServer(detail.serverId).catch(() => {});
      case 'consent': {
        const url = servers.get(detail.serverId)?.spec.url;
        if (url) saved.consent(url);
        return servers.consent(detail.serverId);
      }
      case 'rebind':
        return void runtime.gate.rebindServer(detail.serverId).catch((err: unknown) => this.#fail(err));
      case 'accept-definition':
        return void runtime.gate.acceptDefinition(detail.toolId).catch((err: unknown) => this.#fail(err));
      case 'sign-in': {
        // The popup was opened in the click; when it was blocked (null), the full-page redirect
        // takes over and the reloaded page resumes the flow (src/connections/oauth-redirect.ts).
        const { popup } = detail;
        const server = servers.get(detail.serverId)?.spec.url;
        return servers.connectServer(detail.serverId, {
          authorize: (url) => (server ? authorizeWithFallback(url, { ...(popup && { popup }), server }) : authorizeInPopup(url, { popup })),
        });
      }
    }
  }

  /** Applies the element's current provider, policy, roles, apps switch and worker URL to the open runtime. */
  applyConfig(): void {
    const runtime = this.#runtime;
    if (!runtime) return;
    const config = this.#options.config();
    runtime.agent.provider = this.#provider();
    runtime.servers.apps = config.apps === true;
    runtime.servers.workerUrl = config.workerUrl;
    void runtime.ship(config.otlp).catch((err: unknown) => this.#fail(err));
    const roles = config.roles ?? [];
    if (roles.join('\n') !== runtime.gate.roles.join('\n')) runtime.gate.roles = roles;
    if (config.policy !== undefined && config.policy !== this.#appliedPolicy) {
      this.#appliedPolicy = config.policy;
      runtime.gate.setPolicy(config.policy).then(
        () => {
          this.#error = undefined;
          this.#host.requestUpdate();
        },
        (err: unknown) => this.#fail(err),
      );
    }
  }

  /** The banner's Retry: the log tries to write again now (it also does by itself, with a backoff). */
  async #retryAudit(): Promise<void> {
    const audit = this.#runtime?.audit;
    if (!audit || this.#retryingAudit) return;
    this.#retryingAudit = true;
    this.#host.requestUpdate();
    try {
      await audit.retry();
    } finally {
      this.#retryingAudit = false;
      this.#host.requestUpdate();
    }
  }

  #fail(err: unknown): void {
    this.#error = toCodedError(err);
    this.#host.requestUpdate();
  }

  #notReady(): TgError {
    return new TgError((this.#error?.code as ErrorCodeValue | undefined) ?? ErrorCode.NOT_CONNECTED, this.#error?.message ?? 'The agent is not open (the element is not in the document)');
  }

  #provider(): LlmProvider | ManualProvider {
    return this.#options.config().provider ?? new ManualProvider();
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    this.#status = 'opening';
    this.#error = undefined;
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.#host.requestUpdate();
    // A host often sets `policy` or `provider` right after inserting the element: read them after its script.
    await undefined;
    if (generation !== this.#generation) return;
    const config = this.#options.config();
    this.#appliedPolicy = config.policy;
    let runtime: Runtime;
    try {
      runtime = await (this.#options.open ?? createRuntime)({
        ...(config.tenant && { tenant: config.tenant }),
        agent: { id: this.instanceId, ...(config.name && { name: config.name }) },
        ...(config.policy !== undefined && { policy: config.policy }),
        roles: config.roles ?? [],
        provider: this.#provider(),
        ...(config.system !== undefined && { system: config.system }),
        ...(config.maxSteps !== undefined && { maxSteps: config.maxSteps }),
        ...(config.reconnectWaitMs !== undefined && { reconnectWaitMs: config.reconnectWaitMs }),
        apps: config.apps === true,
        ...(config.workerUrl && { workerUrl: config.workerUrl }),
        ...(config.otlp && { otlp: config.otlp }),
        hostHook: toolRequestHook(this.#options.target),
      });
    } catch (err) {
      if (generation === this.#generation) {
        this.#status = 'failed';
        this.#fail(err);
        this.#resolveReady?.();
      }
      return;
    }
    if (generation !== this.#generation) {
      void runtime.close();
      return;
    }
    this.#runtime = runtime;
    this.#listen(runtime);
    this.#options.opened?.(runtime);
    this.#snapshot();
    if (this.#held) void runtime.servers.disconnect();
    runtime.servers.set(this.#declared);
    this.#status = 'ready';
    this.#host.requestUpdate();
    this.#resolveReady?.();
    // A policy, roles or provider set while opening.
    this.applyConfig();
  }

  #listen(runtime: Runtime): void {
    const target = this.#options.target;
    const update = () => this.#host.requestUpdate();
    const dispatch = (event: Event) => {
      target.dispatchEvent(event);
      update();
    };
    this.#cleanup.push(
      runtime.on('turn-start', (d) => dispatch(new TgTurnStartEvent(d))),
      runtime.on('message', (d) => dispatch(new TgMessageEvent(d))),
      runtime.on('tool-call', (d) => dispatch(new TgToolCallEvent(d))),
      runtime.on('turn-end', (d) => dispatch(new TgTurnEndEvent(d))),
      runtime.on('error', (d) => dispatch(new TgErrorEvent(d))),
      runtime.on('elicitation', (pending) => dispatchElicitation(target, pending)),
      runtime.on('server-status', ({ server }) => {
        const { id, spec, status, error, attempt } = server;
        const detail: TgConnectionStatusEvent['detail'] = { url: spec.url, id, status };
        if (spec.name) detail.name = spec.name;
        if (attempt !== undefined) detail.attempt = attempt;
        if (error && (status === 'failed' || status === 'closed')) detail.error = { ...error };
        dispatch(new TgConnectionStatusEvent(detail));
      }),
      runtime.on('change', ({ what }) => {
        if (what === 'tools' || what === 'policy' || what === 'roles' || what === 'pins') this.#snapshot();
        update();
      }),
    );
  }

  #snapshot(): void {
    const gate = this.#runtime?.gate;
    this.#personTools = Object.freeze(gate?.tools({ kind: 'person' }) ?? []);
    this.#pins = Object.freeze(gate?.pins() ?? []);
  }
}
