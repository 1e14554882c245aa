/**
 * One server as the gate sees it: a `GateConnection` that outlives its connections. The runtime's
 * registry (src/runtime/servers.ts) puts it behind the gate once the server's tools are listed and
 * keeps it there while the connection reconnects, so the server's tools stay known; a call made
 * meanwhile waits up to `waitMs` for the connection to be ready again, else fails with
 * `TG_NOT_CONNECTED` (saying why) without being sent. It lives with the gate because only the gate
 * calls `callTool` — this is where a gated call reaches the connection. No DOM.
 */
import type { CallOptions } from '../connections/connection.js';
import type { ConnectionStatus } from '../../workers/shared/connection-types.js';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import type { CallToolResult, JsonObject, Tool } from '../../workers/shared/wire.js';
import type { GateConnection } from './gate.js';

/** What the handle needs of a connection (`McpConnection` has it). */
export interface CallableConnection {
  callTool(name: string, args?: JsonObject, options?: CallOptions): Promise<CallToolResult>;
}

/** The server's state, read at each step of a call. */
export interface GatedServerState {
  readonly id: string;
  readonly label: string;
  readonly status: ConnectionStatus;
  /** The reconnect attempt under way (from 1), while `reconnecting`. */
  readonly attempt: number | undefined;
  /** The worker was lost (`failed`) and a new one is scheduled: calls wait for it as for a reconnect. */
  readonly restarting?: boolean;
  readonly connection: CallableConnection | undefined;
  readonly tools: readonly Tool[];
}

export class GatedServer extends EventTarget implements GateConnection {
  readonly config: { readonly url: string };
  readonly #state: () => GatedServerState;
  readonly #waitMs: number;
  readonly #waiters = new Set<() => void>();

  constructor(url: string, state: () => GatedServerState, waitMs: number) {
    super();
    this.config = Object.freeze({ url });
    this.#state = state;
    this.#waitMs = waitMs;
  }

  get tools(): readonly Tool[] {
    return this.#state().tools;
  }

  /** The tools the registry listed before it put the server behind the gate. */
  async listTools(): Promise<Tool[]> {
    return [...this.#state().tools];
  }

  async callTool(name: string, args: JsonObject = {}, options: CallOptions = {}): Promise<CallToolResult> {
    const connection = await this.#ready(options.signal);
    return connection.callTool(name, args, options);
  }

  /** The registry calls this when the status or the tools changed. */
  changed(what: 'status' | 'tools'): void {
    if (what === 'tools') this.dispatchEvent(new CustomEvent('tools-changed', { detail: { tools: [...this.#state().tools] } }));
    for (const wake of [...this.#waiters]) wake();
  }

  async #ready(signal: AbortSignal | undefined): Promise<CallableConnection> {
    const started = Date.now();
    for (;;) {
      if (signal?.aborted) throw new TgError(ErrorCode.CANCELLED, 'The call was cancelled while the server reconnected', { cause: signal.reason });
      const state = this.#state();
      if (state.connection && state.status === 'ready') return state.connection;
      const waited = Date.now() - started;
      const left = this.#waitMs - waited;
      if ((state.status !== 'reconnecting' && state.status !== 'connecting' && !state.restarting) || left <= 0) throw notConnected(state, waited);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }
}

function notConnected(state: GatedServerState, waitedMs: number): TgError {
  const data = { server: state.id, status: state.status, waitedMs, ...(state.attempt !== undefined && { attempt: state.attempt }) };
  const after = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 100) / 10} s` : '';
  const message =
    state.status === 'reconnecting'
      ? `${state.label} is reconnecting${state.attempt !== undefined ? ` (attempt ${state.attempt})` : ''}${after}; the call was not sent. Try again in a moment.`
      : state.status === 'connecting'
        ? `${state.label} is still connecting${after}; the call was not sent. Try again in a moment.`
        : state.restarting
          ? `${state.label} lost its connection worker and a new one is starting${after}; the call was not sent. Try again in a moment.`
          : `${state.label} is not connected (${state.status}); the call was not sent.`;
  return new TgError(ErrorCode.NOT_CONNECTED, message, { data });
}
