/**
 * An in-memory `AuditSink` for the gate's and the runtime's decision tests: it keeps every record
 * as appended (in order) and can be made to fail, like a broken IndexedDB. No storage.
 */
import type { AuditHealth, FailMode } from '../../src/audit/audit-log.js';
import type { AuditInput } from '../../src/audit/record.js';
import type { AuditSink } from '../../src/audit/sink.js';
import { ErrorCode, TgError, type ErrorCodeValue } from '../../workers/shared/errors.js';
import { Gate, type GateOptions } from '../../src/gate/gate.js';
import type { Policy } from '../../src/gate/policy.js';

export class MemoryAudit implements AuditSink {
  readonly records: AuditInput[] = [];
  failMode: FailMode = 'closed';
  health: AuditHealth = { state: 'ok' };

  get writable(): boolean {
    return this.health.state === 'ok';
  }

  async append(input: AuditInput): Promise<AuditInput> {
    if (this.health.state === 'failed') throw new TgError(this.health.error.code as ErrorCodeValue, this.health.error.message);
    const record = structuredClone(input);
    this.records.push(record);
    return record;
  }

  assertCallsAllowed(): void {
    if (this.health.state === 'failed' && this.failMode === 'closed') throw new TgError(this.health.error.code as ErrorCodeValue, `Audit log unavailable: ${this.health.error.message}`);
  }

  /** Makes every later append fail with `code`, as a full or broken disk would. */
  fail(code: ErrorCodeValue = ErrorCode.STORAGE_FAILED, message = 'disk on fire'): void {
    this.health = { state: 'failed', error: { code, message }, since: Date.now() };
  }

  /** The records of one kind. */
  of<K extends AuditInput['kind']>(kind: K): Extract<AuditInput, { kind: K }>[] {
    return this.records.filter((r): r is Extract<AuditInput, { kind: K }> => r.kind === kind);
  }
}

/** Every server trusted and every tool allowed: nothing asks, nothing is held for review. */
export const TRUST_ALL: Policy = { version: 1, servers: [{ url: '*', trusted: true }], tools: [{ id: 'allow-all', server: '*', tool: '*', action: 'allow' }] };

/** A gate over a `MemoryAudit`, keeping nothing in IndexedDB. */
export async function memoryGate(options: Partial<Omit<GateOptions, 'audit'>> = {}): Promise<{ gate: Gate; audit: MemoryAudit }> {
  const audit = new MemoryAudit();
  const gate = await Gate.open({ persist: false, ...options, audit });
  return { gate, audit };
}
