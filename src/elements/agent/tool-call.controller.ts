/**
 * The "pick a tool, type JSON arguments, call it" flow, one per server card: the selected tool,
 * the argument text, the call in flight (cancelable), its progress, and the result or error.
 * No DOM: tests drive it with a fake host and a `ConnectionsController` over fake connections.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CodedError } from './connection-types.js';
import type { CallToolResult, JsonObject, Progress, Tool } from '../../../workers/shared/wire.js';
import type { ConnectionsController } from './connections.controller.js';
import { toCodedError } from './element-errors.js';
import { describeResult, type ResultView } from './result-view.js';
import { argumentSkeleton, parseToolArguments } from './tool-arguments.js';
import { ErrorCode } from '../../../workers/shared/errors.js';

export interface ToolCallState {
  readonly toolName: string;
  readonly argumentsText: string;
  readonly running: boolean;
  readonly progress: Progress | undefined;
  readonly result: ResultView | undefined;
  /** Why the last call did not produce a result (invalid arguments, cancelled, timed out, …). */
  readonly error: CodedError | undefined;
}

interface MutableState {
  toolName: string;
  argumentsText: string;
  running: boolean;
  progress: Progress | undefined;
  result: ResultView | undefined;
  error: CodedError | undefined;
  abort: AbortController | undefined;
}

/**
 * Runs one call of the panel. `<tg-agent>` passes one that goes through the gate (policy,
 * approval, audit) as the person's call; without it the connection is called directly.
 */
export type PanelCaller = (
  serverKey: string,
  toolName: string,
  args: JsonObject,
  options: { signal: AbortSignal; onProgress: (progress: Progress) => void; timeoutMs?: number },
) => Promise<CallToolResult>;

export interface ToolCallControllerOptions {
  /** Per-call timeout passed to `callTool`; the connection's default applies when unset. */
  timeoutMs?: number;
  /** How a call is made; default `connection.callTool`. */
  call?: PanelCaller;
}

export class ToolCallController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #connections: ConnectionsController;
  readonly #options: ToolCallControllerOptions;
  readonly #states = new Map<string, MutableState>();

  constructor(host: ReactiveControllerHost, connections: ConnectionsController, options: ToolCallControllerOptions = {}) {
    this.#host = host;
    this.#connections = connections;
    this.#options = options;
    host.addController(this);
  }

  /** The call panel of one server (by `ServerState.key`), if a tool is selected there. */
  state(serverKey: string): ToolCallState | undefined {
    return this.#states.get(serverKey);
  }

  /** Selects a tool and prefills its arguments; a call in flight on that server is cancelled. */
  select(serverKey: string, tool: Pick<Tool, 'name' | 'inputSchema'>): void {
    const current = this.#states.get(serverKey);
    if (current?.toolName === tool.name) return;
    current?.abort?.abort('another tool was selected');
    this.#states.set(serverKey, {
      toolName: tool.name,
      argumentsText: argumentSkeleton(tool),
      running: false,
      progress: undefined,
      result: undefined,
      error: undefined,
      abort: undefined,
    });
    this.#host.requestUpdate();
  }

  /** Closes the call panel of a server, cancelling its call. */
  deselect(serverKey: string): void {
    this.#states.get(serverKey)?.abort?.abort('tool deselected');
    if (this.#states.delete(serverKey)) this.#host.requestUpdate();
  }

  setArgumentsText(serverKey: string, text: string): void {
    const state = this.#states.get(serverKey);
    if (state) state.argumentsText = text;
  }

  /**
   * Calls the selected tool with the parsed arguments. Invalid arguments set a
   * `TG_INVALID_ARGUMENTS` error and nothing is sent. Resolves when the call settled.
   */
  async call(serverKey: string): Promise<void> {
    const state = this.#states.get(serverKey);
    if (!state || state.running) return;
    state.result = undefined;
    state.progress = undefined;
    let args;
    try {
      args = parseToolArguments(state.argumentsText);
    } catch (err) {
      state.error = toCodedError(err);
      this.#host.requestUpdate();
      return;
    }
    const server = this.#connections.get(serverKey);
    const connection = server?.connection;
    if (!connection || server.status !== 'ready') {
      state.error = { code: ErrorCode.NOT_CONNECTED, message: 'The server is not connected' };
      this.#host.requestUpdate();
      return;
    }
    const abort = new AbortController();
    state.error = undefined;
    state.running = true;
    state.abort = abort;
    this.#host.requestUpdate();
    const isCurrent = () => this.#states.get(serverKey) === state && state.abort === abort;
    try {
      const onProgress = (progress: Progress) => {
        if (!isCurrent()) return;
        state.progress = progress;
        this.#host.requestUpdate();
      };
      const timeout = this.#options.timeoutMs !== undefined ? { timeoutMs: this.#options.timeoutMs } : {};
      const result = this.#options.call
        ? await this.#options.call(serverKey, state.toolName, args, { signal: abort.signal, onProgress, ...timeout })
        : await connection.callTool(state.toolName, args, { signal: abort.signal, onProgress, ...timeout });
      if (isCurrent()) state.result = describeResult(result, { toolName: state.toolName });
    } catch (err) {
      if (isCurrent()) state.error = toCodedError(err);
    } finally {
      if (isCurrent()) {
        state.running = false;
        state.abort = undefined;
        this.#host.requestUpdate();
      }
    }
  }

  /** Cancels the call in flight on a server; it settles with `TG_CANCELLED`. */
  cancel(serverKey: string): void {
    this.#states.get(serverKey)?.abort?.abort('cancelled by the user');
  }

  /** Drops panels of servers that are gone, cancelling their calls. */
  hostUpdate(): void {
    for (const key of [...this.#states.keys()]) {
      if (!this.#connections.get(key)) this.deselect(key);
    }
  }

  hostDisconnected(): void {
    for (const key of [...this.#states.keys()]) this.deselect(key);
  }
}
