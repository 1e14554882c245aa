/**
 * The runtime: Toolgate without any element. It opens, in this order, the audit log of a tenant,
 * the gate (policy, roles, approvals, pins and server ids, kept with the log), the agent loop,
 * and the servers (one connection worker each, each behind the gate under its one id); `close()`
 * takes them down in the reverse order. `<tg-agent>` is a view of one runtime; a host that builds
 * its own UI uses the runtime directly.
 *
 * Every tool call enters through `gate.call()`: the model's (its turns, `send`), and every other —
 * the person's, an MCP App view's — through `runtime.call()`, which also records it in the
 * conversation. Nothing here hands out a connection that could call a tool past the gate.
 *
 * The page's own tools (`registerTool`, WebMCP's shape) are one more server, "This page" (id
 * `page`), behind the same gate; `bridgeWebMcp()` offers the tools of `document.modelContext` and
 * publishes the gated ones there. What the person attaches — resources, a prompt's messages — waits
 * in `composer` and goes with the next `send()`, labelled with its server for the data-flow rules.
 *
 * Nothing lost under faults: a server whose worker is lost gets a new one (with its reconnect
 * backoff); when the audit log's storage comes back (`audit.health`, `audit.retry()`), servers the
 * gate refused for want of it go behind it; with `otlp`, the log is shipped to the organisation's
 * collector durably (`runtime.otlp.status`).
 *
 * Plain TypeScript, no DOM: it runs in a page or a worker-free test without any element.
 *
 * @example
 * ```ts
 * import { createRuntime } from 'toolgate';
 *
 * const runtime = await createRuntime({
 *   tenant: 'acme',
 *   policy: { version: 1, servers: [{ url: 'wss://notes.example/*', trusted: true }] },
 *   servers: [{ url: 'wss://notes.example/mcp', name: 'Notes' }],
 *   provider: new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' }),
 *   // Decide approvals in code (or render runtime.gate.approvals.pending yourself).
 *   hostHook: (request, respond) => respond(request.tool.name === 'delete_note' ? 'deny' : 'allow'),
 * });
 * runtime.on('message', ({ delta }) => delta && print(delta));
 * await runtime.send('Find my notes about the launch');
 * const outcome = await runtime.call({ server: 'notes', tool: 'search_notes', args: { query: 'launch' } });
 * await runtime.close();
 * ```
 */
import { Agent, type AgentCallRequest, type AgentEventMap, type TurnSummary } from '../agent/agent.js';
import type { ConversationEntry } from '../agent/conversation.js';
import { Emitter } from '../agent/emitter.js';
import { AuditLog, type AuditLogOptions } from '../audit/audit-log.js';
import type { OtlpShipper, OtlpShippingOptions } from '../audit/otlp-shipper.js';
import type { AgentIdentity } from '../audit/record.js';
import { ErrorCode, invalidArgument } from '../../workers/shared/errors.js';
import type { HostHook } from '../gate/approvals.js';
import { Gate, GateChangeEvent } from '../gate/gate.js';
import { outputAllowed } from '../gate/data-flow.js';
import { serverStanding, type Policy } from '../gate/policy.js';
import type { Proposer, ToolCallOutcome } from '../gate/tool-gate.js';
import { isManualProvider, type ManualProvider } from '../llm/manual-provider.js';
import type { LlmProvider } from '../llm/types.js';
import type { JsonObject, Progress } from '../../workers/shared/wire.js';
import { ComposerContext, type ComposerContextOptions } from '../context/composer-context.js';
import type { ContextServer } from '../context/context-server.js';
import { PageTools, type PageToolDefinition, type PageToolsOptions, type RegisterToolOptions } from '../page/page-tools.js';
import { findModelContext, publishGatedTools, WebMcpTools, type ModelContextLike } from '../page/webmcp.js';
import { isStorageFailure } from '../storage/errors.js';
import { ServerRegistry, type ConnectionOpener, type ServerRegistryEventMap } from './servers.js';
import type { ServerDeclaration, ServerSpec } from './server-spec.js';

export interface RuntimeOptions {
  /** Partitions the audit log, the policy, the pins and the server ids (database `toolgate:<tenant>`). */
  tenant?: string;
  /** This agent in the audit records. Default `{ id: 'runtime-<random>' }`. */
  agent?: AgentIdentity;
  /** The gate's policy; absent, the tenant's stored policy applies, else the default. */
  policy?: Policy;
  /** The person's roles. */
  roles?: readonly string[];
  /** The person's id, recorded when they approve or deny. */
  person?: string;
  /** The model; default the manual provider (the person picks tools). Change it with `agent.provider`. */
  provider?: LlmProvider | ManualProvider;
  system?: string;
  maxSteps?: number;
  /** The servers to connect to; change them with `servers.set()`. */
  servers?: readonly (ServerSpec | ServerDeclaration)[];
  /** Decides approvals before (or instead of) a card: see `HostHook`. */
  hostHook?: HostHook;
  /** Unanswered approvals deny after this many ms. Default 5 minutes; 0 = never. */
  approvalTimeoutMs?: number;
  /** How long a call to a reconnecting server waits for it (ms) before `TG_NOT_CONNECTED`. Default 10 000. */
  reconnectWaitMs?: number;
  /** More options of the audit log (fail mode, retention, redaction, signing, storage recovery). */
  audit?: Omit<AuditLogOptions, 'tenant' | 'agent'>;
  /**
   * Ships the audit log to the organisation's OpenTelemetry collector (OTLP/HTTP JSON), durably:
   * `{ url: 'https://otel.example/v1/logs', headers?: () => ({ authorization: … }) }` and the other
   * `forwardToOtlp` options. Follow it with `runtime.otlp`; change it with `runtime.ship()`.
   */
  otlp?: OtlpShippingOptions;
  /** Opens one connection; default `McpConnection.open` (one worker each). */
  open?: ConnectionOpener;
  /**
   * The host renders MCP App views (it has a sandbox on another origin): connections advertise the
   * extension. Default false; change it with `servers.apps` (for connections opened after that).
   */
  apps?: boolean;
  /** Where the default opener loads connection workers from (`OpenOptions.workerUrl`); change it with `servers.workerUrl`. */
  workerUrl?: string;
  /** The page's own tools: their server's URL, label ("This page"), output labels, timeout. */
  pageTools?: PageToolsOptions;
  /** Bounds of what the person attaches to a message. */
  composer?: ComposerContextOptions;
}

/** See `Runtime.bridgeWebMcp`. */
export interface WebMcpBridgeOptions {
  /** Offer the tools the page registered on `document.modelContext` to the agent (as the server `webmcp`). */
  offer?: boolean;
  /** Publish the gated tools there for a browser's own agent (the page's own tools and WebMCP's are left out). */
  publish?: boolean;
  /** WebMCP's `exposedTo` for published tools: https origins of other documents in the page's tree. */
  exposedTo?: readonly string[];
  /** Default `document.modelContext` (feature-detected). */
  context?: ModelContextLike;
  /** A tool the browser refused to publish (permissions policy, a taken name). */
  onError?: (error: unknown) => void;
}

/**
 * One call that is not the model's, by the gate's tool id or by server id and tool name. The
 * proposer is the person unless said otherwise (an MCP App view: `{ kind: 'app', serverId, tool, resourceUri }`).
 */
export type RuntimeCallRequest = ({ toolId: string } | { server: string; tool: string }) & {
  args?: JsonObject;
  proposer?: Exclude<Proposer, { kind: 'llm' }>;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
};

/** Everything a view of the runtime follows. */
export interface RuntimeEventMap extends AgentEventMap {
  /** A server's connection status changed. */
  'server-status': ServerRegistryEventMap['status'];
  /** A server asks the person something: answer with `respond()`, or show it (see `servers.elicitations`). */
  elicitation: ServerRegistryEventMap['elicitation'];
  /** Something a view shows changed: the servers, the gate's tools/policy/roles/pins, the approvals, the audit log's health. */
  change: { what: 'servers' | 'tools' | 'policy' | 'roles' | 'pins' | 'approvals' | 'audit' | 'export' | 'composer' };
}

let runtimes = 0;

interface Shipping {
  options: OtlpShippingOptions | undefined;
  started: Promise<OtlpShipper | undefined>;
}

/** Opens a runtime (see the module doc). Rejects with the coded error of the first part that failed to open. */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  return Runtime.open(options);
}

export class Runtime {
  /** See `createRuntime`. */
  static async open(options: RuntimeOptions = {}): Promise<Runtime> {
    if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object');
    const agentId = options.agent ?? { id: `runtime-${++runtimes}-${crypto.randomUUID()}` };
    const audit = await AuditLog.open({ ...options.audit, ...(options.tenant && { tenant: options.tenant }), agent: agentId });
    let gate: Gate;
    try {
      gate = await Gate.open({
        audit,
        ...(options.policy !== undefined && { policy: options.policy }),
        roles: options.roles ?? [],
        ...(options.person !== undefined && { person: options.person }),
        ...(options.hostHook && { hostHook: options.hostHook }),
        ...(options.approvalTimeoutMs !== undefined && { approvalTimeoutMs: options.approvalTimeoutMs }),
      });
    } catch (err) {
      audit.close();
      throw err;
    }
    const agent = new Agent({
      gate,
      ...(options.provider && { provider: options.provider }),
      ...(options.system !== undefined && { system: options.system }),
      ...(options.maxSteps !== undefined && { maxSteps: options.maxSteps }),
    });
    const servers = new ServerRegistry({
      gate,
      ...(options.open && { open: options.open }),
      ...(options.reconnectWaitMs !== undefined && { reconnectWaitMs: options.reconnectWaitMs }),
      ...(options.apps !== undefined && { apps: options.apps }),
      ...(options.workerUrl !== undefined && { workerUrl: options.workerUrl }),
    });
    const runtime = new Runtime(audit, gate, agent, servers, options);
    if (options.otlp) {
      try {
        await runtime.ship(options.otlp);
      } catch (err) {
        await runtime.close();
        throw err;
      }
    }
    if (options.servers) servers.set(options.servers);
    return runtime;
  }

  /** The tenant's hash-chained audit log (IndexedDB). */
  readonly audit: AuditLog;
  /** The gate every call passes: policy, roles, approvals (`gate.approvals`), pins, server ids. */
  readonly gate: Gate;
  /** The agent loop and its conversation. */
  readonly agent: Agent;
  /** The servers, their connection state and their ids. */
  readonly servers: ServerRegistry;
  /** What the person attached for the next message (resources, prompts' messages): `send()` takes it. */
  readonly composer: ComposerContext;
  readonly #pageToolsOptions: PageToolsOptions | undefined;
  #pageTools: PageTools | undefined;
  readonly #events = new Emitter<RuntimeEventMap>();
  readonly #cleanup: (() => void)[] = [];
  #closed: Promise<void> | undefined;
  #shipper: OtlpShipper | undefined;
  /** The collector asked for last, and its shipper once started (the one `ship()` promise per change). */
  #shipping: Shipping = { options: undefined, started: Promise.resolve(undefined) };

  private constructor(audit: AuditLog, gate: Gate, agent: Agent, servers: ServerRegistry, options: RuntimeOptions) {
    this.audit = audit;
    this.gate = gate;
    this.agent = agent;
    this.servers = servers;
    this.composer = new ComposerContext(options.composer);
    this.#pageToolsOptions = options.pageTools;
    const onComposer = () => this.#changed('composer');
    this.composer.addEventListener('change', onComposer);
    this.#cleanup.push(() => this.composer.removeEventListener('change', onComposer));
    for (const type of ['turn-start', 'message', 'tool-call', 'turn-end', 'error'] as const) {
      this.#cleanup.push(agent.on(type, (detail) => this.#events.emit(type, detail as never)));
    }
    this.#cleanup.push(
      servers.on('status', (detail) => this.#events.emit('server-status', detail)),
      servers.on('elicitation', (pending) => this.#events.emit('elicitation', pending)),
      servers.on('change', () => this.#changed('servers')),
    );
    const onGate = (event: Event) => this.#changed((event as GateChangeEvent).what);
    const onApprovals = () => this.#changed('approvals');
    const onHealth = () => {
      // Storage came back: servers the gate could not add for want of it (pins, audit) go behind it now.
      if (audit.health.state === 'ok') servers.retryRefused(isStorageFailure);
      this.#changed('audit');
    };
    gate.addEventListener('change', onGate);
    gate.approvals.addEventListener('change', onApprovals);
    audit.addEventListener('health', onHealth);
    this.#cleanup.push(
      () => gate.removeEventListener('change', onGate),
      () => gate.approvals.removeEventListener('change', onApprovals),
      () => audit.removeEventListener('health', onHealth),
    );
  }

  /** The conversation so far: every call shows here, whoever proposed it. */
  get entries(): readonly ConversationEntry[] {
    return this.agent.entries;
  }

  /** Follows the runtime; returns the function that stops following. */
  on<K extends keyof RuntimeEventMap>(type: K, listener: (detail: RuntimeEventMap[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Sends the person's text to the model, with what waits in `composer` (taken, so it goes once),
   * and runs the turn to its end. Never rejects.
   */
  send(text: string): Promise<TurnSummary> {
    const context = this.agent.busy ? [] : this.composer.take();
    return this.agent.send(text, context.length > 0 ? { context } : {});
  }

  /** The ready servers' resources, templates, prompts and completion, for what the person attaches. */
  contextServers(): readonly ContextServer[] {
    return this.servers.contextServers();
  }

  /** The page's own tools (the server "This page"), created on first use. */
  get pageTools(): PageTools {
    if (!this.#pageTools) {
      const tools = (this.#pageTools = new PageTools(this.#pageToolsOptions));
      this.#cleanup.push(this.servers.addLocal('page', tools));
    }
    return this.#pageTools;
  }

  /**
   * Registers one of the page's own tools (WebMCP's `registerTool` shape, plus MCP annotations):
   * it joins the server "This page" behind the gate — policy, approval, rate limits, data flow,
   * audit — and its arguments are checked against `inputSchema` before `execute` runs. Returns
   * the function that unregisters it (so does aborting `options.signal`). Throws
   * `TG_PAGE_TOOL_INVALID` for a bad definition or a name already registered.
   */
  registerTool(definition: PageToolDefinition, options?: RegisterToolOptions): () => void {
    return this.pageTools.registerTool(definition, options);
  }

  /**
   * The WebMCP bridge (experimental): with `offer`, the tools the page registered on
   * `document.modelContext` are offered to the agent as the server `webmcp` (untrusted: pinned,
   * its claims not believed); with `publish`, the gated tools are registered there for a browser's
   * own agent, whose calls enter through `call()` (proposer `webmcp`). Feature-detected: without a
   * model context it does nothing. `close()` undoes it.
   */
  bridgeWebMcp(options: WebMcpBridgeOptions = {}): { close(): void } {
    const context = options.context ?? findModelContext();
    const undo: (() => void)[] = [];
    if (context && options.offer) {
      const offered = new WebMcpTools(context);
      const remove = this.servers.addLocal('webmcp', offered, { consented: true });
      undo.push(remove, () => offered.close());
    }
    if (context && options.publish) {
      const own = (serverId: string) => this.servers.get(serverId)?.local === true;
      const publication = publishGatedTools(
        context,
        {
          tools: () => this.gate.tools({ kind: 'webmcp' }),
          call: ({ toolId, args, proposer, signal }) => this.call({ toolId, args, proposer, ...(signal && { signal }) }),
          onChange: (listener) => this.on('change', ({ what }) => what === 'tools' && listener()),
        },
        { exclude: (tool) => own(tool.serverId), ...(options.exposedTo && { exposedTo: options.exposedTo }), ...(options.onError && { onError: options.onError }) },
      );
      undo.push(() => publication.close());
    }
    this.#cleanup.push(...undo);
    return { close: () => undo.splice(0).forEach((off) => off()) };
  }

  /**
   * The entry for every call that is not the model's: the person's (a form, a server panel, the
   * host's own buttons) and an MCP App view's. It goes through the gate — policy, approval, audit
   * — and shows in the conversation. A server that is still being put behind the gate is waited
   * for; a server the gate refused answers with the gate's reason. Never rejects.
   */
  async call(request: RuntimeCallRequest): Promise<ToolCallOutcome> {
    if (typeof request !== 'object' || request === null) throw invalidArgument('request', 'an object');
    const { args = {}, proposer, signal, onProgress } = request;
    let toolId: string;
    if ('toolId' in request) toolId = request.toolId;
    else {
      await this.servers.settled(request.server);
      const server = this.servers.get(request.server);
      const tool = this.gate.tools(proposer ?? { kind: 'person' }).find((t) => t.serverId === request.server && t.tool.name === request.tool);
      if (!tool && server && server.gate?.state !== 'added') {
        // Not behind the gate (refused, or not connected): no call to make; say why rather than "unknown tool".
        const why = server.gate?.error ?? { code: ErrorCode.NOT_CONNECTED, message: `the server is ${server.status}` };
        const message = `${request.server} is not behind the gate: ${why.message}`;
        return { status: 'refused', error: { code: why.code ?? ErrorCode.NOT_CONNECTED, message }, forModel: [{ type: 'text', text: message }] };
      }
      // Unknown: the gate refuses it (and audits that) like any unknown tool.
      toolId = tool?.id ?? `${request.server}__${request.tool}`;
    }
    const call: AgentCallRequest = { toolId, args, ...(proposer && { proposer }), ...(signal && { signal }), ...(onProgress && { onProgress }) };
    return this.agent.call(call);
  }

  /**
   * Whether content of a server that is not a tool result — an MCP App view's `ui/message` or
   * `ui/update-model-context` — may reach the model in use, by the policy's data-flow labels for
   * the server (as its tool results would). Without a model (manual mode) nothing reaches one: yes.
   * An unknown server: no.
   */
  mayReachModel(serverId: string): boolean {
    // An unknown server has nothing to send, whatever the model.
    const url = this.servers.get(serverId)?.spec.url;
    if (url === undefined) return false;
    const provider = this.agent.provider;
    if (isManualProvider(provider)) return true;
    return outputAllowed({ kind: 'llm', providerLabel: provider.label }, serverStanding(this.gate.policy, url).entry);
  }

  /**
   * The audit log's shipping to the collector (`otlp`), while it runs: `status` (state, backlog,
   * `lagging`, the coded error; `change` with `what: 'export'` when it changes) and `resume()`.
   */
  get otlp(): OtlpShipper | undefined {
    return this.#shipper;
  }

  /**
   * Ships the audit log to this collector from now on (`undefined`: stops shipping). The shipper is
   * loaded on first use, so a runtime without a collector never pays for it. Resolves with the
   * shipper (undefined if stopped, or replaced or closed meanwhile).
   */
  ship(options: OtlpShippingOptions | undefined): Promise<OtlpShipper | undefined> {
    if (options === this.#shipping.options) return this.#shipping.started;
    this.#shipper?.stop();
    this.#shipper = undefined;
    const shipping: Shipping = { options, started: Promise.resolve(undefined) };
    this.#shipping = shipping;
    if (options && !this.#closed) shipping.started = this.#startShipping(shipping);
    this.#changed('export');
    return shipping.started;
  }

  async #startShipping(shipping: Shipping): Promise<OtlpShipper | undefined> {
    const { forwardToOtlp } = await import('../audit/otlp-shipper.js');
    if (this.#shipping !== shipping || !shipping.options || this.#closed) return undefined; // changed or closed meanwhile
    const shipper = forwardToOtlp(this.audit, shipping.options);
    this.#shipper = shipper;
    shipper.addEventListener('status', () => this.#changed('export'));
    this.#changed('export');
    return shipper;
  }

  /** Stops the running turn and every call in flight. */
  stop(reason?: string): void {
    this.agent.stop(reason);
  }

  /**
   * Closes everything, in the reverse order of opening: stops the agent, takes the servers out of
   * the gate and closes their connections, denies pending approvals and closes the gate, then the
   * audit log — all at once; the promise resolves when the connections are closed.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.agent.stop('The runtime was closed');
      this.#closed = this.servers.close();
      this.#shipper?.stop();
      this.#shipper = undefined;
      for (const off of this.#cleanup.splice(0)) off();
      this.gate.close();
      this.audit.close();
    }
    return this.#closed;
  }

  #changed(what: RuntimeEventMap['change']['what']): void {
    this.#events.emit('change', { what });
  }
}
