/**
 * Composes the agent, the gate and the audit log for one `<tg-agent>`:
 *
 * - on connect it opens the `AuditLog` (tenant from the element; agent id = this element
 *   instance's id, name from the element), then the `Gate` (policy, roles, and a host hook that
 *   fires the cancelable `tg-tool-request` event from the element), then the `Agent`;
 * - it puts every `ready` connection of the `ConnectionsController` behind the gate
 *   (`gate.addServer`) and takes it out again when the connection goes;
 * - it re-dispatches the agent's events as `tg-turn-start`, `tg-message`, `tg-tool-call`,
 *   `tg-turn-end` and `tg-error` DOM events from the element;
 * - on disconnect it stops the turn, denies pending approvals, and closes the gate and the log.
 *
 * No rendering: the element reads `entries`, `approvals`, `personTools`, … and renders them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Agent } from '../../agent/agent.js';
import type { ConversationEntry } from '../../agent/conversation.js';
import { AuditLog, type AuditLogOptions } from '../../audit/audit-log.js';
import { TgError, ErrorCode, type ErrorCodeValue } from '../../../workers/shared/errors.js';
import { TgErrorEvent } from '../../events/tg-error.js';
import { TgMessageEvent } from '../../events/tg-message.js';
import { TgToolCallEvent } from '../../events/tg-tool-call.js';
import { toolRequestHook } from '../../events/tg-tool-request.js';
import { TgTurnEndEvent } from '../../events/tg-turn-end.js';
import { TgTurnStartEvent } from '../../events/tg-turn-start.js';
import type { ApprovalRequest } from '../../gate/approvals.js';
import { Gate, type GateOptions } from '../../gate/gate.js';
import { serverStanding, type Policy } from '../../gate/policy.js';
import { outputAllowed } from '../../gate/data-flow.js';
import type { GatedTool } from '../../gate/tool-gate.js';
import { ManualProvider, isManualProvider } from '../../llm/manual-provider.js';
import type { LlmProvider } from '../../llm/types.js';
import type { JsonObject, CallToolResult, Progress } from '../../../workers/shared/wire.js';
import type { CodedError } from './connection-types.js';
import type { ConnectionsController, ServerState } from './connections.controller.js';
import { toCodedError } from './element-errors.js';

/** What the controller reads from the element, each time it needs it. */
export interface AgentConfig {
  tenant?: string | undefined;
  name?: string | undefined;
  policy?: Policy | undefined;
  roles?: readonly string[] | undefined;
  provider?: LlmProvider | ManualProvider | undefined;
  system?: string | undefined;
  maxSteps?: number | undefined;
}

export interface AgentControllerOptions {
  connections: ConnectionsController;
  /** Where DOM events are dispatched (the element). */
  target: EventTarget;
  config: () => AgentConfig;
  /** Whether the person consented to a server URL that is not on the policy's allow-list. */
  consented?: (url: string) => boolean;
  /** Test seams; default `AuditLog.open` / `Gate.open`. */
  openAudit?: (options: AuditLogOptions) => Promise<AuditLog>;
  openGate?: (options: GateOptions) => Promise<Gate>;
}

export type AgentStatus = 'closed' | 'opening' | 'ready' | 'failed';

interface Registration {
  gateId: string;
  connection: NonNullable<ServerState['connection']>;
  state: 'adding' | 'added' | 'failed';
  error?: CodedError;
  done: Promise<void>;
}

export class AgentController implements ReactiveController {
  /** This element instance's id: the `agent.id` of its audit records. */
  readonly instanceId = `tg-agent-${crypto.randomUUID()}`;
  readonly #host: ReactiveControllerHost;
  readonly #options: AgentControllerOptions;
  #status: AgentStatus = 'closed';
  #error: CodedError | undefined;
  #audit: AuditLog | undefined;
  #gate: Gate | undefined;
  #agent: Agent | undefined;
  #generation = 0;
  #cleanup: (() => void)[] = [];
  readonly #registered = new Map<string, Registration>();
  #ready: Promise<void> = Promise.resolve();
  #resolveReady: (() => void) | undefined;
  #appliedPolicy: Policy | undefined;

  constructor(host: ReactiveControllerHost, options: AgentControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get status(): AgentStatus {
    return this.#status;
  }

  /** Why opening the log or the gate failed (e.g. `TG_POLICY_INVALID`, `TG_STORAGE_FAILED`). */
  get error(): CodedError | undefined {
    return this.#error;
  }

  get auditLog(): AuditLog | undefined {
    return this.#audit;
  }

  get gate(): Gate | undefined {
    return this.#gate;
  }

  get agent(): Agent | undefined {
    return this.#agent;
  }

  /** Resolves when the log, the gate and the agent are open (or opening failed). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  get entries(): readonly ConversationEntry[] {
    return this.#agent?.entries ?? [];
  }

  get busy(): boolean {
    return this.#agent?.busy ?? false;
  }

  get manual(): boolean {
    return this.#agent ? this.#agent.manual : isManualProvider(this.#provider());
  }

  get approvals(): readonly ApprovalRequest[] {
    return this.#gate?.approvals.pending ?? [];
  }

  /** The tools the person may pick (manual form). */
  get personTools(): GatedTool[] {
    return this.#gate?.tools({ kind: 'person' }) ?? [];
  }

  /** The gate's side of one server: its id there, and why it could not be added. */
  registration(serverKey: string): { gateId: string; state: Registration['state']; error?: CodedError } | undefined {
    return this.#registered.get(serverKey);
  }

  /**
   * Whether content from a gated server (an MCP App view's message or context) may reach the model
   * in use, by the policy's data-flow labels. Manual mode sends nothing to a model: yes.
   */
  mayReachModel(gateServerId: string): boolean {
    const gate = this.#gate;
    const provider = this.#provider();
    if (!gate || isManualProvider(provider)) return true;
    const url = gate.tools({ kind: 'person' }).find((t) => t.serverId === gateServerId)?.serverUrl;
    if (url === undefined) return false;
    return outputAllowed({ kind: 'llm', providerLabel: provider.label }, serverStanding(gate.policy, url).entry);
  }

  /** Puts a server behind the gate again after it was refused (e.g. once the person consented). */
  retryServer(serverKey: string): void {
    const registration = this.#registered.get(serverKey);
    if (registration?.state !== 'failed') return;
    this.#registered.delete(serverKey);
    this.#syncServers();
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    void this.#open();
  }

  hostDisconnected(): void {
    this.#close();
  }

  /** Keeps the gate's servers in step with the ready connections (the connections controller asks for updates). */
  hostUpdate(): void {
    this.#syncServers();
  }

  /** Sends the person's text (a no-op `TG_NO_MODEL` turn in manual mode). */
  async send(text: string): Promise<void> {
    await this.#ready;
    if (!this.#agent) throw this.#notReady();
    await this.#agent.send(text);
  }

  /** Runs a tool the person picked, through the gate. */
  async runTool(toolId: string, args: JsonObject): Promise<void> {
    await this.#ready;
    if (!this.#agent) throw this.#notReady();
    await this.#agent.runTool(toolId, args);
  }

  stop(): void {
    this.#agent?.stop();
  }

  /** Applies the element's current provider, policy and roles to the open agent and gate. */
  applyConfig(): void {
    const config = this.#options.config();
    if (this.#agent) this.#agent.provider = this.#provider();
    const gate = this.#gate;
    if (!gate) return;
    const roles = config.roles ?? [];
    if (roles.join('\n') !== gate.roles.join('\n')) gate.roles = roles;
    if (config.policy !== undefined && config.policy !== this.#appliedPolicy) {
      this.#appliedPolicy = config.policy;
      gate.setPolicy(config.policy).then(
        () => {
          this.#error = undefined;
          this.#host.requestUpdate();
        },
        (err: unknown) => {
          this.#error = toCodedError(err);
          this.#host.requestUpdate();
        },
      );
    }
  }

  /**
   * One call from a server card's JSON panel, through the gate as the person's call. Resolves
   * with the server's result; a refusal, failure or cancellation rejects with its coded error.
   */
  async callThroughGate(
    serverKey: string,
    toolName: string,
    args: JsonObject,
    options: { signal?: AbortSignal; onProgress?: (progress: Progress) => void },
  ): Promise<CallToolResult> {
    await this.#ready;
    const gate = this.#gate;
    if (!gate) throw this.#notReady();
    const registration = this.#registered.get(serverKey);
    await registration?.done;
    if (!registration || registration.state !== 'added') {
      throw new TgError(ErrorCode.NOT_CONNECTED, registration?.error?.message ?? 'The server is not behind the gate yet');
    }
    const tool = gate.tools({ kind: 'person' }).find((t) => t.serverId === registration.gateId && t.tool.name === toolName);
    if (!tool) throw new TgError(ErrorCode.TOOL_UNKNOWN, `No tool ${toolName} is available.`);
    const outcome = await gate.call({
      toolId: tool.id,
      args,
      proposer: { kind: 'person' },
      ...(options.signal && { signal: options.signal }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    if ('result' in outcome) return outcome.result;
    throw new TgError(outcome.error.code as ErrorCodeValue, outcome.error.message); // a code the gate or the connection gave
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
    const config = this.#options.config();
    const current = () => generation === this.#generation;
    let audit: AuditLog | undefined;
    let gate: Gate | undefined;
    try {
      audit = await (this.#options.openAudit ?? ((o) => AuditLog.open(o)))({
        ...(config.tenant && { tenant: config.tenant }),
        agent: { id: this.instanceId, ...(config.name && { name: config.name }) },
      });
      if (!current()) return audit.close();
      // Read again: a host often sets `policy` right after inserting the element.
      const { policy, roles } = this.#options.config();
      this.#appliedPolicy = policy;
      gate = await (this.#options.openGate ?? ((o) => Gate.open(o)))({
        audit,
        ...(policy !== undefined && { policy }),
        roles: roles ?? [],
        hostHook: toolRequestHook(this.#options.target),
      });
      if (!current()) {
        gate.close();
        audit.close();
        return;
      }
    } catch (err) {
      if (current()) {
        gate?.close();
        audit?.close();
        this.#status = 'failed';
        this.#error = toCodedError(err);
        this.#host.requestUpdate();
        this.#resolveReady?.();
      } else {
        audit?.close();
      }
      return;
    }
    const agent = new Agent({
      gate,
      provider: this.#provider(),
      ...(config.system !== undefined && { system: config.system }),
      ...(config.maxSteps !== undefined && { maxSteps: config.maxSteps }),
    });
    this.#audit = audit;
    this.#gate = gate;
    this.#agent = agent;
    this.#listen(audit, gate, agent);
    this.#status = 'ready';
    this.#syncServers();
    this.#host.requestUpdate();
    this.#resolveReady?.();
    // A policy or provider set while opening.
    this.applyConfig();
  }

  #listen(audit: AuditLog, gate: Gate, agent: Agent): void {
    const target = this.#options.target;
    const update = () => this.#host.requestUpdate();
    this.#cleanup.push(
      agent.on('turn-start', (d) => {
        target.dispatchEvent(new TgTurnStartEvent(d));
        update();
      }),
      agent.on('message', (d) => {
        target.dispatchEvent(new TgMessageEvent(d));
        update();
      }),
      agent.on('tool-call', (d) => {
        target.dispatchEvent(new TgToolCallEvent(d));
        update();
      }),
      agent.on('turn-end', (d) => {
        target.dispatchEvent(new TgTurnEndEvent(d));
        update();
      }),
      agent.on('error', (d) => {
        target.dispatchEvent(new TgErrorEvent(d));
        update();
      }),
    );
    gate.approvals.addEventListener('change', update);
    gate.addEventListener('change', update);
    audit.addEventListener('health', update);
    this.#cleanup.push(
      () => gate.approvals.removeEventListener('change', update),
      () => gate.removeEventListener('change', update),
      () => audit.removeEventListener('health', update),
    );
  }

  #close(): void {
    this.#generation++;
    this.#agent?.stop('The element was removed from the page');
    for (const off of this.#cleanup.splice(0)) off();
    // Denies pending approvals and lets go of the connections (the connections controller closes them).
    this.#gate?.close();
    this.#audit?.close();
    this.#registered.clear();
    this.#agent = undefined;
    this.#gate = undefined;
    this.#audit = undefined;
    this.#status = 'closed';
    this.#resolveReady?.();
  }

  #syncServers(): void {
    const gate = this.#gate;
    if (!gate) return;
    const live = new Map<string, ServerState>();
    for (const server of this.#options.connections.servers) {
      if (server.status === 'ready' && server.connection) live.set(server.key, server);
    }
    for (const [key, registration] of [...this.#registered]) {
      if (live.get(key)?.connection === registration.connection) continue;
      this.#registered.delete(key);
      gate.removeServer(registration.gateId);
    }
    for (const [key, server] of live) {
      if (this.#registered.has(key)) continue;
      const gateId = this.#gateIdFor(server);
      const registration: Registration = { gateId, connection: server.connection!, state: 'adding', done: Promise.resolve() };
      const consented = this.#options.consented?.(server.spec.url) === true;
      registration.done = gate.addServer(gateId, server.connection!, { consented }).then(
        () => {
          registration.state = 'added';
        },
        (err: unknown) => {
          registration.state = 'failed';
          registration.error = toCodedError(err);
        },
      );
      void registration.done.then(() => this.#host.requestUpdate());
      this.#registered.set(key, registration);
    }
  }

  /**
   * The server's id in the gate, which policy rules (`server: "notes"`) and tool ids
   * (`notes__search`) use: the `<tg-server name>` or the URL's host, as a slug, numbered when taken.
   */
  #gateIdFor(server: ServerState): string {
    let host = '';
    try {
      host = new URL(server.spec.url).hostname;
    } catch {
      /* a bad URL never gets here: it cannot be ready */
    }
    const base =
      (server.spec.name || host || 'server')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 24) || 'server';
    const taken = new Set([...this.#registered.values()].map((r) => r.gateId));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}
