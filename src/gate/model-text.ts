/**
 * What the model sees of server text: the one place every string a server wrote passes before it
 * goes to a model provider (the gate's model-facing tool list — `GatedTool.forModel` — and its
 * result view `viewForModel`). Pure, no DOM.
 *
 * - Unicode tag characters (U+E0000–E007F: "ASCII smuggling") are removed.
 * - Zero-width and other invisible format characters, variation-selector runs and bidirectional
 *   controls (Trojan Source) are removed. Kept: a zero-width joiner between two emoji and one
 *   variation selector right after a visible character (emoji presentation), which carry no text.
 * - Tool descriptions are cut at the policy's `maxDescriptionLength` (default 2000) and every string
 *   inside a schema at `MAX_SCHEMA_TEXT_LENGTH` (500), with a visible `[truncated …]` notice.
 *
 * The person still sees the raw text, with these characters made visible (`revealHidden`), and the
 * tool keeps its flags (`inspectTool`), which use the same character classes.
 */
import type { JsonObject, JsonValue } from '../audit/record.js';
import type { JsonObject as WireObject } from '../../workers/shared/wire.js';

/** Unicode tag characters. */
export const TAG_CHARS = /[\u{E0000}-\u{E007F}]/u;
/** Zero-width and other invisible format characters, fillers, variation selectors (tags excluded). */
export const INVISIBLE_CHARS =
  /[\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200D\u2060-\u2065\u206A-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0100}-\u{E01EF}]/u;
/** Bidirectional embeddings, overrides, isolates and marks. */
export const BIDI_CHARS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const HIDDEN_SOURCE = `${TAG_CHARS.source}|${INVISIBLE_CHARS.source}|${BIDI_CHARS.source}`;
const HIDDEN = new RegExp(HIDDEN_SOURCE, 'gu');
const IS_HIDDEN = new RegExp(`^(?:${HIDDEN_SOURCE})$`, 'u');
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const VARIATION_SELECTOR = /[\uFE0E\uFE0F]/;

/** Characters of a tool description a model sees at most (policy `maxDescriptionLength`). */
export const DEFAULT_MAX_DESCRIPTION_LENGTH = 2000;
/** Characters of any one string inside a tool's schema (descriptions, titles, enums, defaults) a model sees at most. */
export const MAX_SCHEMA_TEXT_LENGTH = 500;

export interface CleanText {
  text: string;
  /** Hidden characters removed. */
  removed: number;
  /** Characters cut by the length cap. */
  cut: number;
}

/** The character before index `i` (a whole code point). */
function before(text: string, i: number): string {
  const prev = text.codePointAt(i - 1);
  if (prev === undefined) return '';
  return prev >= 0xdc00 && prev <= 0xdfff && i >= 2 ? String.fromCodePoint(text.codePointAt(i - 2)!) : String.fromCodePoint(prev);
}

/** Removes hidden characters (keeping the emoji exceptions in the module doc). */
export function stripHidden(text: string): { text: string; removed: number } {
  let removed = 0;
  const out = text.replace(HIDDEN, (ch: string, offset: number) => {
    if (ch === '\u200D' && PICTOGRAPH.test(before(text, offset)) && PICTOGRAPH.test(String.fromCodePoint(text.codePointAt(offset + 1) ?? 32))) return ch;
    if (VARIATION_SELECTOR.test(ch)) {
      const prev = before(text, offset);
      // One selector after a visible character is presentation; a second, or one after nothing, is a payload.
      if (prev !== '' && !IS_HIDDEN.test(prev)) return ch;
    }
    removed++;
    return '';
  });
  return { text: out, removed };
}

/** `text` cut at `max` characters (never inside a surrogate pair) with a visible notice. */
export function capText(text: string, max: number): { text: string; cut: number } {
  if (text.length <= max) return { text, cut: 0 };
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  const cut = text.length - end;
  return { text: `${text.slice(0, end)} … [truncated: ${cut} more characters]`, cut };
}

/** Hidden characters removed, then the cap. */
export function cleanText(text: string, max = Infinity): CleanText {
  const stripped = stripHidden(text);
  const capped = capText(stripped.text, max);
  return { text: capped.text, removed: stripped.removed, cut: capped.cut };
}

/** What changed in a value made safe for a model. */
export interface CleanReport {
  removed: number;
  cut: number;
}

/** Every string (and object key) of a JSON value cleaned, strings capped at `max`. */
export function cleanJson(value: unknown, max = Infinity, report: CleanReport = { removed: 0, cut: 0 }): JsonValue {
  if (typeof value === 'string') {
    const c = cleanText(value, max);
    report.removed += c.removed;
    report.cut += c.cut;
    return c.text;
  }
  if (Array.isArray(value)) return value.map((v) => cleanJson(v, max, report));
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const key = stripHidden(k);
      report.removed += key.removed;
      out[key.text] = cleanJson(v, max, report);
    }
    return out;
  }
  return value as JsonValue;
}

/** A tool as a model is offered it. */
export interface ModelTool {
  /** The description (or title when there is none), cleaned and capped. */
  description?: string;
  /** The input schema with every string cleaned and capped at `MAX_SCHEMA_TEXT_LENGTH`. */
  inputSchema: JsonObject;
  /** Something was removed or cut (the tool's flags say what and where). */
  altered: boolean;
}

/** The model's view of a tool definition. */
export function toolForModel(tool: { title?: string; description?: string; inputSchema: WireObject }, maxDescriptionLength = DEFAULT_MAX_DESCRIPTION_LENGTH): ModelTool {
  const report: CleanReport = { removed: 0, cut: 0 };
  const inputSchema = cleanJson(tool.inputSchema, Math.min(MAX_SCHEMA_TEXT_LENGTH, maxDescriptionLength), report) as JsonObject;
  const text = tool.description ?? tool.title;
  const out: ModelTool = { inputSchema, altered: false };
  if (text !== undefined) {
    const c = cleanText(text, maxDescriptionLength);
    out.description = c.text;
    report.removed += c.removed;
    report.cut += c.cut;
  }
  out.altered = report.removed > 0 || report.cut > 0;
  return out;
}

/** The notice a model gets when hidden characters were taken out of a result. */
export function hiddenNotice(removed: number): string {
  return `[Toolgate removed ${removed} invisible or text-direction control character${removed === 1 ? '' : 's'} from this result.]`;
}

/** Replaces hidden characters in display text by `\u{…}` (everything else kept): what the person sees. */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
