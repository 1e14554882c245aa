/**
 * What a reader of an audit log needs (`<tg-audit-log>`, `exportJsonl`): implemented by
 * `AuditLog` (IndexedDB) and by `MemoryAuditSource` (an imported export, reviewed offline).
 */
import type { AuditAppendEvent, AuditHealth, AuditHealthEvent, FailMode } from './audit-log.js';
import { parseJsonl, type ExportHeader } from './export.js';
import type { AuditRecord } from './record.js';
import { verifyChain, type VerifyResult } from './verify.js';

export interface AuditSource {
  readonly dbName: string;
  readonly failMode: FailMode;
  readonly health: AuditHealth;
  head(): Promise<{ seq: number; hash: string } | null>;
  /** Records with `from ≤ seq ≤ to`, ascending, at most `limit`. */
  range(from: number, to: number, limit?: number): Promise<AuditRecord[]>;
  publicKeys(): Promise<Record<string, JsonWebKey>>;
  /** Signs the log's pending head, where the source writes (an export seals first). */
  seal?(): Promise<void>;
  verify(options?: { trustedDevices?: readonly string[] }): Promise<VerifyResult>;
  addEventListener(type: 'append', listener: (event: AuditAppendEvent) => void): void;
  addEventListener(type: 'health', listener: (event: AuditHealthEvent) => void): void;
  removeEventListener(type: 'append', listener: (event: AuditAppendEvent) => void): void;
  removeEventListener(type: 'health', listener: (event: AuditHealthEvent) => void): void;
}

/** A read-only log held in memory, e.g. an export opened for review. Records ascending by seq. */
export class MemoryAuditSource implements AuditSource {
  readonly failMode: FailMode = 'closed';
  readonly health: AuditHealth = { state: 'ok' };

  constructor(
    readonly records: readonly AuditRecord[],
    readonly keys: Record<string, JsonWebKey> = {},
    readonly dbName = 'memory',
  ) {}

  /** Read-only: it never appends and never fails, so listeners are never called. */
  addEventListener(): void {}
  removeEventListener(): void {}

  /** Reads a JSONL export (header line, then records). */
  static async fromJsonl(source: ReadableStream<Uint8Array> | string): Promise<MemoryAuditSource> {
    const records: AuditRecord[] = [];
    let header: ExportHeader | undefined;
    for await (const line of parseJsonl(source)) {
      if (!header) header = line as ExportHeader;
      else records.push(line as AuditRecord);
    }
    return new MemoryAuditSource(records, header?.keys ?? {}, header?.db ?? 'import');
  }

  async head(): Promise<{ seq: number; hash: string } | null> {
    const last = this.records[this.records.length - 1];
    return last ? { seq: last.seq, hash: last.hash } : null;
  }

  async range(from: number, to: number, limit = Infinity): Promise<AuditRecord[]> {
    // Binary search for the first seq ≥ from (records are ascending).
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.records[mid]!.seq < from) lo = mid + 1;
      else hi = mid;
    }
    const out: AuditRecord[] = [];
    for (let i = lo; i < this.records.length && out.length < limit && this.records[i]!.seq <= to; i++) out.push(this.records[i]!);
    return out;
  }

  async publicKeys(): Promise<Record<string, JsonWebKey>> {
    return { ...this.keys };
  }

  verify(options: { trustedDevices?: readonly string[] } = {}): Promise<VerifyResult> {
    return verifyChain(this.records, { keys: this.keys, ...(options.trustedDevices ? { trustedDevices: options.trustedDevices } : {}) });
  }
}
