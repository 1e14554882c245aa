/**
 * The Toolgate IndexedDB database: ONE schema for every store, one versioned upgrade.
 *
 * A tenant partitions everything: the database is `toolgate` or `toolgate:<tenant>`, so two
 * tenants embedded on one origin never share keys, policy, pins or audit chain.
 *
 * Rule for every module that uses it: never await anything but IndexedDB requests inside a
 * transaction (no network, no WebCrypto) — the transaction commits as soon as it has nothing
 * pending, and a later request would throw `TransactionInactiveError`.
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { AuditRecord, ServerRef, ToolRef } from '../audit/record.js';

/**
 * Bump when a store or index is added, and add a `case` to `upgrade`.
 * 1: audit, keys, policy, pins. 2: inflight (calls without an end), otlp (collector cursors).
 * 3: seals (signatures over the chain head, audit format 3); the audit store's five indexes
 * dropped (no reader used them, and every `add` paid for all five).
 * 4: auditChunks and inflightChunks (a burst of records committed together, and the calls it starts,
 * are stored as a few rows, not one row each: IndexedDB's cost is per row, see src/audit/chunks.ts
 * and src/audit/inflight.ts). Nothing moves: older rows stay where they are and are read as before.
 */
export const TOOLGATE_DB_VERSION = 4;

/** The indexes the audit store had in versions 1 and 2 (`kind` is still read while upgrading from 1). */
const V1_AUDIT_INDEXES = ['ts', 'kind', 'server', 'tool', 'callId'] as const;

/** A key kept in the `keys` store: the device key pair (`id: 'device'`) or a retired public key. */
export interface StoredKey {
  /** `'device'` for the current key pair; `'pub:<thumbprint>'` for every public key ever used. */
  id: string;
  /** RFC 7638 JWK thumbprint (base64url) of the public key. */
  thumbprint: string;
  publicJwk: JsonWebKey;
  /** Non-extractable; stored by structured clone, so the private key bytes never reach script. */
  privateKey?: CryptoKey;
  publicKey?: CryptoKey;
  createdAt: number;
}

/**
 * A call whose `call-start` is committed and whose end is not yet: written and removed in the same
 * transaction as those records, so it is exactly the set of calls that may be left without an end.
 */
export interface InflightCall {
  callId: string;
  /** The audit-log instance (one page's log) that started it; `''` for calls found when upgrading from version 1. */
  instance: string;
  /** That page's tab (a reload keeps it), when the page had one. */
  tab?: string;
  /** The `seq` of the `call-start`. */
  startSeq: number;
  server: ServerRef;
  tool: ToolRef;
  ts: number;
}

/**
 * A seal (audit format 3): the device's signature over the chain head `seq`/`hash` as its writer
 * computed it, kept beside the record (outside what the hash covers) and read back as its `sig`.
 */
export interface Seal {
  seq: number;
  hash: string;
  sig: string;
}

/**
 * Consecutive audit records committed in one transaction, kept as one row (version 4): records
 * `from`…`to`, ascending, each exactly as a row of `audit` would hold it. Keyed `[to, from]`, so a
 * range read finds the chunks that reach into it and `count` needs the keys only.
 */
export interface AuditChunk {
  from: number;
  to: number;
  records: AuditRecord[];
}

/**
 * (Version 4) The calls a burst started, as one row per up to `CHUNK_RECORDS` calls, keyed by the
 * first call's `startSeq`; an end rewrites the row without its call, the last one deletes it.
 */
export interface InflightChunk {
  key: number;
  instance: string;
  calls: InflightCall[];
}

/** How far an OpenTelemetry collector has acknowledged the chain (src/audit/otlp-shipper.ts). */
export interface OtlpCursor {
  /** The collector's key (its URL unless the host names it). */
  id: string;
  /** The last record the collector acknowledged: its seq and hash (a rebuilt chain does not match). */
  ackedSeq: number;
  ackedHash: string;
  updatedAt: number;
}

export interface ToolgateDB extends DBSchema {
  /** The audit chain, keyed by `seq`. (Versions 1–2 also had indexes ts, kind, server, tool, callId.) */
  audit: { key: number; value: AuditRecord };
  /** (Version 4) Bursts of the audit chain, a row per up to `CHUNK_RECORDS` records (see src/audit/chunks.ts). */
  auditChunks: { key: [number, number]; value: AuditChunk };
  /** Seals over the audit chain head, keyed by the sealed record's `seq` (version 3). */
  seals: { key: number; value: Seal };
  /** Device key pair and the public keys that signed records. */
  keys: { key: string; value: StoredKey };
  /** Policy documents (owned by src/gate/). Declared now so the gate needs no version bump. */
  policy: { key: string; value: unknown };
  /** Tool definition pins (owned by src/gate/). */
  pins: { key: string; value: unknown };
  /** Calls started and not ended, by `callId` (maintained by the audit log with its records). */
  inflight: { key: string; value: InflightCall; indexes: { instance: string } };
  /** (Version 4) Calls in flight started by a burst, a row per up to `CHUNK_RECORDS` calls (see src/audit/inflight.ts). */
  inflightChunks: { key: number; value: InflightChunk; indexes: { instance: string } };
  /** Collector cursors, by collector id. */
  otlp: { key: string; value: OtlpCursor };
}

export type ToolgateDb = IDBPDatabase<ToolgateDB>;

/** `toolgate`, or `toolgate:<tenant>` when a tenant is given. */
export function toolgateDbName(tenant?: string): string {
  return tenant ? `toolgate:${tenant}` : 'toolgate';
}

export interface OpenDbOptions {
  /**
   * Another connection wants to upgrade or delete the database. The connection is closed right
   * after this runs (holding it open would block the other page forever).
   */
  onVersionChange?: () => void;
  /** The browser closed the connection abnormally (storage cleared, disk error). */
  onTerminated?: () => void;
}

/** Opens (creating or upgrading) the Toolgate database `name`. */
export async function openToolgateDb(name: string, options: OpenDbOptions = {}): Promise<ToolgateDb> {
  let db: ToolgateDb | undefined;
  db = await openDB<ToolgateDB>(name, TOOLGATE_DB_VERSION, {
    async upgrade(database, oldVersion, _newVersion, transaction) {
      // Each step brings the schema one version forward, so any older database reaches the current one.
      if (oldVersion < 1) {
        // The audit store's version-1 indexes are no longer created (version 3 drops them).
        database.createObjectStore('audit', { keyPath: 'seq' });
        database.createObjectStore('keys', { keyPath: 'id' });
        database.createObjectStore('policy');
        database.createObjectStore('pins');
      }
      if (oldVersion < 2) {
        database.createObjectStore('inflight', { keyPath: 'callId' }).createIndex('instance', 'instance');
        database.createObjectStore('otlp', { keyPath: 'id' });
        if (oldVersion === 1) await findUnendedCalls(transaction);
      }
      if (oldVersion < 3) {
        database.createObjectStore('seals', { keyPath: 'seq' });
        const audit = transaction.objectStore('audit');
        for (const index of V1_AUDIT_INDEXES) if ((audit.indexNames as DOMStringList).contains(index)) audit.deleteIndex(index as never);
      }
      if (oldVersion < 4) {
        database.createObjectStore('auditChunks', { keyPath: ['to', 'from'] });
        database.createObjectStore('inflightChunks', { keyPath: 'key' }).createIndex('instance', 'instance');
      }
    },
    blocking() {
      try {
        options.onVersionChange?.();
      } finally {
        db?.close();
      }
    },
    terminated() {
      options.onTerminated?.();
    },
  });
  return db;
}

/**
 * Upgrading from version 1: every `call-start` without a `call-end` becomes an `inflight` entry
 * of no live page, so the log reconciles it (`outcome-unknown`, `earlier-session`) on open.
 * Reads through version 1's `kind` index, inside the upgrade transaction (before version 3 drops it).
 */
async function findUnendedCalls(transaction: IDBPTransaction<ToolgateDB, StoreNames<ToolgateDB>[], 'versionchange'>): Promise<void> {
  // Only a version-1 database has the index: untyped, as the schema type describes the current version.
  const byKind = (transaction as unknown as IDBPTransaction<unknown, ['audit'], 'versionchange'>).objectStore('audit').index('kind');
  const open = new Map<string, InflightCall>();
  for (let cursor = await byKind.openCursor('call-start'); cursor; cursor = await cursor.continue()) {
    const record = cursor.value as AuditRecord;
    if (record.kind !== 'call-start') continue;
    open.set(record.callId, { callId: record.callId, instance: '', startSeq: record.seq, server: record.server, tool: record.tool, ts: record.ts });
  }
  for (let cursor = await byKind.openCursor('call-end'); cursor; cursor = await cursor.continue()) {
    const record = cursor.value as AuditRecord;
    if (record.callId) open.delete(record.callId);
  }
  const inflight = transaction.objectStore('inflight');
  await Promise.all([...open.values()].map((call) => inflight.put(call)));
}

/** Deletes a Toolgate database (tests, "forget everything"). Resolves once it is gone. */
export function deleteToolgateDb(name: string): Promise<void> {
  return deleteDB(name);
}
