/**
 * The page's own tools through the gate, in a real browser: a runtime hosts them as its server
 * "This page" (`runtime.registerTool`), and a scripted model (real HTTP + SSE) calls them; the gate asks per policy, the tool runs, and every step is in
 * the real audit log (IndexedDB). Unregistered tools are refused; invalid arguments never reach
 * `execute`; the host's labels decide which providers see the output.
 */
import { expect } from '@esm-bundle/chai';
import type { ToolCallEntry } from '../../src/agent/conversation.js';
import type { AuditLog } from '../../src/audit/audit-log.js';
import type { AuditRecord } from '../../src/audit/record.js';
import type { Policy } from '../../src/gate/policy.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { PageTools, toCallToolResult, type PageToolDefinition } from '../../src/page/page-tools.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { deleteToolgateDb, toolgateDbName } from '../../src/storage/db.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { waitFor } from '../support/async.js';
import { openAiTurn, recordedRequests, registerScript } from '../support/llm/scripts.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { policy?: Policy; labels?: string[] } = {}) {
  const tenant = `test-page-${crypto.randomUUID()}`;
  const runtime = await createRuntime({ tenant, ...(options.policy && { policy: options.policy }), pageTools: { url: 'page://shop.example/', ...(options.labels && { labels: options.labels }) } });
  cleanups.push(async () => {
    await runtime.close();
    await deleteToolgateDb(toolgateDbName(tenant));
  });
  const { audit, gate } = runtime;
  /** The model the runtime's agent uses from now on. */
  const model = (provider: OpenAiCompatibleProvider) => ((runtime.agent.provider = provider), runtime.agent);
  return { audit, gate, runtime, model };
}

/** Until the page's tools are behind the gate under `page`. */
async function listed(gate: { tools(p: { kind: 'person' }): { id: string }[] }, ids: string[]): Promise<void> {
  await until(() => (JSON.stringify(gate.tools({ kind: 'person' }).map((t) => t.id)) === JSON.stringify(ids) ? true : undefined), `the tools ${ids.join(', ')}`);
}

async function records(audit: AuditLog): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of audit.records()) out.push(r);
  return out;
}

/** A bounded wait of 10 s: these waits span a server round trip and an LLM turn. */
const until = <T>(probe: () => T | undefined, what: string) => waitFor(probe, what, 10_000);

/** A cart the page owns, and its two tools. */
function cartTools() {
  const cart: string[] = ['sku-1'];
  const executed: { name: string; args: unknown }[] = [];
  const getCart: PageToolDefinition = {
    name: 'get_cart',
    title: 'Show the cart',
    description: 'Lists the products in the cart.',
    annotations: { readOnlyHint: true },
    execute(args) {
      executed.push({ name: 'get_cart', args });
      return { items: [...cart] };
    },
  };
  const addToCart: PageToolDefinition = {
    name: 'add_to_cart',
    title: 'Add to cart',
    description: 'Adds a product to the cart.',
    inputSchema: { type: 'object', properties: { sku: { type: 'string', pattern: '^sku-\\d+$' }, quantity: { type: 'integer', minimum: 1 } }, required: ['sku'], additionalProperties: false },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    async execute(args, { signal }) {
      executed.push({ name: 'add_to_cart', args });
      if (signal.aborted) throw new Error('aborted');
      cart.push(String(args.sku));
      return `Added ${String(args.sku)}; the cart has ${cart.length} items.`;
    },
  };
  return { cart, executed, getCart, addToCart };
}

describe('page tools through the gate', () => {
  it('a scripted model calls a page tool: it asks per policy, runs after approval, and is audited', async () => {
    const { audit, gate, runtime, model } = await setup();
    const { cart, executed, getCart, addToCart } = cartTools();
    runtime.registerTool(getCart);
    runtime.registerTool(addToCart);
    await listed(gate, ['page__get_cart', 'page__add_to_cart']);
    expect(gate.tools({ kind: 'llm', providerLabel: 'local' }).map((t) => t.id)).to.deep.equal(['page__get_cart', 'page__add_to_cart']);
    // Listed like any server: "This page", ready, hosted by the runtime itself.
    expect(runtime.servers.get('page')).to.deep.include({ status: 'ready', local: true });
    expect(runtime.servers.get('page')?.spec.name).to.equal('This page');

    const script = await registerScript([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'page__get_cart', args: {} }, { id: 'c2', name: 'page__add_to_cart', args: { sku: 'sku-7' } }] }),
      openAiTurn({ text: ['Done.'] }),
    ]);
    model(new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted' }));
    const turn = runtime.send('Add sku-7 to my cart');

    // The read-only tool runs at once (the host is trusted); the writing one waits for the person.
    const pending = await until(() => gate.approvals.pending[0], 'the approval');
    expect(pending.tool.name).to.equal('add_to_cart');
    expect(pending.server.url).to.equal('page://shop.example/');
    expect(pending.server.trusted).to.equal(true);
    await until(() => (executed.length > 0 ? true : undefined), 'the read-only call');
    expect(executed.map((e) => e.name)).to.deep.equal(['get_cart']);
    gate.approvals.answer(pending.id, 'allow-once');
    const summary = await turn;
    expect(summary.reason).to.equal('done');
    expect(cart).to.deep.equal(['sku-1', 'sku-7']);

    const requests = await recordedRequests(script.id);
    const toolMessages = requests[1]!.body.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => m.content)).to.deep.equal(['{"items":["sku-1"]}', 'Added sku-7; the cart has 2 items.']);
    // The tools were offered with the host's description and schema.
    const offered = requests[0]!.body.tools!.map((t) => (t as { function: { name: string; description: string } }).function);
    expect(offered.map((f) => [f.name, f.description])).to.deep.equal([
      ['page__get_cart', 'Lists the products in the cart.'],
      ['page__add_to_cart', 'Adds a product to the cart.'],
    ]);

    await gate.settled();
    const log = await records(audit);
    const forAdd = log.filter((r) => 'tool' in r && r.tool?.name === 'add_to_cart').map((r) => r.kind);
    expect(forAdd).to.deep.equal(['tool-request', 'decision', 'call-start', 'call-end']);
    const decision = log.find((r) => r.kind === 'decision' && r.tool.name === 'add_to_cart');
    expect(decision?.kind === 'decision' && decision.decision).to.deep.include({ outcome: 'allow', by: 'person' });
    const readDecision = log.find((r) => r.kind === 'decision' && r.tool.name === 'get_cart');
    expect(readDecision?.kind === 'decision' && readDecision.decision).to.deep.include({ outcome: 'allow', by: 'rule', rule: 'annotations' });
    const request = log.find((r) => r.kind === 'tool-request' && r.tool.name === 'add_to_cart');
    expect(request?.kind === 'tool-request' && request.proposer).to.equal('llm:local');
    expect(request?.kind === 'tool-request' && request.server).to.deep.equal({ url: 'page://shop.example/', id: 'page' });
  });

  it('an unregistered tool is refused, and invalid arguments never reach execute', async () => {
    const { audit, gate, runtime, model } = await setup();
    const { executed, getCart, addToCart } = cartTools();
    const dispose = runtime.registerTool(getCart);
    runtime.registerTool(addToCart);
    await listed(gate, ['page__get_cart', 'page__add_to_cart']);
    dispose();
    dispose(); // twice is harmless
    await listed(gate, ['page__add_to_cart']);

    const script = await registerScript([
      openAiTurn({
        toolCalls: [
          { id: 'c1', name: 'page__get_cart', args: {} },
          { id: 'c2', name: 'page__add_to_cart', args: { sku: 'not a sku', quantity: 0, extra: true } },
        ],
      }),
      openAiTurn({ text: ['Sorry.'] }),
    ]);
    const agent = model(new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted' }));
    const turn = runtime.send('Go');
    const pending = await until(() => gate.approvals.pending[0], 'the approval of the invalid call');
    gate.approvals.answer(pending.id, 'allow-once');
    await turn;

    const calls = agent.entries.filter((e): e is ToolCallEntry => e.kind === 'tool-call');
    expect(calls.map((c) => c.status)).to.deep.equal(['refused', 'tool-error']);
    expect(calls[0]!.outcome?.status === 'refused' && calls[0]!.outcome.error.code).to.equal(ErrorCode.TOOL_UNKNOWN);
    expect(executed).to.deep.equal([]); // neither reached the page's code
    const sent = (await recordedRequests(script.id))[1]!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(sent[0]).to.contain(ErrorCode.TOOL_UNKNOWN);
    expect(sent[1]).to.match(/do not match the tool's inputSchema, so it was not run/);
    expect(sent[1]).to.contain('/sku');
    expect(sent[1]).to.contain('/quantity');
    const log = await records(audit);
    expect(log.some((r) => r.kind === 'error' && r.error.code === ErrorCode.TOOL_UNKNOWN && r.detail?.['toolId'] === 'page__get_cart')).to.equal(true);
  });

  it('policy rules apply to page tools by server id; the host labels which providers may see their output', async () => {
    const policy: Policy = {
      version: 1,
      servers: [{ url: 'wss://elsewhere.example/*' }], // an allow-list that does not name the page: its own tools still count
      tools: [{ id: 'ask-cart', server: 'page', tool: 'get_cart', action: 'ask' }],
    };
    const { gate, runtime, model } = await setup({ policy, labels: ['local'] });
    const { executed, getCart } = cartTools();
    runtime.registerTool(getCart);
    await listed(gate, ['page__get_cart']);

    const script = await registerScript([openAiTurn({ toolCalls: [{ id: 'c1', name: 'page__get_cart', args: {} }] }), openAiTurn({ text: ['ok'] })]);
    const provider = new OpenAiCompatibleProvider({ baseUrl: `${script.base}/v1`, model: 'scripted', label: 'vendor:cloud' });
    model(provider);
    const turn = runtime.send('What is in my cart?');
    const pending = await until(() => gate.approvals.pending[0], 'the approval asked by the rule');
    expect(pending.rule).to.equal('ask-cart');
    gate.approvals.answer(pending.id, 'allow-once');
    await turn;
    expect(executed.map((e) => e.name)).to.deep.equal(['get_cart']);
    const sent = (await recordedRequests(script.id))[1]!.body.messages.find((m) => m.role === 'tool');
    expect(String(sent?.content)).to.match(/withheld from you by the data-flow policy/);
    expect(String(sent?.content)).not.to.contain('sku-1');
  });

  it('refuses bad definitions with TG_PAGE_TOOL_INVALID and a taken name; a signal unregisters', async () => {
    const page = new PageTools();
    expect(page.config.url).to.equal(`page://${location.host}/`);
    const ok = { name: 'a.b-c_1', description: 'd', execute: () => 1 };
    const bad: [unknown, string][] = [
      [{ ...ok, name: 'has space' }, 'name'],
      [{ ...ok, name: 'x'.repeat(129) }, 'name'],
      [{ ...ok, description: ' ' }, 'description'],
      [{ ...ok, execute: 'no' }, 'execute'],
      [{ ...ok, inputSchema: { type: 'string' } }, 'inputSchema'],
      [{ ...ok, annotations: { readOnlyHint: 'yes' } }, 'annotations'],
    ];
    for (const [definition, problem] of bad) {
      expect(() => page.registerTool(definition as PageToolDefinition), problem).to.throw().with.property('code', ErrorCode.PAGE_TOOL_INVALID);
    }
    const controller = new AbortController();
    page.registerTool(ok, { signal: controller.signal });
    expect(() => page.registerTool(ok)).to.throw().with.property('code', ErrorCode.PAGE_TOOL_INVALID);
    const changes: number[] = [];
    page.addEventListener('tools-changed', (e) => changes.push(e.detail.tools.length));
    controller.abort();
    expect(page.tools).to.deep.equal([]);
    expect(changes).to.deep.equal([0]);
  });

  it('maps what execute returns to an MCP result, bounded, and a throw to a tool error', async () => {
    expect(toCallToolResult('hi', 100)).to.deep.equal({ content: [{ type: 'text', text: 'hi' }] });
    expect(toCallToolResult({ n: 1 }, 100)).to.deep.equal({ content: [{ type: 'text', text: '{"n":1}' }], structuredContent: { n: 1 } });
    expect(toCallToolResult(undefined, 100)).to.deep.equal({ content: [] });
    expect(toCallToolResult({ content: [{ type: 'text', text: 't' }, { type: 'script', src: 'x' }], isError: true }, 1000)).to.deep.equal({
      content: [{ type: 'text', text: 't' }, { type: 'text', text: "[1 content block(s) of the page tool's result were not valid MCP content and were dropped.]" }],
      isError: true,
    });
    expect(() => toCallToolResult('x'.repeat(200), 100)).to.throw().with.property('code', ErrorCode.PAGE_TOOL_RESULT_INVALID);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toCallToolResult(cyclic, 100)).to.throw().with.property('code', ErrorCode.PAGE_TOOL_RESULT_INVALID);

    const page = new PageTools({ timeoutMs: 200 });
    page.registerTool({ name: 'boom', description: 'fails', execute: () => { throw new Error('out of stock'); } });
    page.registerTool({ name: 'slow', description: 'never ends', execute: () => new Promise(() => {}) });
    expect(await page.callTool('boom', {})).to.deep.equal({ isError: true, content: [{ type: 'text', text: 'The page tool failed: out of stock' }] });
    let timeout: unknown;
    await page.callTool('slow', {}).catch((err: unknown) => (timeout = err));
    expect(timeout).to.have.property('code', ErrorCode.TIMEOUT);
    const stop = new AbortController();
    const cancelled = page.callTool('slow', {}, { signal: stop.signal }).catch((err: unknown) => err);
    stop.abort(Object.assign(new Error('stopped'), { code: ErrorCode.CANCELLED }));
    expect(await cancelled).to.have.property('code', ErrorCode.CANCELLED);
  });
});
