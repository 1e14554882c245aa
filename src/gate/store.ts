/**
 * Persistence of the gate's state in the Toolgate database (stores `policy` and `pins`; the
 * database name carries the tenant, so tenants never share them): the policy, the tool pins, and
 * which URL each server id was first given to. Every call is one short transaction with nothing
 * but IndexedDB requests inside it.
 */
import { storageError } from '../storage/errors.js';
import { openToolgateDb, type ToolgateDb } from '../storage/db.js';
import type { PinRecord } from './pins.js';
import type { Policy } from './policy.js';

/** The stored policy document and where it came from. */
export interface StoredPolicy {
  policy: Policy;
  /** `host` (property), `person` (edited in the UI), `signed` (signed allow-list applied). */
  source: 'host' | 'person' | 'signed';
  updatedAt: number;
}

const POLICY_KEY = 'current';
/** In the `policy` store beside the policy: `{ [serverId]: url }` (no schema version bump needed). */
const SERVER_IDS_KEY = 'server-ids';

const fail = (err: unknown, doing: string) => storageError(err, doing, 'Gate');

export class GateStore {
  static async open(dbName: string): Promise<GateStore> {
    try {
      return new GateStore(await openToolgateDb(dbName));
    } catch (err) {
      throw fail(err, 'open');
    }
  }

  private constructor(readonly db: ToolgateDb) {}

  async loadPolicy(): Promise<StoredPolicy | undefined> {
    try {
      return (await this.db.get('policy', POLICY_KEY)) as StoredPolicy | undefined;
    } catch (err) {
      throw fail(err, 'read policy');
    }
  }

  async savePolicy(value: StoredPolicy): Promise<void> {
    try {
      await this.db.put('policy', structuredClone(value), POLICY_KEY);
    } catch (err) {
      throw fail(err, 'write policy');
    }
  }

  /** Which URL each server id was first given to (see `Gate.addServer`). */
  async loadServerIds(): Promise<Record<string, string>> {
    try {
      const stored = await this.db.get('policy', SERVER_IDS_KEY);
      return typeof stored === 'object' && stored !== null ? { ...(stored as Record<string, string>) } : {};
    } catch (err) {
      throw fail(err, 'read server ids');
    }
  }

  async saveServerIds(ids: Readonly<Record<string, string>>): Promise<void> {
    try {
      await this.db.put('policy', { ...ids }, SERVER_IDS_KEY);
    } catch (err) {
      throw fail(err, 'write server ids');
    }
  }

  async loadPins(): Promise<PinRecord[]> {
    try {
      // The store also holds MCP App view pins (src/apps/view-pins.ts), which are not the gate's.
      return ((await this.db.getAll('pins')) as (PinRecord & { kind?: string })[]).filter((r) => r.kind !== 'view');
    } catch (err) {
      throw fail(err, 'read pins');
    }
  }

  async savePin(record: PinRecord): Promise<void> {
    try {
      await this.db.put('pins', structuredClone(record), record.key);
    } catch (err) {
      throw fail(err, 'write pin');
    }
  }

  async deletePin(key: string): Promise<void> {
    try {
      await this.db.delete('pins', key);
    } catch (err) {
      throw fail(err, 'delete pin');
    }
  }

  close(): void {
    this.db.close();
  }
}
