/**
 * Durable shipping of the audit log to an OpenTelemetry collector (OTLP/HTTP JSON, otlp.ts).
 *
 * - **The log is the queue.** Records are read from the log in order; a cursor in IndexedDB (store
 *   `otlp`, by collector) holds the last record the collector acknowledged. Nothing waits in memory
 *   but the batch in flight, so nothing is lost to a reload, a crash or a long outage: the next page
 *   goes on from the cursor. The queue's bound is the log's own (its retention): records retention
 *   removes before they were shipped are reported (`TG_AUDIT_EXPORT_BACKLOG`, `data.gap`).
 * - **One shipper per database and collector**, across tabs: the page holding the Web Lock
 *   `toolgate-otlp:<db>:<collector>` ships; the others stand by and take over when it goes.
 * - **Never sent twice under normal operation**: a batch is sent again only if it was not
 *   acknowledged. Only a page that dies between the acknowledgment and saving the cursor resends a
 *   batch, and every record carries `log.record.uid` (its hash) for the collector to drop it.
 * - **Retries as OTLP/HTTP says**: network errors, 429, 502, 503 and 504 are retried with bounded,
 *   jittered exponential backoff, honouring `Retry-After` (the collector must expose it through CORS);
 *   400 (bad data) and partial successes are not resent (`TG_AUDIT_EXPORT_REJECTED`; the records stay
 *   in the local log and its exports); 413 halves the batch; any other status stops shipping
 *   (`TG_AUDIT_EXPORT_FAILED`) until `resume()` or the next page load.
 * - **Loud when it lags**: `status.lagging` (with `TG_AUDIT_EXPORT_BACKLOG`) once the collector has
 *   been unreachable longer than `unreachableAfterMs`, or more than `maxBacklog` records wait.
 */
import { fullJitterDelay } from '../../workers/shared/backoff.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { openToolgateDb, type OtlpCursor, type ToolgateDb } from '../storage/db.js';
import type { AuditLog } from './audit-log.js';
import { postOtlpLogs, type OtlpOptions } from './otlp.js';
import type { AuditRecord } from './record.js';

export interface OtlpShippingOptions extends OtlpOptions {
  /** The cursor's key, for a host that names its collectors. Default: `url`. */
  id?: string;
  /** Records per request. Default 200. */
  batchSize?: number;
  /** Bytes of records (as JSON) per request, roughly. Default 1 MiB. */
  maxBatchBytes?: number;
  /** Delay between attempts: exponential with full jitter. Default `{ baseDelayMs: 1000, maxDelayMs: 60000 }`. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number };
  /** A collector failing this long while records wait makes `status.lagging`. Default 5 minutes. */
  unreachableAfterMs?: number;
  /** More waiting records than this makes `status.lagging`. Default 10,000. */
  maxBacklog?: number;
}

export type OtlpShippingState =
  /** Another page of this origin ships (this one takes over when it goes). */
  | 'standby'
  /** Everything acknowledged; waiting for records. */
  | 'idle'
  | 'sending'
  /** The last attempt failed; the same records go again after a delay. */
  | 'retrying'
  /** The collector answered with a status OTLP forbids retrying: `resume()` (or a reload) starts again. */
  | 'stopped'
  | 'closed';

export interface OtlpShippingStatus {
  state: OtlpShippingState;
  /** The last record the collector acknowledged (0: none yet). */
  ackedSeq: number;
  /** Records waiting to be shipped. */
  backlog: number;
  /** The organisation's copy lags badly (unreachable for long, or too many records waiting): show it. */
  lagging: boolean;
  /** Records the collector refused for good (400, partial success), since this page started shipping. */
  rejected: number;
  /** When the current run of failures began. */
  failingSince?: number;
  /** The last problem, coded (`TG_AUDIT_EXPORT_FAILED`, `…_REJECTED`, `…_BACKLOG`). */
  error?: { code: string; message: string; data?: unknown };
}

/** Fired when `status` changes. */
export class OtlpStatusEvent extends Event {
  static readonly eventName = 'status' as const;
  constructor(readonly status: OtlpShippingStatus) {
    super(OtlpStatusEvent.eventName);
  }
}

/** A `Retry-After` is honoured up to this long (a collector asking for an hour gets ten minutes). */
const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;
/** Looks for records this often even without an append event (e.g. no BroadcastChannel). */
const POLL_MS = 30_000;

/**
 * Ships the log to the collector durably, from whichever page of the origin holds the shipping
 * lock. `stop()` ends it in this page (another page takes over).
 */
export function forwardToOtlp(log: AuditLog, options: OtlpShippingOptions): OtlpShipper {
  return new OtlpShipper(log, options);
}

export class OtlpShipper extends EventTarget {
  readonly #log: AuditLog;
  readonly #options: OtlpShippingOptions;
  readonly #id: string;
  readonly #stop = new AbortController();
  #status: OtlpShippingStatus = { state: 'standby', ackedSeq: 0, backlog: 0, lagging: false, rejected: 0 };
  #wake: (() => void) | undefined;
  #resume: (() => void) | undefined;
  #db: ToolgateDb | undefined;

  constructor(log: AuditLog, options: OtlpShippingOptions) {
    super();
    if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('forwardToOtlp: options.url must be the collector URL');
    this.#log = log;
    this.#options = options;
    this.#id = options.id ?? options.url;
    const wake = () => this.#wake?.();
    // A closed log ends shipping from this page (another page's shipper takes over).
    const onHealth = () => {
      if (log.health.state === 'closed') this.stop();
    };
    log.addEventListener('append', wake);
    log.addEventListener('health', onHealth);
    globalThis.addEventListener?.('online', wake);
    this.#stop.signal.addEventListener('abort', () => {
      log.removeEventListener('append', wake);
      log.removeEventListener('health', onHealth);
      globalThis.removeEventListener?.('online', wake);
      wake();
      this.#resume?.();
    });
    void this.#start();
  }

  get status(): OtlpShippingStatus {
    return this.#status;
  }

  /** After `stopped` (a status OTLP forbids retrying, e.g. 401 before the host refreshed its token): try again now. */
  resume(): void {
    this.#resume?.();
  }

  /** Stops shipping from this page; the cursor stays, so this page or another goes on from it later. */
  stop(): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    this.#db?.close();
    this.#db = undefined;
    this.#set({ state: 'closed' });
  }

  close(): void {
    this.stop();
  }

  async #start(): Promise<void> {
    const signal = this.#stop.signal;
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    try {
      if (locks) await locks.request(`toolgate-otlp:${this.#log.dbName}:${this.#id}`, { signal }, () => this.#run(signal));
      else await this.#run(signal);
    } catch {
      /* stopped while waiting for the lock, or the log closed */
    }
  }

  /** Holding the shipping lock: send what the collector has not acknowledged, in order, until stopped. */
  async #run(signal: AbortSignal): Promise<void> {
    const batchSize = Math.max(1, this.#options.batchSize ?? 200);
    const maxBytes = this.#options.maxBatchBytes ?? 1024 * 1024;
    let limit = batchSize;
    let attempt = 0;
    let cursor = await this.#readCursor();
    this.#set({ state: 'idle', ackedSeq: cursor.ackedSeq });
    while (!signal.aborted && this.#log.health.state !== 'closed') {
      const head = await this.#log.head().catch(() => null);
      // A rebuilt chain (the database was deleted and started again): its records are new ones.
      if (head && cursor.ackedSeq > head.seq) cursor = await this.#saveCursor({ ...cursor, ackedSeq: 0, ackedHash: '' });
      const backlog = head ? head.seq - cursor.ackedSeq : 0;
      if (backlog <= 0) {
        this.#set({ state: 'idle', backlog: 0, lagging: false, ackedSeq: cursor.ackedSeq });
        await this.#appended(signal);
        continue;
      }
      let records = await this.#log.range(cursor.ackedSeq + 1, head!.seq, limit).catch(() => [] as AuditRecord[]);
      if (records.length === 0) {
        await this.#appended(signal);
        continue;
      }
      const first = records[0]!;
      if (cursor.ackedHash && first.seq === cursor.ackedSeq + 1 && first.prevHash !== cursor.ackedHash) {
        cursor = await this.#saveCursor({ ...cursor, ackedSeq: 0, ackedHash: '' }); // rebuilt chain, same length or longer
        continue;
      }
      if (first.seq > cursor.ackedSeq + 1) {
        // Retention removed records before they were shipped: say which, then go on.
        this.#set({ error: backlogError(`Records ${cursor.ackedSeq + 1}–${first.seq - 1} were removed by retention before they reached the collector`, { gap: { from: cursor.ackedSeq + 1, to: first.seq - 1 } }) });
      }
      records = withinBytes(records, maxBytes);
      const last = records[records.length - 1]!;
      this.#set({ state: 'sending', backlog });
      const answer = await postOtlpLogs(records, this.#options, signal);
      if (signal.aborted) return;
      switch (answer.kind) {
        case 'accepted':
        case 'rejected': {
          const rejected = answer.kind === 'rejected' ? records.length : answer.rejected;
          cursor = await this.#saveCursor({ ...cursor, ackedSeq: last.seq, ackedHash: last.hash });
          attempt = 0;
          limit = batchSize;
          const error =
            rejected > 0
              ? { code: ErrorCode.AUDIT_EXPORT_REJECTED, message: answer.kind === 'rejected' ? answer.error.message : `The collector refused ${rejected} of the records${answer.message ? `: ${answer.message}` : ''}`, data: { from: first.seq, to: last.seq, rejected } }
              : undefined;
          this.#set({ state: 'sending', ackedSeq: cursor.ackedSeq, backlog: backlog - records.length, rejected: this.#status.rejected + rejected, failingSince: undefined, lagging: false, error });
          break;
        }
        case 'too-large':
          if (records.length > 1) limit = Math.ceil(records.length / 2);
          else {
            cursor = await this.#saveCursor({ ...cursor, ackedSeq: last.seq, ackedHash: last.hash });
            this.#set({ rejected: this.#status.rejected + 1, error: { code: ErrorCode.AUDIT_EXPORT_REJECTED, message: 'The collector refused a record as too large (413)', data: { from: last.seq, to: last.seq } } });
          }
          break;
        case 'retry': {
          attempt++;
          const failingSince = this.#status.failingSince ?? Date.now();
          const lagging = Date.now() - failingSince > (this.#options.unreachableAfterMs ?? 5 * 60_000) || backlog > (this.#options.maxBacklog ?? 10_000);
          const error = lagging
            ? backlogError(`The OpenTelemetry collector has not acknowledged records since ${new Date(failingSince).toISOString()}; ${backlog} wait in the audit log`, { backlog, since: failingSince, cause: answer.error.message })
            : { code: answer.error.code, message: answer.error.message, ...(answer.error.data !== undefined && { data: answer.error.data }) };
          this.#set({ state: 'retrying', failingSince, lagging, backlog, error });
          const delay = answer.retryAfterMs !== undefined ? Math.min(answer.retryAfterMs, MAX_RETRY_AFTER_MS) : fullJitterDelay(attempt, { baseDelayMs: 1000, maxDelayMs: 60_000, ...this.#options.retry });
          await this.#sleep(delay, signal);
          break;
        }
        case 'stop':
          this.#set({ state: 'stopped', lagging: true, backlog, error: { code: answer.error.code, message: answer.error.message, data: answer.error.data } });
          await new Promise<void>((resolve) => (this.#resume = resolve));
          this.#resume = undefined;
          attempt = 0;
          break;
      }
    }
  }

  /** Resolves on the next append (this page or another), an `online` event, stop, or after a while. */
  #appended(signal: AbortSignal): Promise<void> {
    return this.#sleep(POLL_MS, signal);
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        // A retry delay is not cut short by appends (the collector asked for time); an idle wait is.
        if (this.#status.state !== 'retrying' || signal.aborted) done();
      };
    });
  }

  async #cursorDb(): Promise<ToolgateDb> {
    this.#db ??= await openToolgateDb(this.#log.dbName, { onVersionChange: () => (this.#db = undefined), onTerminated: () => (this.#db = undefined) });
    return this.#db;
  }

  async #readCursor(): Promise<OtlpCursor> {
    const fresh: OtlpCursor = { id: this.#id, ackedSeq: 0, ackedHash: '', updatedAt: 0 };
    try {
      return (await (await this.#cursorDb()).get('otlp', this.#id)) ?? fresh;
    } catch {
      this.#db = undefined;
      return fresh;
    }
  }

  /** Saves the cursor; when storage refuses, shipping goes on from the one in memory (a reload may then resend a batch, which `log.record.uid` lets the collector drop). */
  async #saveCursor(cursor: OtlpCursor): Promise<OtlpCursor> {
    const next = { ...cursor, updatedAt: Date.now() };
    try {
      await (await this.#cursorDb()).put('otlp', next);
    } catch {
      this.#db = undefined;
    }
    return next;
  }

  #set(change: Partial<OtlpShippingStatus>): void {
    const next = { ...this.#status, ...change };
    for (const key of Object.keys(next) as (keyof OtlpShippingStatus)[]) if (next[key] === undefined) delete next[key];
    this.#status = next;
    this.dispatchEvent(new OtlpStatusEvent(next));
  }
}

function backlogError(message: string, data: Record<string, unknown>): { code: string; message: string; data: unknown } {
  return { code: ErrorCode.AUDIT_EXPORT_BACKLOG, message, data };
}

/** As many records as fit in `maxBytes` of JSON (at least one). */
function withinBytes(records: AuditRecord[], maxBytes: number): AuditRecord[] {
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    bytes += JSON.stringify(records[i]).length;
    if (bytes > maxBytes && i > 0) return records.slice(0, i);
  }
  return records;
}
