/**
 * The runtime without any element: this file imports no element module (so none is defined) and
 * builds runtimes against the demo MCP server (real workers, WebSocket, IndexedDB audit log), with
 * approvals answered by code. Every call it makes goes through the gate and into the audit log and
 * the conversation; the model's too (the scripted LLM server stands in for the model).
 */
import { expect } from '@esm-bundle/chai';
import type { AuditRecord } from '../../src/audit/record.js';
import type { ApprovalRequest, HostDecision } from '../../src/gate/approvals.js';
import type { Policy } from '../../src/gate/policy.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime/runtime.js';
import { deleteToolgateDb, toolgateDbName } from '../../src/storage/db.js';
import { waitFor } from '../support/async.js';
import { control, taggedWsUrl, uniqueTag } from '../support/env.js';
import { openAiTurn, recordedRequests, registerScript } from '../support/llm/scripts.js';

/** The demo server on any loopback port is trusted: its read-only tools run, `delete_note` asks. */
const TRUST_DEMO: Policy = { version: 1, servers: [{ url: 'ws://127.0.0.1:*', trusted: true }] };
/** Reconnects quickly, and keeps trying for a while (the tests decide when the server comes back). */
const PATIENT = { baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 60 };

const open: Runtime[] = [];
const tenants: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
  for (const tenant of tenants.splice(0)) await deleteToolgateDb(toolgateDbName(tenant));
});

function tenant(): string {
  const t = `test-runtime-${crypto.randomUUID()}`;
  tenants.push(t);
  return t;
}

async function runtime(options: RuntimeOptions): Promise<Runtime> {
  const r = await createRuntime(options);
  open.push(r);
  return r;
}

/** Until every listed server is behind the gate. */
async function allBehindTheGate(r: Runtime, count: number): Promise<void> {
  await waitFor(() => (r.servers.list.length === count && r.servers.list.every((s) => s.gate?.state === 'added') ? true : undefined), 'servers behind the gate', 15_000);
}

async function recordsOf(r: Runtime, callId: string): Promise<AuditRecord[]> {
  await r.audit.flush();
  const out: AuditRecord[] = [];
  for await (const record of r.audit.records()) if (record.callId === callId) out.push(record);
  return out;
}

describe('createRuntime (no element)', function () {
  this.timeout(60_000);

  it('connects to the demo server and runs a call through the gate: approval answered by code, audited, in the conversation', async () => {
    expect(customElements.get('tg-agent'), 'no element is defined by the runtime').to.equal(undefined);
    const asked: ApprovalRequest[] = [];
    const tag = uniqueTag('runtime');
    const r = await runtime({
      tenant: tenant(),
      agent: { id: 'ops-bot', name: 'Ops bot' },
      policy: TRUST_DEMO,
      servers: [{ name: 'Notes', url: taggedWsUrl(tag) }],
      hostHook: (request, respond) => {
        asked.push(request);
        respond(request.tool.name === 'delete_note' ? 'allow' : 'deny');
      },
    });
    await allBehindTheGate(r, 1);
    expect(r.servers.list[0]).to.include({ id: 'notes', status: 'ready' });

    const outcome = await r.call({ server: 'notes', tool: 'delete_note', args: { id: 'note-4' } });
    expect(outcome.status).to.equal('ok');
    expect('result' in outcome && outcome.result.content[0]).to.deep.include({ type: 'text', text: 'Deleted note-4: Book recommendations' });
    expect(asked.map((a) => [a.toolId, a.proposer.kind])).to.deep.equal([['notes__delete_note', 'person']]);
    expect((await control<Record<string, number>>(`/__test/calls?tag=${tag}`)).delete_note).to.equal(1);

    const chip = r.entries.find((e) => e.kind === 'tool-call');
    expect(chip).to.deep.include({ toolId: 'notes__delete_note', status: 'ok', proposer: { kind: 'person' } });
    const records = await recordsOf(r, asked[0]!.callId);
    expect(records.map((x) => x.kind)).to.deep.equal(['tool-request', 'decision', 'call-start', 'call-end']);
    const [request, decision, , end] = records;
    expect(request).to.deep.include({ proposer: 'person', server: { url: taggedWsUrl(tag), id: 'notes' }, agent: { id: 'ops-bot', name: 'Ops bot' } });
    expect(decision?.kind === 'decision' && decision.decision).to.deep.include({ outcome: 'allow', by: 'host' });
    expect(end?.kind === 'call-end' && end.status).to.equal('ok');
    expect(end?.kind === 'call-end' && end.result?.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(await r.audit.verify()).to.deep.include({ ok: true });

    await r.close();
    expect(r.audit.health.state).to.equal('closed');
    await waitFor(async () => ((await control<{ open: number }>(`/__test/sockets?tag=${tag}`)).open === 0 ? true : undefined), 'the socket closed');
  });

  it("runs the model's calls through the same gate: the host denies one, the model sees the refusal", async () => {
    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'notes__echo', args: { text: 'hi' } }, { id: 'c2', name: 'notes__delete_note', args: { id: 'note-1' } }] }),
      openAiTurn({ text: ['Echoed; the delete was refused.'] }),
    ]);
    const decide: (request: ApprovalRequest) => HostDecision = () => 'deny';
    const r = await runtime({
      tenant: tenant(),
      policy: TRUST_DEMO,
      servers: [{ name: 'Notes', url: taggedWsUrl(uniqueTag('runtime-model')) }],
      provider: new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted' }),
      hostHook: (request, respond) => respond(decide(request)),
    });
    await allBehindTheGate(r, 1);
    const summary = await r.send('Echo hi, then delete note-1');
    expect(summary.reason).to.equal('done');
    const chips = r.entries.filter((e) => e.kind === 'tool-call');
    expect(chips.map((c) => [c.toolId, c.status, c.proposer.kind])).to.deep.equal([
      ['notes__echo', 'ok', 'llm'],
      ['notes__delete_note', 'refused', 'llm'],
    ]);
    const second = (await recordedRequests(script.id))[1]!;
    const toolMessages = second.body.messages.filter((m) => m['role'] === 'tool').map((m) => String(m['content']));
    expect(toolMessages.some((text) => text.includes('TG_APPROVAL_DENIED'))).to.equal(true);
  });

  it('answers a call to a server the gate refused with the reason (not "unknown tool"), and runs it once the person consents', async () => {
    const r = await runtime({ tenant: tenant(), policy: { version: 1, servers: [{ url: 'wss://elsewhere.example/*' }] }, servers: [{ name: 'Notes', url: taggedWsUrl(uniqueTag('consent')) }] });
    await waitFor(() => (r.servers.get('notes')?.gate?.state === 'failed' ? true : undefined), 'refused by the gate', 15_000);
    const refused = await r.call({ server: 'notes', tool: 'echo', args: { text: 'x' } });
    expect('error' in refused && refused.error.code).to.equal('TG_SERVER_NOT_ALLOWED');
    r.servers.consent('notes');
    await allBehindTheGate(r, 1);
    const outcome = r.call({ server: 'notes', tool: 'echo', args: { text: 'x' } });
    const card = await waitFor(() => r.gate.approvals.pending[0], 'an approval (the server is not trusted)');
    r.gate.approvals.answer(card.id, 'allow-once');
    expect((await outcome).status).to.equal('ok');
  });

  it("says whether a server's non-result content (an MCP App view's message) may reach the model in use, by its labels", async () => {
    const policy: Policy = { version: 1, servers: [{ url: 'wss://local.example/*', labels: ['local'] }, { url: 'wss://any.example/*', labels: ['*'] }] };
    const r = await runtime({ tenant: tenant(), policy, servers: [{ url: 'wss://local.example/mcp', name: 'near' }, { url: 'wss://any.example/mcp', name: 'far' }] });
    await r.servers.disconnect(); // nothing needs to connect: the labels are the policy's, the URLs the registry's
    expect([r.mayReachModel('near'), r.mayReachModel('far'), r.mayReachModel('nobody')], 'manual mode: no model to reach').to.deep.equal([true, true, false]);
    r.agent.provider = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', label: 'vendor:elsewhere' });
    expect([r.mayReachModel('near'), r.mayReachModel('far')]).to.deep.equal([false, true]);
    r.agent.provider = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', label: 'local' });
    expect([r.mayReachModel('near'), r.mayReachModel('far')]).to.deep.equal([true, true]);
  });

  it('gives two unnamed servers on one host the same ids in either order, in every session of a tenant', async () => {
    const [a, b] = [taggedWsUrl(uniqueTag('a')), taggedWsUrl(uniqueTag('b'))];
    const t = tenant();
    const idsOf = (r: Runtime) => Object.fromEntries(r.servers.list.map((s) => [s.spec.url, s.id]));
    const first = await runtime({ tenant: t, policy: TRUST_DEMO, servers: [{ url: a }, { url: b }] });
    const other = await runtime({ tenant: tenant(), policy: TRUST_DEMO, servers: [{ url: b }, { url: a }] });
    await Promise.all([allBehindTheGate(first, 2), allBehindTheGate(other, 2)]);
    const ids = idsOf(first);
    expect(idsOf(other)).to.deep.equal(ids);
    expect(new Set(Object.values(ids)).size).to.equal(2);
    expect(Object.values(ids).sort()[0]).to.equal('127-0-0-1');
    const toolIds = (r: Runtime) => r.gate.tools({ kind: 'person' }).filter((t) => t.tool.name === 'echo').map((t) => `${t.serverUrl} ${t.id}`).sort();
    expect(toolIds(other)).to.deep.equal(toolIds(first));
    await first.close();

    // The next session of the same tenant (a reload), listing them the other way round.
    const again = await runtime({ tenant: t, policy: TRUST_DEMO, servers: [{ url: b }, { url: a }] });
    await allBehindTheGate(again, 2);
    expect(idsOf(again)).to.deep.equal(ids);
    // Only b listed: it keeps its own id (the plain one stays with a, its first URL).
    again.servers.set([{ url: b }]);
    expect(idsOf(again)).to.deep.equal({ [b]: ids[b] });
  });

  it('never applies what was given to an id to another URL: "always allow" and a rule for X ask when X now names URL B, until rebound', async () => {
    const t = tenant();
    const [urlA, urlB] = [taggedWsUrl(uniqueTag('pin-a')), taggedWsUrl(uniqueTag('pin-b'))];
    // Session 1: X ("notes") is URL A; the person always allows delete_note there.
    const one = await runtime({ tenant: t, policy: TRUST_DEMO, servers: [{ name: 'Notes', url: urlA }] });
    await allBehindTheGate(one, 1);
    const first = one.call({ server: 'notes', tool: 'delete_note', args: { id: 'note-2' } });
    const card = await waitFor(() => one.gate.approvals.pending[0], 'the approval');
    one.gate.approvals.answer(card.id, 'always');
    expect((await first).status).to.equal('ok');
    const again = await one.call({ server: 'notes', tool: 'delete_note', args: { id: 'note-3' } });
    expect(again.status, 'always allowed on A').to.equal('ok');
    expect(one.gate.approvals.pending).to.have.length(0);
    await one.close();

    // Session 2: the host now names URL B "Notes"; its policy allows echo on notes by id.
    const policy: Policy = { ...TRUST_DEMO, tools: [{ id: 'echo-on-notes', server: 'notes', tool: 'echo', action: 'allow' }] };
    const two = await runtime({ tenant: t, policy, servers: [{ name: 'Notes', url: urlB }] });
    await allBehindTheGate(two, 1);
    expect(two.servers.list[0]?.id).to.equal('notes');
    expect(two.gate.tools({ kind: 'person' }).every((tool) => tool.reboundFrom === urlA)).to.equal(true);
    for (const tool of ['delete_note', 'echo']) {
      const call = two.call({ server: 'notes', tool, args: tool === 'echo' ? { text: 'x' } : { id: 'note-2' } });
      const asked = await waitFor(() => two.gate.approvals.pending[0], `the approval for ${tool} on B`);
      expect(asked).to.deep.include({ rule: 'server-id', toolId: `notes__${tool}` });
      expect(asked.reason).to.contain(urlA).and.contain(urlB);
      two.gate.approvals.answer(asked.id, 'deny');
      expect((await call).status).to.equal('refused');
    }

    // Accepting the new URL makes the id's rules apply to it again (and is audited).
    await two.gate.rebindServer('notes');
    expect(two.gate.serverIds().get('notes')).to.equal(urlB);
    expect((await two.call({ server: 'notes', tool: 'echo', args: { text: 'now allowed' } })).status).to.equal('ok');
    await two.audit.flush();
    const changes: AuditRecord[] = [];
    for await (const record of two.audit.records()) if (record.kind === 'policy-change') changes.push(record);
    expect(changes.at(-1)?.kind === 'policy-change' && changes.at(-1)).to.deep.include({ change: { source: 'person', serverId: { id: 'notes', from: urlA, to: urlB } } });
  });
});

describe('createRuntime: calls while a server reconnects', function () {
  this.timeout(60_000);

  async function reconnecting(reconnectWaitMs: number, extra: Partial<RuntimeOptions> = {}) {
    const tag = uniqueTag('reconnect');
    const r = await runtime({ tenant: tenant(), policy: TRUST_DEMO, reconnectWaitMs, servers: [{ name: 'Notes', url: taggedWsUrl(tag), reconnect: PATIENT }], ...extra });
    await allBehindTheGate(r, 1);
    await control(`/__test/refuse?tag=${tag}`, { method: 'POST' });
    await waitFor(() => (r.servers.get('notes')?.status === 'reconnecting' ? true : undefined), 'reconnecting');
    return { r, tag };
  }

  it('fails at once with TG_NOT_CONNECTED saying it is reconnecting (wait 0): the tool stays known, nothing is sent', async () => {
    const { r, tag } = await reconnecting(0);
    expect(r.gate.tools({ kind: 'person' }).map((t) => t.id)).to.include('notes__echo');
    const outcome = await r.call({ server: 'notes', tool: 'echo', args: { text: 'while down' } });
    expect(outcome.status).to.equal('failed');
    expect('error' in outcome && outcome.error.code).to.equal('TG_NOT_CONNECTED');
    expect('error' in outcome && outcome.error.message).to.match(/^Notes is reconnecting \(attempt \d+\)/);
    expect((await control<Record<string, number>>(`/__test/calls?tag=${tag}`)).echo ?? 0).to.equal(0);
    await control(`/__test/accept?tag=${tag}`, { method: 'POST' });
    await waitFor(() => (r.servers.get('notes')?.status === 'ready' ? true : undefined), 'ready again', 15_000);
    expect((await r.call({ server: 'notes', tool: 'echo', args: { text: 'back' } })).status).to.equal('ok');
  });

  it('waits (bounded) for the connection to come back, then runs the call once', async () => {
    const { r, tag } = await reconnecting(20_000);
    const pending = r.call({ server: 'notes', tool: 'echo', args: { text: 'patient' } });
    await control(`/__test/accept?tag=${tag}`, { method: 'POST' });
    const outcome = await pending;
    expect(outcome.status).to.equal('ok');
    expect('result' in outcome && outcome.result.content[0]).to.deep.include({ text: 'patient' });
    expect((await control<Record<string, number>>(`/__test/calls?tag=${tag}`)).echo).to.equal(1);
  });

  it('the model gets TG_NOT_CONNECTED as a tool error it can act on, never TG_TOOL_UNKNOWN', async () => {
    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'notes__echo', args: { text: 'hello' } }] }),
      openAiTurn({ text: ['The notes server is reconnecting; I will try again later.'] }),
    ]);
    const { r } = await reconnecting(0, { provider: new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted' }) });
    const summary = await r.send('Echo hello');
    expect(summary.reason).to.equal('done');
    const requests = await recordedRequests(script.id);
    const offered = (requests[0]!.body.tools ?? []).map((t) => (t['function'] as { name: string }).name);
    expect(offered, 'the tool is still offered while reconnecting').to.include('notes__echo');
    const toolResult = requests[1]!.body.messages.filter((m) => m['role'] === 'tool').map((m) => String(m['content'])).join('\n');
    expect(toolResult).to.contain('TG_NOT_CONNECTED').and.contain('reconnecting');
    expect(toolResult).to.not.contain('TG_TOOL_UNKNOWN');
    expect(r.entries.find((e) => e.kind === 'tool-call')).to.deep.include({ status: 'failed' });
  });
});
