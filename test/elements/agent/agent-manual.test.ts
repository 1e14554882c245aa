/**
 * <tg-agent> in manual mode (no model) composed with the real gate and audit log, against the
 * demo MCP server: the person picks a tool in <tg-manual-form>, the call passes the gate
 * (policy → approval card → audit), and the result lands in the conversation.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgApproval } from '../../../src/elements/approval/tg-approval.js';
import type { TgManualForm } from '../../../src/elements/manual-form/tg-manual-form.js';
import type { AuditRecord } from '../../../src/audit/record.js';
import type { Policy } from '../../../src/gate/policy.js';
import { TgToolRequestEvent } from '../../../src/events/tg-tool-request.js';
import { TgError } from '../../../workers/shared/errors.js';
import { toolgateDbName } from '../../../src/storage/db.js';
import { control, taggedWsUrl, uniqueTag } from '../../support/env.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root, chips } from '../../support/agent-fixture.js';
import { addItems, submitForm, typeInto } from '../../support/manual-form.js';

/** The shadow root of the agent's `<tg-connections>` (server cards, tool panels). */
const cx = (el: Element) => root(el).querySelector('tg-connections')!.shadowRoot!;
const form = (el: TgAgent) => root(el).querySelector<TgManualForm>('tg-manual-form')!;
const lastChip = (el: TgAgent) => chips(el).at(-1);

async function agentWithNotes(options: { policy?: Policy; noAudit?: boolean } = {}) {
  const tag = uniqueTag('manual');
  const t = tenant();
  const el = await fixture<TgAgent>(
    html`<tg-agent tenant=${t} name="Test agent" .policy=${options.policy ?? TRUST_DEMO} ?no-audit=${options.noAudit === true}
      ><tg-server name="Notes" url=${taggedWsUrl(tag)}></tg-server
    ></tg-agent>`,
  );
  await waitUntil(() => el.agentStatus === 'ready' && form(el)?.tools.some((tool) => tool.id === 'notes__delete_note'), 'gate lists the tools', WAIT);
  await el.updateComplete;
  expect(el.auditLog?.dbName).to.equal(toolgateDbName(t));
  return { el, tag };
}

/** Picks a tool in the form's picker, as a person does. */
async function pick(el: TgAgent, toolId: string): Promise<TgManualForm> {
  const f = form(el);
  const select = root(f).querySelector<HTMLSelectElement>('[part~="tool-picker"]')!;
  select.value = toolId;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await f.updateComplete;
  return f;
}

async function chipSettled(el: TgAgent, count: number): Promise<HTMLElement> {
  await waitUntil(() => chips(el).length === count && !['running', 'waiting'].includes(lastChip(el)?.dataset['status'] ?? ''), `tool call ${count} settled`, WAIT);
  await el.updateComplete;
  return lastChip(el)!;
}

async function records(el: TgAgent): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of el.auditLog!.records()) out.push(r);
  return out;
}

const forTool = (all: AuditRecord[], name: string) => all.filter((r) => 'tool' in r && (r as { tool?: { name: string } }).tool?.name === name);

async function approvalCard(el: TgAgent): Promise<TgApproval> {
  await waitUntil(() => root(el).querySelector('tg-approval'), 'approval card', WAIT);
  const card = root(el).querySelector<TgApproval>('tg-approval')!;
  await card.updateComplete;
  return card;
}

describe('<tg-agent> manual mode with the gate and the audit log', function () {
  this.timeout(60000);
  afterEach(cleanupAgents);

  it('runs search_notes (trusted, read-only: no card), shows the result, and audits decision and call', async () => {
    const { el } = await agentWithNotes();
    expect(el.agent?.manual).to.equal(true);
    expect(root(el).querySelector('[part~="composer"]'), 'no text box without a model').to.equal(null);
    const f = await pick(el, 'notes__search_notes');
    await typeInto(f, '/query', 'lisbon');
    await submitForm(f);
    const chip = await chipSettled(el, 1);
    expect(chip.dataset['status']).to.equal('ok');
    expect(chip.dataset['tool']).to.equal('notes__search_notes');
    expect(chip.querySelector('[part~="tool-result"] .text-block')?.textContent).to.contain('Trip to Lisbon');
    expect(root(el).querySelector('tg-approval')).to.equal(null);

    const log = forTool(await records(el), 'search_notes');
    expect(log.map((r) => r.kind)).to.deep.equal(['tool-request', 'decision', 'call-start', 'call-end']);
    const decision = log[1] as Extract<AuditRecord, { kind: 'decision' }>;
    expect(decision.decision).to.include({ outcome: 'allow', by: 'rule', rule: 'annotations' });
    expect(log[3]).to.include({ status: 'ok' });
    expect(log[0]).to.include({ proposer: 'person' });
    expect(log[0]!.agent).to.deep.equal({ id: el.instanceId, name: 'Test agent' });
  });

  it('delete_note asks: Deny is refused and audited; again, Allow once runs it', async () => {
    const { el } = await agentWithNotes();
    const f = await pick(el, 'notes__delete_note');
    await typeInto(f, '/id', 'note-1');
    await submitForm(f);

    let card = await approvalCard(el);
    // Waiting for the person, not running: the chip says so and there is no Stop.
    await waitUntil(() => lastChip(el)?.dataset['status'] === 'waiting', 'the chip waits for you', WAIT);
    expect(lastChip(el)!.querySelector('[part~="chip-status"]')?.textContent).to.equal('waiting for you');
    expect(root(el).querySelector('[part~="stop-button"]')).to.equal(null);
    // Focus moved to the card (keyboard users land on it).
    expect(root(el).activeElement).to.equal(card);
    expect(root(card).activeElement).to.equal(card.card);
    await expect(el).to.be.accessible();
    root(card).querySelector<HTMLButtonElement>('[part~="deny-button"]')!.click();
    let chip = await chipSettled(el, 1);
    expect(chip.dataset['status']).to.equal('refused');
    expect(chip.querySelector('[part~="tool-result"] [data-code]')?.getAttribute('data-code')).to.equal('TG_APPROVAL_DENIED');
    await waitUntil(() => !root(el).querySelector('tg-approval'), 'card gone', WAIT);

    let log = forTool(await records(el), 'delete_note');
    expect(log.map((r) => r.kind)).to.deep.equal(['tool-request', 'decision']);
    expect((log[1] as Extract<AuditRecord, { kind: 'decision' }>).decision).to.include({ outcome: 'deny', by: 'person' });

    await submitForm(f);
    card = await approvalCard(el);
    root(card).querySelector<HTMLButtonElement>('[part~="allow-once-button"]')!.click();
    chip = await chipSettled(el, 2);
    expect(chip.dataset['status']).to.equal('ok');
    expect(chip.querySelector('[part~="tool-result"] .text-block')?.textContent).to.equal('Deleted note-1: Quarterly planning');

    log = forTool(await records(el), 'delete_note');
    expect(log.map((r) => r.kind)).to.deep.equal(['tool-request', 'decision', 'tool-request', 'decision', 'call-start', 'call-end']);
    expect((log[3] as Extract<AuditRecord, { kind: 'decision' }>).decision).to.include({ outcome: 'allow', by: 'person' });
  });

  it('tg-tool-request: preventDefault() denies without a card; respond("allow") lets it run', async () => {
    const { el } = await agentWithNotes();
    const seen: TgToolRequestEvent[] = [];
    let mode: 'deny' | 'allow' = 'deny';
    el.addEventListener('tg-tool-request', (event) => {
      seen.push(event);
      if (mode === 'deny') event.preventDefault();
      else event.detail.respond('allow');
    });
    const f = await pick(el, 'notes__delete_note');
    await typeInto(f, '/id', 'note-2');
    await submitForm(f);
    let chip = await chipSettled(el, 1);
    expect(seen).to.have.length(1);
    expect(seen[0]!.cancelable && seen[0]!.bubbles && seen[0]!.composed).to.equal(true);
    expect(seen[0]!.detail.request.tool.name).to.equal('delete_note');
    expect(root(el).querySelector('tg-approval'), 'no card').to.equal(null);
    expect(chip.dataset['status']).to.equal('refused');
    const log = forTool(await records(el), 'delete_note');
    expect((log.at(-1) as Extract<AuditRecord, { kind: 'decision' }>).decision).to.include({ outcome: 'deny', by: 'host' });

    mode = 'allow';
    await submitForm(f);
    chip = await chipSettled(el, 2);
    expect(chip.dataset['status']).to.equal('ok');
    expect(root(el).querySelector('tg-approval')).to.equal(null);
  });

  it('shows inline TG_FORM_INVALID errors and makes no call', async () => {
    const { el } = await agentWithNotes();
    const f = await pick(el, 'notes__count_slowly');
    await typeInto(f, '/count', '2.5');
    await submitForm(f);
    const error = root(f).querySelector('[part~="form-error"]');
    expect(error?.getAttribute('data-code')).to.equal('TG_FORM_INVALID');
    expect(root(f).querySelector('[data-field="/count"] [part~="field-error"]')?.textContent).to.contain('whole number');
    expect(root(f).querySelector('[data-field="/count"] input')?.getAttribute('aria-invalid')).to.equal('true');
    expect(chips(el)).to.have.length(0);
  });

  it('Stop cancels a running call (the server sees the cancellation); progress shows meanwhile', async () => {
    const { el, tag } = await agentWithNotes();
    const f = await pick(el, 'notes__count_slowly');
    await typeInto(f, '/count', '50');
    await submitForm(f);
    await waitUntil(() => lastChip(el)?.querySelector('progress'), 'progress', WAIT);
    expect(lastChip(el)?.querySelector('progress')?.max).to.equal(50);
    expect(f.busy).to.equal(true);
    root(el).querySelector<HTMLButtonElement>('[part~="stop-button"]')!.click();
    const chip = await chipSettled(el, 1);
    expect(chip.dataset['status']).to.equal('cancelled');
    await waitUntil(() => root(el).querySelector('[part~="error-entry"][data-code="TG_STOPPED"]'), 'stopped entry', WAIT);
    await waitUntil(async () => (await control<unknown[]>(`/__test/cancellations?tag=${tag}`)).length === 1, 'server saw the cancel', WAIT);
    expect(root(el).querySelector('[part~="stop-button"]')).to.equal(null);
  });

  it('the JSON panel of a server card goes through the gate too (delete_note asks)', async () => {
    const { el } = await agentWithNotes();
    cx(el).querySelector<HTMLButtonElement>('[part~="expand-button"]')!.click(); // the card's tools
    await waitUntil(() => cx(el).querySelector('button[data-tool="delete_note"]'), 'the tools shown', WAIT);
    cx(el).querySelector<HTMLButtonElement>('button[data-tool="delete_note"]')!.click();
    await el.updateComplete;
    const textarea = cx(el).querySelector<HTMLTextAreaElement>('textarea[part~="arguments"]')!;
    textarea.value = '{"id": "note-3"}';
    textarea.dispatchEvent(new InputEvent('input'));
    cx(el).querySelector<HTMLButtonElement>('button[part~="call-button"]')!.click();
    const card = await approvalCard(el);
    root(card).querySelector<HTMLButtonElement>('[part~="deny-button"]')!.click();
    await waitUntil(() => cx(el).querySelector('[part~="call-error"]'), 'refused', WAIT);
    expect(cx(el).querySelector('[part~="call-error"]')?.getAttribute('data-code')).to.equal('TG_APPROVAL_DENIED');
  });

  it('shows the audit log behind a toggle, and no-audit hides it', async () => {
    const { el } = await agentWithNotes();
    const toggle = root(el).querySelector<HTMLButtonElement>('[part~="audit-toggle"]')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(root(el).querySelector('tg-audit-log')).to.equal(null);
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const viewer = root(el).querySelector('tg-audit-log')!;
    expect(viewer.log).to.equal(el.auditLog);
    await expect(el).to.be.accessible();

    const { el: quiet } = await agentWithNotes({ noAudit: true });
    expect(root(quiet).querySelector('[part~="audit"]')).to.equal(null);
  });

  it('is accessible with the form filled and a result shown, and fits 360 px', async () => {
    const { el } = await agentWithNotes();
    el.style.width = '360px';
    await expect(el).to.be.accessible();
    const f = await pick(el, 'notes__add_numbers');
    await addItems(f, '/numbers', 2);
    await typeInto(f, '/numbers/0', '2');
    await typeInto(f, '/numbers/1', '3.5');
    await expect(el).to.be.accessible();
    await submitForm(f);
    const chip = await chipSettled(el, 1);
    expect(chip.querySelector('[part~="tool-result"] .text-block')?.textContent).to.equal('5.5');
    await expect(el).to.be.accessible();
    expect(el.scrollWidth).to.be.at.most(360);
    for (const part of ['conversation', 'connections']) {
      const node = root(el).querySelector<HTMLElement>(`[part~="${part}"]`)!;
      expect(node.scrollWidth, `${part} overflows`).to.be.at.most(node.clientWidth + 1);
    }
  });

  it('shows TG_POLICY_INVALID when the policy is invalid', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${{ version: 2 } as unknown as Policy}></tg-agent>`);
    await el.ready;
    await el.updateComplete;
    expect(el.agentStatus).to.equal('failed');
    expect(root(el).querySelector('[part~="agent-error"]')?.getAttribute('data-code')).to.equal('TG_POLICY_INVALID');
  });
  it('roles: a tool hidden by the policy appears when the person gets the role', async () => {
    const policy: Policy = { ...TRUST_DEMO, roles: { admin: ['notes/delete_note'] } } as Policy;
    const tag = uniqueTag('roles');
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${policy}><tg-server name="Notes" url=${taggedWsUrl(tag)}></tg-server></tg-agent>`,
    );
    await waitUntil(() => form(el)?.tools.some((t) => t.id === 'notes__search_notes'), 'tools', WAIT);
    expect(form(el).tools.map((t) => t.id)).to.not.include('notes__delete_note');
    el.setAttribute('roles', 'support admin');
    await waitUntil(() => form(el).tools.some((t) => t.id === 'notes__delete_note'), 'role shows the tool', WAIT);
    expect(el.gate?.roles).to.deep.equal(['support', 'admin']);
  });

  it('a server off the allow-list is shown with TG_SERVER_NOT_ALLOWED and offers no tools', async () => {
    const policy: Policy = { version: 1, servers: [{ url: 'wss://elsewhere.example/*' }] };
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${policy}><tg-server name="Notes" url=${taggedWsUrl(uniqueTag('off'))}></tg-server></tg-agent>`,
    );
    await waitUntil(() => cx(el).querySelector('[part~="gate-error"]'), 'gate error', WAIT);
    expect(cx(el).querySelector('[part~="gate-error"]')?.getAttribute('data-code')).to.equal('TG_SERVER_NOT_ALLOWED');
    expect(form(el).tools).to.have.length(0);
  });

  it('fails closed: when the audit log cannot write, a banner shows and calls are refused', async () => {
    const { el } = await agentWithNotes();
    el.auditLog!.fail(new TgError('TG_STORAGE_FAILED', 'disk on fire'));
    await el.updateComplete;
    expect(root(el).querySelector('[part~="audit-banner"]')?.textContent).to.contain('TG_STORAGE_FAILED');
    const f = await pick(el, 'notes__search_notes');
    await typeInto(f, '/query', 'x');
    await submitForm(f);
    const chip = await chipSettled(el, 1);
    expect(chip.dataset['status']).to.equal('refused');
    expect(chip.querySelector('[part~="tool-result"] [data-code]')?.getAttribute('data-code')).to.equal('TG_STORAGE_FAILED');
  });

  it('removal denies a pending approval and closes the audit log', async () => {
    const { el } = await agentWithNotes();
    const f = await pick(el, 'notes__delete_note');
    await typeInto(f, '/id', 'note-4');
    await submitForm(f);
    await approvalCard(el);
    const [gate, log] = [el.gate!, el.auditLog!];
    el.remove();
    expect(gate.approvals.pending).to.have.length(0);
    expect(log.health.state).to.equal('closed');
    expect(el.agentStatus).to.equal('closed');
  });
});
