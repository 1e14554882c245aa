/**
 * Main-thread handle of one MCP connection: starts its worker, wraps it with comlink, turns the
 * worker's pushed events into DOM-free EventTarget events, and settles every call if the worker
 * dies (comlink alone would leave them pending forever) — whether it says so (`error`,
 * `messageerror`) or goes silent (the liveness pings of liveness.ts stop being answered).
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import '../../workers/shared/transfer-handlers.js';
import { deserializeError } from '../../workers/shared/transfer-handlers.js';
import { ErrorCode, TgError, invalidArgument } from '../../workers/shared/errors.js';
import { LivenessMonitor, type LivenessOptions } from './liveness.js';
import { takeRedirectCallback } from './oauth-redirect.js';
import { startConnectionWorker, workerFailure } from './worker-start.js';
import type { ConnectionApi, ConnectionConfig, ConnectionEvent } from '../../workers/connection-api.js';
import type { AuthorizeHandler } from '../../workers/shared/auth.js';
import type { CallToolResult, Completion, CompletionArgument, CompletionContext, CompletionRef, GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate, JsonObject, LogLevel, LogMessage, Progress, TaskState, Tool } from '../../workers/shared/wire.js';
import type {
  ElicitationHandler,
  ConnectionDiagnostics,
  ConnectionInfo,
  ConnectionStatus,
} from '../../workers/shared/connection-types.js';
export type { LivenessOptions } from './liveness.js';

export interface OpenOptions {
  /** Starts the worker; the default is `createConnectionWorker` (with `workerUrl` when given). */
  createWorker?: WorkerFactory;
  /**
   * Where to load the connection worker from, for pages whose CSP allows neither the library's
   * origin nor `blob:` in `worker-src`: a same-origin URL of `connection.worker.js` (served with the
   * chunks next to it), or of a one-line module that imports it. Relative URLs resolve against the
   * document. Default: next to the library module (or the file its bundler emitted).
   */
  workerUrl?: string | URL;
  /** Shows a server's elicitation request to the person. Without it, elicitation is not offered. */
  onElicit?: ElicitationHandler;
  /**
   * Sends the person to the authorization URL the worker built and resolves with the callback URL
   * (e.g. `(url) => authorizeInPopup(url)` from `oauth-popup.ts`). The worker checks the callback
   * (`iss`, `state`) and keeps the tokens; the page never sees them. Without it, a server that needs
   * OAuth fails with `TG_AUTH_REQUIRED`.
   */
  onAuthorize?: AuthorizeHandler;
  /**
   * How the page checks that the worker is still there (a ping while calls are pending, a slower
   * one when idle). A worker that stops answering fails the connection with `TG_WORKER_FAILED`, as
   * a crash does. `false` turns the check off. Default: `{ busyIntervalMs: 1000, idleIntervalMs:
   * 15000, timeoutMs: 2000 }` (gone after two unanswered pings).
   */
  liveness?: LivenessOptions | false;
}

export interface CallOptions {
  /** Aborting cancels the call: it rejects with `TG_CANCELLED` and the server is told. */
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (progress: Progress) => void;
  /**
   * Run as a task where the server and tool allow it (legacy 2025-11-25 servers): the call still
   * resolves with the final result; aborting sends `tasks/cancel`.
   */
  task?: boolean;
  /** Each state of the task while it runs (also dispatched as `task-status` events). */
  onTaskStatus?: (task: TaskState) => void;
}

export interface ConnectionEventMap {
  /** `reconnecting` carries the attempt (from 1) and the delay before it; `error` is the cause of the drop or of the last failed attempt. */
  status: CustomEvent<{ status: ConnectionStatus; error?: Error; attempt?: number; delayMs?: number }>;
  'tools-changed': CustomEvent<{ tools: Tool[] }>;
  problem: CustomEvent<{ error: Error; count: number }>;
  /** The worker obtained a token: its issuer and scope (never the token). */
  authorized: CustomEvent<{ issuer: string; scope?: string }>;
  /** The worker is about to call `onAuthorize` (send the person to `issuer`); a host may show its own UI. */
  'auth-required': CustomEvent<{ issuer: string; resource: string; scope?: string }>;
  /** A server log message (see `setLogLevel`). `data` is untrusted JSON: render it as text only. */
  log: CustomEvent<LogMessage>;
  /** The server finished the out-of-band interaction of a URL elicitation the person accepted. */
  'elicitation-complete': CustomEvent<{ elicitationId: string }>;
  /** A tool call running as a task changed state. */
  'task-status': CustomEvent<{ tool: string; task: TaskState }>;
  /** A resource subscribed to with `subscribeResource()` changed: read it again. */
  'resource-updated': CustomEvent<{ uri: string; title?: string }>;
}

/** Typed listeners for the events above (declaration merging keeps EventTarget's own overloads). */
export interface McpConnection {
  addEventListener<K extends keyof ConnectionEventMap>(
    type: K,
    listener: (event: ConnectionEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof ConnectionEventMap>(
    type: K,
    listener: (event: ConnectionEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

export type WorkerFactory = () => Worker;

/**
 * The default: one module worker per connection, loaded from next to the library module (or from
 * the file the app's bundler emitted), through a same-origin `blob:` when that is another origin.
 */
export const createConnectionWorker: WorkerFactory = () => startConnectionWorker();

export class McpConnection extends EventTarget {
  readonly config: Readonly<ConnectionConfig>;
  readonly #worker: Worker;
  readonly #api: Remote<ConnectionApi>;
  readonly #dead: Promise<never>;
  #markDead!: (error: TgError) => void;
  #liveness: LivenessMonitor | undefined;
  #status: ConnectionStatus = 'connecting';
  #info?: ConnectionInfo;
  #tools: Tool[] = [];
  /** Per-call task listeners, by the call's id. */
  readonly #taskListeners = new Map<string, (task: TaskState) => void>();
  #ended = false;
  /** The last `authorized` detail: a sign-in during `open()` happens before anyone can listen. */
  #authorized: { issuer: string; scope?: string } | undefined;

  /** Starts a worker and connects it. Rejects with the worker's coded error. */
  static async open(config: ConnectionConfig, options: OpenOptions = {}): Promise<McpConnection> {
    // Back from a full-page OAuth redirect for this server: the new worker finishes that flow.
    const returned = config.oauth && config.oauth.callbackUrl === undefined ? takeRedirectCallback(config.url) : undefined;
    if (returned !== undefined) config = { ...config, oauth: { ...config.oauth, callbackUrl: returned } };
    const liveness = checkLiveness(options.liveness);
    const connection = new McpConnection(config, newWorker(options), liveness);
    try {
      await connection.#start(options.onElicit, options.onAuthorize);
    } catch (err) {
      connection.#end();
      throw err;
    }
    return connection;
  }

  private constructor(config: ConnectionConfig, worker: Worker, liveness: LivenessOptions | false) {
    super();
    this.config = Object.freeze({ ...config });
    this.#worker = worker;
    this.#api = wrap<ConnectionApi>(worker);
    this.#dead = new Promise<never>((_, reject) => {
      this.#markDead = reject;
    });
    this.#dead.catch(() => {}); // observed through #guard; never an unhandled rejection
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      void workerFailure(worker, event).then((error) => this.#fail(error));
    });
    // A message that cannot be deserialized is lost, and with it the answer some call waits for.
    worker.addEventListener('messageerror', () => {
      this.#fail(new TgError(ErrorCode.WORKER_FAILED, 'A message from the connection worker could not be read'));
    });
    if (liveness !== false) {
      this.#liveness = new LivenessMonitor(
        () => this.#api.ping(),
        (silentMs) =>
          this.#fail(
            new TgError(ErrorCode.WORKER_FAILED, `Connection worker stopped answering (silent for ${silentMs} ms): it ended without an error`, {
              data: { silentMs },
            }),
          ),
        liveness,
      );
    }
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Who authorized this connection (OAuth), once the worker has a token; also set by a sign-in inside `open()`. */
  get authorized(): { readonly issuer: string; readonly scope?: string } | undefined {
    return this.#authorized;
  }

  get info(): ConnectionInfo | undefined {
    return this.#info;
  }

  /** The latest tool list (after `listTools()` or a `tools-changed` event). */
  get tools(): readonly Tool[] {
    return this.#tools;
  }

  async listTools(): Promise<Tool[]> {
    this.#tools = await this.#guard(() => this.#api.listTools());
    return this.#tools;
  }

  async callTool(name: string, args: JsonObject = {}, options: CallOptions = {}): Promise<CallToolResult> {
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('name', 'a non-empty string');
    const { signal, timeoutMs, onProgress, task, onTaskStatus } = options;
    if (signal?.aborted) throw new TgError(ErrorCode.CANCELLED, 'Call cancelled before it started', { cause: signal.reason });
    const callId = crypto.randomUUID();
    const onAbort = () => {
      if (!this.#ended) void this.#api.cancel(callId, abortReason(signal?.reason)).catch(() => {});
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (onTaskStatus) this.#taskListeners.set(callId, onTaskStatus);
    try {
      return await this.#guard(() =>
        this.#api.callTool(
          name,
          args,
          { callId, ...(timeoutMs !== undefined && { timeoutMs }), ...(task === true && { task }) },
          onProgress && proxy(onProgress),
        ),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#taskListeners.delete(callId);
    }
  }

  listResources(): Promise<Resource[]> {
    return this.#guard(() => this.#api.listResources());
  }

  /** Every resource template (`resources/templates/list`): RFC 6570 `uriTemplate`s whose variables complete (`complete` with `ref/resource`). */
  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#guard(() => this.#api.listResourceTemplates());
  }

  readResource(uri: string): Promise<ReadResourceResult> {
    if (typeof uri !== 'string' || uri.length === 0) throw invalidArgument('uri', 'a non-empty string');
    return this.#guard(() => this.#api.readResource(uri));
  }

  listPrompts(): Promise<Prompt[]> {
    return this.#guard(() => this.#api.listPrompts());
  }

  getPrompt(name: string, args?: Record<string, string>): Promise<GetPromptResult> {
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('name', 'a non-empty string');
    return this.#guard(() => this.#api.getPrompt(name, args));
  }

  /**
   * Completion suggestions for a prompt argument or resource-template variable (at most 100 strings).
   * For as-you-type use, `Completer` (completion.ts) debounces and drops stale answers.
   */
  complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): Promise<Completion> {
    return this.#guard(() => this.#api.complete(ref, argument, context));
  }

  /** Subscribes to changes of a resource (legacy servers with `resources.subscribe`): `resource-updated` events. */
  subscribeResource(uri: string): Promise<void> {
    if (typeof uri !== 'string' || uri.length === 0) throw invalidArgument('uri', 'a non-empty string');
    return this.#guard(() => this.#api.subscribeResource(uri));
  }

  unsubscribeResource(uri: string): Promise<void> {
    if (typeof uri !== 'string' || uri.length === 0) throw invalidArgument('uri', 'a non-empty string');
    return this.#guard(() => this.#api.unsubscribeResource(uri));
  }

  /** Asks the server for log messages at `level` and above; they arrive as `log` events. */
  setLogLevel(level: LogLevel): Promise<void> {
    return this.#guard(() => this.#api.setLogLevel(level));
  }

  /**
   * Signs out of this server: the worker drops its tokens (memory and encrypted store) and revokes
   * them at the authorization server when it can (`revoked`). The next call needs a new authorization.
   */
  signOut(): Promise<{ revoked: boolean }> {
    return this.#guard(() => this.#api.signOut());
  }

  diagnostics(): Promise<ConnectionDiagnostics> {
    return this.#guard(() => this.#api.diagnostics());
  }

  /** Closes the MCP session cleanly, then the worker. */
  async close(): Promise<void> {
    if (this.#ended) return;
    try {
      await this.#guard(() => this.#api.close());
    } catch {
      /* closing anyway */
    }
    this.#end();
    this.#setStatus('closed');
  }

  /** Kills the worker at once (no goodbye to the server); pending calls reject with `TG_WORKER_FAILED`. */
  terminate(): void {
    this.#fail(new TgError(ErrorCode.WORKER_FAILED, 'Connection worker was terminated'));
  }

  async #start(onElicit: ElicitationHandler | undefined, onAuthorize: AuthorizeHandler | undefined): Promise<void> {
    const onEvent = proxy((event: ConnectionEvent) => this.#onWorkerEvent(event));
    this.#info = await this.#guard(() =>
      this.#api.connect(this.config as ConnectionConfig, onEvent, onElicit && proxy(onElicit), onAuthorize && proxy(onAuthorize)),
    );
  }

  #onWorkerEvent(event: ConnectionEvent): void {
    switch (event.type) {
      case 'status':
        this.#setStatus(
          event.status,
          event.error && deserializeError(event.error),
          event.attempt !== undefined && event.delayMs !== undefined ? { attempt: event.attempt, delayMs: event.delayMs } : undefined,
        );
        return;
      case 'tools-changed':
        this.#tools = event.tools;
        this.dispatchEvent(new CustomEvent('tools-changed', { detail: { tools: event.tools } }));
        return;
      case 'problem':
        this.dispatchEvent(new CustomEvent('problem', { detail: { error: deserializeError(event.error), count: event.count } }));
        return;
      case 'authorized': {
        const detail = event.scope === undefined ? { issuer: event.issuer } : { issuer: event.issuer, scope: event.scope };
        this.#authorized = detail;
        this.dispatchEvent(new CustomEvent('authorized', { detail: { ...detail } }));
        return;
      }
      case 'auth-required': {
        const { type: _type, ...detail } = event;
        this.dispatchEvent(new CustomEvent('auth-required', { detail }));
        return;
      }
      case 'log': {
        const { type: _type, ...message } = event;
        this.dispatchEvent(new CustomEvent('log', { detail: message }));
        return;
      }
      case 'elicitation-complete':
        this.dispatchEvent(new CustomEvent('elicitation-complete', { detail: { elicitationId: event.elicitationId } }));
        return;
      case 'resource-updated':
        this.dispatchEvent(new CustomEvent('resource-updated', { detail: event.title === undefined ? { uri: event.uri } : { uri: event.uri, title: event.title } }));
        return;
      case 'task-status': {
        const listener = event.callId === undefined ? undefined : this.#taskListeners.get(event.callId);
        try {
          listener?.(event.task);
        } catch {
          /* a failing listener must not stop the event */
        }
        this.dispatchEvent(new CustomEvent('task-status', { detail: { tool: event.tool, task: event.task } }));
        return;
      }
    }
  }

  #setStatus(status: ConnectionStatus, error?: Error, retry?: { attempt: number; delayMs: number }): void {
    if (this.#status === status && !error && !retry) return;
    this.#status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: { status, ...(error && { error }), ...retry } }));
  }

  /**
   * Settles with the call, or with the worker's death; while it is pending the worker is pinged
   * often. Once the connection ended, the call is not made (the proxy is released): it gets the
   * reason it ended (`TG_WORKER_FAILED`, `TG_CONNECTION_CLOSED`).
   */
  #guard<T>(call: () => Promise<T>): Promise<T> {
    if (this.#ended) return this.#dead;
    const done = this.#liveness?.busy();
    const guarded = Promise.race([call(), this.#dead]);
    if (done) guarded.then(done, done);
    return guarded;
  }

  #fail(error: TgError): void {
    if (this.#ended) return;
    this.#markDead(error);
    this.#end();
    this.#setStatus('failed', error);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#liveness?.stop();
    this.#markDead(new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed'));
    this.#api[releaseProxy]();
    this.#worker.terminate();
  }
}

/** Starts the connection's worker; whatever the browser or a custom factory throws becomes `TG_WORKER_FAILED`. */
function newWorker(options: OpenOptions): Worker {
  try {
    return options.createWorker ? options.createWorker() : startConnectionWorker(options.workerUrl);
  } catch (err) {
    if (err instanceof TgError) throw err;
    throw new TgError(ErrorCode.WORKER_FAILED, `Connection worker could not be created: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function checkLiveness(option: LivenessOptions | false | undefined): LivenessOptions | false {
  if (option === false || option === undefined) return option ?? {};
  if (typeof option !== 'object' || option === null) throw invalidArgument('options.liveness', 'an object or false');
  for (const key of ['busyIntervalMs', 'idleIntervalMs', 'timeoutMs'] as const) {
    const value = option[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw invalidArgument(`options.liveness.${key}`, 'a positive integer');
  }
  return option;
}

function abortReason(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.message) return reason.message;
  return 'cancelled by the page';
}
