/**
 * One MCP connection, living inside its worker: the comlink facade over the checked config
 * (config.ts), the session opener (session-opener.ts) and the reconnect loop (reconnect.ts). It
 * holds the one live session, pushes status and problems to the page, re-initializes an expired HTTP
 * session, and re-sends a cut-off call only where the host allowed it. State is in #private fields
 * because comlink lets the page reach any named property.
 */
import { ErrorCode, TgError, errorCode, invalidArgument } from './shared/errors.js';
import { checkCapability, checkCompletion, checkLogLevel, checkNonEmpty, checkObject } from './arguments.js';
import { KnownTools } from './known-tools.js';
import { PageEvents } from './page-events.js';
import { checkConfig, type Settings } from './config.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type RpcEngine } from './protocol/rpc.js';
import type { SessionClient } from './protocol/session-client.js';
import { AttemptBudget, LinkGate, reconnect, type ReconnectPolicy } from './reconnect.js';
import { SessionOpener, type OpenedSession } from './session-opener.js';
import type { ConnectionApi, ConnectionConfig, ConnectionEvent } from './connection-api.js';
import type { AuthorizeHandler } from './shared/auth.js';
import type { ConnectionDiagnostics, ConnectionInfo, ElicitationHandler, WorkerCallOptions } from './shared/connection-types.js';
import type { CallToolResult, Completion, CompletionArgument, CompletionContext, CompletionRef, GetPromptResult, JsonObject, LogLevel, Progress, Prompt, ReadResourceResult, Resource, ResourceTemplate, Tool } from './shared/wire.js';

export class Connection implements ConnectionApi {
  #settings?: Settings;
  #opener?: SessionOpener;
  /** The live session (after a drop, the dropped one until a reconnect replaces it). */
  #current?: OpenedSession;
  #renewing?: Promise<unknown>;
  readonly #events = new PageEvents();
  readonly #calls = new Map<string, AbortController>();
  readonly #link = new LinkGate();
  /** What the reconnect runs of this link have spent: a link that flaps keeps one budget. */
  #budget?: AttemptBudget;
  #reconnectAbort?: AbortController;
  #closing = false;
  readonly #known = new KnownTools();

  async connect(config: ConnectionConfig, onEvent: (event: ConnectionEvent) => void, onElicit?: ElicitationHandler, onAuthorize?: AuthorizeHandler): Promise<ConnectionInfo> {
    if (this.#events.status) throw new TgError(ErrorCode.INVALID_CONFIG, 'connect() was already called on this connection');
    if (typeof onEvent !== 'function') throw invalidArgument('onEvent', 'a function');
    this.#events.listen(onEvent);
    this.#events.setStatus('connecting');
    try {
      this.#settings = checkConfig(config);
      const hooks = {
        emit: (event: ConnectionEvent) => void this.#events.emit(event),
        problem: (error: TgError) => this.#events.problem(error),
        toolsChanged: (tools: Tool[]) => this.#toolsChanged(tools),
        linkClosed: (rpc: RpcEngine, reason: TgError | undefined) => this.#onLinkClosed(rpc, reason),
      };
      this.#opener = await SessionOpener.create(this.#settings, hooks, onElicit, onAuthorize);
      this.#current = await this.#opener.open();
      await this.#events.setStatus('ready'); // lands on the page before connect() resolves
      return this.#current.info;
    } catch (err) {
      void this.#events.setStatus('failed', err); // the opener has closed the failed attempt
      throw err;
    }
  }

  async listTools(): Promise<Tool[]> {
    return (this.#known.list = await this.#withSession((session) => session.listTools()));
  }

  listResources(): Promise<Resource[]> {
    return this.#withSession((session) => session.listResources());
  }

  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#withSession((session) => session.listResourceTemplates());
  }

  readResource(uri: string): Promise<ReadResourceResult> {
    checkNonEmpty(uri, 'uri');
    return this.#withSession((session) => session.readResource(uri));
  }

  listPrompts(): Promise<Prompt[]> {
    return this.#withSession((session) => session.listPrompts());
  }

  getPrompt(name: string, args?: Record<string, string>): Promise<GetPromptResult> {
    checkNonEmpty(name, 'name');
    if (args !== undefined) checkObject(args, 'args');
    return this.#withSession((session) => session.getPrompt(name, args));
  }

  /** Needs the server's `completions` capability (`TG_UNSUPPORTED_FEATURE` otherwise, without asking the server). */
  complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): Promise<Completion> {
    checkCompletion(ref, argument, context);
    checkCapability(this.#current?.info, 'completions');
    return this.#withSession((session) => session.complete(ref, argument, context));
  }

  /** `resources/subscribe` (legacy servers with `resources.subscribe`): changes arrive as `resource-updated` events. */
  subscribeResource(uri: string): Promise<void> {
    checkNonEmpty(uri, 'uri');
    return this.#withSession((session) => session.subscribeResource(uri));
  }

  unsubscribeResource(uri: string): Promise<void> {
    checkNonEmpty(uri, 'uri');
    return this.#withSession((session) => session.unsubscribeResource(uri));
  }

  /** Server log messages at `level` and above, as `log` events (legacy: `logging/setLevel`; modern: per-request `_meta`). */
  setLogLevel(level: LogLevel): Promise<void> {
    checkLogLevel(level);
    checkCapability(this.#current?.info, 'logging');
    return this.#withSession((session) => session.setLogLevel(level));
  }

  async callTool(name: string, args: JsonObject, options: WorkerCallOptions = {}, onProgress?: (progress: Progress) => void): Promise<CallToolResult> {
    checkNonEmpty(name, 'name');
    checkObject(args, 'args');
    const { callId, timeoutMs, task } = options;
    if (callId !== undefined && this.#calls.has(callId)) throw invalidArgument('options.callId', 'unique among calls in flight');
    const controller = new AbortController();
    const deliveries: Promise<unknown>[] = [];
    if (callId !== undefined) this.#calls.set(callId, controller);
    const call = () =>
      this.#withSession((session) => session.callTool(name, args, {
        signal: controller.signal,
        ...(timeoutMs !== undefined && { timeoutMs }),
        ...(task === true && { task }),
        onTaskStatus: (state) => void this.#events.emit({ type: 'task-status', tool: name, task: state, ...(callId !== undefined && { callId }) }),
        ...(onProgress && { onProgress: (p: Progress) => void deliveries.push(Promise.resolve(onProgress(p))) }),
      }), timeoutMs);
    try {
      try {
        return await call();
      } catch (err) {
        if (!this.#mayResend(name, err, controller.signal)) throw err;
        return await call(); // once: a second drop rejects like any other
      }
    } finally {
      if (callId !== undefined) this.#calls.delete(callId);
      // Progress travels on its own comlink channel; let it land before the result does.
      await Promise.allSettled(deliveries);
    }
  }

  cancel(callId: string, reason = 'cancelled by the page'): void {
    this.#calls.get(callId)?.abort(reason);
  }

  /** Drops the tokens (memory and store) and revokes them where the AS can; the next request needs a new authorization. */
  async signOut(): Promise<{ revoked: boolean }> {
    return this.#opener?.auth ? this.#opener.auth.signOut() : { revoked: false };
  }

  diagnostics(): ConnectionDiagnostics {
    return { ...(this.#current?.rpc.stats ?? { invalidFrames: 0, unknownResponses: 0 }), inFlight: this.#calls.size };
  }

  ping(): true {
    return true;
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#opener?.auth?.stop(); // the goodbye (session DELETE) must not start an authorization
    this.#reconnectAbort?.abort();
    this.#link.markGone(new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed'));
    for (const controller of this.#calls.values()) controller.abort('connection closing');
    this.#current?.session.stop();
    await this.#current?.rpc.close();
    await this.#events.setStatus('closed');
  }

  /**
   * Runs an operation; if the legacy HTTP session expired (404), re-initializes once — shared by
   * every operation that hit the same expiry — and retries once. The server never saw the first attempt.
   */
  async #withSession<T>(operation: (session: SessionClient) => Promise<T>, timeoutMs?: number): Promise<T> {
    // While reconnecting nothing has been sent yet, so waiting for the link re-sends nothing.
    if (this.#link.down) await this.#link.wait(timeoutMs ?? this.#settings?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'The request');
    const current = this.#current;
    if (current?.rpc.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed');
    if (!current) throw new TgError(ErrorCode.NOT_CONNECTED, 'Not connected: call connect() first');
    try {
      return await operation(current.session);
    } catch (err) {
      if (errorCode(err) !== ErrorCode.SESSION_EXPIRED || !current.renew) throw err;
      this.#renewing ??= current.renew().finally(() => (this.#renewing = undefined));
      await this.#renewing;
      return operation(current.session);
    }
  }

  /** The RPC engine's transport closed: a requested close, a failure, or a drop worth reconnecting. */
  #onLinkClosed(rpc: RpcEngine, reason: TgError | undefined): void {
    if (this.#reconnectAbort || (this.#current && rpc !== this.#current.rpc)) return; // an attempt the loop handles, or an old engine
    if (!reason || this.#closing) return void this.#events.setStatus('closed');
    const policy = this.#settings?.reconnect;
    if (this.#events.status !== 'ready' || !policy || this.#current?.session.era !== 'legacy') return void this.#events.setStatus('failed', reason);
    void this.#reconnect(reason, policy);
  }

  /** A fresh transport and one `initialize` per attempt, then the tools re-listed; requests made meanwhile wait at the link. */
  async #reconnect(cause: TgError, policy: ReconnectPolicy): Promise<void> {
    const abort = (this.#reconnectAbort = new AbortController());
    const [opener, dropped] = [this.#opener!, this.#current!];
    const budget = (this.#budget ??= new AttemptBudget(policy));
    this.#link.markDown();
    const outcome = await reconnect({
      policy,
      signal: abort.signal,
      cause,
      spent: budget.spentAtLoss(),
      origin: new URL(this.#settings!.url).origin,
      onAttempt: (attempt, delayMs, last) => {
        budget.spend(attempt);
        return this.#events.setStatus('reconnecting', last, { attempt, delayMs });
      },
      attempt: () => opener.reopen(dropped, abort.signal, async (next) => {
        const tools = await this.#known.relist(next, (error) => this.#events.problem(error));
        if (tools) this.#toolsChanged(tools);
      }),
      discard: (next) => opener.discard(next),
    }).then((next) => ({ next }), (error: unknown) => ({ error }));
    this.#reconnectAbort = undefined;
    if ('error' in outcome) {
      this.#link.markGone(outcome.error);
      return this.#events.setStatus('failed', outcome.error);
    }
    if (!outcome.next) return; // close() ended it
    this.#current = outcome.next;
    budget.up();
    this.#link.markUp();
    await this.#events.setStatus('ready');
  }

  /** A `tools/call` cut off by a drop is sent again only for a trusted server (`retryIdempotentTools`) and an `idempotentHint: true` tool. */
  #mayResend(name: string, err: unknown, signal: AbortSignal): boolean {
    if (this.#settings?.retryIdempotentTools !== true || signal.aborted) return false;
    if (errorCode(err) !== ErrorCode.CONNECTION_CLOSED || !this.#link.down) return false;
    return this.#known.isIdempotent(name);
  }

  #toolsChanged(tools: Tool[]): void {
    this.#known.list = tools;
    void this.#events.emit({ type: 'tools-changed', tools });
  }
}
