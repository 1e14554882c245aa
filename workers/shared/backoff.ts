/**
 * Bounded exponential backoff with full jitter (delay drawn uniformly from
 * [0, min(cap, base · 2^(attempt-1))]), so many clients dropped by one server restart spread their
 * retries instead of arriving together, and a dead peer gets a fixed number of attempts, never a loop.
 *
 * Shared vocabulary: the worker reconnects its transport with it, the page restarts a lost worker
 * with the same policy, and the audit log retries its storage and its collector with it (honouring
 * a server's `Retry-After`).
 */
import type { ReconnectOptions } from './connection-types.js';
import { ErrorCode, TgError } from './errors.js';

export type { ReconnectOptions } from './connection-types.js';

export type ReconnectPolicy = Required<ReconnectOptions>;

export const DEFAULT_RECONNECT: ReconnectPolicy = Object.freeze({ baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 6 });

const MAX_DELAY_LIMIT_MS = 10 * 60 * 1000;
const MAX_ATTEMPTS_LIMIT = 100;

/** The policy a config asks for: `false` disables, `undefined`/`true` is the default. Throws `TG_INVALID_CONFIG`. */
export function reconnectPolicy(option: boolean | ReconnectOptions | undefined): ReconnectPolicy | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return DEFAULT_RECONNECT;
  if (typeof option !== 'object' || option === null) {
    throw new TgError(ErrorCode.INVALID_CONFIG, 'reconnect must be true, false or { baseDelayMs, maxDelayMs, maxAttempts }');
  }
  const policy = { ...DEFAULT_RECONNECT, ...option };
  const check = (key: keyof ReconnectPolicy, min: number, max: number) => {
    const value = policy[key];
    if (!(Number.isInteger(value) && value >= min && value <= max)) {
      throw new TgError(ErrorCode.INVALID_CONFIG, `reconnect.${key} must be an integer from ${min} to ${max} (got ${String(value)})`);
    }
  };
  check('baseDelayMs', 1, MAX_DELAY_LIMIT_MS);
  check('maxDelayMs', 1, MAX_DELAY_LIMIT_MS);
  check('maxAttempts', 1, MAX_ATTEMPTS_LIMIT);
  if (policy.maxDelayMs < policy.baseDelayMs) {
    throw new TgError(ErrorCode.INVALID_CONFIG, 'reconnect.maxDelayMs must not be below reconnect.baseDelayMs');
  }
  return policy;
}

/** Full jitter for attempt n ≥ 1; `random` is injectable for tests. */
export function fullJitterDelay(attempt: number, policy: Pick<ReconnectPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}


/**
 * The attempts a link (or a worker) has spent across its losses. A peer that accepts every retry and
 * fails again at once would otherwise get a fresh budget each time, an endless loop; so a loss soon
 * after coming back continues the count, and only a link that stayed up longer than the policy's
 * longest delay earns a fresh one.
 */
export class AttemptBudget {
  readonly #policy: Pick<ReconnectPolicy, 'maxDelayMs'>;
  #spent = 0;
  #upSince: number | undefined;

  constructor(policy: Pick<ReconnectPolicy, 'maxDelayMs'>) {
    this.#policy = policy;
  }

  /** At a loss: the attempts already spent (0 again after a long enough time up). */
  spentAtLoss(): number {
    if (this.#upSince !== undefined && performance.now() - this.#upSince > this.#policy.maxDelayMs) this.#spent = 0;
    this.#upSince = undefined;
    return this.#spent;
  }

  /** Attempt `attempt` was made (counted whether or not it succeeds). */
  spend(attempt: number): void {
    this.#spent = attempt;
  }

  /** The link (or worker) is up again. */
  up(): void {
    this.#upSince = performance.now();
  }
}
