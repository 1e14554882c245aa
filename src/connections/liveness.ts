/**
 * Notices a connection worker that is gone without a word.
 *
 * A worker that closes itself, that the browser ends under memory pressure, or whose chunk fails to
 * load fires no `error` event: comlink's pending promises then never settle. So the page pings it
 * (`ConnectionApi.ping`, answered at once) — often while calls are pending, rarely when idle — and
 * reports it lost when two pings in a row go unanswered. Two, not one: after a frozen page (a
 * background tab, bfcache) resumes, a deadline timer may run before the worker's queued answer is
 * delivered; the second ping is sent after the resume and answered at once by a live worker.
 *
 * DOM-free (timers only): the connection handle owns one per worker.
 */

export interface LivenessOptions {
  /** Ping interval while a call (or the close) is pending. Default 1000 ms. */
  busyIntervalMs?: number;
  /** Ping interval while nothing is pending. Default 15000 ms. */
  idleIntervalMs?: number;
  /** How long one ping may go unanswered. Default 2000 ms; two misses in a row mean the worker is gone. */
  timeoutMs?: number;
}

const DEFAULTS: Required<LivenessOptions> = { busyIntervalMs: 1000, idleIntervalMs: 15_000, timeoutMs: 2000 };
/** Unanswered pings in a row before the worker counts as gone. */
const MISSES = 2;

export class LivenessMonitor {
  readonly #ping: () => Promise<unknown>;
  readonly #onLost: (silentMs: number) => void;
  readonly #options: Required<LivenessOptions>;
  #pending = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the next regular ping is due (`#timer`), or undefined while a ping waits for its answer. */
  #dueAt: number | undefined;
  /** The worker answered once: before that it may still be loading its script, so no deadline. */
  #started = false;
  #misses = 0;
  #lastAnswer = now();
  #probe = 0;
  #stopped = false;

  constructor(ping: () => Promise<unknown>, onLost: (silentMs: number) => void, options: LivenessOptions = {}) {
    this.#ping = ping;
    this.#onLost = onLost;
    this.#options = { ...DEFAULTS, ...options };
    this.#send(false);
  }

  /**
   * Marks a call as pending until the returned function runs. A call that starts while the worker
   * has been quiet longer than the busy interval gets a ping at once, so a call on a dead worker
   * fails within about two ping timeouts.
   */
  busy(): () => void {
    this.#pending++;
    if (this.#dueAt !== undefined) {
      const due = Math.max(this.#lastAnswer + this.#options.busyIntervalMs, now());
      if (due < this.#dueAt) this.#schedule(due - now());
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#pending--;
    };
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#dueAt = now() + delayMs;
    this.#timer = setTimeout(() => this.#send(true), delayMs);
  }

  #send(withDeadline: boolean): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#dueAt = undefined;
    const probe = ++this.#probe;
    this.#ping().then(
      () => this.#answered(),
      () => {
        /* a rejected ping is an answer of sorts (the worker is there); `error` reports real failures */
        this.#answered();
      },
    );
    if (!withDeadline || !this.#started) return;
    this.#timer = setTimeout(() => {
      if (this.#stopped || probe !== this.#probe) return;
      this.#misses++;
      if (this.#misses >= MISSES) {
        this.stop();
        this.#onLost(Math.round(now() - this.#lastAnswer));
      } else this.#send(true);
    }, this.#options.timeoutMs);
  }

  #answered(): void {
    if (this.#stopped) return;
    this.#started = true;
    this.#misses = 0;
    this.#lastAnswer = now();
    this.#probe++; // a late answer also clears the deadline of a newer ping
    this.#schedule(this.#pending > 0 ? this.#options.busyIntervalMs : this.#options.idleIntervalMs);
  }
}

function now(): number {
  return performance.now();
}
