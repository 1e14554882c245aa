/**
 * JSONL export and its verification.
 *
 * Format (`toolgate-audit` v1): UTF-8, one JSON value per line.
 * - Line 1, the header: `{"format":"toolgate-audit","v":1,"db":…,"exportedAt":…,"keys":{<thumbprint>:<public JWK>},"head":{"seq","hash"}|null}`.
 *   `keys` holds every device public key that signed in the database; `head` is the chain head
 *   when the export started, so a file cut short is noticed.
 * - Then one record per line, ascending `seq`, exactly as stored (see record.ts), a format-3
 *   record with its seal's signature as `sig` (so the export reads like a format-2 one).
 * The Node CLI `toolgate-audit verify file.jsonl` checks the same format.
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import type { AuditSource } from './source.js';
import type { AuditRecord } from './record.js';
import { verifyChain, type VerifyResult } from './verify.js';

export const EXPORT_FORMAT = 'toolgate-audit' as const;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  v: 1;
  db: string;
  exportedAt: string;
  keys: Record<string, JsonWebKey>;
  head: { seq: number; hash: string } | null;
}

/**
 * The log as a JSONL byte stream, read from IndexedDB `batchSize` records at a time as the
 * consumer pulls (so 100,000 records never become one string). Records appended after the
 * export started are not included.
 */
export function exportJsonl(log: AuditSource, options: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batchSize = options.batchSize ?? 1000;
  let next = 0;
  let to = 0;
  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        await log.seal?.(); // this page's newest records leave signed, not pending
        const [head, keys] = await Promise.all([log.head(), log.publicKeys()]);
        to = head?.seq ?? 0;
        const header: ExportHeader = { format: EXPORT_FORMAT, v: 1, db: log.dbName, exportedAt: new Date().toISOString(), keys, head };
        controller.enqueue(encoder.encode(`${JSON.stringify(header)}\n`));
      },
      async pull(controller) {
        const batch = next <= to ? await log.range(next, to, batchSize) : [];
        if (batch.length === 0) {
          controller.close();
          return;
        }
        next = batch[batch.length - 1]!.seq + 1;
        controller.enqueue(encoder.encode(batch.map((r) => `${JSON.stringify(r)}\n`).join('')));
      },
    },
    { highWaterMark: 2 },
  );
}

/** The lines of a JSONL text or byte stream, parsed, streaming (blank lines skipped). */
export async function* parseJsonl(source: ReadableStream<Uint8Array> | string): AsyncGenerator<unknown> {
  if (typeof source === 'string') {
    for (const line of source.split('\n')) if (line.trim()) yield JSON.parse(line);
    return;
  }
  const reader = source.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) yield JSON.parse(line);
    }
  }
  buffer += decoder.decode();
  if (buffer.trim()) yield JSON.parse(buffer);
}

/**
 * Verifies an export: header, then the chain with the header's keys (thumbprints recomputed),
 * and that it ends at the header's head. `trustedDevices` pins the expected device(s).
 */
export async function verifyJsonl(
  source: ReadableStream<Uint8Array> | string,
  options: { trustedDevices?: readonly string[] } = {},
): Promise<VerifyResult> {
  const lines = parseJsonl(source);
  const first = await lines.next();
  const header = first.value as Partial<ExportHeader> | undefined;
  if (first.done || header?.format !== EXPORT_FORMAT || header.v !== 1 || typeof header.keys !== 'object' || header.keys === null) {
    throw new TgError(ErrorCode.AUDIT_BROKEN_CHAIN, 'Not a toolgate-audit v1 export (bad header line)');
  }
  const records = (async function* () {
    for await (const line of lines) yield line as AuditRecord;
  })();
  const result = await verifyChain(records, { keys: header.keys, ...(options.trustedDevices ? { trustedDevices: options.trustedDevices } : {}) });
  if (result.ok && header.head && (result.lastSeq !== header.head.seq || result.headHash !== header.head.hash)) {
    return { ok: false, seq: (result.lastSeq ?? 0) + 1, reason: 'deleted', message: `The export ends at ${result.lastSeq ?? 'nothing'}, its header says ${header.head.seq}`, count: result.count };
  }
  return result;
}
