/**
 * A server that answers `initialize` (or the era probe) 503 or 429 is busy, not broken: ask again
 * after its `Retry-After` (1 s, then 2 s when it names none, or when CORS hides the header), at most
 * MAX_BUSY_RETRIES times. A `Retry-After` longer than MAX_BUSY_WAIT_MS is not waited out: the
 * connection fails at once with the server's answer (`data.retryAfterMs` says when to come back).
 * Only for requests without side effects: a `tools/call` is never re-sent.
 */
import { ErrorCode, errorCode } from '../shared/errors.js';

export const MAX_BUSY_RETRIES = 2;
export const MAX_BUSY_WAIT_MS = 10_000;
const BUSY_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** The wait before asking again (`retry` from 1), or undefined: not busy, out of retries, or too long a wait. */
export function busyDelay(status: unknown, retryAfterMs: unknown, retry: number): number | undefined {
  if (typeof status !== 'number' || !BUSY_STATUSES.has(status) || retry > MAX_BUSY_RETRIES) return undefined;
  if (typeof retryAfterMs !== 'number') return 1000 * 2 ** (retry - 1);
  return retryAfterMs <= MAX_BUSY_WAIT_MS ? retryAfterMs : undefined;
}

/** Runs `request`, again after a busy answer (`TG_HTTP_ERROR` with `data.status` 503/429), within the bounds above. */
export async function whileBusy<T>(request: () => Promise<T>): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await request();
    } catch (err) {
      const data = (err as { data?: { status?: unknown; retryAfterMs?: unknown } }).data;
      const delay = errorCode(err) === ErrorCode.HTTP_ERROR ? busyDelay(data?.status, data?.retryAfterMs, retry) : undefined;
      if (delay === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
