/**
 * The published example app server `@modelcontextprotocol/server-basic-vanillajs` (its own
 * `createServer()` and the SDK it ships with), over Streamable HTTP and our WebSocket binding: its
 * view renders on the sandbox origin, gets the result, calls its tool through the gate, and gets
 * the last result again after it reloads. A view whose hash differs from the accepted one is
 * quarantined until the person allows it.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { ErrorCode } from '../../workers/shared/errors.js';
import { memoryViewPinStorage, viewPinKey } from '../../src/apps/view-pins.js';
import { appFixture, appsEnv, closeAppFixtures, eventually, inView } from '../support/app-fixture.js';

const WAIT = { timeout: 20000 };
const VIEW = '#get-time-btn';
const FAKE_TIME = '2001-02-03T04:05:06.000Z';

for (const transport of ['mcp', 'ws'] as const) {
  describe(`published server-basic-vanillajs over ${transport === 'mcp' ? 'Streamable HTTP' : 'WebSocket'}`, function () {
    this.timeout(60000);
    afterEach(closeAppFixtures);

    it('renders its view, calls get-time through the gate, and gets the last result again after a reload', async () => {
      const f = await appFixture({ path: `/basic/${transport}`, serverId: 'basic', tool: 'get-time' });
      f.el.toolInput({});
      f.el.toolResult({ content: [{ type: 'text', text: FAKE_TIME }], structuredContent: { time: FAKE_TIME } });
      await eventually(() => inView(VIEW, 'text', '#server-time'), (v) => v === FAKE_TIME, 'the result in the published view');

      await inView(VIEW, 'click', '#get-time-btn');
      await waitUntil(() => f.gate.approvals.pending.length > 0, 'the approval card', WAIT);
      const request = f.gate.approvals.pending[0]!;
      expect(request.proposer).to.deep.equal({ kind: 'app', serverId: 'basic', tool: 'get-time', resourceUri: 'ui://get-time/mcp-app.html' });
      f.gate.approvals.answer(request.id, 'allow-once');
      const fresh = await eventually(() => inView(VIEW, 'text', '#server-time'), (v) => typeof v === 'string' && v !== FAKE_TIME && /^\d{4}-/.test(v), 'a fresh time');
      expect(Date.parse(fresh as string)).to.be.greaterThan(Date.parse(FAKE_TIME));

      // The view reloads itself: it initializes again and gets the last result once more.
      await inView(VIEW, 'reload');
      await eventually(() => inView(VIEW, 'text', '#server-time'), (v) => v === FAKE_TIME, 'the last result re-sent after the reload');
      expect(f.el.state).to.equal('ready');
    });
  });
}

describe('a changed view', function () {
  this.timeout(60000);
  afterEach(closeAppFixtures);

  it('is quarantined until the person allows it, and the change is audited', async () => {
    const storage = memoryViewPinStorage();
    const serverUrl = new URL('/basic/mcp', appsEnv().appsOrigin).href;
    const uri = 'ui://get-time/mcp-app.html';
    // What the person accepted earlier: another version of this view.
    await storage.put({ kind: 'view', key: viewPinKey(serverUrl, uri), serverUrl, uri, known: { hash: '0'.repeat(64), since: 1, size: 10, csp: {}, permissions: [] } });
    const f = await appFixture({ path: '/basic/mcp', serverId: 'basic', tool: 'get-time', pinStorage: storage });
    await waitUntil(() => f.el.state === 'quarantined', 'the quarantine notice', WAIT);
    expect(f.el.frame).to.equal(null);
    const notice = f.el.shadowRoot!.querySelector('[part="notice"]')!;
    expect(notice.getAttribute('data-code')).to.equal(ErrorCode.APP_VIEW_QUARANTINED);
    const head = await f.audit.head();
    const quarantined = (await f.audit.range(1, head!.seq)).find((r) => r.kind === 'pin-change' && r.change === 'quarantined');
    expect(quarantined?.detail).to.include({ view: uri, from: '0'.repeat(64) });

    notice.querySelector('button')!.click();
    await waitUntil(() => f.el.state === 'ready' && f.el.frame !== null, 'the view runs after approval', WAIT);
    const record = await storage.get(viewPinKey(serverUrl, uri));
    expect(record!.known.hash).to.equal((quarantined!.detail as { to: string }).to);
    expect(record!.pending).to.equal(undefined);
    f.el.toolResult({ content: [{ type: 'text', text: FAKE_TIME }], structuredContent: { time: FAKE_TIME } });
    await eventually(() => inView(VIEW, 'text', '#server-time'), (v) => v === FAKE_TIME, 'the approved view runs');
  });
});
