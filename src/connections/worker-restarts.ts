/**
 * Restarting a connection whose worker was lost (`TG_WORKER_FAILED`: it crashed, was terminated, or
 * went silent), with the connection's own bounded, jittered reconnect backoff (`reconnect` in its
 * config; `false` means no restart). The worker's transport reconnects are its own business; this
 * covers the case no worker is left to reconnect anything.
 *
 * DOM-free and host-agnostic: whoever owns a server's connections (the runtime's ServerRegistry,
 * src/runtime/servers.ts) keeps one per server and asks it after every loss.
 */
import { fullJitterDelay, reconnectPolicy, type ReconnectOptions, type ReconnectPolicy } from '../../workers/shared/backoff.js';
import { ErrorCode, errorCode } from '../../workers/shared/errors.js';

/** Whether a failure is the loss of the worker itself (and so worth a new worker). */
export function isWorkerLoss(error: unknown): boolean {
  return errorCode(error) === ErrorCode.WORKER_FAILED;
}

export class WorkerRestarts {
  readonly #policy: ReconnectPolicy | undefined;
  #attempts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last restarted connection became ready: a loss long after that starts a fresh count. */
  #readyAt: number | undefined;

  /** `reconnect` is the connection config's option; an invalid one means no restarts (the open reports it). */
  constructor(reconnect: boolean | ReconnectOptions | undefined) {
    let policy: ReconnectPolicy | undefined;
    try {
      policy = reconnectPolicy(reconnect);
    } catch {
      policy = undefined;
    }
    this.#policy = policy;
  }

  /** True while a restart is scheduled. */
  get scheduled(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * After a loss: schedules `restart` after the next backoff delay and returns the attempt and the
   * delay, or returns undefined when restarts are off or used up (the connection stays failed).
   */
  schedule(restart: () => void): { attempt: number; delayMs: number } | undefined {
    const policy = this.#policy;
    if (!policy) return undefined;
    this.cancel();
    // A worker that ran fine for a while and was then lost starts again from the first attempt;
    // one that dies right after every restart uses up its attempts.
    if (this.#readyAt !== undefined && performance.now() - this.#readyAt > policy.maxDelayMs) this.#attempts = 0;
    this.#readyAt = undefined;
    if (this.#attempts >= policy.maxAttempts) return undefined;
    const attempt = ++this.#attempts;
    const delayMs = fullJitterDelay(attempt, policy);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      restart();
    }, delayMs);
    return { attempt, delayMs };
  }

  /** The connection is ready (again). */
  ready(): void {
    this.#readyAt = performance.now();
  }

  /** Drops a scheduled restart (the server was closed, removed, or opened by other means). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
