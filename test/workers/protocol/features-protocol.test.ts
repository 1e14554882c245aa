/**
 * Client features over an in-memory transport, in both eras: `structuredContent` checked against
 * `outputSchema`, completion, and logging. Real-server coverage is in test/connections/features.test.ts;
 * these cover what a well-behaved SDK server never sends (a result that breaks its own schema).
 */
import { expect } from '@esm-bundle/chai';
import { McpClient } from '../../../workers/protocol/client.js';
import { ModernClient } from '../../../workers/protocol/modern-client.js';
import { MAX_SCHEMA_DEPTH, schemaProblem } from '../../../workers/protocol/output-schema.js';
import { RpcEngine } from '../../../workers/protocol/rpc.js';
import { MAX_LOG_DATA_CHARS } from '../../../workers/protocol/validate.js';
import type { LogMessage, Tool } from '../../../workers/shared/wire.js';
import { ErrorCode, type TgError } from '../../../workers/shared/errors.js';
import { rejection } from '../../support/async.js';
import { InMemoryTransport, ScriptedPeer, tick } from '../../support/in-memory-transport.js';

const statsSchema = {
  type: 'object',
  properties: { count: { type: 'integer', minimum: 0 }, tags: { type: 'array', items: { $ref: '#/$defs/tag' } } },
  required: ['count', 'tags'],
  $defs: { tag: { type: 'string', maxLength: 20 } },
};

const tools: Tool[] = [
  { name: 'stats', inputSchema: { type: 'object' }, outputSchema: statsSchema },
  { name: 'plain', inputSchema: { type: 'object' } },
  { name: 'remote', inputSchema: { type: 'object' }, outputSchema: { $ref: 'https://evil.example/schema.json' } },
  { name: 'dangling', inputSchema: { type: 'object' }, outputSchema: { $ref: '#/$defs/nowhere' } },
];

type Era = 'legacy' | 'modern';

async function setup(era: Era) {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  const rpc = new RpcEngine(clientEnd);
  const peer = new ScriptedPeer(serverEnd);
  const problems: TgError[] = [];
  const logs: LogMessage[] = [];
  const common = { clientInfo: { name: 'toolgate-test', version: '0.0.1' }, onproblem: (p: TgError) => problems.push(p), onLog: (m: LogMessage) => logs.push(m) };
  peer.on('tools/list', () => ({ tools }));
  if (era === 'legacy') {
    peer.on('initialize', () => ({ protocolVersion: '2025-11-25', capabilities: { tools: {}, logging: {}, completions: {} }, serverInfo: { name: 's', version: '1' } }));
    const client = new McpClient(rpc, common);
    await client.initialize();
    return { client, peer, problems, logs };
  }
  return { client: new ModernClient(rpc, { ...common, protocolVersion: '2026-07-28' }), peer, problems, logs };
}

const okStats = { content: [{ type: 'text', text: '{}' }], structuredContent: { count: 2, tags: ['a', 'b'] } };

for (const era of ['legacy', 'modern'] as const) {
  describe(`outputSchema validation (${era})`, () => {
    it('passes structuredContent that matches, including local $refs', async () => {
      const { client, peer } = await setup(era);
      peer.on('tools/call', () => okStats);
      await client.listTools();
      const result = await client.callTool('stats', {});
      expect(result.structuredContent).to.deep.equal({ count: 2, tags: ['a', 'b'] });
    });

    it('rejects missing or mismatching structuredContent with TG_OUTPUT_SCHEMA_MISMATCH, and the client keeps working', async () => {
      const { client, peer } = await setup(era);
      const answers: unknown[] = [
        { content: [{ type: 'text', text: 'no structure' }] },
        { content: [], structuredContent: { count: -1, tags: ['a'] } },
        { content: [], structuredContent: { count: 1, tags: ['x'.repeat(21)] } },
        okStats,
      ];
      peer.on('tools/call', () => answers.shift());
      await client.listTools();
      const missing = await rejection(client.callTool('stats', {}));
      expect(missing.code).to.equal(ErrorCode.OUTPUT_SCHEMA_MISMATCH);
      expect((missing.data as { tool: string }).tool).to.equal('stats');
      const negative = await rejection(client.callTool('stats', {}));
      expect(negative.code).to.equal(ErrorCode.OUTPUT_SCHEMA_MISMATCH);
      expect((negative.data as { errors: { instanceLocation: string }[] }).errors.map((e) => e.instanceLocation)).to.include('#/count');
      const viaRef = await rejection(client.callTool('stats', {}));
      expect(viaRef.code).to.equal(ErrorCode.OUTPUT_SCHEMA_MISMATCH);
      expect((await client.callTool('stats', {})).structuredContent).to.deep.equal({ count: 2, tags: ['a', 'b'] });
    });

    it('lets isError results and tools without outputSchema through unchecked', async () => {
      const { client, peer } = await setup(era);
      peer.on('tools/call', () => ({ content: [{ type: 'text', text: 'failed' }], isError: true }));
      await client.listTools();
      expect((await client.callTool('stats', {})).isError).to.equal(true);
      expect((await client.callTool('plain', {})).isError).to.equal(true);
    });

    it('refuses a network $ref and a dangling local $ref with TG_OUTPUT_SCHEMA_INVALID, never fetching', async () => {
      const { client, peer } = await setup(era);
      peer.on('tools/call', () => okStats);
      await client.listTools();
      const remote = await rejection(client.callTool('remote', {}));
      expect(remote.code).to.equal(ErrorCode.OUTPUT_SCHEMA_INVALID);
      expect(remote.message).to.contain('non-local $ref');
      expect((await rejection(client.callTool('dangling', {}))).code).to.equal(ErrorCode.OUTPUT_SCHEMA_INVALID);
    });

    it('follows a re-listing: a changed outputSchema applies to the next call', async () => {
      const { client, peer } = await setup(era);
      peer.on('tools/call', () => okStats);
      await client.listTools();
      await client.callTool('stats', {});
      peer.on('tools/list', () => ({ tools: [{ name: 'stats', inputSchema: { type: 'object' }, outputSchema: { type: 'object', required: ['total'] } }] }));
      await client.listTools();
      expect((await rejection(client.callTool('stats', {}))).code).to.equal(ErrorCode.OUTPUT_SCHEMA_MISMATCH);
    });

    it('completes an argument: strings only, at most 100, context passed on', async () => {
      const { client, peer } = await setup(era);
      const values: unknown[] = [...Array.from({ length: 150 }, (_, i) => `v${i}`)];
      values.splice(3, 0, 42, { evil: true }, null);
      peer.on('completion/complete', () => ({ completion: { values, total: 150, hasMore: true } }));
      const completion = await client.complete({ type: 'ref/prompt', name: 'p' }, { name: 'tag', value: 'v' }, { arguments: { lang: 'en' } });
      expect(completion.values).to.have.length(100);
      expect(completion.values.every((v) => typeof v === 'string')).to.equal(true);
      expect(completion.values[3]).to.equal('v3');
      expect(completion).to.include({ total: 150, hasMore: true });
      const sent = peer.requests.find((r) => r.method === 'completion/complete')!.params!;
      expect(sent.ref).to.deep.equal({ type: 'ref/prompt', name: 'p' });
      expect(sent.argument).to.deep.equal({ name: 'tag', value: 'v' });
      expect(sent.context).to.deep.equal({ arguments: { lang: 'en' } });
    });

    it('refuses a completion result without values', async () => {
      const { client, peer } = await setup(era);
      peer.on('completion/complete', () => ({ completion: { values: 'nope' } }));
      expect((await rejection(client.complete({ type: 'ref/resource', uri: 'file:///{p}' }, { name: 'p', value: '' }))).code).to.equal(ErrorCode.PROTOCOL_ERROR);
    });

    it('delivers checked log messages, bounds large data, and drops unknown levels as problems', async () => {
      const { client, peer, logs, problems } = await setup(era);
      peer.on('logging/setLevel', () => ({}));
      peer.on('tools/call', (_params, id) => {
        peer.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'warning', logger: 'db', data: { rows: 3 } } });
        peer.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'shout', data: 'x' } });
        peer.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'y'.repeat(MAX_LOG_DATA_CHARS + 10) } });
        setTimeout(() => peer.reply(id, { content: [] }), 0);
        return undefined;
      });
      await client.setLogLevel('info');
      await client.callTool('plain', {});
      await tick();
      expect(logs).to.have.length(2);
      expect(logs[0]).to.deep.equal({ level: 'warning', logger: 'db', data: { rows: 3 } });
      expect((logs[1]!.data as { truncated: boolean }).truncated).to.equal(true);
      expect(problems.some((p) => p.message.includes('log level'))).to.equal(true);
      const call = peer.requests.find((r) => r.method === 'tools/call')!;
      if (era === 'legacy') {
        expect(peer.requests.find((r) => r.method === 'logging/setLevel')!.params).to.deep.equal({ level: 'info' });
      } else {
        // 2026-07-28: no logging/setLevel; the level rides on each request's _meta.
        expect(peer.requests.some((r) => r.method === 'logging/setLevel')).to.equal(false);
        expect((call.params!._meta as Record<string, unknown>)['io.modelcontextprotocol/logLevel']).to.equal('info');
      }
    });
  });
}

describe('schemaProblem', () => {
  it('bounds depth and size and allows only # references', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < MAX_SCHEMA_DEPTH + 2; i++) deep = { properties: { x: deep } };
    expect(schemaProblem(deep)).to.contain('deeper');
    expect(schemaProblem({ description: 'x'.repeat(70_000) })).to.contain('larger');
    expect(schemaProblem({ $dynamicRef: 'other.json#meta' })).to.contain('non-local');
    expect(schemaProblem(statsSchema)).to.equal(undefined);
  });
});

describe('Tasks (2025-11-25) over a scripted server', () => {
  async function taskSetup(capable = true) {
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    const rpc = new RpcEngine(clientEnd);
    const peer = new ScriptedPeer(serverEnd);
    peer.on('initialize', () => ({
      protocolVersion: '2025-11-25',
      capabilities: { tools: {}, ...(capable && { tasks: { cancel: {}, requests: { tools: { call: {} } } } }) },
      serverInfo: { name: 's', version: '1' },
    }));
    peer.on('tools/list', () => ({
      tools: [
        { name: 'slow', inputSchema: { type: 'object' }, execution: { taskSupport: 'optional' } },
        { name: 'must', inputSchema: { type: 'object' }, execution: { taskSupport: 'required' } },
        { name: 'never', inputSchema: { type: 'object' } },
      ],
    }));
    const client = new McpClient(rpc, { clientInfo: { name: 't', version: '1' } });
    await client.initialize();
    await client.listTools();
    return { client, peer };
  }
  const task = (status: string, extra: Record<string, unknown> = {}) => ({ taskId: 'T1', status, createdAt: 'c', lastUpdatedAt: 'l', ttl: 1000, pollInterval: 60, ...extra });

  it('augments only where server and tool allow it, polls tasks/get, then fetches tasks/result', async () => {
    const { client, peer } = await taskSetup();
    const states = ['working', 'working', 'completed'];
    peer.on('tools/call', (params) =>
      params?.task ? { task: task('working') } : { content: [{ type: 'text', text: 'inline' }] },
    );
    peer.on('tasks/get', () => task(states.shift()!, { statusMessage: `left ${states.length}` }));
    peer.on('tasks/result', () => ({ content: [{ type: 'text', text: 'done' }] }));
    const seen: string[] = [];
    const result = await client.callTool('slow', {}, { task: true, onTaskStatus: (t) => seen.push(`${t.status}:${t.statusMessage ?? ''}`) });
    expect(result.content).to.deep.equal([{ type: 'text', text: 'done' }]);
    expect(seen).to.deep.equal(['working:', 'working:left 2', 'working:left 1', 'completed:left 0']);
    const calls = peer.requests.filter((r) => r.method === 'tools/call');
    expect((calls[0]!.params!.task as { ttl: number }).ttl).to.be.a('number');
    expect(peer.requests.filter((r) => r.method === 'tasks/get')).to.have.length(3);
    // Not asked for: an optional tool runs inline; a tool without taskSupport never runs as a task.
    expect((await client.callTool('slow', {})).content).to.deep.equal([{ type: 'text', text: 'inline' }]);
    expect((await client.callTool('never', {}, { task: true })).content).to.deep.equal([{ type: 'text', text: 'inline' }]);
    expect(peer.requests.filter((r) => r.method === 'tools/call').map((r) => 'task' in r.params!)).to.deep.equal([true, false, false]);
  });

  it('always runs a required tool as a task, and never augments on a server without the capability', async () => {
    const withCap = await taskSetup();
    withCap.peer.on('tools/call', (params) => (params?.task ? { task: task('completed') } : { content: [] }));
    withCap.peer.on('tasks/result', () => ({ content: [{ type: 'text', text: 'r' }] }));
    expect((await withCap.client.callTool('must', {})).content).to.have.length(1);
    const without = await taskSetup(false);
    without.peer.on('tools/call', (params) => ({ content: [{ type: 'text', text: params?.task ? 'task' : 'plain' }] }));
    expect((await without.client.callTool('must', {}, { task: true })).content).to.deep.equal([{ type: 'text', text: 'plain' }]);
  });

  it('a status notification moves the task on without waiting for the next poll', async () => {
    const { client, peer } = await taskSetup();
    peer.on('tools/call', () => {
      setTimeout(() => peer.send({ jsonrpc: '2.0', method: 'notifications/tasks/status', params: task('completed') }), 5);
      return { task: task('working', { pollInterval: 20_000 }) };
    });
    peer.on('tasks/result', () => ({ content: [{ type: 'text', text: 'early' }] }));
    const result = await client.callTool('slow', {}, { task: true });
    expect(result.content).to.deep.equal([{ type: 'text', text: 'early' }]);
    expect(peer.requests.some((r) => r.method === 'tasks/get')).to.equal(false);
  });

  it('aborting sends tasks/cancel and rejects with TG_CANCELLED; a server-side cancel rejects too', async () => {
    const { client, peer } = await taskSetup();
    peer.on('tools/call', () => ({ task: task('working') }));
    peer.on('tasks/get', () => task('working'));
    peer.on('tasks/cancel', () => task('cancelled'));
    const controller = new AbortController();
    const call = client.callTool('slow', {}, { task: true, signal: controller.signal, onTaskStatus: () => setTimeout(() => controller.abort('stop'), 10) });
    const err = await rejection(call);
    expect(err.code).to.equal(ErrorCode.CANCELLED);
    await tick(10);
    expect(peer.requests.find((r) => r.method === 'tasks/cancel')?.params).to.deep.equal({ taskId: 'T1' });
    peer.on('tasks/get', () => task('cancelled', { statusMessage: 'admin stopped it' }));
    const serverSide = await rejection(client.callTool('slow', {}, { task: true }));
    expect(serverSide.code).to.equal(ErrorCode.CANCELLED);
    expect(serverSide.message).to.contain('admin stopped it');
  });

  it('refuses an invalid CreateTaskResult with TG_PROTOCOL_ERROR', async () => {
    const { client, peer } = await taskSetup();
    peer.on('tools/call', () => ({ task: { taskId: 42, status: 'working' } }));
    expect((await rejection(client.callTool('slow', {}, { task: true }))).code).to.equal(ErrorCode.PROTOCOL_ERROR);
  });
});
