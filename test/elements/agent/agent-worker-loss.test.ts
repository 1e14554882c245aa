/**
 * <tg-agent> when a connection worker ends silently (it closes itself, as a browser ends a worker
 * under memory pressure): the pending call settles with TG_WORKER_FAILED, the server card shows
 * `failed` with the code, and the connection comes back (a new worker, with the reconnect backoff)
 * without re-inserting the element. Real workers (the test entry runs the real Connection and can be
 * told to `self.close()`), the real demo server.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgConnectionStatusEvent } from '../../../src/events/events.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { taggedWsUrl, uniqueTag } from '../../support/env.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root } from '../../support/agent-fixture.js';
import { endMortalWorkers, useMortalWorkers } from '../../support/workers/mortal.js';

function connectionsRoot(el: TgAgent): ShadowRoot {
  const connections = root(el).querySelector('tg-connections');
  if (!connections?.shadowRoot) throw new Error('no <tg-connections>');
  return connections.shadowRoot;
}

/** What the server card shows once both elements rendered. */
async function card(el: TgAgent): Promise<{ status: string | undefined; error: string | undefined }> {
  await el.updateComplete;
  await (root(el).querySelector('tg-connections') as (Element & { updateComplete: Promise<unknown> }) | null)?.updateComplete;
  const section = connectionsRoot(el).querySelector('[part~="server-card"]');
  return {
    status: section?.querySelector('[part~="status-badge"]')?.textContent?.trim(),
    error: section?.querySelector('[part~="error"]')?.textContent?.trim(),
  };
}

describe('<tg-agent>: a connection worker that ends silently', function () {
  this.timeout(60000);
  let restoreWorker: () => void;
  beforeEach(() => {
    restoreWorker = useMortalWorkers();
  });
  afterEach(async () => {
    await cleanupAgents();
    restoreWorker();
  });

  it('settles the pending call with TG_WORKER_FAILED, shows it on the card, and comes back by itself', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}>
      <tg-server name="demo" url=${taggedWsUrl(uniqueTag('loss'))}></tg-server>
    </tg-agent>`);
    await waitUntil(() => el.gate?.tools({ kind: 'person' }).some((t) => t.id === 'demo__count_slowly'), 'the tool behind the gate', WAIT);

    // What the card showed when the failure was announced (before any restart could run), and the statuses after it.
    let shownOnFailure: Promise<{ status: string | undefined; error: string | undefined }> | undefined;
    const after: string[] = [];
    el.addEventListener('tg-connection-status', (e: TgConnectionStatusEvent) => {
      if (shownOnFailure) after.push(e.detail.status);
      if (e.detail.status === 'failed' && !shownOnFailure) shownOnFailure = card(el);
    });

    // The call runs on the server (its first progress arrived) when the worker ends.
    let progressed = false;
    const outcome = el.runtime!.call({ server: 'demo', tool: 'count_slowly', args: { count: 100, delayMs: 100 }, onProgress: () => (progressed = true) });
    await waitUntil(() => progressed, 'the call to run on the server', WAIT);
    endMortalWorkers();

    const settled = await outcome;
    expect(settled.status).to.equal('failed');
    expect('error' in settled && settled.error.code).to.equal(ErrorCode.WORKER_FAILED);
    await waitUntil(() => shownOnFailure, 'the failure to be announced', WAIT);
    const shown = await shownOnFailure!;
    expect(shown.status).to.equal('failed');
    expect(shown.error).to.contain(ErrorCode.WORKER_FAILED);

    // A new worker, without re-inserting the element: ready, tools back behind the gate, calls work.
    await waitUntil(
      () => after.includes('ready') && el.connections[0]?.status === 'ready' && el.gate?.tools({ kind: 'person' }).some((t) => t.id === 'demo__echo'),
      'the connection to come back',
      { timeout: 40000 },
    );
    expect((await card(el)).status).to.equal('ready');
    const again = await el.gate!.call({ toolId: 'demo__echo', args: { text: 'back again' }, proposer: { kind: 'person' } });
    expect(again.status).to.equal('ok');

    // The lost call may have run on the server: its end is recorded as unknown, not as "failed".
    const log = el.auditLog!;
    await log.flush();
    const records = await log.range(1, (await log.head())!.seq);
    const lost = records.find((r) => r.kind === 'call-start' && r.tool.name === 'count_slowly')!;
    const end = records.filter((r) => r.callId === lost.callId && (r.kind === 'call-end' || r.kind === 'outcome-unknown'));
    expect(end.map((r) => r.kind === 'outcome-unknown' && [r.reason, r.error?.code])).to.deep.equal([['worker-lost', ErrorCode.WORKER_FAILED]]);
    expect(await log.verify()).to.deep.include({ ok: true });
  });
});
