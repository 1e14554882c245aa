/**
 * Reconnection: bounded exponential backoff with full jitter (delay drawn uniformly from
 * [0, min(cap, base · 2^(attempt-1))]), so many clients dropped by one server restart spread their
 * reconnects instead of arriving together, and a dead server gets a fixed number of attempts, never a
 * loop (the policy lives in shared/backoff.ts: the page restarts a lost worker with it too).
 * `reconnect()` runs the attempts; `LinkGate` holds requests made meanwhile.
 */
import { ErrorCode, TgError } from './shared/errors.js';

import { fullJitterDelay, type ReconnectPolicy } from './shared/backoff.js';

export { AttemptBudget, DEFAULT_RECONNECT, fullJitterDelay, reconnectPolicy, type ReconnectPolicy } from './shared/backoff.js';

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

export interface ReconnectRun<T> {
  policy: ReconnectPolicy;
  /** Aborting ends the run (the connection is closing); it then resolves undefined. */
  signal: AbortSignal;
  /** Why the link dropped: reported with the first attempt. */
  cause: unknown;
  /** Told before each attempt, with the failure of the one before (or the cause). */
  onAttempt(attempt: number, delayMs: number, last: unknown): Promise<void>;
  /** One attempt; a rejection is the attempt's failure and the next one follows. */
  attempt(): Promise<T>;
  /** Closes what a successful attempt made, when the run was aborted meanwhile. */
  discard(made: T): Promise<void>;
  /** Names the server in the final error. */
  origin: string;
  /** The attempts earlier runs already spent on this link (a flapping server: see `AttemptBudget`). */
  spent?: number;
}

/**
 * Attempts until one succeeds (resolves with it), the signal aborts (resolves undefined), or every
 * attempt failed: rejects with `TG_RECONNECT_FAILED` (`cause`: the last failure, `data.attempts`).
 * Numbering continues after `run.spent`.
 */
export async function reconnect<T>(run: ReconnectRun<T>): Promise<T | undefined> {
  const { policy, signal } = run;
  let last = run.cause;
  for (let attempt = (run.spent ?? 0) + 1; attempt <= policy.maxAttempts; attempt++) {
    const delayMs = fullJitterDelay(attempt, policy);
    await run.onAttempt(attempt, delayMs, last);
    if (!(await sleep(delayMs, signal))) return undefined;
    let made: T;
    try {
      made = await run.attempt();
    } catch (err) {
      if (signal.aborted) return undefined;
      last = err;
      continue;
    }
    if (!signal.aborted) return made;
    await run.discard(made);
    return undefined;
  }
  throw new TgError(ErrorCode.RECONNECT_FAILED, `Could not reconnect to ${run.origin} in ${policy.maxAttempts} attempts`, {
    cause: last,
    data: { attempts: policy.maxAttempts },
  });
}
