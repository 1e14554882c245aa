/**
 * Storage recovery: after a real quota failure (or the database being deleted) the log refuses
 * every write — and so every tool call — until it can write again, retries by itself with a
 * bounded backoff (or on `retry()`), and then records when storage was unavailable.
 * The quota failure is the browser's own (test/support/quota.ts).
 */
import { expect } from '@esm-bundle/chai';
import type { AuditLog } from '../../src/audit/audit-log.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { rejection, waitFor } from '../support/async.js';
import { exhaustQuota, limitQuota, unlimitQuota, type ExhaustedQuota } from '../support/quota.js';
import { callStart, freshDbName, Scope } from './helpers.js';

const FAST = { baseDelayMs: 50, maxDelayMs: 300, maxAttempts: 100 };

async function all(log: AuditLog): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const r of log.records()) records.push(r);
  return records;
}

/**
 * Firefox checks the quota only when a database file grows: fills the free pages of the log's own
 * file (with values in a store the log never reads), so that every later write of the log must grow
 * it — without this, the storage-unavailable record of a recovery may fit where a refused batch was.
 */
async function fillFreePages(raw: Awaited<ReturnType<Scope['raw']>>): Promise<void> {
  let key = 0;
  for (const size of [4096, 512, 64]) {
    for (let round = 0; round < 64; round++) {
      let done: Promise<boolean>;
      try {
        const tx = raw.transaction('pins', 'readwrite');
        for (let i = 0; i < 32; i++) void tx.store.put('x'.repeat(size), `free-page-filler-${key++}`).catch(() => undefined);
        done = tx.done.then(() => true, () => false);
      } catch {
        break; // Firefox refuses a mutation at once when the database is full
      }
      if (!(await done)) break;
    }
  }
}

describe('AuditLog: storage recovery', function () {
  this.timeout(60000);
  let scope: Scope;
  let full: ExhaustedQuota | undefined;
  before(limitQuota);
  after(unlimitQuota);
  beforeEach(() => {
    scope = new Scope();
  });
  afterEach(async () => {
    await full?.free();
    full = undefined;
    await scope.cleanup();
  });

  it('a quota failure refuses writes and calls, keeps refusing while full, and recovers by itself when space returns', async () => {
    const log = await scope.open({ dbName: freshDbName('quota'), recovery: FAST });
    const inFlight = await log.append(callStart(0)); // a call that will end during the outage
    full = await exhaustQuota();
    await fillFreePages(await scope.raw(log.dbName));

    // Write until the browser refuses: Firefox only checks the quota when a database file grows, so
    // a few records may still fit in pages the log's file already has.
    let written = 0;
    const refused = await waitFor(
      async () => {
        try {
          await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(callStart(1000 + written + i))));
          written += 50;
          return undefined;
        } catch (err) {
          return err as { code?: string };
        }
      },
      'the browser to refuse a write',
      60000,
    );
    expect(refused.code).to.equal(ErrorCode.STORAGE_QUOTA);
    expect(log.health.state).to.equal('failed');
    const since = log.health.state === 'failed' ? log.health.since : 0;
    expect(() => log.assertCallsAllowed()).to.throw().with.property('code', ErrorCode.STORAGE_QUOTA);
    // The call's end is refused too (it is not written later: its outcome is then unknown).
    const end = { kind: 'call-end', callId: 'call-0', server: { url: 'wss://server-0.example/mcp' }, tool: { name: 'tool_0' }, status: 'ok', durationMs: 1 } as const;
    expect((await rejection(log.append(end))).code).to.equal(ErrorCode.STORAGE_QUOTA);

    // Still full: a retry (as the banner's button does) fails and the log stays failed; so do the
    // automatic attempts meanwhile.
    expect(await log.retry()).to.equal(false);
    expect(log.health.state).to.equal('failed');
    expect((await rejection(log.append(callStart(1)))).code).to.equal(ErrorCode.STORAGE_QUOTA);

    await full.free();
    full = undefined;
    await waitFor(() => (log.health.state === 'ok' ? true : undefined), 'the log to recover by itself', 30000);
    expect(() => log.assertCallsAllowed()).not.to.throw();
    await log.append(callStart(2));
    await log.flush();

    const records = await all(log);
    const outage = records.find((r) => r.kind === 'storage-unavailable');
    expect(outage?.kind === 'storage-unavailable' && outage.from).to.equal(since);
    expect(outage?.kind === 'storage-unavailable' && outage.to).to.be.at.least(since);
    expect(outage?.kind === 'storage-unavailable' && outage.error.code).to.equal(ErrorCode.STORAGE_QUOTA);
    // Nothing was written in between: the refused records are not there; the call whose end was
    // refused is settled as outcome-unknown once the log can write.
    expect(records.map((r) => r.kind)).to.deep.equal([...Array<string>(1 + written).fill('call-start'), 'storage-unavailable', 'outcome-unknown', 'call-start']);
    const unknown = records.filter((r) => r.kind === 'outcome-unknown');
    expect(unknown.map((r) => r.kind === 'outcome-unknown' && [r.callId, r.reason, r.startSeq])).to.deep.equal([['call-0', 'storage-failed', inFlight.seq]]);
    expect(await log.verify()).to.deep.include({ ok: true, count: records.length });
  });

  it('a deleted database comes back as a new chain under a new device key, and says so', async () => {
    const dbName = freshDbName('deleted');
    const log = await scope.open({ dbName, recovery: false });
    await log.append(callStart(1));
    const oldDevice = log.device;
    await new Promise((resolve) => (indexedDB.deleteDatabase(dbName).onsuccess = resolve));
    expect(log.health.state).to.equal('failed');
    expect((await rejection(log.append(callStart(2)))).code).to.equal(ErrorCode.STORAGE_FAILED);

    expect(await log.retry()).to.equal(true);
    const next = await log.append(callStart(3));
    const records = await all(log);
    expect(records.map((r) => [r.seq, r.kind])).to.deep.equal([
      [1, 'storage-unavailable'],
      [2, 'call-start'],
    ]);
    expect(next.seq).to.equal(2);
    expect(log.device).to.be.a('string').and.not.equal(oldDevice);
    expect(await log.verify()).to.deep.include({ ok: true, count: 2 });
  });

  it('with recovery: false it only recovers on retry()', async () => {
    const dbName = freshDbName('manual');
    const log = await scope.open({ dbName, recovery: false });
    await log.append(callStart(1));
    await new Promise((resolve) => (indexedDB.deleteDatabase(dbName).onsuccess = resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(log.health.state, 'no automatic attempt').to.equal('failed');
    expect(await log.retry()).to.equal(true);
    expect(log.health.state).to.equal('ok');
  });
});
