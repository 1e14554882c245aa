/**
 * Token buckets for the policy's rate limits: one bucket per server, and one per tool for limits
 * that name tools. A call takes one token from every bucket that applies, all or nothing.
 * The clock is injectable so tests need no waiting. Pure, no DOM.
 */
import { matchGlob, matchServer, type Policy, type RateLimit } from './policy.js';

export type Clock = () => number;

export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    readonly clock: Clock,
  ) {
    this.#tokens = capacity;
    this.#last = clock();
  }

  /** Tokens available now (fractional while refilling). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Milliseconds until one whole token is available (0 when one is). */
  get retryAfterMs(): number {
    this.#refill();
    if (this.#tokens >= 1) return 0;
    if (this.refillPerSecond <= 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((1 - this.#tokens) / this.refillPerSecond) * 1000);
  }

  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerSecond);
  }
}

export type RateVerdict = { ok: true } | { ok: false; limit: string; retryAfterMs: number };

/** The rate limiter of one gate: buckets are created on first use and keyed by limit, server and tool. */
export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #clock: Clock;

  constructor(clock: Clock = () => Date.now()) {
    this.#clock = clock;
  }

  /** Forgets every bucket (after a policy change, so new limits start full). */
  reset(): void {
    this.#buckets.clear();
  }

  /** Takes one token from every bucket that applies to this call, or none when any is empty. */
  take(policy: Policy, server: { id: string; url: string }, toolName: string): RateVerdict {
    const buckets: [string, TokenBucket][] = [];
    (policy.rateLimits ?? []).forEach((limit: RateLimit, index) => {
      if (!matchServer(limit.server, server)) return;
      if (limit.tool !== undefined && !matchGlob(limit.tool, toolName)) return;
      const name = limit.id ?? `rateLimits[${index}]`;
      const key = JSON.stringify([index, limit.capacity, limit.refillPerSecond, server.id, limit.tool === undefined ? '' : toolName]);
      let bucket = this.#buckets.get(key);
      if (!bucket) this.#buckets.set(key, (bucket = new TokenBucket(limit.capacity, limit.refillPerSecond, this.#clock)));
      buckets.push([name, bucket]);
    });
    for (const [name, bucket] of buckets) {
      if (bucket.tokens < 1) return { ok: false, limit: name, retryAfterMs: bucket.retryAfterMs };
    }
    for (const [, bucket] of buckets) bucket.take();
    return { ok: true };
  }
}
