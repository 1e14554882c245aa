/**
 * The WebMCP bridge with a polyfilled `document.modelContext` (test/support/webmcp-polyfill.ts),
 * switched on with `runtime.bridgeWebMcp()`: tools the page registered there are offered to a
 * scripted model through the gate (asked, run, audited), and the gated tools of a real MCP server
 * are published there for a browser's own agent, each call of which enters through `runtime.call`
 * (gate, conversation, audit); `exposedTo` is passed on and checked.
 */
import { expect } from '@esm-bundle/chai';
import type { ToolCallEntry } from '../../src/agent/conversation.js';
import type { AuditLog } from '../../src/audit/audit-log.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { findModelContext, publishGatedTools, WebMcpTools } from '../../src/page/webmcp.js';
import { createRuntime, type RuntimeOptions } from '../../src/runtime/runtime.js';
import { deleteToolgateDb, toolgateDbName } from '../../src/storage/db.js';
import { waitFor } from '../support/async.js';
import { taggedWsUrl, uniqueTag } from '../support/env.js';
import { openAiTurn, recordedRequests, registerScript } from '../support/llm/scripts.js';
import { installModelContext, type ModelContextPolyfill } from '../support/webmcp-polyfill.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: RuntimeOptions = {}) {
  const installed = installModelContext();
  const tenant = `test-webmcp-${crypto.randomUUID()}`;
  const runtime = await createRuntime({ tenant, ...options });
  cleanups.push(async () => {
    await runtime.close();
    installed.uninstall();
    await deleteToolgateDb(toolgateDbName(tenant));
  });
  return { audit: runtime.audit, gate: runtime.gate, runtime, context: installed.context };
}

async function records(audit: AuditLog): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of audit.records()) out.push(r);
  return out;
}

/** A bounded wait of 10 s: these waits span a worker, a server round trip and an LLM turn. */
const until = <T>(probe: () => T | undefined | Promise<T | undefined>, what: string) => waitFor(probe, what, 10_000);

/** What the page's own script registers on document.modelContext. */
function registerOrderTool(context: ModelContextPolyfill, name = 'lookup_order') {
  return context.registerTool({
    name,
    title: 'Look up an order',
    description: 'Finds an order by its number.',
    inputSchema: { type: 'object', properties: { number: { type: 'integer', minimum: 1 } }, required: ['number'] },
    annotations: { readOnlyHint: true },
    execute: ({ number }: { number?: number }) => ({ content: [{ type: 'text', text: `Order ${number}: shipped` }] }),
  } as Parameters<ModelContextPolyfill['registerTool']>[0]);
}

describe('WebMCP bridge', () => {
  it('finds document.modelContext by feature detection, and nothing without it', () => {
    expect(findModelContext({ document: {} })).to.equal(undefined);
    expect(findModelContext({ document: { modelContext: { registerTool: 1 } } })).to.equal(undefined);
    const installed = installModelContext();
    try {
      expect(findModelContext()).to.equal(installed.context);
    } finally {
      installed.uninstall();
    }
  });

  it('offers a tool registered on document.modelContext to the model; the gate asks, it runs, it is audited', async () => {
    const { audit, gate, runtime, context } = await setup();
    await registerOrderTool(context);
    expect(new WebMcpTools(findModelContext()!).available).to.equal(true);
    runtime.bridgeWebMcp({ offer: true });
    await until(() => (gate.tools({ kind: 'llm', providerLabel: 'local' }).length > 0 ? true : undefined), 'the offered tool');
    expect(gate.tools({ kind: 'llm', providerLabel: 'local' }).map((t) => t.id)).to.deep.equal(['webmcp__lookup_order']);
    expect(runtime.servers.get('webmcp')).to.deep.include({ status: 'ready', local: true });

    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'webmcp__lookup_order', args: { number: 'seven' } }, { id: 'c2', name: 'webmcp__lookup_order', args: { number: 7 } }] }),
      openAiTurn({ text: ['It shipped.'] }),
    ]);
    const agent = runtime.agent;
    agent.provider = new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted' });
    const turn = runtime.send('Where is order 7?');
    // Not the host's word: a read-only claim from the page's WebMCP tools is not believed, so both
    // ask; and an untrusted tool that may reach outside systems has its result reviewed too.
    let done = false;
    void turn.then(() => (done = true));
    const kinds: string[] = [];
    while (!done) {
      const pending = gate.approvals.pending[0];
      if (!pending) {
        await new Promise((r) => setTimeout(r, 25));
        continue;
      }
      expect(pending.server.url).to.equal(`webmcp://${location.host}/`);
      expect(pending.server.trusted).to.equal(false);
      kinds.push(pending.kind);
      gate.approvals.answer(pending.id, 'allow-once');
    }
    expect(kinds.sort()).to.deep.equal(['call', 'call', 'result', 'result']);
    const calls = agent.entries.filter((e): e is ToolCallEntry => e.kind === 'tool-call');
    expect(calls.map((c) => c.status)).to.deep.equal(['tool-error', 'ok']);
    expect(context.executed).to.deep.equal([{ name: 'lookup_order', input: { number: 7 } }]); // the invalid call never ran
    const sent = (await recordedRequests(script.id))[1]!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(sent[0]).to.match(/do not match the tool's inputSchema/);
    expect(sent[1]).to.equal('Order 7: shipped');

    const log = await records(audit);
    const recorded = log.flatMap((r) => ('callId' in r && 'server' in r && r.server?.id === 'webmcp' ? [r.kind] : []));
    expect(recorded.filter((k) => k === 'call-start')).to.have.length(2);
    expect(recorded.filter((k) => k === 'decision')).to.have.length(2);

    // A tool registered later shows up on toolchange; one unregistered goes away.
    const later = new AbortController();
    await context.registerTool({ name: 'track', description: 'Tracks a parcel.', execute: () => 'ok' }, { signal: later.signal });
    await until(() => (gate.tools({ kind: 'person' }).some((t) => t.id === 'webmcp__track') ? true : undefined), 'the new tool');
    later.abort();
    await until(() => (gate.tools({ kind: 'person' }).some((t) => t.id === 'webmcp__track') ? undefined : true), 'the tool to go');
  });

  it('publishes the gated tools for a browser agent: its calls enter the gate, exposedTo is honoured, none comes back as offered', async () => {
    const { audit, gate, runtime, context } = await setup({ servers: [{ url: taggedWsUrl(uniqueTag('webmcp')), name: 'demo' }] });
    await registerOrderTool(context);
    runtime.registerTool({ name: 'page_only', description: 'The page’s own tool: the host publishes it itself if it wants to.', execute: () => 'ok' });

    const errors: unknown[] = [];
    const publication = runtime.bridgeWebMcp({ offer: true, publish: true, exposedTo: ['https://agent.example'], onError: (err) => errors.push(err) });
    const names = await until(async () => {
      const listed = (await context.getTools()).map((t) => t.name);
      return listed.includes('demo__echo') ? listed : undefined;
    }, 'the published tools');
    expect(names).to.include.members(['lookup_order', 'demo__echo', 'demo__delete_note']);
    // Neither the page's own tools nor those offered from WebMCP come back as published.
    expect(names.filter((n) => n.startsWith('page__') || n.startsWith('webmcp__'))).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    // exposedTo: another origin in the page's tree sees the published tools, an origin not listed does not.
    expect(context.visibleTo('https://agent.example').map((t) => t.name)).to.include('demo__echo').and.not.include('lookup_order');
    expect(context.visibleTo('https://other.example').map((t) => t.name)).to.deep.equal([]);
    const echo = (await context.getTools()).find((t) => t.name === 'demo__echo')!;
    expect(echo.exposedTo).to.deep.equal(['https://agent.example']);
    expect(JSON.parse(echo.inputSchema)).to.deep.include({ type: 'object' });

    // The offer side never hands Toolgate's own publications back to the agent.
    const offered = new WebMcpTools(context);
    cleanups.push(() => offered.close());
    expect((await offered.listTools()).map((t) => t.name)).to.deep.equal(['lookup_order']);

    // The browser's agent calls a published tool: the gate asks (untrusted server), then it runs.
    const call = context.executeTool(echo, JSON.stringify({ text: 'hello from the browser agent' }));
    const pending = await until(() => gate.approvals.pending[0], 'the approval');
    expect(pending.proposer).to.deep.equal({ kind: 'webmcp' });
    gate.approvals.answer(pending.id, 'allow-once');
    expect(JSON.parse((await call)!)).to.deep.equal({ content: [{ type: 'text', text: 'hello from the browser agent' }], isError: false });
    const log = await records(audit);
    expect(log.find((r) => r.kind === 'tool-request' && r.tool.name === 'echo')).to.deep.include({ proposer: 'webmcp' });
    // Through the runtime's one entry: the browser agent's call shows in the conversation.
    const shown = runtime.entries.filter((e): e is ToolCallEntry => e.kind === 'tool-call');
    expect(shown.map((e) => [e.toolId, e.proposer.kind, e.status])).to.deep.equal([['demo__echo', 'webmcp', 'ok']]);

    expect(() => publishGatedTools(context, { tools: () => [], call: (r) => runtime.call(r), onChange: () => () => {} }, { exposedTo: ['http://agent.example'] }))
      .to.throw(TypeError)
      .with.property('code', 'ERR_INVALID_ARG_TYPE');
    publication.close();
    await until(async () => ((await context.getTools()).some((t) => t.name === 'demo__echo') ? undefined : true), 'the tools to be withdrawn');
  });
});
