/**
 * The "pick a tool, type JSON arguments, call it" flow of `<tg-connections>`, one panel per server
 * card: the selected tool, the argument text, the call in flight (cancelable), its progress, and
 * the result or error. It never reaches a connection: every call goes to the `PanelCaller` it is
 * given — `<tg-agent>`'s runs it through the runtime's one entry (gate, approval, audit, and the
 * conversation) as the person's call. No DOM: tests drive it with a fake host.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ToolCallOutcome } from '../../gate/tool-gate.js';
import { toCodedError, type CodedError } from '../../runtime/coded-error.js';
import type { ServerState } from '../../runtime/servers.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import type { JsonObject, Progress, Tool } from '../../../workers/shared/wire.js';
import { describeResult, type ResultView } from '../agent/result-view.js';
import { argumentSkeleton, parseToolArguments } from '../agent/tool-arguments.js';

export interface ToolCallState {
  readonly toolName: string;
  readonly argumentsText: string;
  readonly running: boolean;
  readonly progress: Progress | undefined;
  readonly result: ResultView | undefined;
  /** Why the last call did not produce a result (invalid arguments, refused, cancelled, timed out, …). */
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

/** Runs one call of a panel through the gate, as the person's call (`<tg-agent>`: `runtime.call`). Never rejects. */
export type PanelCaller = (
  serverId: string,
  toolName: string,
  args: JsonObject,
  options: { signal: AbortSignal; onProgress: (progress: Progress) => void },
) => Promise<ToolCallOutcome>;

export interface ToolCallControllerOptions {
  /** How a call is made (required: there is no other way); `undefined` while there is none yet. */
  call: () => PanelCaller | undefined;
  /** The server's current state: a call needs it `ready`, or `reconnecting` (the gate waits for it). */
  server: (serverId: string) => ServerState | undefined;
}

export class ToolCallController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: ToolCallControllerOptions;
  readonly #states = new Map<string, MutableState>();

  constructor(host: ReactiveControllerHost, options: ToolCallControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The call panel of one server (by id), if a tool is selected there. */
  state(serverId: string): ToolCallState | undefined {
    return this.#states.get(serverId);
  }

  /** Selects a tool and prefills its arguments; a call in flight on that server is cancelled. */
  select(serverId: string, tool: Pick<Tool, 'name' | 'inputSchema'>): void {
    const current = this.#states.get(serverId);
    if (current?.toolName === tool.name) return;
    current?.abort?.abort('another tool was selected');
    this.#states.set(serverId, {
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
  deselect(serverId: string): void {
    this.#states.get(serverId)?.abort?.abort('tool deselected');
    if (this.#states.delete(serverId)) this.#host.requestUpdate();
  }

  setArgumentsText(serverId: string, text: string): void {
    const state = this.#states.get(serverId);
    if (state) state.argumentsText = text;
  }

  /**
   * Calls the selected tool with the parsed arguments. Invalid arguments set a
   * `TG_INVALID_ARGUMENTS` error and nothing is sent. Resolves when the call settled.
   */
  async call(serverId: string): Promise<void> {
    const state = this.#states.get(serverId);
    if (!state || state.running) return;
    state.result = undefined;
    state.progress = undefined;
    let args: JsonObject;
    try {
      args = parseToolArguments(state.argumentsText);
    } catch (err) {
      state.error = toCodedError(err);
      this.#host.requestUpdate();
      return;
    }
    const status = this.#options.server(serverId)?.status;
    const caller = this.#options.call();
    if (!caller || (status !== 'ready' && status !== 'reconnecting')) {
      state.error = { code: ErrorCode.NOT_CONNECTED, message: 'The server is not connected' };
      this.#host.requestUpdate();
      return;
    }
    const abort = new AbortController();
    state.error = undefined;
    state.running = true;
    state.abort = abort;
    this.#host.requestUpdate();
    const isCurrent = () => this.#states.get(serverId) === state && state.abort === abort;
    const onProgress = (progress: Progress) => {
      if (!isCurrent()) return;
      state.progress = progress;
      this.#host.requestUpdate();
    };
    try {
      const outcome = await caller(serverId, state.toolName, args, { signal: abort.signal, onProgress });
      if (!isCurrent()) return;
      if ('result' in outcome) state.result = describeResult(outcome.result, { toolName: state.toolName });
      else state.error = { ...outcome.error };
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
  cancel(serverId: string): void {
    this.#states.get(serverId)?.abort?.abort('cancelled by the user');
  }

  /** Drops panels of servers that are gone, cancelling their calls. */
  hostUpdate(): void {
    for (const id of [...this.#states.keys()]) {
      if (!this.#options.server(id)) this.deselect(id);
    }
  }

  hostDisconnected(): void {
    for (const id of [...this.#states.keys()]) this.deselect(id);
  }
}
