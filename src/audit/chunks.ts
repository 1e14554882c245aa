/**
 * Where audit records are stored: one row per record in `audit`, or, for a burst committed
 * together, a row per `CHUNK_RECORDS` consecutive records in `auditChunks` (database version 4).
 *
 * Why: IndexedDB's cost is per row (a request, a structured clone and a B-tree write each; about
 * 150 µs per row on the bench machine whatever the row holds), so 10,000 concurrent appends spent
 * most of their time in 10,000 `add`s; as 80 chunk rows the same records cost a tenth. A commit of
 * fewer than `CHUNK_MIN` records (a gated call's write-ahead records, a lone `call-end`) keeps one
 * row per record, as before. Records are identical in both stores; the hash chain does not know
 * where a record lives, so tampering with either is found by verify as before.
 *
 * Chunk rows are read back whole, so they are kept small enough that the newest page of the viewer
 * (100 records) touches two or three of them. These functions only issue IndexedDB requests, so
 * they run inside the caller's transaction (see src/storage/db.ts).
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { AuditChunk, ToolgateDB } from '../storage/db.js';
import type { AuditRecord } from './record.js';

/** A commit of at least this many records is stored in chunk rows. */
export const CHUNK_MIN = 32;
/** At most this many records per chunk row. */
export const CHUNK_RECORDS = 128;

type Mode = IDBTransactionMode;
type Store<Name extends 'audit' | 'auditChunks', M extends Mode> = IDBPObjectStore<ToolgateDB, StoreNames<ToolgateDB>[], Name, M>;

/** The two stores records live in, from one transaction. */
export interface RecordStores<M extends Mode = Mode> {
  audit: Store<'audit', M>;
  chunks: Store<'auditChunks', M>;
}

/** Chunk keys are `[to, from]`: every chunk whose last record is at `seq` or later. */
const fromSeq = (seq: number) => IDBKeyRange.lowerBound([seq]);
/** Every chunk whose last record is at `seq` or before. */
const throughSeq = (seq: number) => IDBKeyRange.upperBound([seq, Infinity]);

/** Stores consecutive `records` (ascending) as rows, or as chunk rows when they are a burst; resolves when IndexedDB accepted them. */
export function addRecords(stores: RecordStores<'readwrite'>, records: readonly AuditRecord[]): Promise<unknown>[] {
  // `add`, not `put`: a key that exists already fails the transaction instead of overwriting.
  if (records.length < CHUNK_MIN) return records.map((record) => stores.audit.add(record));
  const requests: Promise<unknown>[] = [];
  for (let at = 0; at < records.length; at += CHUNK_RECORDS) {
    const part = records.slice(at, at + CHUNK_RECORDS);
    requests.push(stores.chunks.add({ from: part[0]!.seq, to: part[part.length - 1]!.seq, records: part }));
  }
  return requests;
}

/** Records with `from ≤ seq ≤ to`, ascending, at most `limit`, from both stores. */
export async function readRecords(stores: RecordStores, from: number, to: number, limit?: number): Promise<AuditRecord[]> {
  if (to < from) return [];
  const rowsRead = stores.audit.getAll(IDBKeyRange.bound(from, to), limit);
  const chunked: AuditRecord[] = [];
  for (let cursor = await stores.chunks.openCursor(fromSeq(from)); cursor; cursor = await cursor.continue()) {
    const chunk = cursor.value;
    if (chunk.from > to) break;
    for (const record of chunk.records) if (record.seq >= from && record.seq <= to) chunked.push(record);
    if (limit !== undefined && chunked.length >= limit) break;
  }
  const rows = await rowsRead;
  if (chunked.length === 0) return rows;
  const merged = rows.length === 0 ? chunked : [...rows, ...chunked].sort((a, b) => a.seq - b.seq);
  return limit === undefined ? merged : merged.slice(0, limit);
}

/** The record at `seq`, wherever it is stored. */
export async function readRecord(stores: RecordStores, seq: number): Promise<AuditRecord | undefined> {
  return (await readRecords(stores, seq, seq))[0];
}

/** The last (`prev`) or first (`next`) stored record. */
export async function edgeRecord(stores: RecordStores, direction: 'prev' | 'next'): Promise<AuditRecord | undefined> {
  const [row, chunk] = await Promise.all([stores.audit.openCursor(null, direction), stores.chunks.openCursor(null, direction)]);
  const chunked = chunk ? (direction === 'prev' ? chunk.value.records.at(-1) : chunk.value.records[0]) : undefined;
  const stored = row?.value;
  if (!stored || !chunked) return stored ?? chunked;
  return (direction === 'prev') === stored.seq > chunked.seq ? stored : chunked;
}

/** Number of stored records: the rows, and the chunks from their keys alone. */
export async function countRecords(stores: RecordStores): Promise<number> {
  const [rows, keys] = await Promise.all([stores.audit.count(), stores.chunks.getAllKeys()]);
  return keys.reduce((n, [to, from]) => n + to - from + 1, rows);
}

/** Deletes every record with `seq ≤ through` (retention); a chunk that straddles it keeps its later records. */
export async function deleteRecordsThrough(stores: RecordStores<'readwrite'>, through: number): Promise<void> {
  const straddling = await stores.chunks.openCursor(fromSeq(through + 1));
  const chunk: AuditChunk | undefined = straddling?.value.from !== undefined && straddling.value.from <= through ? straddling.value : undefined;
  const requests: Promise<unknown>[] = [stores.audit.delete(IDBKeyRange.upperBound(through)), stores.chunks.delete(throughSeq(through))];
  if (chunk) {
    requests.push(stores.chunks.delete([chunk.to, chunk.from]));
    const kept = chunk.records.filter((record) => record.seq > through);
    requests.push(stores.chunks.add({ from: kept[0]!.seq, to: chunk.to, records: kept }));
  }
  await Promise.all(requests);
}
