/**
 * The agent loop end to end in a real browser: a scripted LLM server (real HTTP + SSE, OpenAI and
 * Anthropic wire formats) proposes tool calls, which run through a ToolGate over real
 * connections (worker → WebSocket) to the demo MCP server, and the results go back to the model.
 */
import { expect } from '@esm-bundle/chai';
import { Agent, type AgentEventMap, type TurnSummary } from '../../src/agent/agent.js';
import type { ConversationEntry, ErrorEntry, ToolCallEntry } from '../../src/agent/conversation.js';
import { McpConnection } from '../../src/connections/connection.js';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { HostFunctionProvider } from '../../src/llm/host-function.js';
import { ManualProvider } from '../../src/llm/manual-provider.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import type { LlmProvider } from '../../src/llm/types.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { Gate } from '../../src/gate/gate.js';
import { ALLOW_ALL_POLICY } from '../../src/gate/policy.js';
import { deleteToolgateDb } from '../../src/storage/db.js';
import { waitFor } from '../support/async.js';
import { control, taggedWsUrl, uniqueTag } from '../support/env.js';
import { anthropicTurn, openAiTurn, recordedRequests, registerScript, type RecordedRequest, type Turn } from '../support/llm/scripts.js';
import { ErrorCode } from '../../workers/shared/errors.js';

const KEY = 'sk-test-secret-4242';
const open: McpConnection[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The real gate over a real connection, with an allow-all policy (these tests are about the
 * loop; the gate's own decisions are tested in test/gate/). A fresh audit database per test.
 */
async function gateFor(tag = uniqueTag('agent')) {
  const connection = await McpConnection.open({ url: taggedWsUrl(tag) });
  open.push(connection);
  const dbName = `tg-test-agent-${crypto.randomUUID()}`;
  const audit = await AuditLog.open({ dbName });
  const gate = await Gate.open({ audit, policy: ALLOW_ALL_POLICY });
  cleanups.push(async () => {
    gate.close();
    audit.close();
    await deleteToolgateDb(dbName);
  });
  await gate.addServer('demo', connection);
  return { gate, audit, tag };
}

/** What reached the gate, in order, from the audit log: the tool id and who proposed it. */
async function gateRequests(audit: AuditLog): Promise<{ toolId: string; proposer: string }[]> {
  const out: { toolId: string; proposer: string }[] = [];
  for await (const r of audit.records()) {
    if (r.kind === 'tool-request') out.push({ toolId: String(r.detail?.['toolId']), proposer: r.proposer });
    if (r.kind === 'error' && r.error.code === 'TG_TOOL_UNKNOWN') out.push({ toolId: String(r.detail?.['toolId']), proposer: String(r.detail?.['proposer']) });
  }
  return out;
}

type Logged = { [K in keyof AgentEventMap]: { type: K; detail: AgentEventMap[K] } }[keyof AgentEventMap];

function record(agent: Agent): Logged[] {
  const log: Logged[] = [];
  for (const type of ['turn-start', 'message', 'tool-call', 'turn-end', 'error'] as const) {
    agent.on(type, (detail) => log.push({ type, detail } as Logged));
  }
  return log;
}

function firstEvent<K extends keyof AgentEventMap>(agent: Agent, type: K, match: (d: AgentEventMap[K]) => boolean = () => true) {
  return new Promise<AgentEventMap[K]>((resolve) => {
    const off = agent.on(type, (detail) => {
      if (match(detail)) {
        off();
        resolve(detail);
      }
    });
  });
}

const kinds = (entries: readonly ConversationEntry[]) => entries.map((e) => e.kind);
const calls = (entries: readonly ConversationEntry[]) => entries.filter((e): e is ToolCallEntry => e.kind === 'tool-call');
const errorsOf = (entries: readonly ConversationEntry[]) => entries.filter((e): e is ErrorEntry => e.kind === 'error');

function openAi(base: string, key: string | undefined = KEY): LlmProvider {
  return new OpenAiCompatibleProvider({ baseUrl: `${base}/v1`, model: 'scripted', ...(key && { apiKey: key }) });
}
function anthropic(base: string): LlmProvider {
  return new AnthropicProvider({ baseUrl: base, model: 'scripted', apiKey: KEY });
}

const formats = [
  { name: 'OpenAI-compatible', turn: (a: Parameters<typeof openAiTurn>[0]) => openAiTurn(a), provider: openAi },
  { name: 'Anthropic', turn: (a: Parameters<typeof anthropicTurn>[0]) => anthropicTurn(a), provider: anthropic },
] as const;

/** The tool results the model was sent in a request, by call id, as text. */
function toolResultsSent(request: RecordedRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of request.body.messages) {
    if (m.role === 'tool') out.set(String(m.tool_call_id), String(m.content));
    if (m.role === 'user' && Array.isArray(m.content)) {
      for (const block of m.content as Record<string, unknown>[]) {
        if (block.type !== 'tool_result') continue;
        const content = block.content as Record<string, unknown>[];
        out.set(String(block.tool_use_id), content.map((c) => (c.type === 'text' ? c.text : `<${String(c.type)}>`)).join('\n'));
      }
    }
  }
  return out;
}

function sentToolNames(request: RecordedRequest): string[] {
  return (request.body.tools ?? []).map((t) => String((t.function as { name?: string } | undefined)?.name ?? t.name));
}

describe('Agent loop with the demo MCP server', () => {
  for (const format of formats) {
    describe(format.name, () => {
      it('runs a two-step tool-using turn end to end', async () => {
        const { gate } = await gateFor();
        const script = await registerScript([
          format.turn({ text: ['Let me ', 'look.'], toolCalls: [{ id: 'call_a1', name: 'demo__search_notes', args: { query: 'lisbon' } }], usage: { input: 100, output: 20 } }),
          format.turn({ text: ['You are ', 'going to Lisbon on May 12.'], usage: { input: 180, output: 12 } }),
        ]);
        const agent = new Agent({ gate, provider: format.provider(script.base), system: 'Be brief.' });
        const log = record(agent);

        const summary = await agent.send('When is my trip?');

        expect(summary.reason).to.equal('done');
        expect(summary.steps).to.equal(2);
        expect(summary.usage).to.deep.equal({ inputTokens: 280, outputTokens: 32 });
        expect(kinds(agent.entries)).to.deep.equal(['user', 'assistant', 'tool-call', 'assistant']);
        const [call] = calls(agent.entries);
        expect(call?.status).to.equal('ok');
        expect(call?.toolId).to.equal('demo__search_notes');
        expect(call?.args).to.deep.equal({ query: 'lisbon' });
        expect(call?.proposer).to.deep.equal({ kind: 'llm', providerLabel: 'local' });
        const last = agent.entries.at(-1);
        expect(last?.kind === 'assistant' && last.text).to.equal('You are going to Lisbon on May 12.');

        // Events: start first, end last, deltas streamed in order, the tool call started and ended.
        expect(log[0]?.type).to.equal('turn-start');
        expect(log.at(-1)?.type).to.equal('turn-end');
        const deltas = log.flatMap((e) => (e.type === 'message' && e.detail.delta ? [e.detail.delta] : []));
        expect(deltas).to.deep.equal(['Let me ', 'look.', 'You are ', 'going to Lisbon on May 12.']);
        const phases = log.flatMap((e) => (e.type === 'tool-call' ? [e.detail.phase] : []));
        expect(phases).to.deep.equal(['start', 'end']);

        // What the model was sent: the gate's namespaced tools, then the real tool result.
        const requests = await recordedRequests(script.id);
        expect(requests).to.have.length(2);
        expect(sentToolNames(requests[0]!)).to.include.members(['demo__search_notes', 'demo__echo', 'demo__count_slowly']);
        const results = toolResultsSent(requests[1]!);
        expect(results.get('call_a1')).to.contain('note-5: Trip to Lisbon');
        // The key is in a header only, never in the URL.
        for (const r of requests) {
          expect(r.path).not.to.contain(KEY);
          expect(JSON.stringify(r.body)).not.to.contain(KEY);
        }
        if (format.name === 'Anthropic') {
          expect(requests[0]!.path).to.equal('/v1/messages');
          expect(requests[0]!.headers['x-api-key']).to.equal(KEY);
          expect(requests[0]!.headers['anthropic-dangerous-direct-browser-access']).to.equal('true');
          expect(requests[0]!.headers['anthropic-version']).to.equal('2023-06-01');
          expect(requests[0]!.body.system).to.equal('Be brief.');
        } else {
          expect(requests[0]!.path).to.equal('/v1/chat/completions');
          expect(requests[0]!.headers.authorization).to.equal(`Bearer ${KEY}`);
          expect(requests[0]!.body.messages[0]).to.deep.equal({ role: 'system', content: 'Be brief.' });
          expect(requests[0]!.body.stream).to.equal(true);
        }
        // Nothing an event carried holds the key.
        expect(JSON.stringify(log)).not.to.contain(KEY);
      });

      it('runs several tool calls of one answer in parallel and returns every result', async () => {
        const { gate } = await gateFor();
        const script = await registerScript([
          format.turn({
            toolCalls: [
              { id: 'call_p1', name: 'demo__count_slowly', args: { count: 3, delayMs: 30 } },
              { id: 'call_p2', name: 'demo__echo', args: { text: 'side by side' } },
              { id: 'call_p3', name: 'demo__render_chart', args: {} },
            ],
          }),
          format.turn({ text: ['All three done.'] }),
        ]);
        const agent = new Agent({ gate, provider: format.provider(script.base) });
        const log = record(agent);

        const summary = await agent.send('Do three things');

        expect(summary.reason).to.equal('done');
        // Every call started before any ended: they ran side by side, not one after the other.
        const phases = log.flatMap((e) => (e.type === 'tool-call' && e.detail.phase !== 'progress' ? [`${e.detail.phase}:${e.detail.entry.callId}`] : []));
        expect(phases.slice(0, 3).map((p) => p.split(':')[0])).to.deep.equal(['start', 'start', 'start']);
        expect(calls(agent.entries).map((c) => c.status)).to.deep.equal(['ok', 'ok', 'ok']);
        const results = toolResultsSent((await recordedRequests(script.id))[1]!);
        expect(results.get('call_p1')).to.equal('counted to 3');
        expect(results.get('call_p2')).to.equal('side by side');
        if (format.name === 'Anthropic') {
          expect(results.get('call_p3')).to.match(/^<image>\nA 64×64 PNG/); // Anthropic takes the image itself
        } else {
          expect(results.get('call_p3')).to.match(/^\[Image \(image\/png, \d+ bytes\).*not shown to the model/); // OpenAI: text only
        }
      });

      it('feeds tool errors, refusals and unusable arguments back to the model', async () => {
        const { gate, audit } = await gateFor();
        const script = await registerScript([
          format.turn({
            toolCalls: [
              { id: 'call_e1', name: 'demo__delete_note', args: { id: 'note-999' } },
              { id: 'call_e2', name: 'demo__no_such_tool', args: {} },
              { id: 'call_e3', name: 'demo__echo', args: {}, rawArgs: '{"text": "unterminated' },
            ],
          }),
          format.turn({ text: ['That note does not exist.'] }),
        ]);
        const agent = new Agent({ gate, provider: format.provider(script.base) });

        const summary = await agent.send('Delete note 999');

        expect(summary.reason).to.equal('done');
        const [deleted, unknown, broken] = calls(agent.entries);
        expect(deleted?.status).to.equal('tool-error');
        expect(unknown?.status).to.equal('refused');
        expect(broken?.status).to.equal('failed');
        expect(broken?.outcome?.status === 'failed' && broken.outcome.error.code).to.equal(ErrorCode.BAD_TOOL_ARGUMENTS);
        // The broken call never reached the gate.
        expect((await gateRequests(audit)).map((r) => r.toolId)).to.deep.equal(['demo__delete_note', 'demo__no_such_tool']);
        const request = (await recordedRequests(script.id))[1]!;
        const results = toolResultsSent(request);
        expect(results.get('call_e1')).to.equal('No note with id note-999.');
        expect(results.get('call_e2')).to.contain('No tool demo__no_such_tool');
        expect(results.get('call_e3')).to.contain('not valid JSON');
        if (format.name === 'Anthropic') {
          const blocks = request.body.messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as Record<string, unknown>[]) : []));
          expect(blocks.filter((b) => b.type === 'tool_result' && b.is_error === true)).to.have.length(3);
        }
      });

      it('ends the turn with TG_MAX_STEPS when the model keeps asking for tools', async () => {
        const { gate } = await gateFor();
        const again = (n: number) => format.turn({ toolCalls: [{ id: `call_m${n}`, name: 'demo__echo', args: { text: `round ${n}` } }] });
        const script = await registerScript([again(1), again(2), again(3)]);
        const agent = new Agent({ gate, provider: format.provider(script.base), maxSteps: 2 });

        const summary = await agent.send('Loop forever');

        expect(summary.reason).to.equal('max-steps');
        expect(summary.error?.code).to.equal(ErrorCode.MAX_STEPS);
        expect(errorsOf(agent.entries).map((e) => e.code)).to.deep.equal([ErrorCode.MAX_STEPS]);
        expect(calls(agent.entries)).to.have.length(2);
        expect(await recordedRequests(script.id)).to.have.length(2);
        expect(agent.busy).to.equal(false);
      });

      it('gives coded errors for 429, 5xx and a broken stream, and the conversation goes on', async () => {
        const { gate } = await gateFor();
        const broken: Turn = format.turn({ text: ['Half an ans', 'wer'] });
        // Keep the first three events, then cut the connection in the middle of the next one.
        broken.events = [...broken.events!.slice(0, format.name === 'Anthropic' ? 4 : 3), { raw: 'data: {"choices":[{"delta":{"content":"tru' }];
        broken.end = 'destroy';
        const script = await registerScript([
          { status: 429, headers: { 'retry-after': '7' }, json: { error: { type: 'rate_limit_error', message: 'Slow down' } } },
          { status: 503, json: { error: { message: 'Overloaded' } } },
          broken,
          format.turn({ text: ['Back again.'] }),
        ]);
        const agent = new Agent({ gate, provider: format.provider(script.base) });
        const errors: string[] = [];
        agent.on('error', (d) => errors.push(d.entry.code));

        const limited = await agent.send('one');
        const failed = await agent.send('two');
        const cut = await agent.send('three');
        const fine = await agent.send('four');

        expect([limited.reason, failed.reason, cut.reason, fine.reason]).to.deep.equal(['error', 'error', 'error', 'done']);
        expect(errors).to.deep.equal([ErrorCode.LLM_RATE_LIMITED, ErrorCode.LLM_HTTP, ErrorCode.LLM_STREAM_BROKEN]);
        const [e429, e503] = errorsOf(agent.entries);
        expect(e429?.data).to.include({ status: 429, retryAfterMs: 7000 });
        expect(e429?.message).to.contain('Slow down');
        expect(e503?.data).to.include({ status: 503 });
        const partial = agent.entries.filter((e) => e.kind === 'assistant' && e.status === 'failed');
        expect(partial).to.have.length(1);
        expect(JSON.stringify(agent.entries)).not.to.contain(KEY);
        // The failed turns' user messages are still part of what the model sees next.
        const last = (await recordedRequests(script.id)).at(-1)!;
        expect(JSON.stringify(last.body.messages)).to.contain('three');
      });
    });
  }

  it('Stop mid-stream aborts the model request and ends the turn with TG_STOPPED', async () => {
    const { gate } = await gateFor();
    const script = await registerScript([openAiTurn({ text: ['Thinking', ' very', ' slowly'] }, { omitDone: true, end: 'hang' })]);
    const agent = new Agent({ gate, provider: openAi(script.base) });
    const firstDelta = firstEvent(agent, 'message', (d) => d.delta !== undefined);

    const turn = agent.send('Take your time');
    await firstDelta;
    agent.stop();
    const summary: TurnSummary = await turn;

    expect(summary.reason).to.equal('stopped');
    expect(errorsOf(agent.entries).map((e) => e.code)).to.deep.equal([ErrorCode.STOPPED]);
    const assistant = agent.entries.find((e) => e.kind === 'assistant');
    expect(assistant?.kind === 'assistant' && assistant.status).to.equal('stopped');
    expect(agent.busy).to.equal(false);
    // The server saw the client go away.
    await waitFor(async () => ((await recordedRequests(script.id))[0]?.aborted ? true : undefined), 'the server to see the abort');
  });

  it('Stop mid-call cancels the in-flight tool call and the server sees the cancellation', async () => {
    const { gate, tag } = await gateFor();
    const script = await registerScript([
      anthropicTurn({ toolCalls: [{ id: 'toolu_slow', name: 'demo__count_slowly', args: { count: 200, delayMs: 50 } }] }),
      anthropicTurn({ text: ['never sent'] }),
    ]);
    const agent = new Agent({ gate, provider: anthropic(script.base) });
    const progress = firstEvent(agent, 'tool-call', (d) => d.phase === 'progress');

    const turn = agent.send('Count to 200');
    await progress;
    agent.stop('The person pressed Stop');
    const summary = await turn;

    expect(summary.reason).to.equal('stopped');
    expect(summary.error).to.deep.equal({ code: ErrorCode.STOPPED, message: 'The person pressed Stop' });
    const [call] = calls(agent.entries);
    expect(call?.status).to.equal('cancelled');
    const cancellations = await waitFor(async () => {
      const list = await control<{ tool: string }[]>(`/__test/cancellations?tag=${encodeURIComponent(tag)}`);
      return list.length > 0 ? list : undefined;
    }, 'the server to record the cancellation');
    expect(cancellations[0]?.tool).to.equal('count_slowly');
    // The model was not asked again after Stop.
    expect(await recordedRequests(script.id)).to.have.length(1);
  });

  it('manual mode: the person runs a tool through the gate; text gets TG_NO_MODEL', async () => {
    const { gate, audit } = await gateFor();
    const agent = new Agent({ gate, provider: new ManualProvider() });
    const log = record(agent);

    const outcome = await agent.runTool('demo__echo', { text: 'by hand' });
    const summary = await agent.send('hello?');

    expect(outcome.status).to.equal('ok');
    expect(outcome.status === 'ok' && outcome.result.content).to.deep.equal([{ type: 'text', text: 'by hand' }]);
    expect((await gateRequests(audit))[0]?.proposer).to.equal('person');
    expect(log.filter((e) => e.type === 'turn-start').map((e) => e.type === 'turn-start' && e.detail.kind)).to.deep.equal(['manual', 'model']);
    expect(summary.error?.code).to.equal(ErrorCode.NO_MODEL);
  });

  it('a host-function provider drives the same loop', async () => {
    const { gate, audit } = await gateFor();
    const seen: string[] = [];
    const provider = new HostFunctionProvider(async (request) => {
      seen.push(request.messages.map((m) => m.role).join(','));
      if (request.messages.length === 1) return { toolCalls: [{ id: 'h1', name: 'demo__uppercase', args: { text: 'quiet' } }] };
      const results = request.messages.at(-1);
      return { text: results?.role === 'tool' ? `The tool said ${JSON.stringify(results.results[0]?.content)}` : '?', usage: { inputTokens: 5 } };
    });
    const agent = new Agent({ gate, provider });

    const summary = await agent.send('shout');

    expect(summary.reason).to.equal('done');
    expect(seen).to.deep.equal(['user', 'user,assistant,tool']);
    const last = agent.entries.at(-1);
    expect(last?.kind === 'assistant' && last.text).to.equal('The tool said [{"type":"text","text":"QUIET"}]');
    expect((await gateRequests(audit))[0]?.proposer).to.equal('llm:host');
  });
});
