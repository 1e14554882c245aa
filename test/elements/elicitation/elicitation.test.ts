/**
 * Elicitation in the widget: `<tg-agent>` passes `onElicit` to its real connection workers, the
 * demo server's `retitle_note` (form mode) and `link_account` (URL mode) ask the person through an
 * inline `<tg-elicitation>` card, and the person's answer reaches the tool. Plus the card alone
 * (punycode warning, client-side checks, `window.open` only on click) and the `tg-elicitation` event.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgManualForm } from '../../../src/elements/manual-form/tg-manual-form.js';
import '../../../src/elements/elicitation/tg-elicitation.js';
import type { TgElicitation } from '../../../src/elements/elicitation/tg-elicitation.js';
import { createPendingElicitation } from '../../../src/runtime/pending-elicitation.js';
import type { ElicitationRequest, ElicitationResult } from '../../../workers/shared/wire.js';
import { TgElicitationEvent } from '../../../src/events/tg-elicitation.js';
import type { Policy } from '../../../src/gate/policy.js';
import { deleteToolgateDb, toolgateDbName } from '../../../src/storage/db.js';
import { taggedWsUrl, uniqueTag } from '../../support/env.js';
import { recordingWindowOpen } from '../../support/window-open.js';

const WAIT = { timeout: 15000 };
const TRUST_DEMO: Policy = { version: 1, servers: [{ url: 'ws://127.0.0.1:*', trusted: true }] };
const tenants: string[] = [];

const root = (el: Element) => el.shadowRoot!;
const chips = (el: TgAgent) => [...root(el).querySelectorAll<HTMLElement>('[part~="tool-chip"]')];
const cards = (el: TgAgent) => [...root(el).querySelectorAll<TgElicitation>('tg-elicitation')];

async function agent(): Promise<TgAgent> {
  const t = `test-${crypto.randomUUID()}`;
  tenants.push(t);
  const el = await fixture<TgAgent>(
    html`<tg-agent tenant=${t} .policy=${TRUST_DEMO}><tg-server name="Notes" url=${taggedWsUrl(uniqueTag('elicit'))}></tg-server></tg-agent>`,
  );
  // The tools that elicit are not read-only: the host allows them instead of an approval card.
  el.addEventListener('tg-tool-request', (event) => event.detail.respond('allow'));
  // The gate lists the tools after the connection does: wait for the gate's list (as the manual form shows it).
  const gateTools = () => root(el).querySelector<TgManualForm>('tg-manual-form')?.tools ?? [];
  await waitUntil(
    () => el.agentStatus === 'ready' && gateTools().some((t) => t.id === 'notes__retitle_note') && gateTools().some((t) => t.id === 'notes__link_account'),
    'the gate lists the tools',
    WAIT,
  );
  return el;
}

async function card(el: TgAgent): Promise<TgElicitation> {
  await waitUntil(() => cards(el).length === 1, 'elicitation card shown', WAIT).catch((err: Error) => {
    throw new Error(`${err.message}; chips: ${chips(el).map((c) => `${c.dataset['status']} ${c.textContent}`).join(' | ')}`);
  });
  const c = cards(el)[0]!;
  await c.updateComplete;
  return c;
}

async function settledText(el: TgAgent): Promise<string> {
  await waitUntil(() => chips(el).length === 1 && chips(el)[0]!.dataset['status'] !== 'running', 'tool call settled', WAIT);
  return chips(el)[0]!.querySelector('[part~="tool-result"]')?.textContent ?? '';
}

const button = (c: TgElicitation, part: string) => root(c).querySelector<HTMLButtonElement>(`[part~="${part}"]`)!;

afterEach(async () => {
  fixtureCleanup();
  for (const t of tenants.splice(0)) await deleteToolgateDb(toolgateDbName(t));
});

describe('<tg-agent> elicitation (demo server, real worker)', function () {
  this.timeout(30000);
  it('form mode: the generated form answers retitle_note; the tool reflects the new title', async () => {
    const el = await agent();
    void el.runTool('notes__retitle_note', { id: 'note-2' });
    const c = await card(el);
    const cardRoot = root(c);
    expect(cardRoot.textContent).to.contain('Notes');
    expect(cardRoot.querySelector('#message')?.textContent).to.equal('New title for "Grocery list"?');
    expect(cardRoot.activeElement ?? document.activeElement).to.exist;
    expect(c.matches(':focus-within')).to.equal(true);
    await expect(c).to.be.accessible();

    const input = cardRoot.querySelector<HTMLInputElement>('input[name="title"]')!;
    // Required, minLength 1: an empty answer is stopped on the card with a message.
    button(c, 'accept-button').click();
    await c.updateComplete;
    expect(cardRoot.querySelector('[role="alert"]')?.textContent).to.contain('required');
    expect(cards(el)).to.have.length(1);

    input.value = 'Shopping <b>list</b>';
    button(c, 'accept-button').click();
    expect(await settledText(el)).to.contain('Retitled note-2: Shopping <b>list</b>');
    expect(cards(el)).to.have.length(0);
  });

  it('form mode: Decline reaches the tool', async () => {
    const el = await agent();
    void el.runTool('notes__retitle_note', { id: 'note-3' });
    const c = await card(el);
    button(c, 'decline-button').click();
    expect(await settledText(el)).to.contain('kept "Meeting with Priya" (decline)');
  });

  it('keyboard: Escape on the card cancels', async () => {
    const el = await agent();
    void el.runTool('notes__retitle_note', { id: 'note-4' });
    const c = await card(el);
    c.card!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect(await settledText(el)).to.contain('(cancel)');
  });

  it('URL mode: the full URL with the domain highlighted, nothing fetched; Decline reaches the tool', async () => {
    const el = await agent();
    void el.runTool('notes__link_account', {});
    const c = await card(el);
    const url = root(c).querySelector('[part~="url"]')!.textContent!;
    expect(url).to.match(/^https:\/\/accounts\.example\.com\/link\?session=[0-9a-f-]{36}$/);
    expect(root(c).querySelector('[part~="domain"]')?.textContent).to.equal('example.com');
    expect(button(c, 'accept-button').textContent).to.equal('Open example.com');
    expect(root(c).querySelector('[part~="punycode-warning"]')).to.equal(null);
    expect(performance.getEntriesByType('resource').filter((e) => e.name.includes('accounts.example.com'))).to.have.length(0);
    await expect(c).to.be.accessible();
    button(c, 'decline-button').click();
    expect(await settledText(el)).to.match(/link decline \(/);
  });

  it('tg-elicitation: the host may answer itself (no card)', async () => {
    const el = await agent();
    const seen: TgElicitationEvent[] = [];
    el.addEventListener('tg-elicitation', (event) => {
      seen.push(event);
      event.detail.respond({ action: 'accept', content: { title: 'From the host' } });
    });
    void el.runTool('notes__retitle_note', { id: 'note-5' });
    const text = await settledText(el);
    expect(seen, text).to.have.length(1);
    expect(seen[0]!.detail.server).to.equal('Notes');
    expect(seen[0]!.detail.request.mode).to.equal('form');
    expect(cards(el)).to.have.length(0);
    expect(text).to.contain('Retitled note-5: From the host');
  });
});

function standalone(request: ElicitationRequest) {
  const answers: ElicitationResult[] = [];
  const { pending, result } = createPendingElicitation('k', 'Billing', request, () => {});
  void result.then((r) => answers.push(r));
  return { pending, answers };
}

describe('<tg-elicitation> alone', () => {
  it('warns about an internationalized (xn--) host and opens the URL only on the click', async () => {
    const { pending, answers } = standalone({
      mode: 'url',
      message: 'Confirm the payment',
      url: 'https://pay.xn--exmple-cua.com/confirm?x=1',
      elicitationId: 'e1',
      host: 'pay.xn--exmple-cua.com',
      domain: 'xn--exmple-cua.com',
      punycode: true,
    });
    await recordingWindowOpen(async (opened) => {
      const c = await fixture<TgElicitation>(html`<tg-elicitation .pending=${pending}></tg-elicitation>`);
      expect(root(c).querySelector('[part~="punycode-warning"]')?.textContent).to.contain('internationalized characters that can imitate another site');
      expect(root(c).querySelector('[part~="domain"]')?.textContent).to.equal('xn--exmple-cua.com');
      expect(root(c).querySelector('[part~="url"]')?.textContent).to.equal('https://pay.xn--exmple-cua.com/confirm?x=1');
      expect(opened).to.have.length(0);
      await expect(c).to.be.accessible();
      button(c, 'accept-button').click();
      await Promise.resolve();
      expect(opened).to.deep.equal([['https://pay.xn--exmple-cua.com/confirm?x=1', '_blank', 'noopener,noreferrer']]);
      await waitUntil(() => answers.length === 1);
      expect(answers).to.deep.equal([{ action: 'accept' }]);
    });
  });

  it('generates fields for every primitive kind, checks them, and sends typed content', async () => {
    const { pending, answers } = standalone({
      mode: 'form',
      message: 'Your details',
      requestedSchema: {
        type: 'object',
        properties: {
          email: { type: 'string', format: 'email', title: 'Email' },
          age: { type: 'integer', minimum: 18, maximum: 130, title: 'Age' },
          plan: { type: 'string', oneOf: [{ const: 'free', title: 'Free' }, { const: 'pro', title: 'Pro' }], default: 'pro' },
          news: { type: 'boolean', default: true, description: 'Send me news' },
        },
        required: ['email', 'age'],
      },
    });
    const c = await fixture<TgElicitation>(html`<tg-elicitation .pending=${pending}></tg-elicitation>`);
    const r = root(c);
    expect(r.querySelector<HTMLSelectElement>('select[name="plan"]')!.value).to.equal('pro');
    expect([...r.querySelectorAll('select[name="plan"] option')].map((o) => o.textContent)).to.deep.equal(['—', 'Free', 'Pro']);
    r.querySelector<HTMLInputElement>('input[name="email"]')!.value = 'not-an-email';
    r.querySelector<HTMLInputElement>('input[name="age"]')!.value = '12';
    button(c, 'accept-button').click();
    await c.updateComplete;
    const messages = [...r.querySelectorAll('[role="alert"]')].map((e) => e.textContent);
    expect(messages).to.deep.equal(['Email must be an email address.', 'Age must be at least 18.']);
    expect(answers).to.have.length(0);
    await expect(c).to.be.accessible();

    r.querySelector<HTMLInputElement>('input[name="email"]')!.value = 'a@b.example';
    r.querySelector<HTMLInputElement>('input[name="age"]')!.value = '42';
    button(c, 'accept-button').click();
    await waitUntil(() => answers.length === 1);
    expect(answers).to.deep.equal([{ action: 'accept', content: { email: 'a@b.example', age: 42, plan: 'pro', news: true } }]);
  });

  it('renders server text as text, never as HTML', async () => {
    const { pending } = standalone({ mode: 'form', message: '<img src=x onerror=alert(1)>', requestedSchema: { type: 'object', properties: { a: { type: 'string', title: '<b>A</b>' } } } });
    const c = await fixture<TgElicitation>(html`<tg-elicitation .pending=${pending}></tg-elicitation>`);
    expect(root(c).querySelector('img')).to.equal(null);
    expect(root(c).querySelector('b')).to.equal(null);
    expect(root(c).querySelector('#message')?.textContent).to.equal('<img src=x onerror=alert(1)>');
  });
});
