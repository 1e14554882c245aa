/**
 * Redaction at rest: what of a call is written to the audit log. Applied to an input BEFORE the
 * record is built, hashed and signed, so the chain verifies over exactly what is stored.
 *
 * - `args` (tool-request, call-start) and `error.message` (servers quote what they refused) are
 *   redacted with the secret detector (see redact.ts).
 * - A call's result becomes `auditResult()`: the digest and size of the REDACTED result, and a
 *   bounded, redacted preview of its content (`RESULT_PREVIEW_CHARS` of text in all; images, audio
 *   and blobs only as `{ type, mimeType, bytes }`), so the viewer and exports show what came back
 *   without holding its secrets or its megabytes.
 * - `redactions: { count, kinds }` says what was replaced. With `'raw'` (the policy's
 *   `audit.storeRawValues`) nothing is replaced and the record says `redactions: { raw: true, … }`.
 */
import { canonicalJson } from './canonical-json.js';
import { redactValue, type RedactOptions, type RedactionSummary } from './redact.js';
import type { AuditInput, JsonValue, RedactionInfo, ResultInfo } from './record.js';
import { sha256Hex } from './sha256.js';

/** How a record is redacted: detector options, or `'raw'` to store values as they are. */
export type AuditRedaction = RedactOptions | 'raw';

/** Characters of result text kept in a `call-end` preview, over all its blocks. */
export const RESULT_PREVIEW_CHARS = 4000;
/** Largest `structuredContent` (canonical JSON characters) kept in a preview. */
const STRUCTURED_PREVIEW_CHARS = 4000;

function merge(into: RedactionSummary, more: RedactionSummary): RedactionSummary {
  return { count: into.count + more.count, kinds: [...new Set([...into.kinds, ...more.kinds])].sort() };
}

const NONE: RedactionSummary = { count: 0, kinds: [] };

function redactWith<T>(value: T, redaction: AuditRedaction): { value: T } & RedactionSummary {
  return redaction === 'raw' ? { value, ...NONE } : redactValue(value, redaction);
}

const base64Bytes = (data: unknown) => (typeof data === 'string' ? Math.floor((data.replace(/=+$/, '').length * 3) / 4) : 0);

/** A content block as the preview keeps it (text cut to `budget.left`, binary described). */
function previewBlock(block: Record<string, unknown>, budget: { left: number; truncated: boolean }): JsonValue {
  const cut = (text: unknown): string => {
    const s = typeof text === 'string' ? text : '';
    if (s.length <= budget.left) {
      budget.left -= s.length;
      return s;
    }
    budget.truncated = true;
    const kept = s.slice(0, budget.left);
    budget.left = 0;
    return kept;
  };
  switch (block.type) {
    case 'text':
      return { type: 'text', text: cut(block.text) };
    case 'image':
    case 'audio':
      return { type: block.type, mimeType: String(block.mimeType ?? ''), bytes: base64Bytes(block.data) };
    case 'resource': {
      const resource = (block.resource ?? {}) as Record<string, unknown>;
      const ref = { uri: String(resource.uri ?? ''), ...(typeof resource.mimeType === 'string' && { mimeType: resource.mimeType }) };
      return 'text' in resource
        ? { type: 'resource', resource: { ...ref, text: cut(resource.text) } }
        : { type: 'resource', resource: { ...ref, bytes: base64Bytes(resource.blob) } };
    }
    case 'resource_link': {
      const { type, uri, name, title, mimeType, description } = block;
      return JSON.parse(JSON.stringify({ type, uri, name, title, mimeType, description: typeof description === 'string' ? cut(description) : undefined })) as JsonValue;
    }
    default:
      return { type: String(block.type ?? 'unknown') };
  }
}

/** A record's `redactions`: what was replaced, and `raw` when nothing may be. */
function redactionInfo(summary: RedactionSummary, redaction: AuditRedaction): RedactionInfo {
  const info: RedactionInfo = { count: summary.count, kinds: summary.kinds };
  if (redaction === 'raw') info.raw = true;
  return info;
}

/**
 * The `result` of a `call-end` record and what was redacted in it: digest of the redacted result
 * (the raw one with `'raw'`), its size, and the bounded preview. A `call-end` holding this `info`
 * and these `redactions` is fully redacted: it needs no `redactAuditInput` (no second scan of the
 * preview on the call's return path).
 */
export function auditResult(
  result: { content?: unknown; structuredContent?: unknown; isError?: boolean },
  redaction: AuditRedaction,
): { info: ResultInfo; redactions: RedactionInfo } {
  const redacted = redactWith(result, redaction);
  const json = canonicalJson(redacted.value) ?? 'null';
  const bytes = new TextEncoder().encode(json);
  const info: ResultInfo = { sha256: sha256Hex(bytes), size: bytes.length };
  if (result.isError !== undefined) info.isError = result.isError === true;
  const budget = { left: RESULT_PREVIEW_CHARS, truncated: false };
  const content = Array.isArray(redacted.value.content) ? (redacted.value.content as Record<string, unknown>[]) : [];
  info.content = content.filter((b) => typeof b === 'object' && b !== null).map((b) => previewBlock(b, budget));
  const structured = redacted.value.structuredContent;
  if (structured !== undefined) {
    const text = canonicalJson(structured);
    if (text !== undefined && text.length <= STRUCTURED_PREVIEW_CHARS) info.structuredContent = JSON.parse(text) as JsonValue;
    else budget.truncated = true;
  }
  if (budget.truncated) info.truncated = true;
  return { info, redactions: redactionInfo(redacted, redaction) };
}

/**
 * The input with its arguments, result preview and error message redacted and `redactions` set
 * (merged with `already`, what the caller redacted before, e.g. by `auditResult`). An input that
 * already carries `redactions` is returned as it is: it was redacted (or kept raw) on purpose.
 */
export function redactAuditInput<T extends AuditInput>(input: T, redaction: AuditRedaction, already: RedactionSummary = NONE): T & { redactions: RedactionInfo } {
  if (input.redactions) return input as T & { redactions: RedactionInfo };
  let summary = already;
  const out = { ...input } as T & { args?: JsonValue; result?: ResultInfo; error?: { code: string; message: string } };
  if ('args' in out && out.args !== undefined) {
    const r = redactWith(out.args, redaction);
    out.args = r.value;
    summary = merge(summary, r);
  }
  if (out.kind === 'call-end' && out.result && (out.result.content || out.result.structuredContent !== undefined)) {
    // Idempotent: a preview from auditResult has nothing left to find; a host's own preview might.
    const r = redactWith({ content: out.result.content, structuredContent: out.result.structuredContent }, redaction);
    out.result = { ...out.result, ...JSON.parse(JSON.stringify(r.value)) };
    summary = merge(summary, r);
  }
  if (out.error && typeof out.error.message === 'string') {
    const r = redactWith(out.error.message, redaction);
    out.error = { ...out.error, message: r.value };
    summary = merge(summary, r);
  }
  const redactions = redactionInfo(summary, redaction);
  return Object.assign(out, { redactions });
}
