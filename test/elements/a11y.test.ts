/**
 * Accessibility of <tg-agent> in its main states (axe, in light and dark), a keyboard-only run of
 * the approval flow with real key events, and the layout at a 360 px wide viewport.
 * (<tg-connections>, <tg-approval>, <tg-manual-form> and <tg-audit-log> have axe checks in their
 * own test files too.)
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../src/elements/agent/tg-agent.js';
import type { TgApproval } from '../../src/elements/approval/tg-approval.js';
import type { TgManualForm } from '../../src/elements/manual-form/tg-manual-form.js';
import type { Policy } from '../../src/gate/policy.js';
import { HostFunctionProvider } from '../../src/llm/host-function.js';
import { taggedWsUrl, uniqueTag } from '../support/env.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root, chips } from '../support/agent-fixture.js';


/** The focused element, through every open shadow root. */
function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Presses Tab until `match` holds for the focused element (at most `max` times). */
async function tabTo(match: (el: Element | null) => boolean, max = 15): Promise<Element> {
  for (let i = 0; i < max; i++) {
    if (match(deepActive())) return deepActive()!;
    await sendKeys({ press: 'Tab' });
  }
  throw new Error(`not reached by Tab: now on ${deepActive()?.outerHTML.slice(0, 80)}`);
}

async function notesAgent(): Promise<TgAgent> {
  const el = await fixture<TgAgent>(
    html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server name="Notes" url=${taggedWsUrl(uniqueTag('a11y'))}></tg-server></tg-agent>`,
  );
  const form = () => root(el).querySelector<TgManualForm>('tg-manual-form');
  await waitUntil(() => el.agentStatus === 'ready' && form()?.tools.some((t) => t.id === 'notes__delete_note'), 'tools', WAIT);
  await el.updateComplete;
  return el;
}

describe('accessibility', function () {
  this.timeout(90000);
  afterEach(async () => {
    await cleanupAgents();
    await emulateMedia({ colorScheme: 'light' }).catch(() => {});
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`<tg-agent> empty, and with an error, passes axe (${scheme})`, async () => {
      // Firefox under WebDriver BiDi cannot emulate the scheme; there the page's own scheme is used.
      const emulated = await emulateMedia({ colorScheme: scheme }).then(
        () => true,
        () => false,
      );
      const dark = matchMedia('(prefers-color-scheme: dark)').matches;
      if (emulated) expect(dark).to.equal(scheme === 'dark');
      const empty = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()}></tg-agent>`);
      await empty.ready;
      await empty.updateComplete;
      const bg = getComputedStyle(root(empty).querySelector('.card')!).backgroundColor;
      expect(bg, 'the theme follows the scheme').to.equal(dark ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
      await expect(empty).to.be.accessible();

      const failed = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${{ version: 2 } as unknown as Policy}></tg-agent>`);
      await failed.ready;
      await failed.updateComplete;
      expect(root(failed).querySelector('[part~="agent-error"]')).to.not.equal(null);
      await expect(failed).to.be.accessible();
    });
  }

  it('a host can set --tg-* custom properties on the element', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} style="--tg-color-bg: rgb(1, 2, 3); --tg-radius: 3px"></tg-agent>`);
    await el.updateComplete;
    const card = getComputedStyle(root(el).querySelector('.card')!);
    expect(card.backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(card.borderTopLeftRadius).to.equal('3px');
  });

  it('runs the approval flow by keyboard only: focus lands on the card, Tab reaches Deny and Allow, Enter and Space decide', async () => {
    const el = await notesAgent();
    const form = root(el).querySelector<TgManualForm>('tg-manual-form')!;
    const picker = root(form).querySelector<HTMLSelectElement>('[part~="tool-picker"]')!;
    picker.focus();
    // Choose delete_note from the picker with the keyboard.
    for (let i = 0; i < 20 && picker.value !== 'notes__delete_note'; i++) {
      await sendKeys({ press: 'ArrowDown' });
      await form.updateComplete;
    }
    expect(picker.value).to.equal('notes__delete_note');
    const submit = async () => {
      await tabTo((a) => a instanceof HTMLInputElement || a instanceof HTMLTextAreaElement);
      await sendKeys({ type: 'note-1' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => root(el).querySelector('tg-approval'), 'approval card', WAIT);
      const card = root(el).querySelector<TgApproval>('tg-approval')!;
      await card.updateComplete;
      await waitUntil(() => deepActive() === card.card, 'focus on the card', WAIT);
      await expect(el).to.be.accessible();
      return card;
    };

    let card = await submit();
    await tabTo((a) => a?.getAttribute('part') === 'deny-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => chips(el).length === 1 && chips(el)[0]!.dataset['status'] === 'refused', 'denied', WAIT);
    await waitUntil(() => !root(el).querySelector('tg-approval'), 'card gone', WAIT);

    // The second call starts from the picker again.
    picker.focus();
    card = await submit();
    expect(card).to.exist;
    await tabTo((a) => a?.getAttribute('part') === 'allow-once-button');
    await sendKeys({ press: ' ' }); // the space bar (BiDi knows it as ' ', not 'Space')
    await waitUntil(() => chips(el).length === 2 && chips(el)[1]!.dataset['status'] === 'ok', 'allowed and ran', WAIT);
  });

  it('fits a 360 px wide viewport without horizontal scrolling', async () => {
    await setViewport({ width: 360, height: 740 });
    try {
      const long = `A long line: ${'x'.repeat(200)} and a [link](https://docs.example/${'y'.repeat(120)}) and \`${'z'.repeat(150)}\`\n\n\`\`\`\n${'w'.repeat(300)}\n\`\`\`\n\n| a | b | c | d |\n|---|---|---|---|\n| ${'t'.repeat(60)} | 2 | 3 | 4 |\n\n![img](https://images.example/${'p'.repeat(100)}.png)`;
      const el = await fixture<TgAgent>(
        html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO} .provider=${new HostFunctionProvider(async () => ({ text: long }))}
          ><tg-server name="Notes" url=${taggedWsUrl(uniqueTag('narrow'))}></tg-server
        ></tg-agent>`,
      );
      await waitUntil(() => el.agentStatus === 'ready' && el.connections[0]?.status === 'ready' && el.connections[0].tools.length > 0, 'ready', WAIT);
      await el.send(`Please answer with ${'v'.repeat(120)}`);
      await waitUntil(() => root(el).querySelector('.markdown'), 'markdown', WAIT);
      const connections = root(el).querySelector('tg-connections')!;
      await connections.updateComplete;
      connections.shadowRoot!.querySelector<HTMLButtonElement>('[part~="expand-button"]')!.click(); // the card's tools
      await connections.updateComplete;
      connections.shadowRoot!.querySelector<HTMLButtonElement>('button[data-tool="echo"]')!.click();
      await connections.updateComplete;
      root(el).querySelector<HTMLButtonElement>('[part~="audit-toggle"]')!.click();
      await el.updateComplete;
      await waitUntil(() => root(el).querySelector('tg-audit-log')?.shadowRoot?.childElementCount, 'audit log', WAIT);
      expect(document.documentElement.scrollWidth).to.be.at.most(360);
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
