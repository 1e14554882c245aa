/**
 * The one identity of a server: a short id derived from its URL (or from the `name` it was
 * declared with). Policy rules (`server: "notes"`), role grants (`notes/*`), the tool ids the model
 * sees (`notes__search_notes`), the audit records and the elements all use it. Pure, no DOM.
 *
 * - The base is the `name` as a slug, else the URL's host as a slug (`mcp-example-com`), at most
 *   24 characters.
 * - The gate remembers, per tenant, the URL each id was first given to (`Gate.serverIds()`). A
 *   listed server whose URL an id of its base was given to keeps that id.
 * - Otherwise the base goes to the listed server with the smallest URL, and every other server
 *   sharing the base gets `<base>-<6 hex digits of the SHA-256 of its full URL>`.
 * - So ids never depend on list order: the same list gives the same ids in any order, in every
 *   session and after a reload, and removing or adding a server never renames one that has
 *   connected. When an id does come to name another URL than its first (a `name` moved, or the
 *   first URL is gone), the gate applies nothing written for the id to the new URL: its calls
 *   ask (see `Gate.addServer`).
 */
import { sha256Hex } from '../audit/sha256.js';

export interface IdentifiedServer {
  readonly url: string;
  readonly name?: string | undefined;
}

const MAX_BASE = 24;

/** The preferred id of a server, ignoring every other server. */
export function serverIdBase(server: IdentifiedServer): string {
  let host = '';
  try {
    host = new URL(server.url).hostname;
  } catch {
    /* an invalid URL never connects; its id only has to be stable */
  }
  const slug = (server.name?.trim() || host || server.url)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_BASE)
    .replace(/-+$/, '');
  return slug || 'server';
}

/**
 * The id of each server of a list, in the list's order (the ids themselves do not depend on it).
 * `given` maps ids to the URL each was first given to (`Gate.serverIds()`).
 */
export function assignServerIds(servers: readonly IdentifiedServer[], given: ReadonlyMap<string, string> = new Map()): string[] {
  const ids: (string | undefined)[] = servers.map(() => undefined);
  const taken = new Set<string>();
  const groups = new Map<string, number[]>();
  servers.forEach((server, index) => {
    const base = serverIdBase(server);
    groups.set(base, [...(groups.get(base) ?? []), index]);
  });
  // Sorted by base, and members by URL (then position, for a URL listed twice): the list's order is gone.
  const ordered = [...groups].sort(([a], [b]) => compare(a, b)).map(([base, members]) => ({
    base,
    members: members.sort((a, b) => compare(servers[a]!.url, servers[b]!.url) || a - b),
  }));

  // 1. A server keeps an id of its base that was first given to its URL.
  const family = [...given].sort(([a], [b]) => compare(a, b));
  for (const { base, members } of ordered) {
    for (const index of members) {
      const url = servers[index]!.url;
      const id = family.find(([id, first]) => first === url && !taken.has(id) && (id === base || isSuffixed(id, base)))?.[0];
      if (id !== undefined) {
        ids[index] = id;
        taken.add(id);
      }
    }
  }
  // 2. The base itself goes to the smallest remaining URL; 3. the others get a suffix from theirs.
  for (const { base, members } of ordered) {
    const rest = members.filter((index) => ids[index] === undefined);
    if (rest.length > 0 && !taken.has(base)) {
      ids[rest.shift()!] = base;
      taken.add(base);
    }
    for (const index of rest) {
      const url = servers[index]!.url;
      let id = `${base}-${hex6(url)}`;
      for (let n = 1; taken.has(id); n++) id = `${base}-${hex6(`${url}#${n}`)}`;
      ids[index] = id;
      taken.add(id);
    }
  }
  return ids as string[];
}

const hex6 = (text: string) => sha256Hex(text).slice(0, 6);
const isSuffixed = (id: string, base: string) => id.length === base.length + 7 && id.startsWith(`${base}-`) && /^[0-9a-f]{6}$/.test(id.slice(-6));
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
