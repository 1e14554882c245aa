/**
 * The MCP session over an RPC engine (2025-03-26 … 2025-11-25 era): `initialize` with version
 * negotiation, then requests within that session (lists, reads, completion and re-listing come from
 * `SessionClient`), `tools/call` (as a task where the server and tool allow), resource subscriptions
 * and `logging/setLevel`. Transport-agnostic: WebSocket, Streamable HTTP and HTTP+SSE carry it.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { RequestOptions, RpcEngine } from './rpc.js';
import type { CallToolOptions } from './session.js';
import { SessionClient, type SessionClientOptions } from './session-client.js';
import type { TaskWatch } from './tasks.js';
import { parseInitializeResult } from './validate.js';
import { Method, RpcErrorCode, SUPPORTED_PROTOCOL_VERSIONS, type CallToolResult, type Implementation, type InitializeResult, type JsonObject, type LogLevel, type ResourceUpdate, type Tool } from '../shared/wire.js';

/** Task support loads with the first task-augmented call: most servers never start one. */
let tasks: typeof import('./tasks.js') | undefined;
const loadTasks = async () => (tasks ??= await import('./tasks.js'));

/** Resource subscriptions one connection may hold (each is server-side state). */
export const MAX_SUBSCRIPTIONS = 256;

export interface McpClientOptions extends SessionClientOptions {
  clientInfo: Implementation;
  /** Capabilities declared in `initialize` (only those the host backs with a handler). */
  capabilities?: JsonObject;
  /** The version offered in `initialize` (default: the newest legacy version). */
  protocolVersion?: string;
  /** Versions the server may choose (default: SUPPORTED_PROTOCOL_VERSIONS); HTTP+SSE adds 2024-11-05. */
  acceptedVersions?: readonly string[];
  /** Called with the negotiated version before `notifications/initialized` is sent. */
  onVersionNegotiated?: (version: string) => void;
  /** A subscribed resource changed (updates for URIs not subscribed to are ignored). */
  onResourceUpdated?: (update: ResourceUpdate) => void;
}

export class McpClient extends SessionClient {
  readonly era = 'legacy' as const;
  readonly #options: McpClientOptions;
  #session?: InitializeResult;
  /** Tools that may or must run as tasks, from the latest listing. */
  readonly #taskSupport = new Map<string, 'optional' | 'required'>();
  /** Resource URIs subscribed to in this session; updates for any other URI are dropped. */
  readonly #subscriptions = new Set<string>();
  /** Running tasks, by id, fed by `notifications/tasks/status`. */
  readonly #tasks = new Map<string, TaskWatch>();

  constructor(rpc: RpcEngine, options: McpClientOptions) {
    super(rpc, options);
    this.#options = options;
    rpc.setNotificationHandler(Method.RESOURCES_UPDATED, (params) => {
      const uri = params?.uri;
      if (typeof uri !== 'string' || !this.#subscriptions.has(uri)) return;
      const title = params?.title;
      this.#options.onResourceUpdated?.(typeof title === 'string' ? { uri, title: title.slice(0, 1000) } : { uri });
    });
    rpc.setNotificationHandler(Method.TASKS_STATUS, (params) => {
      // Only a watched task's status matters, and watching one loaded task support first.
      if (!tasks || this.#tasks.size === 0) return;
      const task = tasks.parseTask(params);
      if (typeof task !== 'string') this.#tasks.get(task.taskId)?.notify(task);
    });
  }

  get session(): InitializeResult | undefined {
    return this.#session;
  }

  /** Negotiates the protocol version; throws `TG_UNSUPPORTED_PROTOCOL_VERSION` on one we don't speak. */
  async initialize(options: Pick<RequestOptions, 'timeoutMs' | 'signal'> = {}): Promise<InitializeResult> {
    const offered = this.#options.protocolVersion ?? SUPPORTED_PROTOCOL_VERSIONS[0];
    const raw = await this.rpc.request(
      Method.INITIALIZE,
      {
        protocolVersion: offered,
        capabilities: { ...this.#options.capabilities },
        clientInfo: { ...this.#options.clientInfo },
      },
      { ...options, cancellable: false },
    );
    const result = parseInitializeResult(raw);
    const accepted = this.#options.acceptedVersions ?? SUPPORTED_PROTOCOL_VERSIONS;
    if (!accepted.includes(result.protocolVersion)) {
      throw new TgError(
        ErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
        `Server chose protocol version ${result.protocolVersion}; this client speaks ${accepted.join(', ')}`,
        { data: { offered, received: result.protocolVersion, supported: [...accepted] } },
      );
    }
    this.#options.onVersionNegotiated?.(result.protocolVersion);
    await this.rpc.notify(Method.INITIALIZED);
    this.#session = result;
    this.#subscriptions.clear(); // a new session has none
    return result;
  }

  protected send(method: string, params: JsonObject | undefined, options: RequestOptions): Promise<JsonObject> {
    this.#requireSession();
    return this.rpc.request(method, params, options);
  }

  protected adoptTools(tools: Tool[]): Tool[] {
    this.#taskSupport.clear();
    for (const tool of tools) {
      const support = tool.execution?.taskSupport;
      if (support === 'optional' || support === 'required') this.#taskSupport.set(tool.name, support);
    }
    return tools;
  }

  protected toolsStale(): boolean {
    return this.#session !== undefined;
  }

  /**
   * `resources/subscribe`: `onResourceUpdated` then hears about changes to `uri`. Needs the server's
   * `resources.subscribe` capability. A new session (re-initialize) starts with none.
   */
  async subscribeResource(uri: string, options: RequestOptions = {}): Promise<void> {
    this.#requireSession();
    if (this.#session?.capabilities.resources?.subscribe !== true) {
      throw new TgError(ErrorCode.UNSUPPORTED_FEATURE, 'The server does not offer resource subscriptions (resources.subscribe)');
    }
    if (!this.#subscriptions.has(uri) && this.#subscriptions.size >= MAX_SUBSCRIPTIONS) {
      throw new TgError(ErrorCode.UNSUPPORTED_FEATURE, `At most ${MAX_SUBSCRIPTIONS} resource subscriptions per connection`);
    }
    await this.send(Method.RESOURCES_SUBSCRIBE, { uri }, options);
    this.#subscriptions.add(uri);
  }

  async unsubscribeResource(uri: string, options: RequestOptions = {}): Promise<void> {
    this.#requireSession();
    if (!this.#subscriptions.delete(uri)) return;
    await this.send(Method.RESOURCES_UNSUBSCRIBE, { uri }, options);
  }

  /** `logging/setLevel`: the server sends messages at this level and above for the rest of the session. */
  async setLogLevel(level: LogLevel, options: RequestOptions = {}): Promise<void> {
    await this.send(Method.LOGGING_SET_LEVEL, { level }, options);
  }

  async callTool(name: string, args: JsonObject, options: CallToolOptions = {}): Promise<CallToolResult> {
    this.#requireSession();
    const { task, onTaskStatus, ...rpcOptions } = options;
    let raw: JsonObject;
    try {
      raw = this.#asTask(name, task)
        ? await this.#callAsTask(name, args, rpcOptions, onTaskStatus)
        : await this.rpc.request(Method.TOOLS_CALL, { name, arguments: args }, rpcOptions);
    } catch (err) {
      // -32042 → TG_URL_ELICITATION_REQUIRED with the checked URLs (elicitation code loads only then).
      if ((err as { rpcCode?: unknown } | null)?.rpcCode !== RpcErrorCode.URL_ELICITATION_REQUIRED) throw err;
      throw (await import('./elicitation.js')).urlElicitationRequired(err);
    }
    return this.toolResult(name, raw);
  }

  /**
   * Task augmentation only where the server declares `tasks.requests.tools.call` (else MUST NOT) and the
   * tool allows it: always for `required`, on request for `optional` (basic/utilities/tasks.mdx).
   */
  #asTask(name: string, wanted: boolean | undefined): boolean {
    const tasks = this.#session?.capabilities.tasks as { requests?: { tools?: { call?: unknown } } } | undefined;
    if (!tasks?.requests?.tools?.call) return false;
    const support = this.#taskSupport.get(name);
    return support === 'required' || (support === 'optional' && wanted === true);
  }

  async #callAsTask(name: string, args: JsonObject, options: RequestOptions, onStatus?: CallToolOptions['onTaskStatus']): Promise<JsonObject> {
    const { followTask, parseCreateTaskResult, parseTask, TASK_TTL_MS } = await loadTasks();
    const created = parseCreateTaskResult(
      await this.rpc.request(Method.TOOLS_CALL, { name, arguments: args, task: { ttl: TASK_TTL_MS } }, options),
    );
    const perRequest = { ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }) };
    return followTask(
      created,
      {
        get: async (taskId, signal) => {
          const task = parseTask(await this.rpc.request(Method.TASKS_GET, { taskId }, { ...perRequest, signal }));
          if (typeof task === 'string') throw new TgError(ErrorCode.PROTOCOL_ERROR, `tasks/get result is invalid: ${task}`);
          return task;
        },
        // tasks/result blocks until the task ends: no per-request idle limit beyond the task's own.
        result: (taskId, signal) => this.rpc.request(Method.TASKS_RESULT, { taskId }, { signal, timeoutMs: 60 * 60_000 }),
        cancel: async (taskId) => void (await this.rpc.request(Method.TASKS_CANCEL, { taskId }, perRequest)),
      },
      {
        ...(options.signal && { signal: options.signal }),
        ...(onStatus && { onStatus }),
        watch: (taskId, listener) => (listener ? this.#tasks.set(taskId, listener) : this.#tasks.delete(taskId)),
      },
    );
  }

  #requireSession(): void {
    if (!this.#session) throw new TgError(ErrorCode.NOT_CONNECTED, 'MCP session is not initialized');
  }
}
