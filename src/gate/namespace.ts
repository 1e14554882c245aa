/**
 * Tool ids as the LLM sees them: `<server>__<tool>`, safe as a function name for every provider
 * (`^[a-zA-Z0-9_-]{1,64}$`) and unique across connections, so two servers' `search` never collide
 * and no server can shadow another's tool. Pure, no DOM.
 *
 * - Characters outside `[a-zA-Z0-9_-]` become `_`; when that lost information (or the id had to
 *   be shortened), a short hash of the original `server`+`tool` is appended, so `a.b` and `a_b`
 *   stay two tools.
 * - Ids are first come, first kept: a later tool whose id is already taken gets the hash suffix
 *   instead, so a server that connects later can never take over an id the model already uses.
 */
import { sha256Hex } from '../audit/sha256.js';

export const TOOL_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX = 64;
const UNSAFE = /[^a-zA-Z0-9_-]/g;

const suffixOf = (serverId: string, toolName: string, salt = 0) => `_${sha256Hex(JSON.stringify([serverId, toolName, salt])).slice(0, 8)}`;

/** The preferred id of a tool, ignoring every other tool. */
export function baseToolId(serverId: string, toolName: string): string {
  const server = serverId.replace(UNSAFE, '_') || 's';
  const tool = toolName.replace(UNSAFE, '_') || 't';
  const plain = `${server}__${tool}`;
  const lossless = server === serverId && tool === toolName && !serverId.includes('__');
  if (lossless && plain.length <= MAX) return plain;
  return withSuffix(plain, suffixOf(serverId, toolName));
}

function withSuffix(id: string, suffix: string): string {
  return `${id.slice(0, MAX - suffix.length)}${suffix}`;
}

/** Assigns ids; remembers who holds which, so ids stay stable while their tools exist. */
export class ToolNamespace {
  readonly #byId = new Map<string, string>(); // id → owner key
  readonly #byOwner = new Map<string, string>(); // owner key → id

  /** The id of a tool (assigning one on first sight). */
  idFor(serverId: string, toolName: string): string {
    const owner = JSON.stringify([serverId, toolName]);
    const existing = this.#byOwner.get(owner);
    if (existing) return existing;
    let id = baseToolId(serverId, toolName);
    for (let salt = 0; this.#byId.has(id); salt++) id = withSuffix(baseToolId(serverId, toolName), suffixOf(serverId, toolName, salt));
    this.#byId.set(id, owner);
    this.#byOwner.set(owner, id);
    return id;
  }

  /** Frees the ids of a server's tools that are gone (all of them when `keep` is empty). */
  release(serverId: string, keep: ReadonlySet<string> = new Set()): void {
    for (const [owner, id] of this.#byOwner) {
      const [server, tool] = JSON.parse(owner) as [string, string];
      if (server === serverId && !keep.has(tool)) {
        this.#byOwner.delete(owner);
        this.#byId.delete(id);
      }
    }
  }
}
