/**
 * A hostile MCP App view (test/support/servers/hostile-view.html) against the real host: it tries
 * to reach the host page's DOM, cookies and IndexedDB, an undeclared domain, to post forged
 * messages, to flood the bridge, to call a model-only tool and to navigate the top window. All of
 * it is refused; the page, the gate and the audit log stay intact.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { ErrorCode } from '../../workers/shared/errors.js';
import { appFixture, appsEnv, closeAppFixtures, eventually, inView } from '../support/app-fixture.js';

const WAIT = { timeout: 30000 };

describe('a hostile MCP App view', function () {
  this.timeout(90000);
  afterEach(closeAppFixtures);

  it('is refused everything, and the page and the audit log are intact', async () => {
    document.cookie = 'host-secret=1; path=/';
    const title = document.title;
    const f = await appFixture({ path: '/hostile/mcp', serverId: 'hostile', tool: 'show_hostile' });
    const raw = await eventually(() => inView('[data-view=hostile]', 'text', '#results'), (v) => typeof v === 'string' && v.startsWith('{'), 'the hostile view to finish', 60000);
    const results = JSON.parse(raw as string) as Record<string, { ok: boolean; value?: string; error?: string }>;

    expect(results['beforeInitialize']!.ok, 'a request before ui/initialize').to.equal(false);
    expect(results['initialized']).to.deep.equal({ ok: true, value: '2026-01-26' });
    for (const key of ['parentDom', 'topDom', 'topCookie', 'ownCookie', 'indexedDB', 'localStorage', 'fetchLeak', 'imageLeak', 'navigateTop', 'popup']) {
      expect(results[key]!.ok, `${key}: ${JSON.stringify(results[key])}`).to.equal(false);
    }
    // sendBeacon may report "queued" even when the CSP then blocks it: the leak count below decides.
    expect(results['modelOnly']).to.deep.equal({ ok: false, error: ErrorCode.APP_TOOL_FORBIDDEN });
    const flood = JSON.parse(results['flood']!.value!) as { refused: number; answered: number };
    expect(flood.refused, 'flood requests refused by the rate limit').to.be.greaterThan(200);

    // Nothing reached the undeclared domain (fetch, beacon, image).
    const leaks = (await (await fetch(`${appsEnv().appsLeakOrigin}/leak/count`)).json()) as { leaks: number };
    expect(leaks.leaks).to.equal(0);

    // The forged message straight to top never reached the bridge.
    const diagnostics = f.el.diagnostics!;
    expect(diagnostics.foreign).to.be.greaterThan(0);
    expect(diagnostics.refused).to.be.greaterThan(200);

    // The flood left one consent card at most (one question at a time); decline it.
    const card = f.el.shadowRoot!.querySelector<HTMLElement>('[part="consent"]');
    if (card) [...card.querySelectorAll('button')].find((b) => b.textContent === 'Decline')!.click();

    // The page and the audit log are intact; the gate still works for the person.
    expect(document.title).to.equal(title);
    expect(document.cookie).to.contain('host-secret=1');
    expect(location.href).to.not.contain('phish');
    const verdict = await f.audit.verify();
    expect(verdict.ok, JSON.stringify(verdict)).to.equal(true);
    const head = await f.audit.head();
    const log = await f.audit.range(1, head!.seq);
    expect(log.some((r) => r.kind === 'call-start' && r.tool?.name === 'model_only')).to.equal(false);
    expect(log.some((r) => r.kind === 'view-request' && r.method === 'tools/call' && r.outcome === 'refused')).to.equal(true);
    const person = f.gate.tools({ kind: 'person' }).find((t) => t.tool.name === 'model_only')!;
    const call = f.gate.call({ toolId: person.id, args: {}, proposer: { kind: 'person' } });
    await waitUntil(() => f.gate.approvals.pending.length > 0, 'the person is asked', WAIT);
    f.gate.approvals.answer(f.gate.approvals.pending[0]!.id, 'allow-once');
    // Untrusted and open-world: the person also reviews the result before a model could see it.
    await waitUntil(() => f.gate.approvals.pending[0]?.kind === 'result', 'the result review', WAIT);
    f.gate.approvals.answer(f.gate.approvals.pending[0]!.id, 'allow-once');
    expect((await call).status).to.equal('ok');
    document.cookie = 'host-secret=; max-age=0; path=/';
  });
});
