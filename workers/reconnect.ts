/**
 * Reconnection policy: bounded exponential backoff with full jitter (delay drawn uniformly from
 * [0, min(cap, base · 2^(attempt-1))]), so many clients dropped by one server restart spread their
 * reconnects instead of arriving together, and a dead server gets a fixed number of attempts, never a loop.
 */
import { ErrorCode, TgError } from './shared/errors.js';
import type { ReconnectOptions } from './shared/connection-types.js';

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
export function fullJitterDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}

/** Sleeps `ms`, or less if `signal` aborts (then resolves false). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A gate requests wait at while the link is down: `wait()` resolves when it is back up, rejects
 * when reconnection gave up or the connection closed, or with `TG_TIMEOUT` after `timeoutMs`.
 */
export class LinkGate {
  #down?: { promise: Promise<void>; resolve(): void; reject(error: unknown): void };

  get down(): boolean {
    return this.#down !== undefined;
  }

  markDown(): void {
    if (this.#down) return;
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => {}); // observed by waiters, if any
    this.#down = { promise, resolve, reject };
  }

  markUp(): void {
    this.#down?.resolve();
    this.#down = undefined;
  }

  markGone(error: unknown): void {
    this.#down?.reject(error);
    this.#down = undefined;
  }

  async wait(timeoutMs: number, what: string): Promise<void> {
    const down = this.#down;
    if (!down) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TgError(ErrorCode.TIMEOUT, `${what} timed out after ${timeoutMs} ms waiting for the connection to come back`, { data: { timeoutMs } })),
        timeoutMs,
      );
    });
    try {
      await Promise.race([down.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
