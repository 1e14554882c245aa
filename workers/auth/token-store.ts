/**
 * Encrypted persistence of one connection's OAuth state (tokens, the client registration, the
 * discovered metadata) in IndexedDB, so a reload does not need a new popup.
 *
 * Each record is AES-GCM ciphertext under one key generated in the worker as **non-extractable** and
 * kept in the same database: structured clone stores a CryptoKey with its flags, so the page (or
 * anyone copying the database to another browser profile) gets ciphertext and a key it cannot export;
 * a record moved under another key fails to decrypt and reads as "no token". The record id is the
 * additional authenticated data, so a ciphertext swapped to another (issuer, resource) fails too.
 * Records are keyed by (issuer, resource) and found by the server URL the connection was given.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AuthorizationServer } from 'oauth4webapi';
import type { ResourceMetadata } from './discovery.js';
import type { TokenEndpointAuthMethod } from './registration.js';
import type { TokenSet } from './tokens.js';

export const DEFAULT_AUTH_DATABASE = 'toolgate-auth';
const KEY_ID = 'aes-gcm';

/** What is saved for one (issuer, resource). Never holds a CryptoKey (a host's private key stays in config). */
export interface StoredAuth {
  issuer: string;
  resource: string;
  tokens: TokenSet;
  client: { clientId: string; auth: TokenEndpointAuthMethod; secret?: string; how: 'pre-registered' | 'cimd' | 'dcr' };
  as: AuthorizationServer;
  prm?: ResourceMetadata;
  /** The scope asked for last (step-up unions build on it). */
  scope?: string;
  /**
   * The DPoP key pair the tokens are bound to. Stored beside the ciphertext, not in it: a CryptoKey
   * does not serialize to JSON, and its private half is non-extractable anyway (useless elsewhere).
   */
  dpopKeyPair?: CryptoKeyPair;
}

interface EncryptedRecord {
  /** `${issuer} ${resource}` */
  id: string;
  /** The server URL the connection was configured with (the lookup key before discovery). */
  server: string;
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
  dpopKeyPair?: CryptoKeyPair;
}

interface AuthDb extends DBSchema {
  keys: { key: string; value: CryptoKey };
  tokens: { key: string; value: EncryptedRecord; indexes: { server: string } };
}

export interface TokenStore {
  /** The record for a server URL, or undefined (none, or it does not decrypt under this key). */
  load(server: string): Promise<StoredAuth | undefined>;
  save(server: string, auth: StoredAuth): Promise<void>;
  /** Deletes every record for this server URL. */
  delete(server: string): Promise<void>;
  close(): void;
}

const recordId = (issuer: string, resource: string) => `${issuer} ${resource}`;

/** Opens (or creates) the store. `database` lets tests use a fresh database. */
export async function openTokenStore(database = DEFAULT_AUTH_DATABASE): Promise<TokenStore> {
  const db = await openDB<AuthDb>(database, 1, {
    upgrade(db, oldVersion) {
      switch (oldVersion) {
        case 0: {
          db.createObjectStore('keys');
          db.createObjectStore('tokens', { keyPath: 'id' }).createIndex('server', 'server');
        }
      }
    },
  });
  const key = await encryptionKey(db);
  const encoder = new TextEncoder();

  return {
    async load(server) {
      const records = await db.getAllFromIndex('tokens', 'server', server);
      for (const record of records) {
        try {
          const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv, additionalData: encoder.encode(record.id) }, key, record.data);
          const auth = JSON.parse(new TextDecoder().decode(plain)) as StoredAuth;
          if (recordId(auth.issuer, auth.resource) === record.id && typeof auth.tokens?.accessToken === 'string') {
            return record.dpopKeyPair ? { ...auth, dpopKeyPair: record.dpopKeyPair } : auth;
          }
        } catch {
          // Another key (a copied database) or a tampered record: as if there were none.
        }
      }
      return undefined;
    },
    async save(server, auth) {
      const id = recordId(auth.issuer, auth.resource);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const { dpopKeyPair, ...secret } = auth;
      const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(id) }, key, encoder.encode(JSON.stringify(secret)));
      // Encrypt first: no awaiting anything but IndexedDB inside the transaction.
      const tx = db.transaction('tokens', 'readwrite');
      for (const old of await tx.store.index('server').getAllKeys(server)) if (old !== id) await tx.store.delete(old);
      await tx.store.put({ id, server, iv, data, ...(dpopKeyPair && { dpopKeyPair }) });
      await tx.done;
    },
    async delete(server) {
      const tx = db.transaction('tokens', 'readwrite');
      for (const id of await tx.store.index('server').getAllKeys(server)) await tx.store.delete(id);
      await tx.done;
    },
    close: () => db.close(),
  };
}

/**
 * The database's key, made on first use. Generated outside the transaction (WebCrypto is not
 * IndexedDB: awaiting it would commit the transaction), then added only if no other worker won the race.
 */
async function encryptionKey(db: IDBPDatabase<AuthDb>): Promise<CryptoKey> {
  const existing = await db.get('keys', KEY_ID);
  if (existing) return existing;
  const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const tx = db.transaction('keys', 'readwrite');
  const raced = await tx.store.get(KEY_ID);
  if (!raced) await tx.store.add(fresh, KEY_ID);
  await tx.done;
  return raced ?? fresh;
}
