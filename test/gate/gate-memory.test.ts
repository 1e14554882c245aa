/**
 * The gate's decisions with an in-memory audit sink and a scripted tool provider: nothing but the
 * gate runs (no worker, no IndexedDB), so each path is checked with its records. The same paths
 * against real servers and the real log are in gate.test.ts.
 */
import { expect } from '@esm-bundle/chai';
import type { GateConnection } from '../../src/gate/gate.js';
import type { Policy } from '../../src/gate/policy.js';
import type { CallToolResult, JsonObject, Tool } from '../../workers/shared/wire.js';
import { memoryGate } from '../support/memory-audit.js';

const TOOLS: Tool[] = [
  { name: 'read', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true, openWorldHint: false } },
  { name: 'wipe', inputSchema: { type: 'object' }, annotations: { destructiveHint: true, openWorldHint: false } },
];
const TRUSTED: Policy = { version: 1, servers: [{ url: 'wss://tools.example/*', trusted: true }] };
const PERSON = { kind: 'person' } as const;

class Tools extends EventTarget implements GateConnection {
  readonly tools = TOOLS;
  readonly calls: string[] = [];
  constructor(readonly config: { url: string } = { url: 'wss://tools.example/mcp' }) {
    super();
  }
  async listTools(): Promise<Tool[]> {
    return TOOLS;
  }
  async callTool(name: string, args?: JsonObject): Promise<CallToolResult> {
    this.calls.push(name);
    return { content: [{ type: 'text', text: `${name} ${JSON.stringify(args ?? {})}` }] };
  }
}

describe('Gate over an AuditSink (in memory)', () => {
  it('allows a trusted read-only tool by its annotations; the four records are written in order', async () => {
    const { gate, audit } = await memoryGate({ policy: TRUSTED });
    const tools = new Tools();
    await gate.addServer('tools', tools);
    const outcome = await gate.call({ toolId: 'tools__read', args: { q: 1 }, proposer: PERSON });
    expect(outcome.status).to.equal('ok');
    expect(tools.calls).to.deep.equal(['read']);
    // The host's policy was recorded when the gate opened; then the call's four records, in order.
    expect(audit.records.map((r) => r.kind)).to.deep.equal(['policy-change', 'tool-request', 'decision', 'call-start', 'call-end']);
    expect(audit.of('decision')[0]?.decision).to.deep.include({ outcome: 'allow', by: 'rule', rule: 'annotations' });
  });

  it('asks for a destructive tool; the host hook decides, and a denial never reaches the tool', async () => {
    const answers: ('allow' | 'deny')[] = ['deny', 'allow'];
    const { gate, audit } = await memoryGate({ policy: TRUSTED, hostHook: (_request, respond) => respond(answers.shift()!) });
    const tools = new Tools();
    await gate.addServer('tools', tools);
    const denied = await gate.call({ toolId: 'tools__wipe', args: {}, proposer: PERSON });
    expect('error' in denied && denied.error.code).to.equal('TG_APPROVAL_DENIED');
    expect(tools.calls).to.deep.equal([]);
    expect((await gate.call({ toolId: 'tools__wipe', args: {}, proposer: PERSON })).status).to.equal('ok');
    expect(audit.of('decision').map((r) => [r.decision.outcome, r.decision.by])).to.deep.equal([
      ['deny', 'host'],
      ['allow', 'host'],
    ]);
  });

  it('denies by rule with the rule named, and refuses every call when the sink cannot write (fail closed)', async () => {
    const policy: Policy = { ...TRUSTED, tools: [{ id: 'no-reads', server: 'tools', tool: 'read', action: 'deny' }] };
    const { gate, audit } = await memoryGate({ policy });
    const tools = new Tools();
    await gate.addServer('tools', tools);
    const denied = await gate.call({ toolId: 'tools__read', args: {}, proposer: PERSON });
    expect('error' in denied && denied.error).to.deep.include({ code: 'TG_POLICY_DENIED' });
    audit.fail();
    const refused = await gate.call({ toolId: 'tools__wipe', args: {}, proposer: PERSON });
    expect('error' in refused && refused.error.code).to.equal('TG_STORAGE_FAILED');
    expect(tools.calls).to.deep.equal([]);
  });

  it('remembers the first URL of a server id: under another URL, an allow rule for the id asks', async () => {
    const policy: Policy = { version: 1, servers: [{ url: '*', trusted: true }], tools: [{ id: 'allow-tools', server: 'tools', tool: '*', action: 'allow' }] };
    const asked: string[] = [];
    const { gate } = await memoryGate({ policy, hostHook: (request, respond) => (asked.push(request.rule ?? ''), respond('deny')) });
    await gate.addServer('tools', new Tools());
    expect((await gate.call({ toolId: 'tools__wipe', args: {}, proposer: PERSON })).status, 'the rule allows on the first URL').to.equal('ok');
    gate.removeServer('tools');
    await gate.addServer('tools', new Tools({ url: 'wss://elsewhere.example/mcp' }));
    expect(gate.tools(PERSON).map((t) => t.reboundFrom)).to.deep.equal(['wss://tools.example/mcp', 'wss://tools.example/mcp']);
    expect((await gate.call({ toolId: 'tools__read', args: {}, proposer: PERSON })).status).to.equal('refused');
    expect(asked).to.deep.equal(['server-id']);
  });

  it('never lists a quarantined tool to an app view (only the person sees it)', async () => {
    const { gate } = await memoryGate({ policy: TRUSTED });
    const tools = new Tools();
    await gate.addServer('tools', tools);
    await gate.settled();
    const changed = TOOLS.map((t) => (t.name === 'read' ? { ...t, description: 'now different' } : t));
    tools.dispatchEvent(new CustomEvent('tools-changed', { detail: { tools: changed } }));
    await gate.settled();
    expect(gate.tools(PERSON).find((t) => t.tool.name === 'read')?.quarantined).to.equal(true);
    expect(gate.tools({ kind: 'app', serverId: 'tools', tool: 'wipe', resourceUri: 'ui://tools/wipe' }).map((t) => t.tool.name)).to.deep.equal(['wipe']);
    expect(gate.tools({ kind: 'llm', providerLabel: 'local' }).map((t) => t.tool.name)).to.deep.equal(['wipe']);
  });
});
