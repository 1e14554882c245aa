/**
 * Servers the person added through `<tg-connections>`, kept per tenant in `localStorage` (small,
 * synchronous at startup, and no IndexedDB schema change for a UI preference). What is read back
 * is checked like input: a bad entry is dropped, not trusted.
 */
import { checkServerUrl } from './server-url.js';

export interface SavedServer {
  url: string;
  transport?: 'auto' | 'websocket' | 'http' | 'sse';
  msgpack?: boolean;
  name?: string;
  /** The person agreed to use it although the policy's allow-list does not name it. */
  consented?: boolean;
}

const TRANSPORTS = new Set(['auto', 'websocket', 'http', 'sse']);
/** More is not a list a person keeps by hand; it bounds what a full storage can cost at startup. */
export const MAX_SAVED_SERVERS = 50;

export function savedServersKey(tenant: string | undefined): string {
  return `toolgate:${tenant ?? ''}:servers`;
}

export function loadSavedServers(tenant: string | undefined): SavedServer[] {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(savedServersKey(tenant)) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: SavedServer[] = [];
  for (const item of raw.slice(0, MAX_SAVED_SERVERS)) {
    if (typeof item !== 'object' || item === null) continue;
    const { url, transport, msgpack, name, consented } = item as Record<string, unknown>;
    if (typeof url !== 'string' || !checkServerUrl(url).ok) continue;
    const server: SavedServer = { url };
    if (typeof transport === 'string' && TRANSPORTS.has(transport)) server.transport = transport as SavedServer['transport'] & string;
    if (msgpack === true) server.msgpack = true;
    if (typeof name === 'string' && name.trim()) server.name = name.trim().slice(0, 100);
    if (consented === true) server.consented = true;
    out.push(server);
  }
  return out;
}

/** Writes the list; storage that is full or disabled leaves the servers for this session only. */
export function storeSavedServers(tenant: string | undefined, servers: readonly SavedServer[]): boolean {
  try {
    localStorage.setItem(savedServersKey(tenant), JSON.stringify(servers.slice(0, MAX_SAVED_SERVERS)));
    return true;
  } catch {
    return false;
  }
}
