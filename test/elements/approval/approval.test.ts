/** `<tg-approval>`: what the card shows, how it answers, keyboard, focus, accessibility, and no HTML from servers. */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/elements/approval/tg-approval.js';
import type { TgApproval } from '../../../src/elements/approval/tg-approval.js';
import { ApprovalQueue, type ApprovalRequest, type ApprovalVerdict } from '../../../src/gate/approvals.js';
import { effectiveAnnotations } from '../../../src/gate/decide.js';
import { definitionDiff } from '../../../src/gate/definition-diff.js';
import { escapeName } from '../../../src/gate/pins.js';
import type { Tool } from '../../../workers/shared/wire.js';

const XSS = '<img src=x onerror="window.__pwned = true">';

function baseRequest(tool: Tool, extra: Partial<ApprovalRequest> = {}): Omit<ApprovalRequest, 'id' | 'createdAt' | 'expiresAt'> {
  return {
    kind: 'call',
    callId: 'c1',
    toolId: `demo__${tool.name}`,
    server: { id: 'demo', url: 'wss://notes.example/mcp', origin: 'wss://notes.example', trusted: false },
    tool,
    displayName: escapeName(tool.name),
    definitionHash: 'a'.repeat(64),
    args: { id: 'note-1', body: 'x'.repeat(500), nested: { list: [1, true, null], hidden: 'zero\u200Bwidth' } },
    annotations: effectiveAnnotations(tool.annotations),
    reason: 'Approval needed: the tool may be destructive.',
    rule: 'annotations',
    flags: [],
    proposer: { kind: 'llm', providerLabel: 'local' },
    ...extra,
  };
}

const deleteNote: Tool = {
  name: 'delete_note',
  title: 'Delete note',
  description: `Deletes a note. ${XSS}`,
  inputSchema: { type: 'object' },
  annotations: { readOnlyHint: false, destructiveHint: true },
};

async function show(extra: Partial<ApprovalRequest> = {}, tool = deleteNote) {
  const queue = new ApprovalQueue();
  const verdict: Promise<ApprovalVerdict> = queue.request(baseRequest(tool, extra));
  const el = await fixture<TgApproval>(html`<tg-approval .queue=${queue} .request=${queue.pending[0]}></tg-approval>`);
  return { el, queue, verdict, root: el.shadowRoot! };
}

describe('<tg-approval>', () => {
  afterEach(() => {
    delete (window as { __pwned?: boolean }).__pwned;
  });

  it('is accessible, and focus moves to the card', async () => {
    const { el, root } = await show({ diff: definitionDiff(deleteNote, { ...deleteNote, description: 'changed' }), flags: [{ kind: 'instruction-text', field: 'description', detail: 'Instructions for the model.' }] });
    const card = root.querySelector('[part="approval-card"]')!;
    expect(card.getAttribute('role')).to.equal('alertdialog');
    expect(card.getAttribute('aria-labelledby')).to.equal('title');
    expect(root.activeElement).to.equal(card);
    await expect(el).to.be.accessible();
  });

  it('renders server-supplied text as text, never HTML', async () => {
    const evil: Tool = { ...deleteNote, name: 'x<b>bold</b>', title: `<script>window.__pwned = true</script>`, description: XSS };
    const { root } = await show({ args: { html: XSS } }, evil);
    await new Promise((r) => setTimeout(r, 50));
    expect(root.querySelector('img')).to.equal(null);
    expect(root.querySelector('script')).to.equal(null);
    expect(root.querySelector('b')).to.equal(null);
    expect(root.querySelector('.description')?.textContent).to.equal(XSS);
    expect(root.querySelector('#title')?.textContent).to.contain('<script>');
    expect(root.querySelector('[part="arguments"]')?.textContent).to.contain('<img src=x onerror=\\"window.__pwned = true\\">');
    expect((window as { __pwned?: boolean }).__pwned).to.equal(undefined);
  });

  it('names the rule once: a policy rule the reason already names is not repeated', async () => {
    const named = (await show({ reason: 'Policy rule "ask-before-delete" asks for approval.', rule: 'ask-before-delete' })).root;
    expect(named.querySelector('#reason')!.textContent!.match(/ask-before-delete/g)).to.have.length(1);
    const plain = (await show()).root;
    expect(plain.querySelector('#reason')!.textContent!.replace(/\s+/g, ' ')).to.equal('Approval needed: the tool may be destructive. (rule: annotations)');
  });

  it('shows origin, trust, title and name, annotations as the server’s claims, why it asked, and the full arguments', async () => {
    const { root } = await show();
    const text = root.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('Allow Delete note (delete_note)?');
    expect(text).to.contain('wss://notes.example');
    expect(text).to.contain('not trusted');
    expect(text).to.contain('claims made by the server, not verified');
    const claims = [...root.querySelectorAll('dl.claims > div')].map((d) => `${d.querySelector('dt')?.textContent}: ${d.querySelector('dd')?.textContent}`);
    expect(claims).to.deep.equal(['Read-only: no', 'Destructive: yes', 'Idempotent: no (not stated; spec default)', 'Open world: yes (not stated; spec default)']);
    expect(text).to.contain('Approval needed: the tool may be destructive.');
    expect(text).to.contain('the model (local)');
    const args = root.querySelector('[part="arguments"]')!;
    // Long values collapse, but every character is in the card, one click away.
    const long = args.querySelector('details.long')!;
    expect(long.textContent).to.contain('x'.repeat(500));
    expect(long.querySelector('summary')?.textContent).to.contain('500 characters');
    // Invisible characters are revealed.
    expect(args.textContent).to.contain('zero\\u{200B}width');
    expect(args.textContent).to.contain('"id": "note-1"');
    expect(text).to.contain('Denied automatically at');
  });

  it('shows a look-alike name escaped', async () => {
    const { root } = await show({}, { ...deleteNote, name: 'delete_n\u043Ete', title: undefined } as Tool);
    expect(root.querySelector('#title code')?.textContent).to.equal('delete_n\\u{43E}te');
  });

  it('shows the definition diff and the flags', async () => {
    const changed = { ...deleteNote, description: 'Deletes every note.' };
    const { root } = await show({ diff: definitionDiff(deleteNote, changed), flags: [{ kind: 'bidi-control', field: 'title', detail: 'Bidi!' }] });
    expect(root.querySelector('[part="diff"] .added')?.textContent).to.contain('Deletes every note.');
    expect(root.querySelector('[part="diff"] .removed')?.textContent).to.contain('Deletes a note.');
    expect(root.querySelector('[part="flags"]')?.textContent).to.contain('title: Bidi!');
  });

  for (const [part, expected] of [
    ['allow-once-button', { outcome: 'allow', always: false, by: 'person' }],
    ['always-button', { outcome: 'allow', always: true, by: 'person' }],
    ['deny-button', { outcome: 'deny', always: false, by: 'person' }],
  ] as const) {
    it(`${part} answers the queue`, async () => {
      const { root, verdict } = await show();
      root.querySelector<HTMLButtonElement>(`[part="${part}"]`)!.click();
      expect(await verdict).to.deep.equal(expected);
    });
  }

  it('is keyboard operable: Enter on a focused button answers, Escape denies', async () => {
    const first = await show();
    const allow = first.root.querySelector<HTMLButtonElement>('[part="allow-once-button"]')!;
    allow.focus();
    expect(first.root.activeElement).to.equal(allow);
    await sendKeys({ press: 'Enter' });
    expect(await first.verdict).to.deep.equal({ outcome: 'allow', always: false, by: 'person' });
    await first.el.updateComplete;
    expect(allow.disabled).to.equal(true);
    expect(first.root.querySelector('[role="status"]')?.textContent).to.equal('Allowed.');

    const second = await show();
    expect(second.root.activeElement).to.equal(second.root.querySelector('[part="approval-card"]'));
    await sendKeys({ press: 'Escape' });
    expect(await second.verdict).to.deep.equal({ outcome: 'deny', always: false, by: 'person' });
    await second.el.updateComplete;
    expect(second.root.querySelector('[role="status"]')?.textContent).to.equal('Denied.');
  });

  it('a result review offers Share / Keep and shows the result', async () => {
    const { root, verdict } = await show({ kind: 'result', result: { content: [{ type: 'text', text: `fetched ${XSS}` }] } });
    expect(root.querySelector('#title')?.textContent).to.contain('Share the result of');
    expect(root.querySelector('[part="always-button"]')).to.equal(null);
    expect(root.querySelector('[part="result"]')?.textContent).to.contain('fetched <img');
    expect(root.querySelector('img')).to.equal(null);
    root.querySelector<HTMLButtonElement>('[part="deny-button"]')!.click();
    expect((await verdict).outcome).to.equal('deny');
  });
});
