/**
 * Restarting a connection whose worker was lost (`TG_WORKER_FAILED`: it crashed, was terminated, or
 * went silent), with the connection's own bounded, jittered reconnect backoff (`reconnect` in its
 * config; `false` means no restart). The worker's transport reconnects are its own business; this
 * covers the case no worker is left to reconnect anything.
 *
 * DOM-free and host-agnostic: whoever owns a server's connections (the runtime's ServerRegistry,
 * src/runtime/servers.ts) keeps one per server and asks it after every loss.
 */
import { AttemptBudget, fullJitterDelay, reconnectPolicy, type ReconnectOptions, type ReconnectPolicy } from '../../workers/shared/backoff.js';
import { ErrorCode, errorCode } from '../../workers/shared/errors.js';

/** Whether a failure is the loss of the worker itself (and so worth a new worker). */
export function isWorkerLoss(error: unknown): boolean {
  return errorCode(error) === ErrorCode.WORKER_FAILED;
}

export class WorkerRestarts {
  readonly #policy: ReconnectPolicy | undefined;
  /** A worker that dies right after every restart uses up its attempts; one that ran a while starts afresh. */
  readonly #budget: AttemptBudget | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `reconnect` is the connection config's option; an invalid one means no restarts (the open reports it). */
  constructor(reconnect: boolean | ReconnectOptions | undefined) {
    let policy: ReconnectPolicy | undefined;
    try {
      policy = reconnectPolicy(reconnect);
    } catch {
      policy = undefined;
    }
    this.#policy = policy;
    if (policy) this.#budget = new AttemptBudget(policy);
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
    const [policy, budget] = [this.#policy, this.#budget];
    if (!policy || !budget) return undefined;
    this.cancel();
    const attempt = budget.spentAtLoss() + 1;
    if (attempt > policy.maxAttempts) return undefined;
    budget.spend(attempt);
    const delayMs = fullJitterDelay(attempt, policy);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      restart();
    }, delayMs);
    return { attempt, delayMs };
  }

  /** The connection is ready (again). */
  ready(): void {
    this.#budget?.up();
  }

  /** Drops a scheduled restart (the server was closed, removed, or opened by other means). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
