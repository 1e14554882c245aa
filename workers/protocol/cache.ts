/**
 * Result cache for the modern era's cacheable results (server/utilities/caching.mdx): keyed by method
 * and the params that affect the result (never `_meta`); fresh for `ttlMs` after receipt (missing or
 * negative → 0, i.e. not stored); `private` results are served only to the authorization context that
 * stored them; results of MRTR retries are never stored. A change notification clears the method.
 */
import type { CacheScope, JsonObject } from '../shared/wire.js';

/** Methods whose results carry caching hints. */
export const CACHEABLE_METHODS: ReadonlySet<string> = new Set([
  'server/discover',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
]);

/** Caps memory: a server cannot make the worker hold unbounded results. */
const MAX_ENTRIES = 256;

interface Entry {
  result: JsonObject;
  expiresAt: number;
  scope: CacheScope;
  authContext: string;
}

/** Stable JSON with sorted keys, so `{a,b}` and `{b,a}` are the same key. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function cacheKey(method: string, params: JsonObject | undefined): string {
  const { _meta, ...rest } = params ?? {};
  return `${method} ${stable(rest)}`;
}

export class ResultCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  /** Identifies the credentials in use (e.g. a token hash); `private` entries stay within one. */
  readonly #authContext: () => string;

  constructor(options: { now?: () => number; authContext?: () => string } = {}) {
    this.#now = options.now ?? (() => Date.now());
    this.#authContext = options.authContext ?? (() => '');
  }

  get size(): number {
    return this.#entries.size;
  }

  /** A fresh result for exactly this method and params, if any. */
  get(method: string, params: JsonObject | undefined): JsonObject | undefined {
    const key = cacheKey(method, params);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    if (entry.scope === 'private' && entry.authContext !== this.#authContext()) return undefined;
    return entry.result;
  }

  /** Stores a complete result per its hints; MRTR retries and results without a positive TTL are not stored. */
  put(method: string, params: JsonObject | undefined, result: JsonObject): void {
    if (!CACHEABLE_METHODS.has(method)) return;
    if (params && ('inputResponses' in params || 'requestState' in params)) return;
    const ttl = typeof result.ttlMs === 'number' && Number.isFinite(result.ttlMs) && result.ttlMs > 0 ? result.ttlMs : 0;
    if (ttl === 0) return;
    // Anything but an explicit "public" is treated as private: the safe reading of a missing scope.
    const scope: CacheScope = result.cacheScope === 'public' ? 'public' : 'private';
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(cacheKey(method, params), { result, expiresAt: this.#now() + ttl, scope, authContext: this.#authContext() });
  }

  /** Drops every entry of a method (a list_changed notification), or everything. */
  invalidate(method?: string): void {
    if (method === undefined) return this.#entries.clear();
    for (const key of [...this.#entries.keys()]) if (key.startsWith(`${method} `)) this.#entries.delete(key);
  }
}
