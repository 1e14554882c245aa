/**
 * The calls without an end (`inflight` entries, see the audit log's header), written in the same
 * transaction as the records that start and end them.
 *
 * One row per call in `inflight`, except for a burst: when a commit starts `CHUNK_MIN` calls or
 * more, they are stored as rows of up to `CHUNK_RECORDS` calls in `inflightChunks` (database version
 * 4), as the burst's records are (chunks.ts): IndexedDB's cost is per row. An end then rewrites its
 * chunk row without the call (a read and a put inside the transaction), and the last end deletes
 * the row. A call started and ended in the same commit needs no entry at all.
 *
 * The log knows where every entry it may have to remove is (`EntryPlaces`): the calls it started
 * (it wrote their entries) and the calls it read (reconciliation and recovery, the only paths that
 * end another page's calls). An end of a call it knows nothing of has no entry to remove, so it
 * costs no request (a `call-end` whose `call-start` never reached the log).
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { InflightCall, ToolgateDB, ToolgateDb } from '../storage/db.js';
import { CHUNK_MIN, CHUNK_RECORDS } from './chunks.js';
import type { AuditRecord } from './record.js';

type Store<Name extends 'inflight' | 'inflightChunks'> = IDBPObjectStore<ToolgateDB, StoreNames<ToolgateDB>[], Name, 'readwrite'>;

/** A call in flight, and the chunk row that holds it when it is in one. */
export interface StoredInflightCall extends InflightCall {
  chunk?: number;
}

/** Where a call's entry is: `'row'` (store `inflight`) or the key of its `inflightChunks` row. */
export type EntryPlaces = Map<string, 'row' | number>;

const ENDS = new Set(['call-end', 'outcome-unknown']);

/**
 * The requests that keep the entries in step with `records` (one commit, ascending). `entry`
 * builds a call-start's entry; `places` says where the entries to remove are, and learns where
 * this commit puts its calls' entries.
 */
export function writeInflight(
  stores: { inflight: Store<'inflight'>; chunks: Store<'inflightChunks'> },
  records: readonly AuditRecord[],
  entry: (start: Extract<AuditRecord, { kind: 'call-start' }>) => InflightCall,
  places: EntryPlaces,
): Promise<unknown>[] {
  const ended = new Set<string>();
  for (const record of records) if (record.callId !== undefined && ENDS.has(record.kind)) ended.add(record.callId);
  const starts: InflightCall[] = [];
  const startedHere = new Set<string>();
  for (const record of records) {
    if (record.kind !== 'call-start') continue;
    startedHere.add(record.callId);
    if (!ended.has(record.callId)) starts.push(entry(record));
  }
  const requests: Promise<unknown>[] = [];
  // Ends first: a chunk row rewritten below is read before this commit's starts could touch it.
  const rewrites = new Map<number, Set<string>>();
  for (const callId of ended) {
    if (startedHere.has(callId)) continue;
    const place = places.get(callId);
    places.delete(callId);
    if (place === 'row') requests.push(stores.inflight.delete(callId));
    else if (place !== undefined) {
      const chunk = place;
      let calls = rewrites.get(chunk);
      if (!calls) rewrites.set(chunk, (calls = new Set()));
      calls.add(callId);
    }
  }
  for (const [key, calls] of rewrites) requests.push(removeFromChunk(stores.chunks, key, calls));
  if (starts.length < CHUNK_MIN) {
    for (const call of starts) {
      places.set(call.callId, 'row');
      requests.push(stores.inflight.put(call));
    }
  } else {
    for (let at = 0; at < starts.length; at += CHUNK_RECORDS) {
      const calls = starts.slice(at, at + CHUNK_RECORDS);
      const key = calls[0]!.startSeq;
      for (const call of calls) places.set(call.callId, key);
      requests.push(stores.chunks.put({ key, instance: calls[0]!.instance, calls }));
    }
  }
  return requests;
}

async function removeFromChunk(store: Store<'inflightChunks'>, key: number, ended: Set<string>): Promise<void> {
  const row = await store.get(key);
  if (!row) return;
  const calls = row.calls.filter((call) => !ended.has(call.callId));
  await (calls.length === 0 ? store.delete(key) : store.put({ ...row, calls }));
}

/** Every call in flight (of `instance`, when given), from both stores; `places` learns where their entries are. */
export async function readInflight(db: ToolgateDb, places: EntryPlaces, instance?: string): Promise<StoredInflightCall[]> {
  const tx = db.transaction(['inflight', 'inflightChunks']);
  const [rows, chunks] = await Promise.all(
    instance === undefined
      ? [tx.objectStore('inflight').getAll(), tx.objectStore('inflightChunks').getAll()]
      : [tx.objectStore('inflight').index('instance').getAll(instance), tx.objectStore('inflightChunks').index('instance').getAll(instance)],
  );
  const calls: StoredInflightCall[] = [...rows];
  for (const call of rows) places.set(call.callId, 'row');
  for (const chunk of chunks) {
    for (const call of chunk.calls) {
      places.set(call.callId, chunk.key);
      calls.push({ ...call, chunk: chunk.key });
    }
  }
  return calls;
}
