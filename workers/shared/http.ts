/** HTTP header values both sides read (the LLM providers on the page, the transports in the worker). */

/** Milliseconds from a `Retry-After` header (delta-seconds or an HTTP date, RFC 9110 §10.2.3), if it parses. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
