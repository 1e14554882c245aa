/**
 * The cards `<tg-agent>` loads on first use, when their module cannot load (the dev server answers
 * 503 for it, as a deploy that lost a chunk would): nothing waits on a card that will never come.
 * The call that needed an approval is refused with `TG_UI_LOAD_FAILED` (audited as such), the server
 * asking something is answered `cancel`, and the coded error shows where the cards go; an element
 * the page writes itself (the main entry's autoloader) is reported with the same code.
 * This file never imports the cards or the audit viewer, and it runs in a browser of its own (its
 * group in web-test-runner.config.mjs), so no page of that browser has loaded them before.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import '../../../src/elements/autoload.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgManualForm } from '../../../src/elements/manual-form/tg-manual-form.js';
import { ManualProvider } from '../../../src/llm/manual-provider.js';
import { taggedWsUrl, uniqueTag } from '../../support/env.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root, chips } from '../../support/agent-fixture.js';

/** The modules the dev server answers 503 for, for this browser only (test/support/commands/unavailable-modules.mjs); [] → none. */
function unavailable(modules: string[]): void {
  const value = modules.length > 0 ? encodeURIComponent(modules.join(',')) : '';
  document.cookie = `tg-unavailable-modules=${value}; path=/; SameSite=Strict${modules.length > 0 ? '' : '; max-age=0'}`;
}

async function agent(tag: string): Promise<TgAgent> {
  const el = await fixture<TgAgent>(
    html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO} .provider=${new ManualProvider()}
      ><tg-server name="Notes" url=${taggedWsUrl(uniqueTag(tag))}></tg-server
    ></tg-agent>`,
  );
  const gateTools = () => root(el).querySelector<TgManualForm>('tg-manual-form')?.tools ?? [];
  await waitUntil(() => el.agentStatus === 'ready' && gateTools().some((t) => t.id === 'notes__retitle_note'), 'the gate lists the tools', WAIT);
  return el;
}

/** The one chip, once its call is over. */
async function settledChip(el: TgAgent): Promise<HTMLElement> {
  await waitUntil(() => chips(el).length === 1 && chips(el)[0]!.dataset['status'] !== 'running', 'tool call settled', WAIT);
  return chips(el)[0]!;
}

const cardError = (el: TgAgent) => root(el).querySelector<HTMLElement>('[part~="card-error"]');

describe('<tg-agent> when a card cannot be loaded', function () {
  this.timeout(60000);
  afterEach(async () => {
    unavailable([]);
    await cleanupAgents();
  });

  it('an approval card that cannot load refuses the call (TG_UI_LOAD_FAILED, audited), never leaves it waiting', async () => {
    unavailable(['src/elements/approval/tg-approval']);
    const el = await agent('no-approval-card');
    // delete_note is destructive: the policy asks the person.
    const run = el.runTool('notes__delete_note', { id: 'note-1' });
    const chip = await settledChip(el);
    await run;
    expect(chip.dataset['status']).to.equal('refused');
    expect(chip.querySelector('[part~="tool-result"] [data-code]')?.getAttribute('data-code')).to.equal('TG_UI_LOAD_FAILED');
    await waitUntil(() => cardError(el), 'the coded error where the cards go', WAIT);
    expect(cardError(el)!.dataset['code']).to.equal('TG_UI_LOAD_FAILED');
    expect(cardError(el)!.textContent).to.contain('<tg-approval>');
    expect(root(el).querySelector('tg-approval'), 'no card').to.equal(null);
    expect(el.gate!.approvals.pending, 'nothing waits').to.have.length(0);
    // The audit log says why: the rule, not the person, denied it.
    await el.auditLog!.flush();
    const records = [];
    for await (const r of el.auditLog!.records()) records.push(r);
    const decision = records.find((r) => r.kind === 'decision');
    expect(decision, 'decision record').to.exist;
    expect(JSON.stringify(decision)).to.contain('approval-unavailable');
    await expect(el).to.be.accessible();
  });

  it('an elicitation card that cannot load answers the server cancel; the tool sees it', async () => {
    unavailable(['src/elements/elicitation/tg-elicitation']);
    const el = await agent('no-elicitation-card');
    // retitle_note is not read-only: the host allows it instead of an approval card.
    el.addEventListener('tg-tool-request', (event) => event.detail.respond('allow'));
    void el.runTool('notes__retitle_note', { id: 'note-2' });
    const chip = await settledChip(el);
    expect(chip.querySelector('[part~="tool-result"]')?.textContent).to.contain('(cancel)');
    await waitUntil(() => cardError(el), 'the coded error where the cards go', WAIT);
    expect(cardError(el)!.dataset['code']).to.equal('TG_UI_LOAD_FAILED');
    expect(root(el).querySelector('tg-elicitation'), 'no card').to.equal(null);
    expect(el.runtime!.servers.elicitations, 'nothing waits').to.have.length(0);
  });

  it('an element the page writes whose module cannot load is reported as TG_UI_LOAD_FAILED and stays undefined', async () => {
    unavailable(['src/elements/audit-log/tg-audit-log']);
    // The autoloader reports through reportError(): the window's error event, which mocha's
    // window.onerror would count as this test failing; caught here instead, and put back.
    const reported: unknown[] = [];
    const previous = window.onerror;
    window.onerror = (_message, _source, _line, _column, error) => {
      reported.push(error);
      return true;
    };
    try {
      await fixture(html`<div><tg-audit-log></tg-audit-log></div>`);
      await waitUntil(() => reported.length > 0, 'the load failure is reported', WAIT);
    } finally {
      window.onerror = previous;
    }
    const error = reported[0] as { code?: unknown; message?: unknown };
    expect(error.code).to.equal('TG_UI_LOAD_FAILED');
    expect(String(error.message)).to.contain('<tg-audit-log>');
    expect(customElements.get('tg-audit-log') === undefined, 'still undefined').to.equal(true);
  });
});
