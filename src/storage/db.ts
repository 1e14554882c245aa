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
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AuditRecord } from '../audit/record.js';

/** Bump when a store or index is added, and add a `case` to `upgrade`. */
export const TOOLGATE_DB_VERSION = 1;

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

export interface ToolgateDB extends DBSchema {
  /** The audit chain, keyed by `seq`. */
  audit: {
    key: number;
    value: AuditRecord;
    indexes: { ts: number; kind: string; server: string; tool: string; callId: string };
  };
  /** Device key pair and the public keys that signed records. */
  keys: { key: string; value: StoredKey };
  /** Policy documents (owned by src/gate/). Declared now so the gate needs no version bump. */
  policy: { key: string; value: unknown };
  /** Tool definition pins (owned by src/gate/). */
  pins: { key: string; value: unknown };
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
    upgrade(database, oldVersion) {
      // Fall through on purpose: each case brings the schema one version forward.
      switch (oldVersion) {
        case 0: {
          const audit = database.createObjectStore('audit', { keyPath: 'seq' });
          audit.createIndex('ts', 'ts');
          audit.createIndex('kind', 'kind');
          audit.createIndex('server', 'server.url');
          audit.createIndex('tool', 'tool.name');
          audit.createIndex('callId', 'callId');
          database.createObjectStore('keys', { keyPath: 'id' });
          database.createObjectStore('policy');
          database.createObjectStore('pins');
        }
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

/** Deletes a Toolgate database (tests, "forget everything"). Resolves once it is gone. */
export function deleteToolgateDb(name: string): Promise<void> {
  return deleteDB(name);
}
