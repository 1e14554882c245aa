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
 * - Reads through the log (`range`, `records`, `count`, `head`, `verify`, …) first wait for the
 *   appends made before them: a page reads its own writes.
 * - Failure is loud: a storage failure rejects the append with `TG_STORAGE_FAILED` or
 *   `TG_STORAGE_QUOTA`, sets `health` to `failed` and fires `health`; every later append is
 *   refused. With `failMode: 'closed'` (default) `assertCallsAllowed()` throws, so the gate
 *   refuses tool calls; with `'open'` calls may go on unaudited (the host chose that).
 * - Signatures: the last record of every committed batch is signed with the device key (its
 *   hash covers the whole chain before it), so every committed state ends in a signed record.
 *   `signing: 'every'` signs each record instead (≈ several times slower; see bench/).
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import { openToolgateDb, toolgateDbName, type ToolgateDb } from '../storage/db.js';
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
  type UserIdentity,
} from './record.js';
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
  /** `batch` (default): sign the last record of each commit. `every`: sign each record. */
  signing?: 'batch' | 'every';
  /** At most this many records per transaction. Default 1000. */
  maxBatch?: number;
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

/** BroadcastChannel messages between pages of one database. */
type ChannelMessage = { type: 'append'; from: number; to: number } | { type: 'want-lock' };

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
    let log: AuditLog | undefined;
    let db: ToolgateDb;
    let key: DeviceKey;
    try {
      db = await openToolgateDb(name, {
        onVersionChange: () =>
          log?.fail(new TgError(ErrorCode.STORAGE_FAILED, 'The audit database was deleted or upgraded by another connection and is closed')),
        onTerminated: () => log?.fail(new TgError(ErrorCode.STORAGE_FAILED, 'The browser closed the audit database (storage cleared or broken)')),
      });
      [key] = await Promise.all([loadOrCreateDeviceKey(db), loadSecretRules()]);
    } catch (err) {
      throw storageError(err, 'open');
    }
    log = new AuditLog(name, db, key, options);
    if (options.retention) await log.prune();
    return log;
  }

  /** The IndexedDB database name (`toolgate` or `toolgate:<tenant>`). */
  readonly dbName: string;
  /** RFC 7638 thumbprint of this device's key: the `device` of every record written here. */
  readonly device: string;
  /** What a storage failure means for tool calls. */
  failMode: FailMode;

  readonly #db: ToolgateDb;
  readonly #key: DeviceKey;
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

  private constructor(name: string, db: ToolgateDb, key: DeviceKey, options: AuditLogOptions) {
    super();
    this.dbName = name;
    this.#db = db;
    this.#key = key;
    this.device = key.thumbprint;
    this.#options = options;
    this.failMode = options.failMode ?? 'closed';
    this.#user = { ...options.user };
    this.#agent = options.agent ?? { id: randomId() };
    this.#lockName = `toolgate-audit:${name}`;
    db.addEventListener('close', () => this.fail(new TgError(ErrorCode.STORAGE_FAILED, 'The browser closed the audit database')));
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(this.#lockName);
      this.#channel.onmessage = (event: MessageEvent<ChannelMessage>) => {
        if (event.data?.type === 'want-lock') this.#releaseLock();
        else if (event.data?.type === 'append') void this.#onRemoteAppend(event.data);
      };
    }
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

  /** `ok`, `failed` (with the coded reason; stays failed until the log is reopened) or `closed`. */
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
    } catch (err) {
      return Promise.reject(err);
    }
    // Redacted before the record is built, so what is hashed and signed is what is stored.
    const redacted = redactAuditInput(input, this.#options.redaction === false ? 'raw' : (this.#options.redaction ?? {}));
    const { user, agent, ...rest } = redacted;
    const body: Record<string, unknown> = { ...rest, user: user ? { ...user } : { ...this.#user }, agent: agent ? { ...agent } : { ...this.#agent } };
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

  /** Resolves once every append made so far is committed (or rejected). */
  flush(): Promise<void> {
    return this.#tail.then(() => undefined);
  }

  async #drain(): Promise<void> {
    try {
      // Ask a page holding the lock idle to let go (it would otherwise keep it for HOLD_MS).
      this.#channel?.postMessage({ type: 'want-lock' } satisfies ChannelMessage);
      await withLock(this.#lockName, () => this.#writerSession());
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
          for (const pending of this.#queue.splice(0)) pending.reject(this.#failure ? this.#refusal() : new TgError(ErrorCode.AUDIT_CLOSED, 'The audit log is closed'));
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
    try {
      committed = await this.#writeLocked(batch);
    } catch (err) {
      const error = storageError(err, 'append');
      this.fail(error);
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const { record, pending } of committed) pending.resolve(record);
    if (committed.length > 0) {
      const records = committed.map((c) => c.record);
      this.dispatchEvent(new AuditAppendEvent(records));
      this.#channel?.postMessage({ type: 'append', from: records[0]!.seq, to: records[records.length - 1]!.seq } satisfies ChannelMessage);
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
      await this.#sign(this.#options.signing === 'every' ? built.map((b) => b.record) : [built[built.length - 1]!.record]);
      const newHead = await this.#addIfHead(head, built.map((b) => b.record), undefined, check);
      if (newHead === true) {
        this.#head = { seq, hash: prevHash };
        this.#headTrusted = true;
        return built;
      }
      // Another page wrote since we last looked: rebuild on its head.
      this.#head = newHead;
    }
  }

  async #sign(records: AuditRecord[]): Promise<void> {
    await Promise.all(
      records.map(async (record) => {
        const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.#key.privateKey, encoder.encode(record.hash));
        record.sig = toBase64Url(new Uint8Array(sig));
      }),
    );
  }

  /**
   * One readwrite transaction: if the chain head is still `expected`, add `records` (and delete
   * `deleteThrough`, for retention) and resolve `true`; otherwise abort and resolve the real head.
   */
  async #addIfHead(expected: Head | null, records: AuditRecord[], deleteThrough?: number, check = true): Promise<true | Head | null> {
    const tx = this.#db.transaction('audit', 'readwrite');
    const done = tx.done;
    done.catch(() => undefined);
    if (check) {
      const cursor = await tx.store.openCursor(null, 'prev');
      const actual: Head | null = cursor ? { seq: cursor.value.seq, hash: cursor.value.hash } : null;
      if (actual?.seq !== expected?.seq || actual?.hash !== expected?.hash) {
        tx.abort();
        return actual;
      }
    }
    const requests: Promise<unknown>[] = [];
    if (deleteThrough !== undefined) requests.push(tx.store.delete(IDBKeyRange.upperBound(deleteThrough)));
    // `add`, not `put`: a seq that exists already fails the transaction instead of overwriting.
    for (const record of records) requests.push(tx.store.add(record));
    await Promise.all([...requests, done]);
    return true;
  }

  async #readHead(): Promise<Head | null> {
    const cursor = await this.#db.transaction('audit').store.openCursor(null, 'prev');
    return cursor ? { seq: cursor.value.seq, hash: cursor.value.hash } : null;
  }

  async #onRemoteAppend({ from, to }: { from: number; to: number }): Promise<void> {
    if (this.#health.state !== 'ok') return;
    // No need to touch `#head`: the next session checks it inside its first transaction.
    try {
      const records = await this.#db.getAll('audit', IDBKeyRange.bound(from, to));
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
          const firstCursor = await this.#db.transaction('audit').store.openCursor();
          const firstSeq = firstCursor?.value.seq ?? head.seq;
          let through = 0;
          if (policy.maxRecords !== undefined) through = Math.max(through, head.seq - Math.max(1, policy.maxRecords));
          if (policy.maxAgeMs !== undefined) {
            const cutoff = Date.now() - policy.maxAgeMs;
            let cursor = await this.#db.transaction('audit').store.openCursor();
            while (cursor && cursor.value.ts < cutoff && cursor.value.seq <= head.seq) {
              through = Math.max(through, cursor.value.seq);
              cursor = await cursor.continue();
            }
          }
          if (through < firstSeq) return 0;
          const anchor = await this.#db.get('audit', through);
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
            this.dispatchEvent(new AuditAppendEvent([checkpoint]));
            this.#channel?.postMessage({ type: 'append', from: checkpoint.seq, to: checkpoint.seq } satisfies ChannelMessage);
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
    return this.#read('count', () => this.#db.count('audit'));
  }

  /** One record by seq. */
  async get(seq: number): Promise<AuditRecord | undefined> {
    return this.#read('read', () => this.#db.get('audit', seq));
  }

  /** Records with `from ≤ seq ≤ to`, ascending, read in one `getAll`. */
  async range(from: number, to: number, limit?: number): Promise<AuditRecord[]> {
    return this.#read('read', () => this.#db.getAll('audit', IDBKeyRange.bound(from, to), limit));
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

  /** Verifies the stored chain: hashes, links, signatures, checkpoints. Reports the first broken link. */
  async verify(options: { trustedDevices?: readonly string[] } = {}): Promise<VerifyResult> {
    const keys = await this.publicKeys();
    // Loaded on demand: verifying is a review action, not part of any page's first paint.
    const { verifyChain } = await import('./verify.js');
    return verifyChain(this.records(), { keys, ...(options.trustedDevices ? { trustedDevices: options.trustedDevices } : {}) });
  }

  /**
   * Marks the log failed with `error` (a storage failure found by this log or reported by the
   * host), rejects queued appends, and tells listeners. Idempotent: the first reason sticks.
   */
  fail(error: TgError): void {
    if (this.#failure || this.#health.state === 'closed') return;
    this.#failure = error;
    this.#health = { state: 'failed', error: { code: error.code, message: error.message }, since: Date.now() };
    for (const pending of this.#queue.splice(0)) pending.reject(this.#refusal());
    this.#releaseLock();
    this.dispatchEvent(new AuditHealthEvent(this.#health));
  }

  /** Closes the database connection; later appends reject with `TG_AUDIT_CLOSED`. */
  close(): void {
    if (this.#health.state === 'closed') return;
    this.#health = { state: 'closed' };
    this.#channel?.close();
    for (const pending of this.#queue.splice(0)) pending.reject(new TgError(ErrorCode.AUDIT_CLOSED, 'The audit log is closed'));
    this.#releaseLock();
    this.#db.close();
    this.dispatchEvent(new AuditHealthEvent(this.#health));
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
