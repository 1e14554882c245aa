/**
 * The detected era per origin, kept across worker restarts in a small IndexedDB store, so a page
 * that reconnects later skips the probe (the spec asks clients to cache the era per origin). The
 * in-memory map in era.ts stays the source of truth during a worker's life; this only seeds it.
 * Records are checked on read (a version this client does not speak is ignored) and expire, so a
 * server that changed era is probed again at the latest after `ERA_TTL_MS`; a remembered era that
 * fails is forgotten here too (connection.ts). Storage failures never fail a connection.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { forgetEra, HTTP_SSE_VERSION, rememberEra, rememberedEra, type RememberedEra } from './era-decision.js';
import { eraOfVersion } from '../shared/wire.js';

export const DEFAULT_ERA_DATABASE = 'toolgate-eras';
export const ERA_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A slow or blocked IndexedDB must not hold up connecting: after this, probe as if nothing was stored. */
const LOAD_TIMEOUT_MS = 500;

interface EraRecord extends RememberedEra {
  origin: string;
  savedAt: number;
}

interface EraDb extends DBSchema {
  eras: { key: string; value: EraRecord };
}

let database = DEFAULT_ERA_DATABASE;
let opening: Promise<IDBPDatabase<EraDb>> | undefined;

/** For tests: use another database (closes the current one). */
export function useEraDatabase(name: string): void {
  void opening?.then((db) => db.close()).catch(() => {});
  opening = undefined;
  database = name;
}

function db(): Promise<IDBPDatabase<EraDb>> {
  opening ??= openDB<EraDb>(database, 1, {
    upgrade(upgrading, oldVersion) {
      switch (oldVersion) {
        case 0:
          upgrading.createObjectStore('eras', { keyPath: 'origin' });
      }
    },
  }).catch((err: unknown) => {
    opening = undefined;
    throw err;
  });
  return opening;
}

/** A stored record, if it is well-formed, fresh and names a version this client speaks. */
function usable(record: unknown, now: number): RememberedEra | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { era, version, transport, savedAt } = record as Partial<EraRecord>;
  if (typeof savedAt !== 'number' || now - savedAt > ERA_TTL_MS || savedAt > now + 60_000) return undefined;
  if (typeof version !== 'string' || (era !== 'legacy' && era !== 'modern')) return undefined;
  const speaks = eraOfVersion(version) === era || (era === 'legacy' && transport === 'sse' && version === HTTP_SSE_VERSION);
  if (!speaks || (transport !== undefined && (transport !== 'sse' || era !== 'legacy'))) return undefined;
  return transport ? { era, version, transport } : { era, version };
}

/** Seeds the in-memory era of `url`'s origin from storage, unless it is already known. Never throws. */
export async function hydrateEra(url: string): Promise<void> {
  if (rememberedEra(url)) return;
  const origin = new URL(url).origin;
  try {
    const record = await Promise.race([
      db().then((d) => d.get('eras', origin)),
      new Promise<undefined>((resolve) => setTimeout(resolve, LOAD_TIMEOUT_MS, undefined)),
    ]);
    const remembered = usable(record, Date.now());
    if (remembered && !rememberedEra(url)) rememberEra(url, remembered.era, remembered.version, remembered.transport);
  } catch {
    /* no storage (private mode, blocked): probe as usual */
  }
}

/** Remembers in memory and stores it. Storage is best effort. */
export async function persistEra(url: string, remembered: RememberedEra): Promise<void> {
  rememberEra(url, remembered.era, remembered.version, remembered.transport);
  try {
    await (await db()).put('eras', { ...remembered, origin: new URL(url).origin, savedAt: Date.now() });
  } catch {
    /* best effort */
  }
}

/** Forgets in memory and in storage (the remembered era failed). */
export async function dropEra(url: string): Promise<void> {
  forgetEra(url);
  try {
    await (await db()).delete('eras', new URL(url).origin);
  } catch {
    /* best effort */
  }
}

/** The stored record for an origin, for tests and diagnostics. */
export async function storedEra(url: string): Promise<RememberedEra | undefined> {
  try {
    return usable(await (await db()).get('eras', new URL(url).origin), Date.now());
  } catch {
    return undefined;
  }
}
