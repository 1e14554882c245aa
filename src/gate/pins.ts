/**
 * Tool pinning, the rug-pull defence: a tool's definition is identified by the SHA-256 of the
 * RFC 8785 canonical JSON of `{name, title, description, inputSchema, outputSchema, annotations,
 * _meta}`. The gate remembers the definition it last accepted per (server URL, tool name); when a
 * re-list shows another hash the tool is quarantined until the person re-approves it, and an
 * "always allow" is bound to the exact hash it was given for.
 *
 * Also here: the hidden-instruction checks on what a server says about its tools, and the
 * escaping that keeps a look-alike name from passing for a known tool. Pure, no DOM.
 */
import canonicalize from 'canonicalize';
import { sha256Hex } from '../audit/sha256.js';
import type { Tool } from '../../workers/shared/wire.js';
import { BIDI_CHARS, DEFAULT_MAX_DESCRIPTION_LENGTH, MAX_SCHEMA_TEXT_LENGTH, TAG_CHARS, revealHidden, stripHidden } from './model-text.js';

const BIDI_G = new RegExp(BIDI_CHARS.source, 'gu');

/** The fields a pin covers, in the shape that is hashed. */
export function pinnedFields(tool: Tool): Record<string, unknown> {
  const { name, title, description, inputSchema, outputSchema, annotations, _meta } = tool;
  return { name, title, description, inputSchema, outputSchema, annotations, _meta };
}

/** SHA-256 (lowercase hex) of the canonical JSON of the pinned fields. Synchronous. */
export function definitionHash(tool: Tool): string {
  return sha256Hex(canonicalize(pinnedFields(tool)) ?? 'null');
}

/** What the gate stores per (server URL, tool name) in the `pins` store. */
export interface PinRecord {
  /** `[serverUrl, toolName]` as JSON: the store key. */
  key: string;
  serverUrl: string;
  toolName: string;
  /** The definition the person (or the first listing) accepted, and its hash. */
  known: { hash: string; definition: Tool; since: number };
  /** Set by "Always allow": calls of exactly this hash run without asking. */
  alwaysAllow?: string;
  /** A changed definition waiting for re-approval (the tool is quarantined while this is set). */
  pending?: { hash: string; definition: Tool; since: number };
}

export const pinKey = (serverUrl: string, toolName: string) => JSON.stringify([serverUrl, toolName]);

/** How a pin stands for the definition currently listed. */
export interface PinState {
  /** The listed definition differs from the accepted one: quarantined until re-approved. */
  quarantined: boolean;
  /** "Always allow" was given for exactly the listed hash. */
  alwaysAllowed: boolean;
}

export function pinState(record: PinRecord | undefined, hash: string): PinState {
  if (!record) return { quarantined: false, alwaysAllowed: false };
  const quarantined = record.known.hash !== hash;
  return { quarantined, alwaysAllowed: !quarantined && record.alwaysAllow === hash };
}

// ---------------------------------------------------------------------------------------------
// Hidden-instruction flags

export type ToolFlagKind = 'invisible-unicode' | 'bidi-control' | 'instruction-text' | 'long-description' | 'confusable-name';

export interface ToolFlag {
  kind: ToolFlagKind;
  /** Where: `name`, `title`, `description`, or a JSON path inside `inputSchema`/`outputSchema`/`annotations`/`_meta`. */
  field: string;
  /** Short explanation for the person (safe to render as text). */
  detail: string;
}

/** Phrases that address the model rather than describe a tool. */
const INSTRUCTION_TEXT: RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|other|system)\b[^.\n]{0,20}\b(instructions?|prompts?|rules|messages|directions)\b/i,
  /<\/?\s*(important|system|instructions?|secret|admin)\s*>/i,
  /\b(do not|don't|never)\s+(tell|inform|mention|reveal|show)\b[^.\n]{0,30}\b(user|person|human)\b/i,
  /\bbefore using (this|any other) tool\b/i,
  /\b(you must|always) (first )?(call|read|send|include|pass)\b[^.\n]{0,60}\b(file|key|token|password|secret|ssh|credentials?|\.env)\b/i,
  /\byou are now\b|\bnew instructions\b|\bsystem prompt\b/i,
];

export { DEFAULT_MAX_DESCRIPTION_LENGTH, revealHidden };

/** Every string inside a JSON value, with its path. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      yield [`${path}.${k}#key`, k];
      yield* strings(v, `${path}.${k}`);
    }
  }
}

/**
 * Flags hidden-instruction markers in a tool definition: invisible Unicode, bidi controls,
 * "ignore previous instructions"-style text, a very long description, and a name that is not
 * plain ASCII (a look-alike of another tool's name). The gate makes a flagged tool ask.
 */
export function inspectTool(tool: Tool, options: { maxDescriptionLength?: number } = {}): ToolFlag[] {
  const flags: ToolFlag[] = [];
  const seen = new Set<string>();
  const add = (kind: ToolFlagKind, field: string, detail: string) => {
    const key = `${kind} ${field}`;
    if (!seen.has(key)) {
      seen.add(key);
      flags.push({ kind, field, detail });
    }
  };
  if (/[^\x21-\x7E]/.test(tool.name)) add('confusable-name', 'name', `The name is not plain ASCII: ${escapeName(tool.name)}`);
  const fields: [string, unknown][] = [
    ['name', tool.name],
    ['title', tool.title],
    ['description', tool.description],
    ['inputSchema', tool.inputSchema],
    ['outputSchema', tool.outputSchema],
    ['annotations', tool.annotations],
    ['_meta', tool._meta],
  ];
  for (const [field, value] of fields) {
    for (const [path, text] of strings(value, field)) {
      const where = path.replace(/#key$/, ' (key)');
      if (TAG_CHARS.test(text)) add('invisible-unicode', where, 'Contains Unicode tag characters (invisible text a model can read); they are removed before a model sees it.');
      else if (stripHidden(text.replace(BIDI_G, '')).removed > 0) add('invisible-unicode', where, 'Contains invisible characters (zero-width or format characters); they are removed before a model sees it.');
      if (BIDI_CHARS.test(text)) add('bidi-control', where, 'Contains bidirectional control characters that can reorder what is displayed.');
      if (INSTRUCTION_TEXT.some((re) => re.test(text))) add('instruction-text', where, 'Contains text that gives the model instructions instead of describing the tool.');
    }
  }
  const max = options.maxDescriptionLength ?? DEFAULT_MAX_DESCRIPTION_LENGTH;
  if ((tool.description?.length ?? 0) > max) {
    add('long-description', 'description', `The description is very long (${tool.description!.length} characters); a model sees only the first ${max}.`);
  }
  const schemaMax = Math.min(MAX_SCHEMA_TEXT_LENGTH, max);
  for (const [path, text] of strings(tool.inputSchema, 'inputSchema')) {
    if (!path.endsWith('#key') && text.length > schemaMax) add('long-description', path, `A schema text is very long (${text.length} characters); a model sees only the first ${schemaMax}.`);
  }
  return flags;
}

/**
 * A name as the person should see it: printable ASCII stays, every other code point becomes
 * `\u{…}`, so `delete_note` and `delete_nоte` (Cyrillic о) or `echo\u200B` never look alike.
 */
export function escapeName(name: string): string {
  let out = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0x20 && cp <= 0x7e && ch !== '\\' ? ch : ch === '\\' ? '\\\\' : `\\u{${cp.toString(16).toUpperCase()}}`;
  }
  return out;
}


// ---------------------------------------------------------------------------------------------
// Definition diff

export interface DiffLine {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

/** Pretty, key-sorted JSON of the pinned fields, with hidden characters revealed. */
export function definitionText(tool: Tool): string {
  const canonical = canonicalize(pinnedFields(tool)) ?? 'null';
  return revealHidden(JSON.stringify(JSON.parse(canonical), null, 2));
}

/** `definitionDiff` (definition-diff.ts), loaded when a quarantined tool is first reviewed: the diff library is not in the first paint. */
export const loadDefinitionDiff = (): Promise<typeof import('./definition-diff.js').definitionDiff> => import('./definition-diff.js').then((m) => m.definitionDiff);
