import { rejection } from '../../support/async.js';
import { expect } from '@esm-bundle/chai';
import { McpClient } from '../../../workers/protocol/client.js';
import { RpcEngine } from '../../../workers/protocol/rpc.js';
import { ErrorCode, type TgError } from '../../../workers/shared/errors.js';
import type { Tool } from '../../../workers/shared/wire.js';
import { InMemoryTransport, ScriptedPeer, tick } from '../../support/in-memory-transport.js';

const tool = (name: string): Tool => ({ name, inputSchema: { type: 'object' } });

function setup(protocolVersion = '2025-11-25') {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  const rpc = new RpcEngine(clientEnd);
  const peer = new ScriptedPeer(serverEnd).on('initialize', () => ({
    protocolVersion,
    capabilities: { tools: { listChanged: true } },
    serverInfo: { name: 'scripted', version: '1' },
  }));
  const problems: TgError[] = [];
  const changes: Tool[][] = [];
  const client = new McpClient(rpc, {
    clientInfo: { name: 'toolgate-test', version: '0.0.1' },
    onproblem: (p) => problems.push(p),
    onToolsChanged: (tools) => changes.push(tools),
  });
  return { client, peer, problems, changes, rpc };
}


describe('McpClient', () => {
  it('offers the newest version with clientInfo, then sends notifications/initialized', async () => {
    const { client, peer } = setup();
    const session = await client.initialize();
    expect(session.serverInfo.name).to.equal('scripted');
    expect(peer.requests[0]!.params).to.deep.equal({
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'toolgate-test', version: '0.0.1' },
    });
    await tick();
    expect(peer.notifications.map((n) => n.method)).to.deep.equal(['notifications/initialized']);
  });

  it('accepts an older version it speaks', async () => {
    const { client } = setup('2025-03-26');
    expect((await client.initialize()).protocolVersion).to.equal('2025-03-26');
  });

  it('refuses a version it does not speak with TG_UNSUPPORTED_PROTOCOL_VERSION, and sends no initialized', async () => {
    const { client, peer } = setup('2024-11-05');
    const err = await rejection(client.initialize());
    expect(err.code).to.equal(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION);
    expect((err.data as { received: string }).received).to.equal('2024-11-05');
    await tick();
    expect(peer.notifications).to.have.length(0);
  });

  it('refuses tool calls before initialize with TG_NOT_CONNECTED', async () => {
    const { client } = setup();
    expect((await rejection(client.callTool('x', {}))).code).to.equal(ErrorCode.NOT_CONNECTED);
  });

  it('follows opaque cursors (including "") across pages', async () => {
    const { client, peer } = setup();
    const pages: Record<string, { tools: Tool[]; nextCursor?: string }> = {
      start: { tools: [tool('a'), tool('b')], nextCursor: '' },
      '': { tools: [tool('c')], nextCursor: 'opaque/3' },
      'opaque/3': { tools: [tool('d')] },
    };
    peer.on('tools/list', (params) => pages[(params?.cursor as string | undefined) ?? 'start']);
    await client.initialize();
    expect((await client.listTools()).map((t) => t.name)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(peer.requests.filter((r) => r.method === 'tools/list').map((r) => r.params?.cursor)).to.deep.equal([
      undefined,
      '',
      'opaque/3',
    ]);
  });

  it('stops a server that repeats a cursor', async () => {
    const { client, peer } = setup();
    peer.on('tools/list', () => ({ tools: [tool('a')], nextCursor: 'again' }));
    await client.initialize();
    expect((await rejection(client.listTools())).code).to.equal(ErrorCode.PROTOCOL_ERROR);
  });

  it('drops invalid and duplicate tool definitions and reports them', async () => {
    const { client, peer, problems } = setup();
    peer.on('tools/list', () => ({ tools: [tool('ok'), { name: 'no-schema' }, 'junk', tool('ok')] }));
    await client.initialize();
    expect((await client.listTools()).map((t) => t.name)).to.deep.equal(['ok']);
    expect(problems).to.have.length(3);
  });

  it('reports the dropped entries of a listing to the sink it was given, not to onproblem (the early listing holds them)', async () => {
    const { client, peer, problems } = setup();
    peer.on('tools/list', () => ({ tools: [tool('ok'), { name: 'no-schema' }, tool('ok')] }));
    await client.initialize();
    const held: TgError[] = [];
    expect((await client.listTools({}, (p) => held.push(p))).map((t) => t.name)).to.deep.equal(['ok']);
    expect(held.map((p) => p.code)).to.deep.equal([ErrorCode.PROTOCOL_ERROR, ErrorCode.PROTOCOL_ERROR]);
    expect(problems).to.have.length(0);
  });

  it('calls a tool and validates the result shape', async () => {
    const { client, peer } = setup();
    peer.on('tools/call', (params) =>
      params?.name === 'bad'
        ? { content: [{ type: 'image' }] }
        : { content: [{ type: 'text', text: `hi ${(params?.arguments as { who: string }).who}` }] },
    );
    await client.initialize();
    expect(await client.callTool('greet', { who: 'ada' })).to.deep.equal({ content: [{ type: 'text', text: 'hi ada' }] });
    expect((await rejection(client.callTool('bad', {}))).code).to.equal(ErrorCode.PROTOCOL_ERROR);
  });

  it('re-lists on tools/list_changed, coalescing a burst into the final list', async () => {
    const { client, peer, changes } = setup();
    let version = 1;
    peer.on('tools/list', () => ({ tools: [tool(`v${version}`)] }));
    await client.initialize();
    version = 2;
    for (let i = 0; i < 3; i++) peer.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    await tick(20);
    expect(changes.at(-1)!.map((t) => t.name)).to.deep.equal(['v2']);
    expect(changes.length).to.be.within(1, 2);
  });
});
