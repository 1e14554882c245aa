/** Filtering of records, shared by `<tg-audit-log>` and any host code (pure). */
import { recordDecision, recordServer, recordTool, type AuditKind, type AuditRecord } from './record.js';

export interface AuditFilter {
  /** Exact server URL. */
  server?: string;
  /** Exact tool name. */
  tool?: string;
  kind?: AuditKind;
  decision?: 'allow' | 'deny';
  /** Inclusive bounds, milliseconds since the epoch. */
  since?: number;
  until?: number;
  /** Case-insensitive substring of the record's JSON (tool, server, args, errors, ids). */
  text?: string;
}

/** Lowercased JSON of a record, cached per record object: text search over 100,000 records stays fast. */
const searchText = new WeakMap<AuditRecord, string>();
function textOf(record: AuditRecord): string {
  let text = searchText.get(record);
  if (text === undefined) {
    text = JSON.stringify(record).toLowerCase();
    searchText.set(record, text);
  }
  return text;
}

export function matchesFilter(record: AuditRecord, filter: AuditFilter): boolean {
  if (filter.kind && record.kind !== filter.kind) return false;
  if (filter.server && recordServer(record) !== filter.server) return false;
  if (filter.tool && recordTool(record) !== filter.tool) return false;
  if (filter.decision && recordDecision(record) !== filter.decision) return false;
  if (filter.since !== undefined && record.ts < filter.since) return false;
  if (filter.until !== undefined && record.ts > filter.until) return false;
  if (filter.text && !textOf(record).includes(filter.text.toLowerCase())) return false;
  return true;
}
