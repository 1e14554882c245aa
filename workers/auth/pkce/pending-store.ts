/**
 * The redirect fallback's memory (issue #4: when popups are blocked the page navigates away, and this
 * worker dies with it): the pending authorization (code verifier, state, issuer, resource, redirect URI)
 * and the client it was made for, kept **by the worker** in IndexedDB until the callback comes back to a
 * fresh worker. Each record is AES-GCM ciphertext under a non-extractable key made here, with the state as
 * additional data, so the page (which shares the origin's IndexedDB) reads neither verifier nor client
 * secret. Records are single-use (taken = deleted in one transaction) and expire after ten minutes.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { ErrorCode, TgError } from '../../shared/errors.js';
import type { RegisteredClient, TokenEndpointAuthMethod } from '../registration.js';
import type { PendingAuthorization } from './authorize.js';

export const PENDING_TTL_MS = 10 * 60_000;
const KEY_ID = 'aes-gcm';

/** What a fresh worker needs to finish the flow. */
export interface PendingRecord {
  server: string;
  pending: PendingAuthorization;
  client: { clientId: string; auth: TokenEndpointAuthMethod; secret?: string; how: 'pre-registered' | 'cimd' | 'dcr' };
}

interface Sealed {
  state: string;
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
  expiresAt: number;
}

interface PendingDb extends DBSchema {
  keys: { key: string; value: CryptoKey };
  pending: { key: string; value: Sealed };
}

/** The database next to the token store's: `<database>-pending`. */
export function pendingDatabase(database = 'toolgate-auth'): string {
  return `${database}-pending`;
}

async function open(name: string): Promise<{ db: IDBPDatabase<PendingDb>; key: CryptoKey }> {
  const db = await openDB<PendingDb>(name, 1, {
    upgrade(db, oldVersion) {
      switch (oldVersion) {
        case 0:
          db.createObjectStore('keys');
          db.createObjectStore('pending', { keyPath: 'state' });
      }
    },
  });
  let key = await db.get('keys', KEY_ID);
  if (!key) {
    // Made outside the transaction (awaiting WebCrypto would commit it); another worker may have won.
    const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const tx = db.transaction('keys', 'readwrite');
    key = (await tx.store.get(KEY_ID)) ?? fresh;
    if (key === fresh) await tx.store.add(fresh, KEY_ID);
    await tx.done;
  }
  return { db, key };
}

/** Remembers a pending authorization before the page is sent away. */
export async function rememberPending(database: string, record: PendingRecord): Promise<void> {
  const { db, key } = await open(database);
  try {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(record.pending.state) }, key, new TextEncoder().encode(JSON.stringify(record)));
    const tx = db.transaction('pending', 'readwrite');
    // Drop expired leftovers of abandoned flows while here.
    const now = Date.now();
    for (const old of await tx.store.getAll()) if (old.expiresAt < now) await tx.store.delete(old.state);
    await tx.store.put({ state: record.pending.state, iv, data, expiresAt: now + PENDING_TTL_MS });
    await tx.done;
  } finally {
    db.close();
  }
}

/** Takes (reads and deletes) the record for `state`; undefined when none, expired, or not ours to decrypt. */
export async function takePending(database: string, state: string): Promise<PendingRecord | undefined> {
  const { db, key } = await open(database);
  try {
    const tx = db.transaction('pending', 'readwrite');
    const sealed = await tx.store.get(state);
    if (sealed) await tx.store.delete(state);
    await tx.done;
    if (!sealed || sealed.expiresAt < Date.now()) return undefined;
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(state) }, key, sealed.data);
    const record = JSON.parse(new TextDecoder().decode(plain)) as PendingRecord;
    return record.pending?.state === state ? record : undefined;
  } catch {
    return undefined; // tampered, or sealed under another key
  } finally {
    db.close();
  }
}

/** A client as kept in a pending record (a host's private key never is: those flows do not redirect). */
export function clientRecord(registered: RegisteredClient): PendingRecord['client'] {
  return { clientId: registered.client.client_id, auth: registered.auth, ...(registered.secret !== undefined && { secret: registered.secret }), how: registered.how };
}

/**
 * Finds the pending authorization a callback URL answers (by its `state`) for this server and issuer.
 * Throws `TG_AUTH_STATE_MISMATCH` when there is none (expired, already used, or never started in this
 * browser) and `TG_AUTH_ISS_MISMATCH` when the server's authorization server changed meanwhile.
 */
export async function resumePending(database: string, server: string, issuer: string, callbackUrl: string): Promise<{ pending: PendingAuthorization; registered: RegisteredClient }> {
  let state: string | null = null;
  try {
    state = new URL(callbackUrl).searchParams.get('state');
  } catch {
    state = null;
  }
  const record = state ? await takePending(database, state) : undefined;
  if (!record || record.server !== server) {
    throw new TgError(ErrorCode.AUTH_STATE_MISMATCH, 'No pending authorization matches this callback (expired, already used, or started elsewhere)');
  }
  if (record.pending.issuer !== issuer) {
    throw new TgError(ErrorCode.AUTH_ISS_MISMATCH, `The authorization was started with ${record.pending.issuer}, but the server now names ${issuer}`, {
      data: { expected: record.pending.issuer, issuer },
    });
  }
  const { clientId, auth, secret, how } = record.client;
  return { pending: record.pending, registered: { client: { client_id: clientId, token_endpoint_auth_method: auth }, auth, ...(secret !== undefined && { secret }), how } };
}
