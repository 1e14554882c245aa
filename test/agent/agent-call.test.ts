/**
 * `Agent.call()`: the entry for every call that is not the model's (the person's from a server
 * panel, an MCP App view's). A real gate over an in-memory audit sink and a scripted tool provider
 * (no worker): the call is decided and audited by the gate, shows in the conversation with its
 * proposer, is not a turn, and `stop()` cancels it.
 */
import { expect } from '@esm-bundle/chai';
import { Agent, type AgentEventMap } from '../../src/agent/agent.js';
import type { GateConnection } from '../../src/gate/gate.js';
import type { CallToolResult, JsonObject, Tool } from '../../workers/shared/wire.js';
import { TRUST_ALL, memoryGate } from '../support/memory-audit.js';

const TOOLS: Tool[] = [
  { name: 'echo', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
  { name: 'wait', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
];

/** A tool provider whose `wait` runs until aborted. */
class Tools extends EventTarget implements GateConnection {
  readonly config = { url: 'wss://tools.example/mcp' };
  readonly tools = TOOLS;
  readonly calls: { name: string; args: JsonObject | undefined }[] = [];
  async listTools(): Promise<Tool[]> {
    return TOOLS;
  }
  callTool(name: string, args?: JsonObject, options: { signal?: AbortSignal } = {}): Promise<CallToolResult> {
    this.calls.push({ name, args });
    if (name === 'echo') return Promise.resolve({ content: [{ type: 'text', text: JSON.stringify(args) }] });
    return new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'TG_CANCELLED' }))));
  }
}

async function setup() {
  const { gate, audit } = await memoryGate({ policy: TRUST_ALL });
  const tools = new Tools();
  await gate.addServer('tools', tools);
  const agent = new Agent({ gate });
  const events: { type: keyof AgentEventMap; turnId: string }[] = [];
  for (const type of ['turn-start', 'tool-call', 'turn-end'] as const) agent.on(type, (d) => events.push({ type, turnId: d.turnId }));
  return { gate, audit, tools, agent, events };
}

describe('Agent.call', () => {
  it("runs the person's call through the gate and records it in the conversation, outside any turn", async () => {
    const { agent, audit, tools, events } = await setup();
    const outcome = await agent.call({ toolId: 'tools__echo', args: { text: 'hi' } });
    expect(outcome.status).to.equal('ok');
    expect(tools.calls).to.deep.equal([{ name: 'echo', args: { text: 'hi' } }]);
    expect(audit.of('tool-request').map((r) => [r.tool.name, r.proposer])).to.deep.equal([['echo', 'person']]);
    expect(agent.entries).to.have.length(1);
    expect(agent.entries[0]).to.deep.include({ kind: 'tool-call', toolId: 'tools__echo', status: 'ok', proposer: { kind: 'person' } });
    expect(events.map((e) => e.type)).to.deep.equal(['tool-call', 'tool-call'], 'start and end; no turn');
    expect(agent.busy).to.equal(false);
  });

  it("names an app view's call as such, for the policy and the audit log", async () => {
    const { agent, audit } = await setup();
    const view = { kind: 'app', serverId: 'tools', tool: 'wait', resourceUri: 'ui://tools/view' } as const;
    await agent.call({ toolId: 'tools__echo', args: {}, proposer: view });
    expect(audit.of('tool-request').map((r) => r.proposer)).to.deep.equal(['app:tools/wait']);
    expect(agent.entries[0]).to.deep.include({ proposer: view });
  });

  it('runs beside other calls (no turn lock); its own signal and stop() cancel it', async () => {
    const { agent, tools } = await setup();
    const own = new AbortController();
    const first = agent.call({ toolId: 'tools__wait', args: {}, signal: own.signal });
    const second = agent.call({ toolId: 'tools__wait', args: {} });
    for (let i = 0; i < 100 && tools.calls.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tools.calls).to.have.length(2);
    own.abort();
    expect((await first).status).to.equal('cancelled');
    agent.stop();
    expect((await second).status).to.equal('cancelled');
  });

  it('refuses a bad request with a TypeError naming the argument, and an unknown tool with TG_TOOL_UNKNOWN (audited)', async () => {
    const { agent, audit } = await setup();
    let error: unknown;
    try {
      await agent.call({ toolId: '', args: {} });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as { code?: string }).code).to.equal('ERR_INVALID_ARG_TYPE');
    const outcome = await agent.call({ toolId: 'tools__nope', args: {} });
    expect('error' in outcome && outcome.error.code).to.equal('TG_TOOL_UNKNOWN');
    expect(audit.of('error').map((r) => r.error.code)).to.deep.equal(['TG_TOOL_UNKNOWN']);
  });
});
