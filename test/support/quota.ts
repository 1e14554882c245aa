/**
 * Real storage exhaustion for tests: IndexedDB writes of this origin fail with the browser's own
 * QuotaExceededError until `free()` gives the space back.
 *
 * The origin gets a small quota — Chromium through CDP (`limitQuota()`, the `storage-quota`
 * command), Firefox from a launch pref (web-test-runner.config.mjs: 40 MiB per site) — and
 * `exhaustQuota()` fills what is left with blobs in a database of its own. Either way the code under
 * test meets the browser's genuine quota check, not a stand-in.
 *
 * Chromium caches an origin's remaining quota once its storage is in use (for ~30 s), so call
 * `limitQuota()` before the test file touches IndexedDB (a `before` hook), and `unlimitQuota()` after.
 */
import { executeServerCommand } from '@web/test-runner-commands';

const FILLER_DB = 'tg-test-quota-filler';
/** The quota Chromium gets: small enough to fill in a moment, large enough for the tests' own records. */
const CHROMIUM_QUOTA = 8 * 1024 * 1024;

type QuotaCommand = { origin: string; quotaBytes: number | null };

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Stores `bytes` bytes; false when the browser refuses (an aborted transaction, or a full database refusing at once). */
async function put(db: IDBDatabase, key: number, bytes: number): Promise<boolean> {
  let tx: IDBTransaction;
  try {
    tx = db.transaction('fill', 'readwrite');
    tx.objectStore('fill').put(new Blob([new Uint8Array(bytes)]), key);
  } catch {
    return false; // Firefox: "a mutation operation was attempted on a database that did not allow mutations"
  }
  return new Promise((resolve) => {
    tx.oncomplete = () => resolve(true);
    tx.onabort = () => resolve(false);
  });
}

let limit: number | undefined;

/** Gives this origin a small quota (Chromium), or checks it has one (Firefox). */
export async function limitQuota(): Promise<void> {
  const cdp = await executeServerCommand<{ supported: boolean }, QuotaCommand>('storage-quota', { origin: location.origin, quotaBytes: CHROMIUM_QUOTA });
  const { quota = Infinity } = await navigator.storage.estimate();
  limit = cdp?.supported ? CHROMIUM_QUOTA : quota;
  if (limit > 100 * 1024 * 1024) throw new Error(`cannot limit the storage quota here (${quota} bytes; no CDP): see web-test-runner.config.mjs`);
}

/** Gives Chromium its default quota back. */
export async function unlimitQuota(): Promise<void> {
  await executeServerCommand<{ supported: boolean }, QuotaCommand>('storage-quota', { origin: location.origin, quotaBytes: null });
  limit = undefined;
}

export interface ExhaustedQuota {
  /** Gives the space back (deletes the filler). */
  free(): Promise<void>;
}

/** Fills what is left of the quota `limitQuota()` set, until even a tiny write fails. */
export async function exhaustQuota(): Promise<ExhaustedQuota> {
  if (limit === undefined) throw new Error('call limitQuota() first (before the test touches IndexedDB)');
  const { usage = 0 } = await navigator.storage.estimate();
  const db = await (() => {
    const open = indexedDB.open(FILLER_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('fill');
    return request(open);
  })();
  // One big blob for most of what is left, then smaller ones until even a tiny write fails.
  let key = 0;
  if (limit - usage > 1024 * 1024) await put(db, key++, limit - usage - 512 * 1024);
  for (const size of [256 * 1024, 16 * 1024, 1024, 64]) {
    for (let i = 0; i < 64 && (await put(db, key++, size)); i++);
  }
  db.close();
  return { free: async () => void (await request(indexedDB.deleteDatabase(FILLER_DB))) };
}
