/**
 * The audit log: a write-ahead, hash-chained, signed, append-only record of everything the agent
 * does, in IndexedDB (store `audit` of the Toolgate database).
 *
 * - `append()` resolves only once its record is committed. Appends that arrive while a commit is
 *   in flight are group-committed together in the next single transaction; nothing waits on a
 *   timer, so a write-ahead record (`call-start`) is never delayed to make a batch.
 * - Several pages of one origin/tenant share the chain: one writer at a time through the Web
 *   Locks API. A writer keeps the lock while it is busy and for `HOLD_MS` after (the next record,
 *   typically the `call-end` of the call just started, then needs no lock round trip), and hands
 *   it over at once when another page asks on the BroadcastChannel. The first transaction after
 *   taking the lock re-reads the head inside it; while the lock is held the head is known, so
 *   later batches are one transaction of `add`s and nothing else. Records interleave into ONE chain.
 * - A burst (a commit of `CHUNK_MIN` records or more) is stored as chunk rows, not a row per
 *   record (see chunks.ts): IndexedDB's cost is per row.
 * - Reads through the log (`range`, `records`, `count`, `head`, `verify`, …) first wait for the
 *   appends made before them: a page reads its own writes.
 * - Failure is loud: a storage failure rejects the append with `TG_STORAGE_FAILED` or
 *   `TG_STORAGE_QUOTA`, sets `health` to `failed` and fires `health`; every later append is
 *   refused. With `failMode: 'closed'` (default) `assertCallsAllowed()` throws, so the gate
 *   refuses tool calls; with `'open'` calls may go on unaudited (the host chose that).
 * - Recovery: while failed, the log retries with a bounded, jittered backoff (and on `retry()`,
 *   the banner's Retry): it reopens the database if it was closed or deleted and commits a
 *   `storage-unavailable` record (from … to …). That commit is the proof it can write again; only
 *   then is `health` `ok` and are calls allowed (the write-ahead rule holds throughout).
 * - Nothing is left "sent": every committed `call-start` has an `inflight` entry (same
 *   transaction; a burst's are chunk rows, see inflight.ts) until its `call-end`. A page holds a Web Lock of its own while it has calls in
 *   flight; when that lock is free but entries remain, their page is gone, and whichever page
 *   notices — on open, or waiting on that lock while the other page lives — writes an
 *   `outcome-unknown` record for each (why: reload, tab closed, log closed, …).
 * - Signatures (audit format 3) are off the call's critical path: the writer *seals* its head —
 *   signs the hash it computed itself, never one read back from storage — every
 *   `SEAL_EVERY_RECORDS` records or `SEAL_EVERY_MS` after an unsealed commit, and whenever its
 *   writer session ends (hand-over to another page, idle, close). The signature is computed while
 *   later records commit and rides in the next transaction (store `seals`); reads return it as
 *   the record's `sig`. Until then the newest records are a *pending* tail, which `verify`
 *   reports as a range; `verify()` and exports seal this page's head first. `signing: 'batch'`
 *   signs the last record of each commit inside it (format 2's rule: every committed state ends
 *   signed), `'every'` each record; both put ECDSA on every write-ahead commit (see bench/).
 */
import { fullJitterDelay, type ReconnectOptions } from '../../workers/shared/backoff.js';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import { openToolgateDb, toolgateDbName, type InflightCall, type Seal, type ToolgateDb } from '../storage/db.js';
import { loadOrCreateDeviceKey, publicKeys, type DeviceKey } from '../storage/keys.js';
import { storageError } from '../storage/errors.js';
import {
  AUDIT_FORMAT_VERSION,
  GENESIS_HASH,
  recordHash,
  toBase64Url,
  validateInput,
  type AgentIdentity,
  type AuditInput,
  type AuditRecord,
  type CheckpointBody,
  type OutcomeUnknownReason,
  type UserIdentity,
} from './record.js';
import { addRecords, countRecords, deleteRecordsThrough, edgeRecord, readRecord, readRecords, type RecordStores } from './chunks.js';
import { readInflight, writeInflight, type EntryPlaces, type StoredInflightCall } from './inflight.js';
import type { RedactOptions } from './redact.js';
import { redactAuditInput } from './redact-record.js';
import { loadSecretRules } from './secrets.js';
import type { VerifyResult } from './verify.js';

export type FailMode = 'closed' | 'open';

export type AuditHealth =
  | { state: 'ok' }
  | { state: 'failed'; error: { code: string; message: string }; since: number }
  | { state: 'closed' };

export interface RetentionPolicy {
  /** Keep at most this many records (the checkpoint written by the pass counts as one more). */
  maxRecords?: number;
  /** Remove records older than this many milliseconds. */
  maxAgeMs?: number;
  /** Apply automatically after this many committed records (and once on open). Default 1000. */
  every?: number;
}

export interface AuditLogOptions {
  /** Partitions the database: `toolgate:<tenant>`. */
  tenant?: string;
  /** Overrides the database name entirely (tests use a fresh one each). */
  dbName?: string;
  /** Default user of every record (host id; OAuth `sub`/`iss` when known). See `setUser`. */
  user?: UserIdentity;
  /** Default agent of every record. Default: a random instance id. */
  agent?: AgentIdentity;
  /** `closed` (default): a storage failure stops tool calls. `open`: calls go on, unaudited. */
  failMode?: FailMode;
  /**
   * Redaction of inputs that arrive unredacted (no `redactions` field): `args`, a `call-end`
   * preview and error messages, before the record is hashed. `false` stores them as they are
   * (marked `redactions.raw`). The gate redacts its own records first (see redact-record.ts).
   */
  redaction?: RedactOptions | false;
  retention?: RetentionPolicy;
  /**
   * `seal` (default): sign the writer's head off the critical path (see the header). `batch`: sign
   * the last record of each commit, in it. `every`: sign each record.
   */
  signing?: 'seal' | 'batch' | 'every';
  /** At most this many records per transaction. Default 1000. */
  maxBatch?: number;
  /**
   * After a storage failure, retry with this backoff (full jitter) until the log can write again.
   * Default `{ baseDelayMs: 1000, maxDelayMs: 60000, maxAttempts: 100 }`; `false`: only `retry()`.
   */
  recovery?: ReconnectOptions | false;
}

/** Fired after records were committed (by this page, or by another page of the same database). */
export class AuditAppendEvent extends Event {
  static readonly eventName = 'append' as const;
  constructor(
    readonly records: readonly AuditRecord[],
    /** True when another page (tab) wrote them. */
    readonly remote = false,
  ) {
    super(AuditAppendEvent.eventName);
  }
}

/** Fired when `health` changes. */
export class AuditHealthEvent extends Event {
  static readonly eventName = 'health' as const;
  constructor(readonly health: AuditHealth) {
    super(AuditHealthEvent.eventName);
  }
}

export interface AuditLogEventMap {
  append: AuditAppendEvent;
  health: AuditHealthEvent;
}

interface Pending {
  body: Record<string, unknown>;
  /** Nobody waits for this commit: it may wait (`DEFER_MS`) to share a transaction. */
  deferred: boolean;
  resolve: (record: AuditRecord) => void;
  reject: (error: unknown) => void;
}

interface Head {
  seq: number;
  hash: string;
}

const encoder = new TextEncoder();

/**
 * How long an idle writer keeps the Web Lock. Another page never waits this long: it asks over
 * the BroadcastChannel and the holder lets go after its current batch.
 */
const HOLD_MS = 200;

/**
 * How long a deferred record (`append(…, { defer: true })`, e.g. a `call-end` nobody waits for)
 * may wait for company: the next write-ahead record usually arrives within it and both commit in
 * one transaction, instead of the write-ahead record queueing behind a commit of its own.
 */
const DEFER_MS = 25;

/** A writer seals its head once this many records are unsealed (format 3)… */
export const SEAL_EVERY_RECORDS = 512;
/** …or this long after the first unsealed commit, whichever comes first; and when its session ends. */
export const SEAL_EVERY_MS = 1000;

/** Retrying a failed storage: often at first, then once a minute, for a bounded number of attempts. */
const DEFAULT_RECOVERY = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 100 };

/** How long a page keeps its alive lock after its last call ended (a next call needs no round trip). */
const ALIVE_HOLD_MS = 2000;

/**
 * BroadcastChannel messages between pages of one database. `starts`: the batch has call-starts of
 * `instance`, which other pages then watch (they reconcile them if that page goes away).
 */
type ChannelMessage =
  | { type: 'append'; from: number; to: number; instance?: string; starts?: boolean }
  | { type: 'want-lock' }
  | { type: 'closed'; instance: string };

/** Audit-log instances closed in this page (their calls left without an end are `log-closed`). */
const closedInstances = new Set<string>();

/** The Web Lock a page holds while it has calls in flight: free with entries left means it is gone. */
const aliveLockName = (dbName: string, instance: string) => `toolgate-audit-alive:${dbName}:${instance}`;

/** This tab's id, kept in sessionStorage (a reload keeps it, another tab has its own); none outside a window. */
function tabId(): string | undefined {
  try {
    const storage = globalThis.sessionStorage;
    if (!storage) return undefined;
    let id = storage.getItem('toolgate-tab');
    if (!id) {
      id = randomId();
      storage.setItem('toolgate-tab', id);
    }
    return id;
  } catch {
    return undefined; // storage blocked (sandboxed frame, privacy settings)
  }
}

/** Whether this document was loaded by a reload. */
function reloaded(): boolean {
  try {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return navigation?.type === 'reload';
  } catch {
    return false;
  }
}

const ENDS = new Set(['call-end', 'outcome-unknown']);

/** Runs `fn` holding the exclusive Web Lock `name`; an in-page queue where Web Locks are missing. */
const localLocks = new Map<string, Promise<unknown>>();
function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request(name, { mode: 'exclusive' }, fn) as Promise<T>;
  }
  const previous = localLocks.get(name) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  localLocks.set(name, run.catch(() => undefined));
  return run;
}

/** The records with their seals' signatures as `sig` (a seal whose hash no longer matches fails verification). */
function withSeals(records: AuditRecord[], seals: Seal[]): AuditRecord[] {
  if (seals.length === 0 || records.length === 0) return records;
  const first = records[0]!.seq;
  for (const seal of seals) {
    // Records are contiguous unless someone deleted one; fall back to a search then.
    const record = records[seal.seq - first]?.seq === seal.seq ? records[seal.seq - first] : records.find((r) => r.seq === seal.seq);
    if (record && record.sig === undefined) record.sig = seal.sig;
  }
  return records;
}

function randomId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(12)));
}

export class AuditLog extends EventTarget {
  /**
   * Opens (creating if needed) the audit log of this origin/tenant and its device key.
   * Rejects with `TG_STORAGE_FAILED` when IndexedDB cannot be opened at all.
   */
  static async open(options: AuditLogOptions = {}): Promise<AuditLog> {
    const name = options.dbName ?? toolgateDbName(options.tenant);
    const holder: { log?: AuditLog } = {};
    let db: ToolgateDb;
    try {
      db = await AuditLog.#openDb(name, holder);
    } catch (err) {
      throw storageError(err, 'open');
    }
    // The database opened but the key cannot be stored (e.g. the quota is used up): a failed log
    // that recovers when storage does, rather than no log at all.
    let key: DeviceKey | undefined;
    let keyError: TgError | undefined;
    // The secret detector's rules load alongside (records are redacted with them before hashing).
    const rules = loadSecretRules();
    try {
      key = await loadOrCreateDeviceKey(db);
    } catch (err) {
      keyError = storageError(err, 'open');
    }
    await rules;
    const log = new AuditLog(name, db, key, options);
    holder.log = log;
    if (keyError) {
      log.fail(keyError);
      return log;
    }
    await log.#reconcile('open');
    if (options.retention) await log.prune();
    return log;
  }

  /** Opens the database with this log's handlers: another connection deleting or upgrading it, or the browser closing it, fails the log. */
  static async #openDb(name: string, holder: { log?: AuditLog }): Promise<ToolgateDb> {
    const lost = (message: string) => {
      if (holder.log) holder.log.#lostDb(db, new TgError(ErrorCode.STORAGE_FAILED, message));
    };
    const db: ToolgateDb = await openToolgateDb(name, {
      onVersionChange: () => lost('The audit database was deleted or upgraded by another connection and is closed'),
      onTerminated: () => lost('The browser closed the audit database (storage cleared or broken)'),
    });
    db.addEventListener('close', () => lost('The browser closed the audit database'));
    return db;
  }

  /** The IndexedDB database name (`toolgate` or `toolgate:<tenant>`). */
  readonly dbName: string;
  /** What a storage failure means for tool calls. */
  failMode: FailMode;

  #db: ToolgateDb;
  /** False once the browser or another connection closed `#db`: recovery opens it again. */
  #dbOpen = true;
  #key: DeviceKey | undefined;
  readonly #lockName: string;
  readonly #options: AuditLogOptions;
  readonly #channel: BroadcastChannel | undefined;
  #user: UserIdentity;
  #agent: AgentIdentity;
  #health: AuditHealth = { state: 'ok' };
  #failure: TgError | undefined;
  #queue: Pending[] = [];
  #draining = false;
  /** Settles after the last append made so far: reads wait for it (read your writes). */
  #tail: Promise<unknown> = Promise.resolve();
  /** Wakes the writer idling with the lock: `true` for new appends, `false` to let go. */
  #wake: ((more: boolean) => void) | undefined;
  /** Another page (or a retention pass here) waits for the lock: hand it over after this batch. */
  #yieldLock = false;
  /** The chain head as this page last saw it (a guess, checked inside the first write of a session). */
  #head: Head | null | undefined;
  /** True while this page has held the lock since a checked write: `#head` is then the head. */
  #headTrusted = false;
  #sincePrune = 0;
  /** This writer's committed head that no seal covers yet (the hash it computed, never one read back). */
  #unsealed: Head | undefined;
  /** Records committed since the last seal started. */
  #unsealedCount = 0;
  #sealTimer: ReturnType<typeof setTimeout> | undefined;
  /** The signature being computed over `#unsealed` as it was then. */
  #signing: Promise<void> | undefined;
  /** A signed seal waiting for the next transaction (or the session's end) to be stored. */
  #sealReady: Seal | undefined;
  /** The writer session (`#drain`) in progress, if any: `close()` and `seal()` wait for its end. */
  #session: Promise<void> | undefined;
  /** This log instance (one per page and open): the owner of the `inflight` entries it writes. */
  readonly #instance = randomId();
  readonly #tab = tabId();
  /** Calls this instance started and has not ended (committed records). */
  readonly #own = new Set<string>();
  /** Where the entries of the calls this log started or read are (see inflight.ts). */
  readonly #entryPlaces: EntryPlaces = new Map();
  /** Ends of own calls refused while storage failed: those calls get `outcome-unknown` on recovery. */
  readonly #refusedEnds = new Set<string>();
  /** Held while `#own` is not empty (and a little after): `release` lets go. */
  #alive: { release: () => void } | undefined;
  #aliveRequest: Promise<void> | undefined;
  #aliveIdle: ReturnType<typeof setTimeout> | undefined;
  /** Other instances with calls in flight, whose alive lock this page waits for. */
  readonly #watching = new Set<string>();
  /** Instances that said they closed their log (over the channel). */
  readonly #closedPeers = new Set<string>();
  /**
   * This tab's instances with calls in flight when this page opened after a reload: the documents
   * the reload replaced. Firefox may release their locks only after this page has opened, so their
   * calls can be settled by a watch, and are still `reload`.
   */
  readonly #replaced = new Set<string>();
  /** Ends lock requests (watches) when the log closes. */
  readonly #closing = new AbortController();
  /** The scheduled or running recovery attempt while storage is failed. */
  #recovery: { attempt: number; timer?: ReturnType<typeof setTimeout>; running?: Promise<boolean> } | undefined;

  private constructor(name: string, db: ToolgateDb, key: DeviceKey | undefined, options: AuditLogOptions) {
    super();
    this.dbName = name;
    this.#db = db;
    this.#key = key;
    this.#options = options;
    this.failMode = options.failMode ?? 'closed';
    this.#user = { ...options.user };
    this.#agent = options.agent ?? { id: randomId() };
    this.#lockName = `toolgate-audit:${name}`;
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(this.#lockName);
      this.#channel.onmessage = (event: MessageEvent<ChannelMessage>) => {
        const message = event.data;
        if (message?.type === 'want-lock') this.#releaseLock();
        else if (message?.type === 'append') {
          if (message.starts && message.instance) this.#watch(message.instance);
          void this.#onRemoteAppend(message);
        } else if (message?.type === 'closed') this.#closedPeers.add(message.instance);
      };
    }
    globalThis.addEventListener?.('pagehide', this.#onPageHide, { signal: this.#closing.signal });
  }

  /**
   * A document that unloads (not into the back/forward cache) cannot know how its calls in flight
   * end: its worker and sockets go down with it. From then on it writes no more ends: the next page
   * writes them (`outcome-unknown`). The alive lock goes as soon as what was queued before is
   * committed, rather than when the browser gets round to freeing it (Firefox can take seconds).
   */
  #unloading = false;
  readonly #onPageHide = (event: Event): void => {
    if ((event as PageTransitionEvent).persisted) return;
    this.#unloading = true;
    void this.flush().then(() => this.#releaseAlive());
  };

  /**
   * RFC 7638 thumbprint of this device's key: the `device` of every record written here. Empty
   * while the key could not be created (storage failed at open); a new key after the database
   * was deleted and recovered.
   */
  get device(): string {
    return this.#key?.thumbprint ?? '';
  }

  override addEventListener<K extends keyof AuditLogEventMap>(
    type: K,
    listener: ((event: AuditLogEventMap[K]) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }
  override removeEventListener<K extends keyof AuditLogEventMap>(
    type: K,
    listener: ((event: AuditLogEventMap[K]) => void) | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener, options);
  }

  /** `ok`, `failed` (with the coded reason, until recovery writes again) or `closed`. */
  get health(): AuditHealth {
    return this.#health;
  }

  /** False once storage failed or the log was closed: `append` would reject. */
  get writable(): boolean {
    return this.#health.state === 'ok';
  }

  /** Throws the failure (`TG_STORAGE_*`, `TG_AUDIT_CLOSED`) unless records can be written. */
  assertWritable(): void {
    if (this.#health.state === 'closed') throw new TgError(ErrorCode.AUDIT_CLOSED, 'The audit log is closed');
    if (this.#failure) throw this.#refusal();
  }

  /**
   * For the gate, before any tool call: throws the storage failure when the log cannot write and
   * `failMode` is `closed`. Returns normally when writable, or when failing open.
   */
  assertCallsAllowed(): void {
    if (this.failMode === 'open' && this.#health.state === 'failed') return;
    this.assertWritable();
  }

  /** Sets the default user (e.g. once the OAuth `sub`/`iss` are known). Later records carry it. */
  setUser(user: UserIdentity): void {
    this.#user = { ...user };
  }

  /** Sets the default agent identity. */
  setAgent(agent: AgentIdentity): void {
    this.#agent = { ...agent };
  }

  /**
   * Appends one record and resolves with it once it is committed (write-ahead). Arguments,
   * result previews and error messages are redacted first (unless the input says it already was). `defer`: the caller does not wait for this commit (an after-the-fact record),
   * so it may be held up to `DEFER_MS` to share the next record's transaction; order is kept. Rejects with `TG_AUDIT_INVALID_RECORD`, `TG_STORAGE_FAILED`,
   * `TG_STORAGE_QUOTA` or `TG_AUDIT_CLOSED`; a rejected record was not written.
   */
  append(input: AuditInput, options: { defer?: boolean } = {}): Promise<AuditRecord> {
    try {
      this.assertWritable();
      validateInput(input);
      if (this.#unloading && ENDS.has(input.kind)) {
        throw new TgError(ErrorCode.AUDIT_CLOSED, 'The page is unloading: the next page writes how the call ended (outcome-unknown)');
      }
    } catch (err) {
      this.#noteRefused(input);
      return Promise.reject(err);
    }
    const body = this.#body(input);
    const appended = new Promise<AuditRecord>((resolve, reject) => {
      this.#queue.push({ body, deferred: options.defer === true, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        // A microtask, not a timer: appends made in the same task join the first batch, and a
        // lone write-ahead record is committed at once.
        queueMicrotask(() => void this.#drain());
      } else this.#wake?.(true);
    });
    this.#tail = appended.catch(() => undefined);
    return appended;
  }

  /** What is hashed and stored of an input: the log's default user and agent, secrets redacted. */
  #body(input: AuditInput): Record<string, unknown> {
    // Redacted before the record is built, so what is hashed and signed is what is stored.
    const redacted = redactAuditInput(input, this.#options.redaction === false ? 'raw' : (this.#options.redaction ?? {}));
    const { user, agent, ...rest } = redacted;
    return { ...rest, user: user ? { ...user } : { ...this.#user }, agent: agent ? { ...agent } : { ...this.#agent } };
  }

  /** Resolves once every append made so far is committed (or rejected). */
  flush(): Promise<void> {
    return this.#tail.then(() => undefined);
  }

  #drain(): Promise<void> {
    const session = this.#drainOnce();
    this.#session = session;
    void session.finally(() => {
      if (this.#session === session) this.#session = undefined;
    });
    return session;
  }

  async #drainOnce(): Promise<void> {
    try {
      // Ask a page holding the lock idle to let go (it would otherwise keep it for HOLD_MS).
      this.#channel?.postMessage({ type: 'want-lock' } satisfies ChannelMessage);
      await withLock(this.#lockName, async () => {
        try {
          await this.#writerSession();
        } finally {
          // Before the lock goes to another page (or the log closes): seal what this session wrote.
          await this.#finishSeal();
        }
      });
    } catch (err) {
      const error = storageError(err, 'append');
      this.fail(error);
    } finally {
      this.#draining = false;
      // Handed the lock over with records still queued: queue up for it again.
      if (this.#queue.length > 0 && this.#health.state === 'ok') {
        this.#draining = true;
        queueMicrotask(() => void this.#drain());
      }
    }
  }

  /** Holding the lock: commit batches while there are records, then idle a little before letting go. */
  async #writerSession(): Promise<void> {
    this.#yieldLock = false;
    this.#headTrusted = false; // another page may have written while we did not hold the lock
    const max = this.#options.maxBatch ?? 1000;
    for (;;) {
      while (this.#queue.length > 0) {
        if (this.#failure || this.#health.state !== 'ok') {
          for (const pending of this.#queue.splice(0)) this.#reject(pending, this.#failure ? this.#refusal() : new TgError(ErrorCode.AUDIT_CLOSED, 'The audit log is closed'));
          return;
        }
        // Only deferred records: give the next append a moment to join this transaction.
        if (!this.#yieldLock && this.#queue.every((p) => p.deferred)) await this.#idle(DEFER_MS);
        await this.#commit(this.#queue.splice(0, max));
        if (this.#yieldLock) return;
      }
      if (this.#yieldLock || this.#health.state !== 'ok') return;
      if (!(await this.#idle(HOLD_MS))) return;
    }
  }

  /** Waits up to `ms` for `#wake`: true when appends arrived, false on timeout or release. */
  async #idle(ms: number): Promise<boolean> {
    const more = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.#wake = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
    });
    this.#wake = undefined;
    return more;
  }

  /** Lets an idle writer session go (or the busy one after its batch). */
  #releaseLock(): void {
    this.#yieldLock = true;
    this.#wake?.(false);
  }

  async #commit(batch: Pending[]): Promise<void> {
    let committed: { record: AuditRecord; pending: Pending }[];
    const starts = batch.some((p) => p.body['kind'] === 'call-start');
    try {
      // Before a call-start is committed, this page holds its alive lock (see the header).
      if (starts) await this.#holdAlive();
      committed = await this.#writeLocked(batch);
    } catch (err) {
      const error = storageError(err, 'append');
      this.fail(error);
      for (const pending of batch) this.#reject(pending, error);
      return;
    }
    for (const { record, pending } of committed) pending.resolve(record);
    if (committed.length > 0) {
      const records = committed.map((c) => c.record);
      this.#trackOwn(records);
      this.#announce(records, starts);
      this.#sincePrune += records.length;
      const retention = this.#options.retention;
      if (retention && this.#sincePrune >= (retention.every ?? 1000)) {
        this.#sincePrune = 0;
        this.prune().catch(() => undefined); // a failure is reported through health
      }
    }
  }

  /**
   * Inside the lock: build, hash and sign against the head, then add in one transaction. The
   * first batch of a session builds on the last head this page knew and checks it inside the
   * transaction (no separate read); later batches trust it, as nobody else can write meanwhile.
   */
  async #writeLocked(batch: Pending[]): Promise<{ record: AuditRecord; pending: Pending }[]> {
    for (;;) {
      const check = !this.#headTrusted;
      const head = this.#head === undefined ? await this.#readHead() : this.#head;
      const built: { record: AuditRecord; pending: Pending }[] = [];
      let seq = head?.seq ?? 0;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const ts = Date.now();
      for (const pending of batch) {
        const record = { v: AUDIT_FORMAT_VERSION, ...pending.body, seq: seq + 1, ts, device: this.device, prevHash } as unknown as AuditRecord;
        try {
          record.hash = recordHash(record);
        } catch (err) {
          pending.reject(new TgError(ErrorCode.AUDIT_INVALID_RECORD, 'Invalid audit record: not JSON (NaN, Infinity or a lone surrogate)', { cause: err }));
          continue;
        }
        seq++;
        prevHash = record.hash;
        built.push({ record, pending });
      }
      if (built.length === 0) return built;
      const signing = this.#options.signing ?? 'seal';
      if (signing !== 'seal') await this.#sign(signing === 'every' ? built.map((b) => b.record) : [built[built.length - 1]!.record]);
      const newHead = await this.#addIfHead(head, built.map((b) => b.record), undefined, check);
      if (newHead === true) {
        this.#head = { seq, hash: prevHash };
        this.#headTrusted = true;
        if (signing === 'seal') this.#noteUnsealed(this.#head, built.length);
        return built;
      }
      // Another page wrote since we last looked: rebuild on its head.
      this.#head = newHead;
    }
  }

  async #sign(records: AuditRecord[]): Promise<void> {
    await Promise.all(
      records.map(async (record) => {
        record.sig = await this.#signature(record.hash);
      }),
    );
  }

  /** The device key's signature over a record hash (base64url, see record.ts). */
  async #signature(hash: string): Promise<string> {
    const key = this.#key;
    if (!key) throw new TgError(ErrorCode.STORAGE_FAILED, 'The device key could not be stored');
    return toBase64Url(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, encoder.encode(hash))));
  }

  // -------------------------------------------------------------------------------------------
  // Seals (signatures off the critical path)

  /** A commit moved this writer's head: seal it now (enough records) or soon (a timer). */
  #noteUnsealed(head: Head, count: number): void {
    this.#unsealed = head;
    this.#unsealedCount += count;
    if (this.#unsealedCount >= SEAL_EVERY_RECORDS) this.#startSeal();
    else this.#sealTimer ??= setTimeout(() => this.#startSeal(), SEAL_EVERY_MS);
  }

  /** Signs the unsealed head in the background; the seal is stored with the next transaction. */
  #startSeal(): void {
    clearTimeout(this.#sealTimer);
    this.#sealTimer = undefined;
    const head = this.#unsealed;
    if (!head || this.#signing) return;
    this.#unsealedCount = 0;
    this.#signing = this.#signature(head.hash)
      .then(
        (sig) => void (this.#sealReady = { seq: head.seq, hash: head.hash, sig }),
        () => undefined, // no key: this tail stays pending (the failure shows on the next write)
      )
      .finally(() => {
        if (this.#unsealed === head) this.#unsealed = undefined;
        this.#signing = undefined;
      });
  }

  /**
   * Holding the lock, at the end of a writer session: seal the head this session wrote and store
   * the seal, so the chain this page leaves behind ends signed. A failure leaves the tail pending.
   */
  async #finishSeal(): Promise<void> {
    try {
      while (this.#unsealed || this.#signing) {
        this.#startSeal();
        await this.#signing;
      }
      const seal = this.#sealReady;
      if (!seal || !this.#dbOpen) return;
      const tx = this.#db.transaction('seals', 'readwrite');
      void tx.store.put(seal);
      await tx.done;
    } catch {
      /* storage failing: the next append reports it */
    } finally {
      this.#sealReady = undefined;
      this.#unsealed = undefined;
      this.#unsealedCount = 0;
      clearTimeout(this.#sealTimer);
      this.#sealTimer = undefined;
    }
  }

  /**
   * Seals this page's committed head now: waits for its appends, then has the writer end its
   * session (it seals before letting go). `verify()` and exports call it first.
   */
  async seal(): Promise<void> {
    await this.#tail;
    const session = this.#session;
    if (!session) return;
    this.#releaseLock();
    await session;
  }

  /**
   * One readwrite transaction: if the chain head is still `expected`, add `records` (and delete
   * `deleteThrough`, for retention) and resolve `true`; otherwise abort and resolve the real head.
   */
  async #addIfHead(expected: Head | null, records: AuditRecord[], deleteThrough?: number, check = true): Promise<true | Head | null> {
    const tx = this.#db.transaction(['audit', 'auditChunks', 'inflight', 'inflightChunks', 'seals'], 'readwrite');
    const stores: RecordStores<'readwrite'> = { audit: tx.objectStore('audit'), chunks: tx.objectStore('auditChunks') };
    const inflight = tx.objectStore('inflight');
    const seals = tx.objectStore('seals');
    // A seal signed meanwhile rides along (no transaction of its own; see the header).
    const seal = this.#sealReady;
    const done = tx.done;
    done.catch(() => undefined);
    if (check) {
      const last = await edgeRecord(stores, 'prev');
      const actual: Head | null = last ? { seq: last.seq, hash: last.hash } : null;
      if (actual?.seq !== expected?.seq || actual?.hash !== expected?.hash) {
        tx.abort();
        return actual;
      }
    }
    const requests: Promise<unknown>[] = [];
    if (deleteThrough !== undefined) {
      requests.push(deleteRecordsThrough(stores, deleteThrough));
      requests.push(seals.delete(IDBKeyRange.upperBound(deleteThrough)));
    }
    if (seal) requests.push(seals.put(seal));
    requests.push(...addRecords(stores, records));
    // The calls without an end, kept with the records that start and end them.
    requests.push(...writeInflight({ inflight, chunks: tx.objectStore('inflightChunks') }, records, (start) => this.#inflightEntry(start), this.#entryPlaces));
    try {
      await Promise.all([...requests, done]);
    } catch (err) {
      // One request failed (or the commit did): none of the others may stand alone.
      try {
        tx.abort();
      } catch {
        /* already aborted */
      }
      throw err;
    }
    if (seal && this.#sealReady === seal) this.#sealReady = undefined;
    return true;
  }

  #inflightEntry(record: Extract<AuditRecord, { kind: 'call-start' }>): InflightCall {
    const entry: InflightCall = { callId: record.callId, instance: this.#instance, startSeq: record.seq, server: record.server, tool: record.tool, ts: record.ts };
    if (this.#tab !== undefined) entry.tab = this.#tab;
    return entry;
  }

  async #readHead(): Promise<Head | null> {
    const last = await edgeRecord(this.#recordStores(), 'prev');
    return last ? { seq: last.seq, hash: last.hash } : null;
  }

  /** The two stores records live in (see chunks.ts) and their seals, in a new read-only transaction. */
  #recordStores() {
    const tx = this.#db.transaction(['audit', 'auditChunks', 'seals']);
    return { audit: tx.objectStore('audit'), chunks: tx.objectStore('auditChunks'), seals: tx.objectStore('seals') };
  }

  async #onRemoteAppend({ from, to }: { from: number; to: number }): Promise<void> {
    if (this.#health.state !== 'ok') return;
    // No need to touch `#head`: the next session checks it inside its first transaction.
    try {
      const records = await readRecords(this.#recordStores(), from, to);
      if (records.length > 0) this.dispatchEvent(new AuditAppendEvent(records, true));
    } catch {
      // Reading for live updates only; a real failure shows up on the next append.
    }
  }

  /**
   * Applies the retention policy (given, or the one the log was opened with): removes the oldest
   * records and, in the same transaction, appends a signed `checkpoint` carrying the hash the
   * remaining chain continues from, so it still verifies. Resolves the number removed.
   */
  async prune(policy: Omit<RetentionPolicy, 'every'> | undefined = this.#options.retention): Promise<number> {
    this.assertWritable();
    if (!policy || (policy.maxRecords === undefined && policy.maxAgeMs === undefined)) return 0;
    this.#releaseLock(); // a writer of this page idling with the lock lets go
    try {
      return await withLock(this.#lockName, async () => {
        for (;;) {
          const head = await this.#readHead();
          if (!head) return 0;
          const firstSeq = (await edgeRecord(this.#recordStores(), 'next'))?.seq ?? head.seq;
          let through = 0;
          if (policy.maxRecords !== undefined) through = Math.max(through, head.seq - Math.max(1, policy.maxRecords));
          if (policy.maxAgeMs !== undefined) {
            const cutoff = Date.now() - policy.maxAgeMs;
            // Oldest first, a page at a time, until a record is young enough.
            for (let next = firstSeq, old = true; old && next <= head.seq; ) {
              const page = await readRecords(this.#recordStores(), next, head.seq, 1000);
              if (page.length === 0) break;
              for (const record of page) {
                if (record.ts >= cutoff) {
                  old = false;
                  break;
                }
                through = Math.max(through, record.seq);
              }
              next = page[page.length - 1]!.seq + 1;
            }
          }
          if (through < firstSeq) return 0;
          const anchor = await readRecord(this.#recordStores(), through);
          if (!anchor) return 0;
          const body: Omit<CheckpointBody, 'kind'> = {
            prunedThrough: through,
            anchorHash: anchor.hash,
            removed: through - firstSeq + 1,
            policy: { ...(policy.maxRecords !== undefined ? { maxRecords: policy.maxRecords } : {}), ...(policy.maxAgeMs !== undefined ? { maxAgeMs: policy.maxAgeMs } : {}) },
          };
          const checkpoint = {
            v: AUDIT_FORMAT_VERSION,
            kind: 'checkpoint',
            ...body,
            user: { ...this.#user },
            agent: { ...this.#agent },
            seq: head.seq + 1,
            ts: Date.now(),
            device: this.device,
            prevHash: head.hash,
          } as unknown as AuditRecord;
          checkpoint.hash = recordHash(checkpoint);
          await this.#sign([checkpoint]);
          const result = await this.#addIfHead(head, [checkpoint], through);
          if (result === true) {
            this.#head = { seq: checkpoint.seq, hash: checkpoint.hash };
            this.#announce([checkpoint], false);
            return body.removed;
          }
        }
      });
    } catch (err) {
      const error = storageError(err, 'retention');
      this.fail(error);
      throw error;
    }
  }

  /** The last committed record's seq and hash, or null for an empty log. */
  async head(): Promise<Head | null> {
    return this.#read('read head', () => this.#readHead());
  }

  /** Number of stored records. */
  async count(): Promise<number> {
    return this.#read('count', () => countRecords(this.#recordStores()));
  }

  /** One record by seq (with its seal as `sig`). */
  async get(seq: number): Promise<AuditRecord | undefined> {
    return (await this.range(seq, seq))[0];
  }

  /**
   * Records with `from ≤ seq ≤ to`, ascending, each with its seal as `sig` when it has one: one
   * read-only transaction over the record stores (see chunks.ts) and the seals.
   */
  async range(from: number, to: number, limit?: number): Promise<AuditRecord[]> {
    return this.#read('read', async () => {
      const stores = this.#recordStores();
      const [records, seals] = await Promise.all([readRecords(stores, from, to, limit), stores.seals.getAll(IDBKeyRange.bound(from, to))]);
      return withSeals(records, seals);
    });
  }

  /**
   * Every record from `from` (default: the first) to `to` (default: the head when iteration
   * starts), ascending, read `batchSize` at a time in short transactions (never one giant read).
   */
  async *records(options: { from?: number; to?: number; batchSize?: number } = {}): AsyncGenerator<AuditRecord> {
    const batchSize = options.batchSize ?? 2000;
    const to = options.to ?? (await this.head())?.seq ?? 0;
    let next = options.from ?? 0;
    while (next <= to) {
      const batch = await this.range(next, to, batchSize);
      if (batch.length === 0) return;
      yield* batch;
      next = batch[batch.length - 1]!.seq + 1;
    }
  }

  /** Public keys (by thumbprint) of every device that signed in this database. */
  async publicKeys(): Promise<Record<string, JsonWebKey>> {
    return this.#read('read keys', () => publicKeys(this.#db));
  }

  /**
   * Verifies the stored chain: hashes, links, signatures, checkpoints. Reports the first broken
   * link, or the pending tail (records no seal covers yet: another page's, or a page that went
   * away before it sealed). Seals this page's own head first.
   */
  async verify(options: { trustedDevices?: readonly string[] } = {}): Promise<VerifyResult> {
    await this.seal();
    const keys = await this.publicKeys();
    // Loaded on demand: verifying is a review action, not part of any page's first paint.
    const { verifyChain } = await import('./verify.js');
    return verifyChain(this.records(), { keys, ...(options.trustedDevices ? { trustedDevices: options.trustedDevices } : {}) });
  }

  /**
   * Marks the log failed with `error` (a storage failure found by this log or reported by the
   * host), rejects queued appends, tells listeners, and starts retrying (see `retry`). The first
   * reason sticks until the log recovers.
   */
  fail(error: TgError): void {
    if (this.#failure || this.#health.state === 'closed') return;
    this.#failure = error;
    this.#health = { state: 'failed', error: { code: error.code, message: error.message }, since: Date.now() };
    for (const pending of this.#queue.splice(0)) this.#reject(pending, this.#refusal());
    this.#releaseLock();
    this.dispatchEvent(new AuditHealthEvent(this.#health));
    this.#scheduleRecovery();
  }

  /**
   * Tries to write again now (the banner's Retry; also done automatically with a backoff): reopens
   * the database if it was closed or deleted, and commits a `storage-unavailable` record saying
   * from when to when nothing could be written. Resolves true when the log is `ok` again (calls
   * are allowed from then on), false while storage still fails or the log is closed.
   */
  retry(): Promise<boolean> {
    if (this.#health.state === 'ok') return Promise.resolve(true);
    if (this.#health.state === 'closed') return Promise.resolve(false);
    const recovery = (this.#recovery ??= { attempt: 0 });
    clearTimeout(recovery.timer);
    recovery.timer = undefined;
    return (recovery.running ??= this.#recover().then((ok) => {
      recovery.running = undefined;
      if (!ok) this.#scheduleRecovery();
      return ok;
    }));
  }

  /** Closes the database connection; later appends reject with `TG_AUDIT_CLOSED`. */
  close(): void {
    if (this.#health.state === 'closed') return;
    this.#health = { state: 'closed' };
    closedInstances.add(this.#instance);
    this.#channel?.postMessage({ type: 'closed', instance: this.#instance } satisfies ChannelMessage);
    this.#channel?.close();
    for (const pending of this.#queue.splice(0)) this.#reject(pending, new TgError(ErrorCode.AUDIT_CLOSED, 'The audit log is closed'));
    this.#releaseLock();
    clearTimeout(this.#recovery?.timer);
    this.#closing.abort();
    this.#releaseAlive();
    // A writer session still running seals its head first (its last transaction), then the connection goes.
    const db = this.#db;
    if (this.#session) void this.#session.finally(() => db.close());
    else db.close();
    this.dispatchEvent(new AuditHealthEvent(this.#health));
  }

  // -------------------------------------------------------------------------------------------
  // Storage recovery

  /** The browser or another connection closed `db`: it cannot be used again, recovery reopens it. */
  #lostDb(db: ToolgateDb, error: TgError): void {
    if (db !== this.#db) return; // an older connection, already replaced
    this.#dbOpen = false;
    this.fail(error);
  }

  #scheduleRecovery(): void {
    const policy = this.#options.recovery === false ? undefined : { ...DEFAULT_RECOVERY, ...this.#options.recovery };
    if (this.#health.state !== 'failed') return;
    const recovery = (this.#recovery ??= { attempt: 0 });
    if (!policy || recovery.running || recovery.timer || recovery.attempt >= policy.maxAttempts) return;
    // A floor: storage that just failed does not come back within microseconds.
    const delayMs = Math.max(policy.baseDelayMs / 4, fullJitterDelay(recovery.attempt + 1, policy));
    recovery.timer = setTimeout(() => {
      recovery.timer = undefined;
      void this.retry();
    }, delayMs);
  }

  async #recover(): Promise<boolean> {
    const recovery = this.#recovery!;
    recovery.attempt++;
    const failure = this.#failure;
    const from = this.#health.state === 'failed' ? this.#health.since : Date.now();
    try {
      if (!this.#dbOpen) {
        const holder = { log: this as AuditLog };
        const db = await AuditLog.#openDb(this.dbName, holder);
        if (this.#health.state === 'closed') {
          db.close();
          return false;
        }
        this.#db = db;
        this.#dbOpen = true;
        // A deleted database comes back empty: a new chain, under a new device key.
        this.#key = undefined;
      }
      this.#key ??= await loadOrCreateDeviceKey(this.#db);
      // The proof that the log can write again is the record that says it could not — and, in the
      // same transaction, the calls of this page whose end it had to refuse meanwhile.
      const inputs: AuditInput[] = [
        { kind: 'storage-unavailable', from, to: Date.now(), error: { code: failure?.code ?? ErrorCode.STORAGE_FAILED, message: failure?.message ?? 'unknown' } },
      ];
      const stranded = (await readInflight(this.#db, this.#entryPlaces)).filter((call) => call.instance === this.#instance && this.#refusedEnds.has(call.callId));
      for (const call of stranded) inputs.push(await this.#unknownInput(call, 'storage-failed'));
      const pending = inputs.map((input): Pending => ({ body: this.#body(input), deferred: false, resolve: () => {}, reject: () => {} }));
      const built = await withLock(this.#lockName, async () => {
        this.#head = undefined;
        this.#headTrusted = false;
        try {
          return await this.#writeLocked(pending);
        } finally {
          await this.#finishSeal();
        }
      });
      if (this.#health.state === 'closed') return false;
      this.#refusedEnds.clear();
      this.#failure = undefined;
      this.#recovery = undefined;
      this.#health = { state: 'ok' };
      this.dispatchEvent(new AuditHealthEvent(this.#health));
      const records = built.map((b) => b.record);
      if (records.length > 0) {
        this.#trackOwn(records);
        this.#announce(records, false);
      }
      await this.#reconcile('recovered');
      return true;
    } catch (err) {
      if (this.#health.state !== 'failed') return false;
      // Still failing: keep the first reason's time (`since`), show the latest reason.
      const error = storageError(err, 'recover');
      this.#health = { state: 'failed', error: { code: error.code, message: error.message }, since: from };
      this.dispatchEvent(new AuditHealthEvent(this.#health));
      return false;
    }
  }

  /** Rejects a queued record, remembering refused ends of this page's own calls. */
  #reject(pending: Pending, error: unknown): void {
    this.#noteRefused(pending.body as unknown as AuditInput);
    pending.reject(error);
  }

  #noteRefused(input: AuditInput): void {
    if (input && ENDS.has(input.kind) && 'callId' in input && input.callId !== undefined && this.#own.has(input.callId)) this.#refusedEnds.add(input.callId);
  }

  // -------------------------------------------------------------------------------------------
  // Calls without an end (reconciliation)

  /** Tells this page's listeners and the other pages about committed records. */
  #announce(records: AuditRecord[], starts: boolean): void {
    this.dispatchEvent(new AuditAppendEvent(records));
    this.#channel?.postMessage({
      type: 'append',
      from: records[0]!.seq,
      to: records[records.length - 1]!.seq,
      instance: this.#instance,
      starts,
    } satisfies ChannelMessage);
  }

  /** Keeps `#own` (this page's calls in flight) in step with committed records; lets the alive lock go when none are left. */
  #trackOwn(records: AuditRecord[]): void {
    for (const record of records) {
      if (record.kind === 'call-start') this.#own.add(record.callId);
      else if (record.callId !== undefined && ENDS.has(record.kind)) this.#own.delete(record.callId);
    }
    if (this.#own.size === 0 && this.#alive) {
      clearTimeout(this.#aliveIdle);
      this.#aliveIdle = setTimeout(() => {
        // A call-start may be on its way to a commit: only an idle page lets go.
        if (this.#own.size === 0 && !this.#draining) this.#releaseAlive();
      }, ALIVE_HOLD_MS);
    }
  }

  /** Takes this page's alive lock (before a call-start is committed); a no-op without Web Locks. */
  async #holdAlive(): Promise<void> {
    clearTimeout(this.#aliveIdle);
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (this.#alive || !locks) return;
    this.#aliveRequest ??= new Promise<void>((granted, failed) => {
      locks
        .request(aliveLockName(this.dbName, this.#instance), () => new Promise<void>((release) => {
          this.#alive = { release };
          granted();
        }))
        .catch(failed);
    }).finally(() => {
      this.#aliveRequest = undefined;
    });
    await this.#aliveRequest;
  }

  #releaseAlive(): void {
    clearTimeout(this.#aliveIdle);
    this.#alive?.release();
    this.#alive = undefined;
  }

  /**
   * Finds calls without an end whose page is gone and writes `outcome-unknown` for each; waits
   * (in the background) on the pages still alive. On open, and after storage recovered.
   */
  async #reconcile(context: 'open' | 'recovered'): Promise<void> {
    let calls: StoredInflightCall[];
    try {
      calls = await readInflight(this.#db, this.#entryPlaces);
    } catch {
      return; // a real storage failure shows on the next append
    }
    const instances = new Set(calls.map((call) => call.instance));
    instances.delete(this.#instance);
    if (context === 'open' && reloaded()) for (const call of calls) if (call.tab !== undefined && call.tab === this.#tab) this.#replaced.add(call.instance);
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    await Promise.all(
      [...instances].map(async (instance) => {
        if (!locks) {
          // Without Web Locks a live page cannot be told from a gone one: only calls of no page are settled.
          if (instance === '') await this.#reconcileInstance(instance, context);
          return;
        }
        await locks.request(aliveLockName(this.dbName, instance), { ifAvailable: true }, async (lock) => {
          if (lock) await this.#reconcileInstance(instance, context);
          else this.#watch(instance);
        });
      }),
    ).catch(() => undefined);
  }

  /** Waits for `instance`'s alive lock (its page has calls in flight): granted when it has none left, or is gone. */
  #watch(instance: string): void {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks || instance === this.#instance || this.#watching.has(instance) || this.#health.state === 'closed') return;
    this.#watching.add(instance);
    locks
      .request(aliveLockName(this.dbName, instance), { signal: this.#closing.signal }, async () => {
        this.#watching.delete(instance);
        await this.#reconcileInstance(instance, 'watch');
      })
      .catch(() => this.#watching.delete(instance));
  }

  /**
   * Holding `instance`'s alive lock: its page has no call in flight, so any entry left is a call
   * that will never end. Waits for the records to commit before the lock goes to the next page.
   */
  async #reconcileInstance(instance: string, context: 'open' | 'recovered' | 'watch'): Promise<void> {
    if (!this.writable) return; // recovery reconciles later
    let calls: StoredInflightCall[];
    try {
      calls = await readInflight(this.#db, this.#entryPlaces, instance);
    } catch {
      return;
    }
    await this.#writeUnknown(calls, (call) => this.#reasonFor(call, context));
  }

  async #writeUnknown(calls: InflightCall[], reason: (call: InflightCall) => OutcomeUnknownReason): Promise<void> {
    await Promise.all(calls.map(async (call) => this.append(await this.#unknownInput(call, reason(call))))).catch(
      () => undefined, // a storage failure is reported through health; the entries stay for later
    );
  }

  /** The `outcome-unknown` record of a call, in the name of the call's own user and agent (from its call-start, unless retention removed it). */
  async #unknownInput(call: InflightCall, reason: OutcomeUnknownReason): Promise<AuditInput> {
    const start = await readRecord(this.#recordStores(), call.startSeq).catch(() => undefined);
    const owner = start?.callId === call.callId ? { user: start.user, agent: start.agent } : {};
    return { kind: 'outcome-unknown', callId: call.callId, server: call.server, tool: call.tool, reason, startSeq: call.startSeq, ...owner };
  }

  #reasonFor(call: InflightCall, context: 'open' | 'recovered' | 'watch'): OutcomeUnknownReason {
    if (call.instance === '') return 'earlier-session';
    if (closedInstances.has(call.instance) || this.#closedPeers.has(call.instance)) return 'log-closed';
    if (this.#replaced.has(call.instance)) return 'reload';
    return 'tab-closed';
  }

  #refusal(): TgError {
    const failure = this.#failure!;
    return new TgError(failure.code, `Audit log unavailable: ${failure.message}`, { cause: failure, data: { health: this.#health } });
  }

  async #read<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    if (this.#health.state === 'closed') throw new TgError(ErrorCode.AUDIT_CLOSED, 'The audit log is closed');
    await this.#tail; // read your writes: appends made before this read are committed first
    try {
      return await fn();
    } catch (err) {
      throw storageError(err, doing);
    }
  }
}
