/**
 * View pinning: a view resource is pinned by hash the way a tool definition is. The first view a
 * server shows for a `ui://` URI is accepted (as the first listing of a tool is); when a later
 * fetch gives another hash — new HTML, other CSP domains, other permissions — the view is
 * quarantined and does not run until the person re-approves it. Every change is audited
 * (`pin-change`, with the view URI and both hashes).
 *
 * Records live in the gate's `pins` store of the tenant's database, under keys of their own
 * (`["view", serverUrl, uri]`), so tenants never share them.
 */
import { openToolgateDb, type ToolgateDb } from '../storage/db.js';

export interface ViewPinRecord {
  kind: 'view';
  key: string;
  serverUrl: string;
  uri: string;
  /** The accepted view: its hash, size and declared security metadata (not the HTML). */
  known: { hash: string; since: number; size: number; csp: unknown; permissions: unknown };
  /** A changed view waiting for re-approval. */
  pending?: { hash: string; since: number; size: number; csp: unknown; permissions: unknown };
}

export interface ViewPinStorage {
  get(key: string): Promise<ViewPinRecord | undefined>;
  put(record: ViewPinRecord): Promise<void>;
}

/** What an audit sink needs for pin changes (an `AuditLog` fits). */
export interface PinAudit {
  append(input: {
    kind: 'pin-change';
    server: { url: string; id?: string };
    tool: { name: string };
    change: 'quarantined' | 'approved';
    detail: { view: string; from: string; to: string };
  }): Promise<unknown>;
}

export const viewPinKey = (serverUrl: string, uri: string) => JSON.stringify(['view', serverUrl, uri]);

export type ViewPinState = 'accepted' | 'quarantined';

export interface ViewFacts {
  serverUrl: string;
  serverId?: string;
  toolName: string;
  uri: string;
  hash: string;
  size: number;
  csp: unknown;
  permissions: unknown;
}

export class ViewPins {
  readonly #storage: ViewPinStorage;
  readonly #audit: PinAudit;

  constructor(storage: ViewPinStorage, audit: PinAudit) {
    this.#storage = storage;
    this.#audit = audit;
  }

  /** Records a first sight, and says whether this view may run or waits for re-approval. */
  async check(view: ViewFacts): Promise<ViewPinState> {
    const key = viewPinKey(view.serverUrl, view.uri);
    const record = await this.#storage.get(key);
    const facts = { hash: view.hash, since: Date.now(), size: view.size, csp: view.csp, permissions: view.permissions };
    if (!record) {
      await this.#storage.put({ kind: 'view', key, serverUrl: view.serverUrl, uri: view.uri, known: facts });
      return 'accepted';
    }
    if (record.known.hash === view.hash) {
      if (record.pending) {
        const next = { ...record };
        delete next.pending;
        await this.#storage.put(next);
      }
      return 'accepted';
    }
    if (record.pending?.hash !== view.hash) {
      await this.#audit.append({
        kind: 'pin-change',
        server: { url: view.serverUrl, ...(view.serverId && { id: view.serverId }) },
        tool: { name: view.toolName },
        change: 'quarantined',
        detail: { view: view.uri, from: record.known.hash, to: view.hash },
      });
      await this.#storage.put({ ...record, pending: facts });
    }
    return 'quarantined';
  }

  /** The person accepted the changed view: it becomes the known one. Audited before it is stored. */
  async approve(view: ViewFacts): Promise<void> {
    const key = viewPinKey(view.serverUrl, view.uri);
    const record = await this.#storage.get(key);
    await this.#audit.append({
      kind: 'pin-change',
      server: { url: view.serverUrl, ...(view.serverId && { id: view.serverId }) },
      tool: { name: view.toolName },
      change: 'approved',
      detail: { view: view.uri, from: record?.known.hash ?? '', to: view.hash },
    });
    await this.#storage.put({
      kind: 'view',
      key,
      serverUrl: view.serverUrl,
      uri: view.uri,
      known: { hash: view.hash, since: Date.now(), size: view.size, csp: view.csp, permissions: view.permissions },
    });
  }
}

/** View pins in the tenant's Toolgate database (the `pins` store). */
export async function openViewPinStorage(dbName: string): Promise<ViewPinStorage & { close(): void }> {
  const db: ToolgateDb = await openToolgateDb(dbName);
  return {
    get: async (key) => (await db.get('pins', key)) as ViewPinRecord | undefined,
    put: async (record) => void (await db.put('pins', structuredClone(record), record.key)),
    close: () => db.close(),
  };
}

/** Pins kept in memory only (a gate opened with `persist: false`). */
export function memoryViewPinStorage(): ViewPinStorage {
  const map = new Map<string, ViewPinRecord>();
  return {
    get: async (key) => structuredClone(map.get(key)),
    put: async (record) => void map.set(record.key, structuredClone(record)),
  };
}
