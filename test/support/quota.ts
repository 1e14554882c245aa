/**
 * Real storage exhaustion for tests: IndexedDB writes of this origin fail with the browser's own
 * QuotaExceededError until `free()` gives the space back.
 *
 * Chromium: the origin's quota is set to one byte through CDP (the `storage-quota` command).
 * Firefox runs the tests with a small quota (a launch pref, 40 MiB per site), so the rest is
 * filled with blobs in a database of its own. Either way the code under test meets the
 * browser's genuine quota check, not a stand-in.
 */
import { executeServerCommand } from '@web/test-runner-commands';

const FILLER_DB = 'tg-test-quota-filler';

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

export interface ExhaustedQuota {
  /** Gives the space back (deletes the filler; restores Chromium's quota). */
  free(): Promise<void>;
}

export async function exhaustQuota(): Promise<ExhaustedQuota> {
  const origin = location.origin;
  // Chromium: a quota of one byte, so every write fails the browser's quota check.
  const cdp = await executeServerCommand<{ supported: boolean }, { origin: string; quotaBytes: number | null }>('storage-quota', { origin, quotaBytes: 1 });
  if (cdp?.supported) return { free: async () => void (await executeServerCommand('storage-quota', { origin, quotaBytes: null })) };

  // Elsewhere (Firefox, with its small quota from the launch pref): fill what is left.
  const { quota = Infinity, usage = 0 } = await navigator.storage.estimate();
  if (quota - usage > 100 * 1024 * 1024) {
    throw new Error(`cannot exhaust the storage quota here (${quota} bytes; no CDP): see web-test-runner.config.mjs`);
  }
  const db = await (() => {
    const open = indexedDB.open(FILLER_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('fill');
    return request(open);
  })();
  // One big blob for most of what is left, then smaller ones until even a tiny write fails.
  let key = 0;
  if (quota - usage > 1024 * 1024) await put(db, key++, quota - usage - 512 * 1024);
  for (const size of [256 * 1024, 16 * 1024, 1024, 64]) {
    for (let i = 0; i < 64 && (await put(db, key++, size)); i++);
  }
  db.close();
  return { free: async () => void (await request(indexedDB.deleteDatabase(FILLER_DB))) };
}
