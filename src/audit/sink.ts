/**
 * What the gate needs of an audit log: append records (write-ahead: a record is committed when
 * `append` resolves) and say whether tool calls may run. `AuditLog` (IndexedDB) is the one the
 * product uses; the gate's decision tests use an in-memory sink, and a host could ship records
 * elsewhere. Types only, no DOM.
 */
import type { AuditHealth, FailMode } from './audit-log.js';
import type { AuditInput } from './record.js';

export interface AuditSink {
  /**
   * Appends one record; resolves once it is committed. `defer`: nobody waits for this commit (an
   * after-the-fact record such as a `call-end`), so it may share the next record's commit.
   * Rejects when the record could not be written.
   */
  append(input: AuditInput, options?: { defer?: boolean }): Promise<unknown>;
  /** Throws the coded failure when calls must be refused (fail closed); returns when calls may run. */
  assertCallsAllowed(): void;
  /** False once the sink cannot write (failed or closed). */
  readonly writable: boolean;
  /** `open`: after a failure calls go on unaudited (the gate then skips its records). */
  readonly failMode: FailMode;
  readonly health: AuditHealth;
  /** The database the gate keeps policy, pins and server ids in, when it keeps them (`persist`). */
  readonly dbName?: string;
}
