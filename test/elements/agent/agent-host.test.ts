/**
 * <tg-agent> as a full host, in a real browser against the demo MCP server and the scripted LLM
 * server: a page tool registered on the element before its runtime is open is called by the model,
 * asks, runs and is audited, and shows as the server "This page"; a resource attached with Attach
 * and a prompt run with `/` reach the model's request, labelled with their server.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgApproval } from '../../../src/elements/approval/tg-approval.js';
import type { TgPromptMenu } from '../../../src/elements/prompt-menu/tg-prompt-menu.js';
import type { TgResourcePicker } from '../../../src/elements/resource-picker/tg-resource-picker.js';
import type { AuditRecord } from '../../../src/audit/record.js';
import { OpenAiCompatibleProvider } from '../../../src/llm/openai-compatible.js';
import { taggedWsUrl, uniqueTag } from '../../support/env.js';
import { openAiTurn, recordedRequests, registerScript } from '../../support/llm/scripts.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root, chips } from '../../support/agent-fixture.js';

async function records(el: TgAgent): Promise<AuditRecord[]> {
  await el.auditLog!.flush();
  const out: AuditRecord[] = [];
  for await (const r of el.auditLog!.records()) out.push(r);
  return out;
}

const card = (el: TgAgent, name: string) =>
  [...root(el).querySelector('tg-connections')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="server-card"]')].find((c) => c.querySelector('.server-title')?.textContent === name);

describe('<tg-agent> as a full host', function () {
  this.timeout(60000);
  afterEach(cleanupAgents);

  it('a page tool registered before the runtime opens is called by the model, asks, runs and is audited', async () => {
    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'page__add_to_cart', args: { sku: 'sku-7' } }] }),
      openAiTurn({ text: ['Added.'] }),
    ]);
    const el = document.createElement('tg-agent') as TgAgent;
    el.tenant = tenant();
    el.policy = TRUST_DEMO;
    el.provider = new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted' });
    const cart: string[] = [];
    const dispose = el.registerTool({
      name: 'add_to_cart',
      title: 'Add to cart',
      description: 'Adds a product to the cart.',
      inputSchema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
      annotations: { readOnlyHint: false },
      execute: ({ sku }) => (cart.push(String(sku)), `Added ${String(sku)}`),
    });
    // Checked at once, before the runtime exists: a taken name throws.
    expect(() => el.registerTool({ name: 'add_to_cart', description: 'again', execute: () => 'x' })).to.throw().with.property('code', 'TG_PAGE_TOOL_INVALID');
    await fixture(html`<div></div>`).then((host) => host.append(el));
    await el.ready;
    await waitUntil(() => el.gate?.tools({ kind: 'person' }).some((t) => t.id === 'page__add_to_cart'), 'the page tool behind the gate', WAIT);
    await el.updateComplete;
    expect(card(el, 'This page'), 'a card for the page’s own tools').to.not.equal(undefined);
    expect(card(el, 'This page')!.querySelector('[part~="connect-button"], [part~="disconnect-button"]'), 'nothing to connect').to.equal(null);

    void el.send('Add sku-7');
    await waitUntil(() => root(el).querySelector('tg-approval'), 'the approval card', WAIT);
    const approval = root(el).querySelector<TgApproval>('tg-approval')!;
    await approval.updateComplete;
    await waitUntil(() => chips(el)[0]?.dataset['status'] === 'waiting', 'waiting for you', WAIT);
    expect(chips(el)[0]!.querySelector('.chip-name')?.textContent).to.equal('Add to cart');
    expect(chips(el)[0]!.querySelector('.chip-server')?.textContent).to.equal('on This page');
    await expect(el).to.be.accessible();
    approval.shadowRoot!.querySelector<HTMLButtonElement>('[part~="allow-once-button"]')!.click();
    await waitUntil(() => !el.agent?.busy, 'turn over', WAIT);
    expect(cart).to.deep.equal(['sku-7']);
    const log = (await records(el)).filter((r) => 'tool' in r && r.tool?.name === 'add_to_cart').map((r) => r.kind);
    expect(log).to.deep.equal(['tool-request', 'decision', 'call-start', 'call-end']);

    dispose();
    await waitUntil(() => !el.gate?.tools({ kind: 'person' }).some((t) => t.id === 'page__add_to_cart'), 'unregistered', WAIT);
  });

  it('Attach and / put a resource and a prompt’s messages in the next message, labelled with their server', async () => {
    const script = await registerScript([openAiTurn({ text: ['Read it.'] })]);
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO} .provider=${new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted' })}
        ><tg-server name="Notes" url=${taggedWsUrl(uniqueTag('host'))}></tg-server
      ></tg-agent>`,
    );
    await el.ready;
    await waitUntil(() => el.runtime?.contextServers().length === 1, 'the server’s context', WAIT);
    await el.updateComplete;

    root(el).querySelector<HTMLButtonElement>('[part~="attach-button"]')!.click();
    await waitUntil(() => root(el).querySelector<TgResourcePicker>('tg-resource-picker')?.shadowRoot?.querySelector('[part="resource-option"]'), 'the picker lists', WAIT);
    const picker = root(el).querySelector<TgResourcePicker>('tg-resource-picker')!;
    const chart = [...picker.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="resource-option"]')].find((o) => o.textContent?.includes('Notes chart'))!;
    chart.click();
    await waitUntil(() => root(el).querySelector('[part~="context-chip"][data-state="ready"]'), 'the chart attached', WAIT);
    expect(root(el).querySelector('tg-resource-picker'), 'the picker closed').to.equal(null);

    const input = root(el).querySelector<HTMLTextAreaElement>('[part~="input"]')!;
    input.value = '/summ';
    input.dispatchEvent(new Event('input'));
    await waitUntil(() => root(el).querySelector<TgPromptMenu>('tg-prompt-menu')?.options?.length, 'the / menu offers prompts', WAIT);
    const menu = root(el).querySelector<TgPromptMenu>('tg-prompt-menu')!;
    expect(menu.options.map((o) => o.prompt.name)).to.include('summarize_note');
    await expect(el).to.be.accessible();

    input.value = 'What do these say?';
    input.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(root(el).querySelector('tg-prompt-menu'), 'no / at the start: the menu closes').to.equal(null);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    await waitUntil(() => !el.agent?.busy && (el.agent?.entries.length ?? 0) > 1, 'turn over', WAIT);
    const [request] = await recordedRequests(script.id);
    const sent = JSON.stringify(request!.body.messages);
    expect(sent).to.contain('Resource notes://chart.png');
    expect(sent).to.contain('attached by the person');
    expect(root(el).querySelector('[part~="user-message"] [part~="context-chip"]')?.textContent).to.contain('Notes chart');
    expect(el.runtime!.composer.items, 'taken by the turn').to.deep.equal([]);
  });
});
