/**
 * The audit record: what one entry of the hash-chained log holds, and how its hash is computed.
 *
 * Format version 3 (also what `toolgate-audit verify` checks, see bin/toolgate-audit.mjs). Versions
 * 1, 2 and 3 hash and link the same way, so a chain mixing them verifies. Version 2 records are
 * redacted BEFORE they are hashed (see redact-record.ts): `args`, a call's `result` (a bounded
 * preview plus the digest of the redacted result) and `error.message` hold `[REDACTED:<kind>]` where
 * a secret was, and `redactions` says how many values of which kinds were replaced (or `raw: true`
 * when the host's policy keeps raw values). Version 1 `call-end` records hold only the digest of the
 * raw result. Version 3 changes only when signatures are made (see `sig` below).
 * - `hash` = SHA-256 (lowercase hex) of the RFC 8785 canonical JSON of the record without `hash`
 *   and `sig`. `prevHash` is the previous record's `hash` (`GENESIS_HASH` for seq 1), so editing,
 *   deleting or reordering any record breaks every later link.
 * - `sig`: ECDSA P-256 / SHA-256 signature, in IEEE P1363 form (r‖s, 64 bytes), base64url, over
 *   the UTF-8 bytes of `hash` (the 64 hex digits), made with the device key whose RFC 7638 JWK
 *   thumbprint is `device`. Because `hash` covers `prevHash`, one signature vouches for the whole
 *   chain up to it. Versions 1 and 2 sign the last record of each committed batch, in the commit,
 *   so every committed state ends signed. Version 3 signs off the call's critical path: a *seal*
 *   over the writer's head every `SEAL_EVERY_RECORDS` records or `SEAL_EVERY_MS`, and when the
 *   writer hands the lock over or closes; the seal is kept beside the record (store `seals`,
 *   outside what `hash` covers) and read back as its `sig`. The unsigned version-3 records after
 *   the last signature are a *pending* tail — reported as a range, not as a break; unsigned
 *   version 1/2 records at the end still are a break (`unsigned-tail`).
 */
import { canonicalJson } from './canonical-json.js';
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import { sha256Hex } from './sha256.js';

export const AUDIT_FORMAT_VERSION = 3 as const;
/** The first format whose unsigned tail is pending (sealed later), not broken. */
export const SEALED_FORMAT_VERSION = 3;
/** `prevHash` of the first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Every kind of record. `checkpoint` is written by retention only. */
export const AUDIT_KINDS = [
  'connect',
  'auth',
  'tool-request',
  'decision',
  'call-start',
  'call-end',
  'outcome-unknown',
  'policy-change',
  'pin-change',
  'view-request',
  'error',
  'storage-unavailable',
  'checkpoint',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** The person: the host's own user id, and the OAuth subject/issuer when a server authorized them. */
export interface UserIdentity {
  id?: string;
  sub?: string;
  iss?: string;
}
/** The agent: the element instance that acted, and its configured name. */
export interface AgentIdentity {
  id: string;
  name?: string;
}
export interface ServerRef {
  url: string;
  /** The connection's key in the element, when it has one. */
  id?: string;
}
export interface ToolRef {
  name: string;
  /** SHA-256 of the pinned definition (see GatedTool.definitionHash). */
  definitionHash?: string;
}
/** Who decided: a policy rule, a person (approval card), or the host (`tg-tool-request`). */
export interface DecisionInfo {
  outcome: 'allow' | 'deny';
  by: 'rule' | 'person' | 'host';
  /** The rule's id when `by` is `rule`. */
  rule?: string;
  /** Who approved/denied when `by` is `person`. */
  person?: string;
  reason?: string;
  /** Data in the arguments that came from earlier results (taint): where from, never the data itself. */
  dataFlow?: DataFlowInfo[];
}
/** One tainted argument: which server's result (and tool) it came from, and what it carried. */
export interface DataFlowInfo {
  /** JSON path of the argument string, e.g. `$.body`. */
  path: string;
  from: { server: ServerRef; tool: string };
  /** `secret`: a detected secret of `secretKind`; `copy`: a verbatim span of `length` characters. */
  kind: 'secret' | 'copy';
  secretKind?: string;
  length: number;
}
export interface ResultInfo {
  /**
   * SHA-256 hex of the canonical JSON of the result as recorded: redacted (v2, unless `raw`), or as
   * it came (v1). Proves what came back without storing all of it.
   */
  sha256: string;
  /** Size in bytes of that canonical JSON. */
  size: number;
  isError?: boolean;
  /**
   * (v2) The result's content, redacted and bounded: text cut at `RESULT_PREVIEW_CHARS` in all,
   * images, audio and blobs replaced by `{ type, mimeType, bytes }`.
   */
  content?: JsonValue[];
  /** (v2) `structuredContent`, redacted, when its JSON fits the preview bound. */
  structuredContent?: JsonValue;
  /** (v2) Something was left out of the preview. */
  truncated?: boolean;
}
/** (v2) What was redacted in a record before it was hashed, or `raw` when the policy keeps raw values. */
export interface RedactionInfo {
  count: number;
  kinds: string[];
  raw?: true;
}
export interface ErrorInfo {
  code: string;
  message: string;
}

/**
 * Why a started call has no `call-end`, in an `outcome-unknown` record. The call was sent, so it
 * may have run on the server:
 * - `reload`: the page that started it was reloaded (found by the reloaded page);
 * - `tab-closed`: the page that started it went away — closed, navigated, or reloaded while
 *   another page of the same log noticed first;
 * - `log-closed`: the page closed its audit log (e.g. removed `<tg-agent>`) while the call ran;
 * - `worker-lost`: the connection worker ended while the call was pending (`TG_WORKER_FAILED`);
 * - `connection-lost`: the connection closed while the call was pending (`TG_CONNECTION_CLOSED`:
 *   the server dropped, or the browser closed the page's sockets as it navigated away);
 * - `storage-failed`: the call ended while the log could not write, so its end was refused;
 * - `earlier-session`: left without an end by a version of Toolgate that did not reconcile.
 */
export type OutcomeUnknownReason = 'reload' | 'tab-closed' | 'log-closed' | 'worker-lost' | 'connection-lost' | 'storage-failed' | 'earlier-session';

interface Common {
  /** Correlates `tool-request`, `decision`, `call-start` and `call-end` of one call. */
  callId?: string;
  /** Overrides the log's default user for this record. */
  user?: UserIdentity;
  /** Overrides the log's default agent for this record. */
  agent?: AgentIdentity;
  /** Anything else worth keeping (JSON only). Not redacted: put no secrets here. */
  detail?: JsonObject;
  /** (v2) Set by redaction (see `redactAuditInput`); an input that has it is stored as it is. */
  redactions?: RedactionInfo;
}

/** What callers pass to `AuditLog.append`, discriminated by `kind`. */
export type AuditInput =
  | (Common & { kind: 'connect'; server: ServerRef; status: 'connecting' | 'ready' | 'closed' | 'failed'; error?: ErrorInfo })
  | (Common & { kind: 'auth'; server: ServerRef; event: string; user?: UserIdentity; error?: ErrorInfo })
  | (Common & { kind: 'tool-request'; callId: string; server: ServerRef; tool: ToolRef; args: JsonValue; proposer: string })
  | (Common & { kind: 'decision'; callId: string; server: ServerRef; tool: ToolRef; decision: DecisionInfo })
  | (Common & { kind: 'call-start'; callId: string; server: ServerRef; tool: ToolRef; args?: JsonValue })
  | (Common & {
      kind: 'call-end';
      callId: string;
      server: ServerRef;
      tool: ToolRef;
      status: 'ok' | 'tool-error' | 'failed' | 'cancelled';
      result?: ResultInfo;
      durationMs: number;
      error?: ErrorInfo;
    })
  /** A started call whose end will never be known: it may have run. `startSeq` is its `call-start`. */
  | (Common & { kind: 'outcome-unknown'; callId: string; server: ServerRef; tool: ToolRef; reason: OutcomeUnknownReason; startSeq?: number; error?: ErrorInfo })
  | (Common & { kind: 'policy-change'; change: JsonValue })
  | (Common & { kind: 'pin-change'; server: ServerRef; tool: ToolRef; change: 'pinned' | 'changed' | 'quarantined' | 'approved' | 'removed' })
  /**
   * A request an MCP App view made of the host (`ui/open-link`, `ui/message`, `resources/read`, …;
   * its `tools/call` goes through the gate and is recorded as a call, proposer `app:…`). `tool` is
   * the tool whose view asked; `detail.view` its `ui://` URI.
   */
  | (Common & { kind: 'view-request'; server: ServerRef; tool: ToolRef; method: string; outcome: 'allowed' | 'denied' | 'refused' | 'failed'; error?: ErrorInfo })
  | (Common & { kind: 'error'; error: ErrorInfo; server?: ServerRef; tool?: ToolRef })
  /**
   * The log could not write from `from` to `to` (ms since the epoch), for `error`; written when it
   * can again. Nothing was recorded — and no tool call ran (fail closed) — in between.
   */
  | (Common & { kind: 'storage-unavailable'; from: number; to: number; error: ErrorInfo });

/** A checkpoint: retention removed records `1…prunedThrough`; the next record continues from `anchorHash`. */
export interface CheckpointBody {
  kind: 'checkpoint';
  /** The last removed record's seq; the first kept record has `prunedThrough + 1`. */
  prunedThrough: number;
  /** The last removed record's hash: the first kept record's `prevHash`. */
  anchorHash: string;
  /** How many records this retention pass removed. */
  removed: number;
  policy: { maxRecords?: number; maxAgeMs?: number };
}

/** Fields every stored record has, whatever its kind. */
export interface RecordEnvelope {
  /** Format version (1: before redaction at rest; 2: before seals; all verify the same way). */
  v: 1 | 2 | typeof AUDIT_FORMAT_VERSION;
  /** 1, 2, 3, … without gaps, one chain per database (all tabs of an origin/tenant). */
  seq: number;
  /** Milliseconds since the epoch when the record was committed (the writer's clock). */
  ts: number;
  user: UserIdentity;
  agent: AgentIdentity;
  /** RFC 7638 JWK thumbprint (base64url) of the device key. */
  device: string;
  prevHash: string;
  hash: string;
  /** Signature over `hash`: on the last record of a committed batch (v1/v2), or a seal (v3). */
  sig?: string;
}

type Distribute<T> = T extends unknown ? Omit<T, 'user' | 'agent'> & RecordEnvelope : never;
/** A stored record: the input (arguments redacted) plus the envelope. */
export type AuditRecord = Distribute<AuditInput> | (CheckpointBody & RecordEnvelope & { callId?: undefined; detail?: JsonObject });

/** The JSON that `hash` is computed over: the record without `hash` and `sig`. */
export function hashableJson(record: Omit<AuditRecord, 'hash' | 'sig'> | AuditRecord): string {
  const { hash: _hash, sig: _sig, ...rest } = record as AuditRecord;
  const json = canonicalJson(rest);
  if (json === undefined) throw new TgError(ErrorCode.AUDIT_INVALID_RECORD, 'The record is not JSON');
  return json;
}

/** The record's hash: SHA-256 hex of its canonical JSON without `hash`/`sig`. */
export function recordHash(record: Omit<AuditRecord, 'hash' | 'sig'> | AuditRecord): string {
  return sha256Hex(hashableJson(record));
}

/** Server URL, tool name and decision outcome of a record, when it has them (for filters and lists). */
export function recordServer(record: AuditRecord): string | undefined {
  return 'server' in record ? record.server?.url : undefined;
}
export function recordTool(record: AuditRecord): string | undefined {
  return 'tool' in record ? record.tool?.name : undefined;
}
export function recordDecision(record: AuditRecord): 'allow' | 'deny' | undefined {
  return record.kind === 'decision' ? record.decision.outcome : undefined;
}

/** Checks an input's shape before it reaches the chain; throws `TG_AUDIT_INVALID_RECORD`. */
export function validateInput(input: AuditInput): void {
  const bad = (why: string) => new TgError(ErrorCode.AUDIT_INVALID_RECORD, `Invalid audit record: ${why}`, { data: { kind: input?.kind } });
  if (typeof input !== 'object' || input === null) throw bad('not an object');
  if (!(AUDIT_KINDS as readonly string[]).includes(input.kind) || input.kind === ('checkpoint' as string)) throw bad(`unknown kind "${String(input.kind)}"`);
  const needs: Record<string, string[]> = {
    connect: ['server', 'status'],
    auth: ['server', 'event'],
    'tool-request': ['callId', 'server', 'tool', 'proposer'],
    decision: ['callId', 'server', 'tool', 'decision'],
    'call-start': ['callId', 'server', 'tool'],
    'call-end': ['callId', 'server', 'tool', 'status', 'durationMs'],
    'outcome-unknown': ['callId', 'server', 'tool', 'reason'],
    'storage-unavailable': ['from', 'to', 'error'],
    'policy-change': ['change'],
    'pin-change': ['server', 'tool', 'change'],
    'view-request': ['server', 'tool', 'method', 'outcome'],
    error: ['error'],
  };
  for (const field of needs[input.kind] ?? []) {
    if ((input as unknown as Record<string, unknown>)[field] === undefined) throw bad(`"${input.kind}" needs "${field}"`);
  }
  if ('server' in input && input.server && typeof input.server.url !== 'string') throw bad('server.url must be a string');
  if ('tool' in input && input.tool && typeof input.tool.name !== 'string') throw bad('tool.name must be a string');
}

// --- base64url, shared by keys and signatures ---
export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
