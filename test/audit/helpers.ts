/** Shared helpers for audit tests: a fresh database per test, raw access for tampering. */
import { openDB, type IDBPDatabase } from 'idb';
import { AuditLog, type AuditLogOptions } from '../../src/audit/audit-log.js';
import type { AuditInput } from '../../src/audit/record.js';
import { deleteToolgateDb, type ToolgateDB } from '../../src/storage/db.js';

let counter = 0;
export function freshDbName(label: string): string {
  return `tg-test-${label}-${Date.now()}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Tracks what a test opened, so `cleanup()` closes and deletes it. */
export class Scope {
  readonly logs: AuditLog[] = [];
  readonly raws: IDBPDatabase<ToolgateDB>[] = [];
  readonly names = new Set<string>();

  /** One scope for a `describe`, cleaned up after each of its tests. */
  static perTest(): Scope {
    const scope = new Scope();
    afterEach(() => scope.cleanup());
    return scope;
  }

  async open(options: AuditLogOptions & { dbName: string }): Promise<AuditLog> {
    this.names.add(options.dbName);
    const log = await AuditLog.open(options);
    this.logs.push(log);
    return log;
  }

  /** A second, plain connection to the same database (the "attacker" with devtools). */
  async raw(name: string): Promise<IDBPDatabase<ToolgateDB>> {
    const db = await openDB<ToolgateDB>(name);
    this.raws.push(db);
    return db;
  }

  /** Closes and deletes everything opened so far, and forgets it (the scope can be used again). */
  async cleanup(): Promise<void> {
    for (const log of this.logs.splice(0)) log.close();
    for (const db of this.raws.splice(0)) db.close();
    const names = [...this.names];
    this.names.clear();
    for (const name of names) await deleteToolgateDb(name);
  }
}

export function callStart(i: number, extra: Partial<Extract<AuditInput, { kind: 'call-start' }>> = {}): AuditInput {
  return {
    kind: 'call-start',
    callId: `call-${i}`,
    server: { url: `wss://server-${i % 3}.example/mcp` },
    tool: { name: `tool_${i % 5}`, definitionHash: 'ab'.repeat(32) },
    args: { i, query: `question ${i}` },
    ...extra,
  };
}
