/**
 * Retention in one tab must reach the others: the checkpoint a `prune()` writes is announced on the
 * log's BroadcastChannel like any commit, so another AuditLog of the same database (another tab;
 * here a second instance on the same page, which gets the other instance's channel messages) fires
 * a remote `append` with it — and its viewer learns that the older records are gone.
 */
import { expect } from '@esm-bundle/chai';
import type { AuditAppendEvent } from '../../src/audit/audit-log.js';
import { waitFor } from '../support/async.js';
import { callStart, freshDbName, Scope } from './helpers.js';

describe('AuditLog.prune across tabs', () => {
  const scope = Scope.perTest();

  it("announces its checkpoint: the other tab's log fires a remote append with it", async () => {
    const dbName = freshDbName('prune-channel');
    const writer = await scope.open({ dbName });
    const other = await scope.open({ dbName });
    const remote: AuditAppendEvent[] = [];
    other.addEventListener('append', (event) => {
      if (event.remote) remote.push(event);
    });
    for (let i = 1; i <= 12; i++) await writer.append(callStart(i));
    await waitFor(() => (remote.flatMap((e) => e.records).some((r) => r.seq === 12) ? true : undefined), 'the appends reached the other tab');

    expect(await writer.prune({ maxRecords: 4 })).to.equal(8);
    const checkpoint = await waitFor(() => remote.flatMap((e) => e.records).find((r) => r.kind === 'checkpoint'), "the checkpoint reached the other tab");
    expect(checkpoint).to.deep.include({ seq: 13, kind: 'checkpoint', prunedThrough: 8, removed: 8 });
    expect(await other.verify()).to.deep.include({ ok: true, firstSeq: 9, lastSeq: 13 });
  });
});
