/**
 * <tg-agent> when its audit log can no longer write (the origin's storage quota gets used up — the
 * browser's own quota check, test/support/quota.ts): calls are refused and the banner says why, with Retry;
 * when space returns the log writes again, the banner clears and calls run — without re-inserting
 * the element. Real worker, real demo server, real IndexedDB.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { taggedWsUrl, uniqueTag } from '../../support/env.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root } from '../../support/agent-fixture.js';
import { exhaustQuota, limitQuota, unlimitQuota, type ExhaustedQuota } from '../../support/quota.js';

const banner = (el: TgAgent) => root(el).querySelector<HTMLElement>('[part~="audit-banner"]');
const retryButton = (el: TgAgent) => root(el).querySelector<HTMLButtonElement>('[part~="audit-retry"]');

describe('<tg-agent>: audit storage full, then free again', function () {
  this.timeout(60000);
  let full: ExhaustedQuota | undefined;
  before(limitQuota);
  after(unlimitQuota);
  afterEach(async () => {
    await full?.free();
    full = undefined;
    await cleanupAgents();
  });

  it('refuses calls with the coded reason and a banner, and recovers when space returns, in place', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}>
      <tg-server name="demo" url=${taggedWsUrl(uniqueTag('quota'))}></tg-server>
    </tg-agent>`);
    await waitUntil(() => el.gate?.tools({ kind: 'person' }).some((t) => t.id === 'demo__echo'), 'the server behind the gate', WAIT);
    const call = (text: string) => el.gate!.call({ toolId: 'demo__echo', args: { text }, proposer: { kind: 'person' } });
    expect((await call('before')).status).to.equal('ok');

    full = await exhaustQuota();
    // Calls until the browser refuses the log's write (Firefox checks the quota only when a database
    // file grows: a few records may still fit). Refused, with the code, and said so on the banner.
    const ran: string[] = [];
    let refused = await call('while full 0');
    for (let i = 1; refused.status === 'ok' && i < 200; i++) {
      ran.push(`while full ${i - 1}`);
      refused = await call(`while full ${i}`);
    }
    expect(refused.status).to.equal('refused');
    expect('error' in refused && refused.error.code).to.equal(ErrorCode.STORAGE_QUOTA);
    await el.updateComplete;
    expect(banner(el)?.getAttribute('role')).to.equal('alert');
    expect(banner(el)?.textContent).to.contain(ErrorCode.STORAGE_QUOTA);

    // Retry while still full: nothing changes.
    retryButton(el)!.click();
    await waitUntil(() => retryButton(el) && !retryButton(el)!.disabled, 'the retry to finish', WAIT);
    expect(banner(el)).to.not.equal(null);
    expect((await call('still full')).status).to.equal('refused');

    // Space returns: Retry (the log would also get there by itself) clears the banner; calls run.
    await full.free();
    full = undefined;
    retryButton(el)!.click();
    await waitUntil(() => banner(el) === null, 'the banner to clear', WAIT);
    await waitUntil(() => el.gate?.tools({ kind: 'person' }).some((t) => t.id === 'demo__echo'), 'the server behind the gate', WAIT);
    const ok = await call('space again');
    expect(ok.status).to.equal('ok');

    const log = el.auditLog!;
    await log.flush();
    const records = await log.range(1, (await log.head())!.seq);
    const outage = records.find((r) => r.kind === 'storage-unavailable');
    expect(outage?.kind === 'storage-unavailable' && outage.error.code).to.equal(ErrorCode.STORAGE_QUOTA);
    // The calls before and after ran and were recorded; the refused ones left nothing (nothing ran).
    const echoed = records.filter((r) => r.kind === 'call-start').map((r) => (r.kind === 'call-start' ? (r.args as { text?: string }).text : undefined));
    expect(echoed).to.deep.equal(['before', ...ran, 'space again']);
    expect(await log.verify()).to.deep.include({ ok: true });
  });
});
