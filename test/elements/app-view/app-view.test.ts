/**
 * `<tg-app-view>` against real MCP App servers: the counter app built with the ext-apps server
 * helpers (its view uses the ext-apps `App` class), over Streamable HTTP and over our WebSocket
 * binding, in the sandbox proxy on another host (127.0.0.1; this page is on localhost).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { ErrorCode } from '../../../workers/shared/errors.js';
import type { AuditRecord } from '../../../src/audit/record.js';
import type { ApprovalRequest } from '../../../src/gate/approvals.js';
import { appFixture, closeAppFixtures, eventually, inView, type AppFixture } from '../../support/app-fixture.js';
import { recordingWindowOpen } from '../../support/window-open.js';

const WAIT = { timeout: 20000 };

async function records(f: AppFixture): Promise<AuditRecord[]> {
  const head = await f.audit.head();
  return head ? f.audit.range(1, head.seq) : [];
}

const text = (selector: string) => inView('[data-view=counter]', 'text', selector) as Promise<string | null>;

async function approveNext(f: AppFixture, answer: 'allow-once' | 'deny' = 'allow-once'): Promise<ApprovalRequest> {
  await waitUntil(() => f.gate.approvals.pending.length > 0, 'an approval card', WAIT);
  const request = f.gate.approvals.pending[0]!;
  f.gate.approvals.answer(request.id, answer);
  return request;
}

for (const transport of ['mcp', 'ws'] as const) {
  describe(`<tg-app-view> with an ext-apps SDK server over ${transport === 'mcp' ? 'Streamable HTTP' : 'WebSocket'}`, function () {
    this.timeout(60000);
    afterEach(closeAppFixtures);

    it('renders the view on the sandbox origin, sends tool input and result, and a view call passes the gate', async () => {
      const f = await appFixture({ path: `/counter/${transport}`, serverId: 'counter', tool: 'show_counter' });
      await waitUntil(() => f.el.frame !== null, 'the frame', WAIT);
      const frame = f.el.frame!;
      const sandbox = new URL(frame.src);
      expect(sandbox.hostname).to.equal('127.0.0.1');
      expect(sandbox.hostname).to.not.equal(location.hostname);
      expect(frame.getAttribute('sandbox')).to.equal('allow-scripts allow-same-origin allow-forms');
      f.el.toolInput({ start: 5 });
      f.el.toolResult({ content: [{ type: 'text', text: 'The counter is at 5.' }], structuredContent: { count: 5 } });
      await eventually(() => text('#input'), (v) => v === '{"start":5}', 'tool input in the view');
      await eventually(() => text('#result'), (v) => v === '{"count":5}', 'tool result in the view');
      expect(await text('#theme')).to.match(/^(light|dark)$/);
      // The page cannot reach into the frame: it is another origin.
      expect(frame.contentDocument).to.equal(null);

      // The view calls an app-only tool: the gate asks (untrusted server), naming the view.
      await inView('[data-view=counter]', 'click', '#increment');
      const request = await approveNext(f);
      expect(request.proposer).to.deep.equal({ kind: 'app', serverId: 'counter', tool: 'show_counter', resourceUri: 'ui://counter/view.html' });
      expect(request.tool.name).to.equal('increment');
      await eventually(() => text('#call'), (v) => v?.startsWith('ok ') === true, 'the call result in the view');
      expect(await text('#call')).to.equal('ok {"count":2}');
      const log = await records(f);
      const toolRequest = log.find((r) => r.kind === 'tool-request' && r.tool?.name === 'increment');
      expect(toolRequest && 'proposer' in toolRequest && toolRequest.proposer).to.equal('app:counter/show_counter');
      expect(log.some((r) => r.kind === 'call-end' && r.tool?.name === 'increment')).to.equal(true);
      expect(log.some((r) => r.kind === 'view-request' && r.method === 'render')).to.equal(true);
    });

    it('refuses a model-only tool, audits the refusal, and the view keeps working', async () => {
      const f = await appFixture({ path: `/counter/${transport}`, serverId: 'counter', tool: 'show_counter' });
      await eventually(() => text('#theme'), (v) => v === 'light' || v === 'dark', 'the view initialized');
      await inView('[data-view=counter]', 'click', '#secret');
      await eventually(() => text('#call'), (v) => v?.startsWith('error') === true, 'a refusal in the view');
      expect(await text('#call')).to.contain('may not call secret_report');
      expect(f.gate.approvals.pending).to.have.length(0);
      const refusal = (await records(f)).find((r) => r.kind === 'view-request' && r.method === 'tools/call');
      expect(refusal && 'outcome' in refusal && refusal.outcome).to.equal('refused');
      expect(refusal && 'error' in refusal && refusal.error?.code).to.equal(ErrorCode.APP_TOOL_FORBIDDEN);
      // The model never sees the app-only tool; the person's manual list neither.
      expect(f.gate.tools({ kind: 'llm', providerLabel: 'local' }).map((t) => t.tool.name)).to.not.include('increment');
      expect(f.gate.tools({ kind: 'person' }).map((t) => t.tool.name)).to.include.members(['show_counter', 'secret_report']);
    });

    it('a ui/message appears only after the person sends it; a link opens only on consent', async () => {
      const f = await appFixture({ path: `/counter/${transport}`, serverId: 'counter', tool: 'show_counter' });
      const messages: string[] = [];
      f.el.addEventListener('tg-app-message', (e) => messages.push((e as CustomEvent<{ text: string }>).detail.text));
      await eventually(() => text('#theme'), (v) => v === 'light' || v === 'dark', 'the view initialized');

      await inView('[data-view=counter]', 'click', '#message');
      await waitUntil(() => f.el.shadowRoot!.querySelector('[part="consent"]'), 'the message consent card', WAIT);
      const card = f.el.shadowRoot!.querySelector<HTMLElement>('[part="consent"]')!;
      expect(card.textContent).to.contain('Hello from the counter view');
      expect(messages).to.deep.equal([]);
      expect(f.el.shadowRoot!.activeElement).to.equal(card);
      [...card.querySelectorAll('button')].find((b) => b.textContent === 'Send')!.click();
      await waitUntil(() => messages.length === 1, 'the message delivered', WAIT);
      expect(messages).to.deep.equal(['Hello from the counter view']);
      await eventually(() => text('#call'), (v) => v?.startsWith('ok') === true, 'the view told it was sent');

      await recordingWindowOpen(async (opened) => {
        await inView('[data-view=counter]', 'click', '#link');
        await waitUntil(() => f.el.shadowRoot!.querySelector('[part="consent"]'), 'the link consent card', WAIT);
        const linkCard = f.el.shadowRoot!.querySelector<HTMLElement>('[part="consent"]')!;
        expect(linkCard.querySelector('[part="url"]')!.textContent!.trim()).to.equal('https://example.com/docs?from=counter');
        expect(opened).to.deep.equal([]);
        [...linkCard.querySelectorAll('button')].find((b) => b.textContent!.startsWith('Open'))!.click();
        await waitUntil(() => opened.length === 1, 'the link opened', WAIT);
        expect(opened[0]).to.deep.equal(['https://example.com/docs?from=counter', '_blank', 'noopener,noreferrer']);
      });
      const log = await records(f);
      expect(log.filter((r) => r.kind === 'view-request').map((r) => 'method' in r && `${r.method}:${r.outcome}`)).to.include.members(['ui/message:allowed', 'ui/open-link:allowed']);
    });

    it('resizes within bounds, goes full screen on request, and tears down', async () => {
      const f = await appFixture({ path: `/counter/${transport}`, serverId: 'counter', tool: 'show_counter' });
      f.el.maxHeight = 400;
      await eventually(() => text('#theme'), (v) => v === 'light' || v === 'dark', 'the view initialized');
      await inView('[data-view=counter]', 'click', '#grow');
      await waitUntil(() => f.el.frame!.style.height === '400px', 'the view grew to the bound', WAIT);
      await inView('[data-view=counter]', 'click', '#fullscreen');
      await waitUntil(() => f.el.shadowRoot!.querySelector('.wrap.fullscreen'), 'full screen', WAIT);
      await eventually(() => text('#mode'), (v) => v === 'fullscreen', 'the view told of the mode');
      const teardown = f.el.teardown('test');
      await teardown;
      expect(f.el.state).to.equal('closed');
      expect(f.el.frame).to.equal(null);
    });
  });
}

describe('<tg-app-view> without a separate sandbox origin', function () {
  // Two fixtures, each a connection and a worker: mocha's default 10 s is too short under load.
  this.timeout(60000);
  afterEach(closeAppFixtures);

  it('shows a notice and no frame when no sandbox is configured or it is on the page host', async () => {
    for (const sandbox of [null, `${location.protocol}//${location.hostname}:1/mcp-app-sandbox.html`]) {
      const f = await appFixture({ path: '/counter/mcp', serverId: 'counter', tool: 'show_counter', sandbox });
      await waitUntil(() => f.el.state === 'unavailable', 'the notice', WAIT);
      expect(f.el.frame).to.equal(null);
      const notice = f.el.shadowRoot!.querySelector('[part="notice"]')!;
      expect(notice.getAttribute('data-code')).to.equal(ErrorCode.APP_SANDBOX_UNAVAILABLE);
    }
  });
});
