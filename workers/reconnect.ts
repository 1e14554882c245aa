/**
 * Reconnection: the bounded, jittered backoff policy (shared with the page, see
 * shared/backoff.ts), sleeping on it, and the gate requests wait at while the link is down.
 */
import { ErrorCode, TgError } from './shared/errors.js';

export { DEFAULT_RECONNECT, fullJitterDelay, reconnectPolicy, type ReconnectPolicy } from './shared/backoff.js';

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
