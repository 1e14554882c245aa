/**
 * Taint across calls: per conversation, which strings came out of which server's results, so a
 * later call whose arguments carry them can be flagged. Pure TS, no DOM, bounded memory.
 *
 * Two kinds of taint:
 * - **secrets**: every value the secret detector finds in a result (exact match, any length);
 * - **copies**: verbatim spans of result text of at least `COPY_MIN_LENGTH` characters. Results
 *   are indexed by `GRAM`-character substrings every `STEP` positions, so every copied span of
 *   `GRAM + STEP - 1` (= `COPY_MIN_LENGTH`) characters or more contains an indexed one; a hit is
 *   extended both ways to the whole span. 24 characters is about four words: long enough that
 *   ordinary arguments (ids, names, dates, short phrases) do not collide with earlier results by
 *   chance — measured on the demo's and `server-everything`'s results (README, security) — and short
 *   enough that a copied sentence, key or address is caught.
 *
 * The gate asks `check()` before a model's call runs: a copied span crossing to another server,
 * or a secret, makes the call ask (or a `dataFlow` rule deny it).
 */
import { findSecrets, type SecretCategory } from '../audit/secrets.js';
import type { CallToolResult, JsonObject } from '../../workers/shared/wire.js';

export const GRAM = 17;
export const STEP = 8;
/** Shortest copied span that is reported (guaranteed to be found at this length). */
export const COPY_MIN_LENGTH = GRAM + STEP - 1;
/** Characters of one result indexed (a model sees the first 20 000 by default). */
const MAX_RESULT_CHARS = 32_768;
/** Characters indexed per conversation; the oldest results are forgotten first. */
const MAX_CONVERSATION_CHARS = 262_144;
/** Conversations remembered; the least recently used is forgotten first. */
const MAX_CONVERSATIONS = 8;
/** Secret values remembered per conversation. */
const MAX_SECRETS = 512;

/** Where tainted data came from. */
export interface TaintSource {
  serverId: string;
  serverUrl: string;
  tool: string;
}

/** One tainted span in a proposed call's arguments. */
export interface TaintFinding {
  /** JSON path of the argument string (`$.body`, `$.to[0]`). */
  path: string;
  /** UTF-16 offsets of the span in that string. */
  start: number;
  end: number;
  /** `secret`: a value the detector found in the result; `copy`: a verbatim span of result text. */
  kind: 'secret' | 'copy';
  /** For `secret`: the detector's kind (`aws`, `jwt`, `card`, …) and category. */
  secretKind?: string;
  category?: SecretCategory;
  from: TaintSource;
  /** The data goes to another server than the one it came from. */
  crossesServer: boolean;
}

interface IndexedText {
  source: TaintSource;
  text: string;
}

interface Conversation {
  texts: IndexedText[];
  chars: number;
  /** GRAM-substring → [text, position] of its first indexed occurrence. */
  grams: Map<string, [IndexedText, number]>;
  secrets: Map<string, { source: TaintSource; kind: string; category: SecretCategory }>;
}

/** The strings of a result a model could read and copy. */
function resultTexts(result: CallToolResult): string[] {
  const out: string[] = [];
  for (const block of Array.isArray(result.content) ? result.content : []) {
    if (block.type === 'text') out.push(block.text);
    else if (block.type === 'resource' && 'text' in block.resource) out.push(block.resource.text);
    else if (block.type === 'resource_link' && block.description) out.push(block.description);
  }
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(result.structuredContent);
  return out;
}

/** Every string inside the arguments, with its JSON path. */
function* argStrings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* argStrings(value[i], `${path}[${i}]`);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) yield* argStrings(v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`);
  }
}

export class TaintTracker {
  readonly #conversations = new Map<string, Conversation>();

  /** Remembers what a result of `source` carried, for the conversation. */
  record(conversation: string, source: TaintSource, result: CallToolResult): void {
    const conv = this.#conversation(conversation);
    for (const raw of resultTexts(result)) {
      if (raw.length === 0) continue;
      for (const f of findSecrets(raw)) {
        if (conv.secrets.size >= MAX_SECRETS) conv.secrets.delete(conv.secrets.keys().next().value as string);
        conv.secrets.set(raw.slice(f.start, f.end), { source, kind: f.kind, category: f.category });
      }
      if (raw.length < COPY_MIN_LENGTH) continue;
      const entry: IndexedText = { source, text: raw.slice(0, MAX_RESULT_CHARS) };
      conv.texts.push(entry);
      conv.chars += entry.text.length;
      for (let i = 0; i + GRAM <= entry.text.length; i += STEP) {
        const gram = entry.text.slice(i, i + GRAM);
        if (!conv.grams.has(gram)) conv.grams.set(gram, [entry, i]);
      }
    }
    while (conv.chars > MAX_CONVERSATION_CHARS && conv.texts.length > 1) this.#forgetOldest(conv);
  }

  /**
   * The tainted spans in `args` of a call to `target`: every remembered secret, and every copied
   * span of `COPY_MIN_LENGTH`+ characters from another server's result. (A span copied back into
   * the same server is ordinary work — read a note, then edit it — and is not reported.)
   */
  check(conversation: string, target: { serverId: string; serverUrl: string }, args: JsonObject): TaintFinding[] {
    const conv = this.#conversations.get(conversation);
    if (!conv) return [];
    this.#touch(conversation, conv);
    const crosses = (s: TaintSource) => s.serverUrl !== target.serverUrl;
    const findings: TaintFinding[] = [];
    for (const [path, text] of argStrings(args, '$')) {
      const taken: [number, number][] = [];
      for (const [value, info] of conv.secrets) {
        for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length)) {
          const crossesServer = crosses(info.source);
          if (info.category === 'personal' && !crossesServer) continue;
          findings.push({ path, start: at, end: at + value.length, kind: 'secret', secretKind: info.kind, category: info.category, from: info.source, crossesServer });
          taken.push([at, at + value.length]);
        }
      }
      if (text.length < COPY_MIN_LENGTH) continue;
      for (let j = 0; j + GRAM <= text.length; ) {
        const hit = conv.grams.get(text.slice(j, j + GRAM));
        if (!hit || !crosses(hit[0].source)) {
          j++;
          continue;
        }
        const [entry, p] = hit;
        let start = j;
        let from = p;
        while (start > 0 && from > 0 && text[start - 1] === entry.text[from - 1]) {
          start--;
          from--;
        }
        let end = j + GRAM;
        let to = p + GRAM;
        while (end < text.length && to < entry.text.length && text[end] === entry.text[to]) {
          end++;
          to++;
        }
        if (end - start >= COPY_MIN_LENGTH && !taken.some(([a, b]) => start >= a && end <= b)) {
          findings.push({ path, start, end, kind: 'copy', from: entry.source, crossesServer: true });
        }
        j = end;
      }
    }
    return findings;
  }

  /** Forgets a conversation (e.g. the person cleared it). */
  forget(conversation: string): void {
    this.#conversations.delete(conversation);
  }

  #conversation(id: string): Conversation {
    let conv = this.#conversations.get(id);
    if (!conv) {
      conv = { texts: [], chars: 0, grams: new Map(), secrets: new Map() };
      if (this.#conversations.size >= MAX_CONVERSATIONS) this.#conversations.delete(this.#conversations.keys().next().value as string);
    }
    this.#touch(id, conv);
    return conv;
  }

  #touch(id: string, conv: Conversation): void {
    this.#conversations.delete(id);
    this.#conversations.set(id, conv);
  }

  #forgetOldest(conv: Conversation): void {
    const oldest = conv.texts.shift()!;
    conv.chars -= oldest.text.length;
    for (const [gram, [entry]] of conv.grams) if (entry === oldest) conv.grams.delete(gram);
  }
}
