/**
 * MCP Apps inside `<tg-agent>`: with `apps-sandbox-origin` (another host) the element advertises the
 * extension, renders a tool's view under its call, lets a view's message into the conversation only
 * after the person sends it, shows a view's model context before it goes anywhere, and tears views
 * down when the servers disconnect. A view's own call enters through the runtime's one entry: the
 * approval card names the view, and the call shows in the conversation as the view's. Without a
 * sandbox: a notice, the text result, no extension advertised.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgApproval } from '../../../src/elements/approval/tg-approval.js';
import type { Policy } from '../../../src/gate/policy.js';
import { appsEnv, eventually, inView } from '../../support/app-fixture.js';
import { cleanupAgents, root, tenant } from '../../support/agent-fixture.js';

const WAIT = { timeout: 20000 };
const POLICY: Policy = {
  version: 1,
  servers: [{ url: 'http://127.0.0.1:*', trusted: true }],
  tools: [
    { id: 'show', server: '*', tool: 'show_counter', action: 'allow' },
    { id: 'ask-view-calls', server: '*', tool: 'increment', action: 'ask' },
  ],
};
const text = (selector: string) => inView('[data-view=counter]', 'text', selector) as Promise<string | null>;

async function agent(sandbox: string | undefined): Promise<TgAgent> {
  const url = new URL('/counter/mcp', appsEnv().appsOrigin).href;
  const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} apps-sandbox-origin=${sandbox ?? ''} .policy=${POLICY}>
    <tg-server name="counter" url=${url}></tg-server>
  </tg-agent>`);
  await waitUntil(() => el.gate?.tools({ kind: 'person' }).some((t) => t.tool.name === 'show_counter'), 'the counter behind the gate', WAIT);
  return el;
}

async function showCounter(el: TgAgent, start: number): Promise<HTMLElement> {
  const id = el.gate!.tools({ kind: 'person' }).find((t) => t.tool.name === 'show_counter')!.id;
  await el.runTool(id, { start });
  const chip = root(el).querySelector<HTMLElement>(`[part~="tool-chip"][data-tool="${id}"]`)!;
  expect(chip.dataset['status']).to.equal('ok');
  return chip;
}

describe('<tg-agent> with MCP Apps', function () {
  this.timeout(60000);
  afterEach(cleanupAgents);

  it('advertises the extension, renders the view under the call, and brings a sent message into the conversation', async () => {
    const el = await agent(appsEnv().appsSandboxUrl);
    const chip = await showCounter(el, 3);
    expect(chip.textContent).to.contain('Client UI capability: {"mimeTypes":["text/html;profile=mcp-app"]}');
    await waitUntil(() => chip.querySelector('tg-app-view')?.frame, 'the view under the call', WAIT);
    await eventually(() => text('#input'), (v) => v === '{"start":3}', 'the input in the view');
    await eventually(() => text('#result'), (v) => v === '{"count":3}', 'the result in the view');

    // The view's call: the gate asks (the card names the view), and the call shows in the conversation.
    await inView('[data-view=counter]', 'click', '#increment');
    await waitUntil(() => root(el).querySelector('tg-approval'), 'the approval card of the view\'s call', WAIT);
    const card = root(el).querySelector<TgApproval>('tg-approval')!;
    await card.updateComplete;
    expect(card.shadowRoot!.textContent).to.contain('requested by the view of show_counter on counter');
    const viewChip = () => root(el).querySelector<HTMLElement>('[part~="tool-chip"][data-tool="counter__increment"]');
    expect(viewChip()?.dataset['status'], 'the view’s call waits for the person').to.equal('waiting');
    el.gate!.approvals.answer(card.request!.id, 'allow-once');
    await waitUntil(() => viewChip()?.dataset['status'] === 'ok', 'the view\'s call done, in the conversation', WAIT);
    expect(viewChip()!.textContent).to.contain('The view of show_counter called');
    expect(viewChip()!.querySelector('tg-app-view'), 'no second view under the view\'s own call').to.equal(null);
    await eventually(() => text('#call'), (v) => v?.startsWith('ok') === true, 'the result back in the view');
    const requests: string[] = [];
    for await (const r of el.auditLog!.records()) if (r.kind === 'tool-request' && r.tool.name === 'increment') requests.push(r.proposer);
    expect(requests).to.deep.equal(['app:counter/show_counter']);

    await inView('[data-view=counter]', 'click', '#message');
    const view = chip.querySelector('tg-app-view')!;
    await waitUntil(() => view.shadowRoot!.querySelector('[part="consent"]'), 'the consent card', WAIT);
    const users = () => [...root(el).querySelectorAll('[part~="user-message"]')].map((m) => m.textContent ?? '');
    expect(users().some((u) => u.includes('Hello from the counter view'))).to.equal(false);
    [...view.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="consent"] button')].find((b) => b.textContent === 'Send')!.click();
    await waitUntil(() => users().some((u) => u.includes('Hello from the counter view')), 'the message in the conversation', WAIT);
    expect(users().find((u) => u.includes('Hello from the counter view'))).to.contain('written by the app');

    // A context update is shown to the person first, and can be removed.
    await inView('[data-view=counter]', 'click', '#context');
    await waitUntil(() => root(el).querySelector('[part="view-context"]'), 'the context note', WAIT);
    const note = root(el).querySelector<HTMLElement>('[part="view-context"]')!;
    expect(note.textContent).to.contain('The person is looking at the counter.');
    note.querySelector('button')!.click();
    await waitUntil(() => !root(el).querySelector('[part="view-context"]'), 'the note removed', WAIT);

    // Disconnecting the servers tears the view down.
    await el.disconnect();
    await waitUntil(() => view.state === 'closed', 'the view torn down', WAIT);
    expect(view.frame).to.equal(null);
  });

  it('without a sandbox origin on another host: a notice, the text result, and no extension advertised', async () => {
    for (const sandbox of [undefined, `http://${location.hostname}:1/`]) {
      const el = await agent(sandbox);
      const chip = await showCounter(el, 1);
      expect(chip.querySelector('tg-app-view')).to.equal(null);
      expect(chip.querySelector('[part="app-notice"]')!.textContent).to.contain('not shown');
      expect(chip.textContent).to.contain('The counter is at 1.');
      expect(chip.textContent).to.contain('Client UI capability: null');
    }
  });
});
