/**
 * Shared pieces of the OAuth browser tests against the real authorization server (oidc-provider)
 * and the protected demo MCP server started by test/support/services/oidc.mjs.
 */
import { authorizeInPopup } from '../../../src/connections/oauth-popup.js';
import { McpConnection, type OpenOptions } from '../../../src/connections/connection.js';
import type { ConnectionConfig } from '../../../workers/connection-api.js';

export interface OidcEnv {
  oidcIssuer: string;
  protectedHttpUrl: string;
  protectedWsUrl: string;
  protectedOrigin: string;
  /** The SDK's HTTP+SSE (2024-11-05) server, protected by the same AS. */
  protectedLegacySseUrl: string;
}

/** This browser's own AS + protected server pair (the browsers run at once; see services/oidc.mjs). */
export function oidcEnv(): OidcEnv {
  const env = (window as unknown as { __TG_TEST_ENV__?: Record<string, string | undefined> }).__TG_TEST_ENV__ ?? {};
  const suffix = navigator.userAgent.includes('Firefox') ? 'Firefox' : '';
  const pick = (key: keyof OidcEnv) => {
    const value = env[`${key}${suffix}`];
    if (!value) throw new Error(`OIDC test services missing ${key}${suffix} (test/support/services/oidc.mjs)`);
    return value;
  };
  return { oidcIssuer: pick('oidcIssuer'), protectedHttpUrl: pick('protectedHttpUrl'), protectedWsUrl: pick('protectedWsUrl'), protectedOrigin: pick('protectedOrigin'), protectedLegacySseUrl: pick('protectedLegacySseUrl') };
}

export const redirectUri = (): string => new URL('/public/oauth-callback.html', location.origin).href;

export interface IssuedToken {
  kind: 'access_token' | 'refresh_token';
  value: string;
  grantType: string;
  clientId?: string;
}

async function call<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The authorization server's side: what it issued, what it saw revoked, its settings. */
export const asControl = {
  issued: async (): Promise<IssuedToken[]> => (await call<{ issued: IssuedToken[] }>(`${oidcEnv().oidcIssuer}/__test/issued`)).issued,
  revocations: async () => (await call<{ revocations: { tokenTypeHint: string | null; known?: string }[] }>(`${oidcEnv().oidcIssuer}/__test/revocations`)).revocations,
  refreshTokenActive: async (value: string) => (await call<{ active: boolean }>(`${oidcEnv().oidcIssuer}/__test/refresh-token-active`, { value })).active,
  settings: (settings: { accessTokenTtl?: number; audienceOverride?: string | null }) => call(`${oidcEnv().oidcIssuer}/__test/settings`, settings),
};

export interface GuardStats {
  unauthorized: number;
  forbidden: number;
  accepted: number;
  ticketsIssued: number;
  ticketsUsed: number;
  ticketsRefused: number;
  dpop: number;
}

/** The protected MCP server's side. */
export const rsControl = {
  stats: () => call<GuardStats>(`${oidcEnv().protectedOrigin}/__test/auth/stats`),
  expireAccepted: () => call<{ expired: number }>(`${oidcEnv().protectedOrigin}/__test/auth/expire`, {}),
};

/** A popup authorizer that counts how often the person was sent to the AS. */
export function countingPopup(): { onAuthorize: (url: string) => Promise<string>; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    onAuthorize: (url: string) => {
      urls.push(url);
      return authorizeInPopup(url, { timeoutMs: 30_000 });
    },
  };
}

export function protectedConfig(overrides: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return { url: oidcEnv().protectedHttpUrl, transport: 'http', oauth: { development: true, redirectUri: redirectUri(), clientName: 'Toolgate tests' }, ...overrides };
}

export function open(config: ConnectionConfig, options: OpenOptions = {}): Promise<McpConnection> {
  return McpConnection.open(config, options);
}

/** A fresh IndexedDB database for one test's token store (deleted in teardown with `deleteDatabase`). */
export function freshDatabase(): string {
  return `tg-auth-test-${crypto.randomUUID()}`;
}

export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/**
 * For a `describe` whose tests share one token database: its fresh name, and an `after` hook that
 * closes everything handed to `keep` (connections, registries) and then deletes the database.
 */
export function suiteTokenDatabase(): { database: string; keep: <T extends { close(): Promise<unknown> }>(opened: T) => T } {
  const database = freshDatabase();
  const opened: { close(): Promise<unknown> }[] = [];
  after(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
    await deleteDatabase(database);
  });
  return {
    database,
    keep: (c) => {
      opened.push(c);
      return c;
    },
  };
}

/**
 * For tests that each need a token database of their own: the current test's name (fresh before each
 * test), and an `afterEach` hook that closes everything handed to `keep` and then deletes it.
 */
export function perTestTokenDatabase(): { database: () => string; keep: <T extends { close(): Promise<unknown> }>(opened: T) => T } {
  let database = '';
  const opened: { close(): Promise<unknown> }[] = [];
  beforeEach(() => void (database = freshDatabase()));
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
    await deleteDatabase(database);
  });
  return {
    database: () => database,
    keep: (c) => {
      opened.push(c);
      return c;
    },
  };
}

/** Everything readable in every IndexedDB database of this origin: values and keys of every store. */
export async function dumpIndexedDb(): Promise<{ database: string; store: string; values: unknown[] }[]> {
  const out: { database: string; store: string; values: unknown[] }[] = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(info.name!);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      for (const store of Array.from(db.objectStoreNames)) {
        const tx = db.transaction(store, 'readonly');
        const [values, keys] = await Promise.all(
          [tx.objectStore(store).getAll(), tx.objectStore(store).getAllKeys()].map(
            (request) => new Promise<unknown[]>((resolve, reject) => {
              request.onsuccess = () => resolve(request.result as unknown[]);
              request.onerror = () => reject(request.error);
            }),
          ),
        );
        out.push({ database: info.name, store, values: [...values!, ...keys!] });
      }
    } finally {
      db.close();
    }
  }
  return out;
}

/** True when `needle` appears in any string, or any byte buffer read as UTF-8 or Latin-1, inside `value`. */
export function containsSecret(value: unknown, needle: string, seen = new Set<unknown>()): boolean {
  if (typeof value === 'string') return value.includes(needle);
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return new TextDecoder('utf-8').decode(bytes).includes(needle) || new TextDecoder('latin1').decode(bytes).includes(needle);
  }
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) return false; // opaque: nothing to read
  if (value instanceof Map) return [...value.entries()].some(([k, v]) => containsSecret(k, needle, seen) || containsSecret(v, needle, seen));
  return Object.values(value as Record<string, unknown>).some((v) => containsSecret(v, needle, seen)) || (value instanceof Error && containsSecret(value.message, needle, seen));
}
