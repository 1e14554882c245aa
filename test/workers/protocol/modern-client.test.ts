import { rejection } from '../../support/async.js';
import { expect } from '@esm-bundle/chai';
import { ResultCache } from '../../../workers/protocol/cache.js';
import { classifyResult, retryParams } from '../../../workers/protocol/mrtr.js';
import { ModernClient } from '../../../workers/protocol/modern-client.js';
import { RpcEngine } from '../../../workers/protocol/rpc.js';
import { ErrorCode, type TgError } from '../../../workers/shared/errors.js';
import type { InputRequest, JsonObject, Tool } from '../../../workers/shared/wire.js';
import { InMemoryTransport, ScriptedPeer, tick } from '../../support/in-memory-transport.js';

const META_VERSION = 'io.modelcontextprotocol/protocolVersion';

function setup(options: { onInput?: (request: InputRequest) => Promise<JsonObject>; cache?: ResultCache } = {}) {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  const rpc = new RpcEngine(clientEnd);
  const peer = new ScriptedPeer(serverEnd);
  const problems: TgError[] = [];
  const client = new ModernClient(rpc, {
    clientInfo: { name: 'toolgate-test', version: '0.0.1' },
    capabilities: { elicitation: { form: {} } },
    protocolVersion: '2026-07-28',
    onproblem: (p) => problems.push(p),
    ...options,
  });
  return { client, peer, problems, rpc };
}


const text = (t: string) => ({ resultType: 'complete', content: [{ type: 'text', text: t }] });

describe('ModernClient (2026-07-28)', () => {
  it('puts protocolVersion, clientInfo and clientCapabilities in every request _meta, and no initialize', async () => {
    const { client, peer } = setup();
    peer.on('tools/list', () => ({ resultType: 'complete', tools: [] }));
    peer.on('tools/call', () => text('ok'));
    await client.listTools();
    await client.callTool('x', { a: 1 });
    expect(peer.requests.map((r) => r.method)).to.deep.equal(['tools/list', 'tools/call']);
    for (const request of peer.requests) {
      expect(request.params?._meta).to.deep.equal({
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'toolgate-test', version: '0.0.1' },
        'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
      });
    }
  });

  it('retries once with a version from data.supported on -32022', async () => {
    const { client, peer } = setup();
    let first = true;
    peer.on('tools/list', (params, id) => {
      if (first) {
        first = false;
        peer.send({ jsonrpc: '2.0', id, error: { code: -32022, message: 'Unsupported', data: { supported: ['2030-01-01', '2026-07-28'], requested: 'x' } } });
        return undefined;
      }
      return { resultType: 'complete', tools: [] };
    });
    expect(await client.listTools()).to.deep.equal([]);
    const [a, b] = peer.requests;
    expect(a!.id).to.not.equal(b!.id);
    expect((b!.params?._meta as JsonObject)[META_VERSION]).to.equal('2026-07-28');
  });

  it('gives up with TG_UNSUPPORTED_PROTOCOL_VERSION when no supported version is one it speaks', async () => {
    const { client, peer } = setup();
    peer.on('tools/list', (_p, id) => {
      peer.send({ jsonrpc: '2.0', id, error: { code: -32022, message: 'no', data: { supported: ['1999-01-01'] } } });
      return undefined;
    });
    expect((await rejection(client.listTools())).code).to.equal(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION);
    expect(peer.requests).to.have.length(1);
  });

  it('on -32020 re-lists tools, then retries the call with the new header spec', async () => {
    const { client, peer } = setup();
    let schemaVersion = 1;
    peer.on('tools/list', () => ({
      resultType: 'complete',
      ttlMs: 60_000,
      tools: [
        {
          name: 'q',
          inputSchema: { type: 'object', properties: { region: { type: 'string', ...(schemaVersion > 1 && { 'x-mcp-header': 'Region' }) } } },
        },
      ],
    }));
    let calls = 0;
    peer.on('tools/call', (_p, id) => {
      if (++calls === 1) {
        schemaVersion = 2;
        peer.send({ jsonrpc: '2.0', id, error: { code: -32020, message: 'Header mismatch: Mcp-Param-Region missing' } });
        return undefined;
      }
      return text('ok');
    });
    await client.listTools();
    expect(client.paramHeadersFor({ method: 'tools/call', params: { name: 'q', arguments: { region: 'eu' } } })).to.deep.equal({});
    expect(await client.callTool('q', { region: 'eu' })).to.deep.equal(text('ok'));
    // The cached (fresh) list was bypassed: the re-list reached the server.
    expect(peer.requests.map((r) => r.method)).to.deep.equal(['tools/list', 'tools/call', 'tools/list', 'tools/call']);
    expect(client.paramHeadersFor({ method: 'tools/call', params: { name: 'q', arguments: { region: 'eu' } } })).to.deep.equal({
      'mcp-param-region': 'eu',
    });
  });

  it('drops tools with an invalid x-mcp-header, reports them, and refuses to call them', async () => {
    const { client, peer, problems } = setup();
    peer.on('tools/list', () => ({
      resultType: 'complete',
      tools: [
        { name: 'good', inputSchema: { type: 'object', properties: { r: { type: 'string', 'x-mcp-header': 'R' } } } },
        { name: 'bad', inputSchema: { type: 'object', properties: { r: { type: 'string', 'x-mcp-header': 'R 1' } } } },
      ],
    }));
    const tools: Tool[] = await client.listTools();
    expect(tools.map((t) => t.name)).to.deep.equal(['good']);
    expect(problems.map((p) => p.message).join()).to.match(/Dropped tool bad/);
    expect((await rejection(client.callTool('bad', {}))).code).to.equal(ErrorCode.TOOL_REJECTED);
    expect(peer.requests.filter((r) => r.method === 'tools/call')).to.have.length(0);
  });

  it('treats a missing resultType as complete and an unknown one as invalid', async () => {
    const { client, peer } = setup();
    peer.on('tools/call', (params) =>
      params?.name === 'old' ? { content: [] } : { resultType: 'partial', content: [] },
    );
    expect(await client.callTool('old', {})).to.deep.equal({ content: [] });
    const err = await rejection(client.callTool('new', {}));
    expect(err.code).to.equal(ErrorCode.PROTOCOL_ERROR);
    expect(err.message).to.match(/resultType/);
  });

  it('MRTR: fulfils inputRequests, retries with a new id, echoes requestState verbatim', async () => {
    const asked: InputRequest[] = [];
    const { client, peer } = setup({
      onInput: async (request) => {
        asked.push(request);
        return { action: 'accept', content: { confirmed: true } };
      },
    });
    const state = '{"nonce":"n", "keep": "  spacing  "}';
    peer.on('tools/call', (params) =>
      params?.inputResponses
        ? text('done')
        : {
            resultType: 'input_required',
            inputRequests: { confirm: { method: 'elicitation/create', params: { message: 'ok?', requestedSchema: { type: 'object' } } } },
            requestState: state,
          },
    );
    expect(await client.callTool('t', { a: 1 })).to.deep.equal(text('done'));
    expect(asked).to.deep.equal([{ method: 'elicitation/create', params: { message: 'ok?', requestedSchema: { type: 'object' } } }]);
    const [first, retry] = peer.requests;
    expect(retry!.id).to.not.equal(first!.id);
    expect(retry!.params?.requestState).to.equal(state);
    expect(retry!.params?.inputResponses).to.deep.equal({ confirm: { action: 'accept', content: { confirmed: true } } });
    expect(retry!.params?.arguments).to.deep.equal({ a: 1 });
  });

  it('MRTR: sends no requestState when the server sent none, and keeps rounds apart from other requests', async () => {
    const { client, peer } = setup({ onInput: async () => ({ action: 'accept', content: {} }) });
    peer.on('tools/call', (params) =>
      params?.name === 'other' || params?.inputResponses
        ? text('ok')
        : { resultType: 'input_required', inputRequests: { c: { method: 'elicitation/create', params: { message: 'm', requestedSchema: {} } } } },
    );
    await Promise.all([client.callTool('mrtr', {}), client.callTool('other', {})]);
    const retry = peer.requests.find((r) => r.params?.name === 'mrtr' && r.params.inputResponses);
    expect(retry).to.not.equal(undefined);
    expect('requestState' in retry!.params!).to.equal(false);
    const other = peer.requests.filter((r) => r.params?.name === 'other');
    expect(other).to.have.length(1);
    expect(other[0]!.params).to.not.have.any.keys('inputResponses', 'requestState');
  });

  it('MRTR: without an input handler the request fails with TG_INPUT_UNAVAILABLE', async () => {
    const { client, peer } = setup();
    peer.on('tools/call', () => ({ resultType: 'input_required', inputRequests: { s: { method: 'sampling/createMessage', params: {} } } }));
    expect((await rejection(client.callTool('t', {}))).code).to.equal(ErrorCode.INPUT_UNAVAILABLE);
  });

  it('MRTR: refuses input_required on methods that may not return it', () => {
    expect(classifyResult('tools/list', { resultType: 'input_required', requestState: 's' }).resultType).to.equal('invalid');
    expect(classifyResult('resources/read', { resultType: 'input_required', requestState: 's' }).resultType).to.equal('input_required');
    expect(classifyResult('tools/call', { resultType: 'input_required' }).resultType).to.equal('invalid');
    expect(retryParams({ name: 'a', inputResponses: {}, requestState: 'old' }, { resultType: 'input_required' }, undefined)).to.deep.equal({ name: 'a' });
  });

  it('caches list results for ttlMs, never across auth contexts when private, never MRTR retries', async () => {
    let now = 1000;
    let token = 'a';
    const cache = new ResultCache({ now: () => now, authContext: () => token });
    const { client, peer } = setup({ cache });
    peer.on('prompts/list', () => ({ resultType: 'complete', ttlMs: 5000, cacheScope: 'private', prompts: [{ name: 'p' }] }));
    await client.listPrompts();
    await client.listPrompts();
    expect(peer.requests).to.have.length(1);
    token = 'b';
    await client.listPrompts();
    expect(peer.requests).to.have.length(2);
    now += 6000;
    await client.listPrompts();
    expect(peer.requests).to.have.length(3);
    cache.put('resources/read', { uri: 'x', requestState: 's' }, { contents: [], ttlMs: 9999, cacheScope: 'public' });
    expect(cache.get('resources/read', { uri: 'x', requestState: 's' })).to.equal(undefined);
    cache.put('resources/read', { uri: 'x' }, { contents: [], ttlMs: -5 });
    expect(cache.size).to.equal(1);
  });

  it('re-lists tools on notifications/tools/list_changed from a listen stream', async () => {
    const changes: Tool[][] = [];
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    const rpc = new RpcEngine(clientEnd);
    const peer = new ScriptedPeer(serverEnd);
    const client = new ModernClient(rpc, {
      clientInfo: { name: 'c', version: '1' },
      protocolVersion: '2026-07-28',
      onToolsChanged: (tools) => changes.push(tools),
    });
    let n = 1;
    peer.on('tools/list', () => ({ resultType: 'complete', tools: [{ name: `v${n}`, inputSchema: { type: 'object' } }] }));
    peer.on('subscriptions/listen', (_p, id) => {
      peer.send({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': id }, notifications: { toolsListChanged: true } } });
      return undefined; // the stream stays open
    });
    client.listenForToolChanges();
    await tick();
    const listen = peer.requests.find((r) => r.method === 'subscriptions/listen')!;
    expect(listen.params?.notifications).to.deep.equal({ toolsListChanged: true });
    n = 2;
    peer.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': listen.id } } });
    await tick(20);
    expect(changes.at(-1)!.map((t) => t.name)).to.deep.equal(['v2']);
    client.stop();
    await rpc.close();
  });
});
