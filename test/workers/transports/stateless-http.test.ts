/**
 * The 2026-07-28 HTTP binding and era detection, over an injected fetch (no server): the headers of
 * each POST, errors in 4xx bodies, cancellation by aborting the stream, and the fallback rules.
 */
import { rejection } from '../../support/async.js';
import { expect } from '@esm-bundle/chai';
import { detectEra, readProbe } from '../../../workers/protocol/era.js';
import { forgetEra } from '../../../workers/protocol/era-decision.js';
import { RpcEngine } from '../../../workers/protocol/rpc.js';
import { ErrorCode, type TgError } from '../../../workers/shared/errors.js';
import { StatelessHttpTransport } from '../../../workers/transports/stateless-http.js';

interface Seen {
  headers: Record<string, string>;
  body: { id?: unknown; method: string; params?: Record<string, unknown> };
  signal: AbortSignal;
}

type Reply = (seen: Seen) => Response | Promise<Response>;

function fakeFetch(reply: Reply) {
  const seen: Seen[] = [];
  const fn: typeof fetch = async (_input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const entry: Seen = { headers, body: JSON.parse(String(init?.body)), signal: init!.signal! };
    seen.push(entry);
    return reply(entry);
  };
  return { fn, seen };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};
const clientInfo = { name: 't', version: '1' };
const URL_ = 'http://127.0.0.1:9/mcp';


describe('StatelessHttpTransport', () => {
  it('sends MCP-Protocol-Version, Mcp-Method, Mcp-Name and the provider’s Mcp-Param-* on each POST', async () => {
    const { fn, seen } = fakeFetch(({ body }) => json(200, { jsonrpc: '2.0', id: body.id, result: { resultType: 'complete', content: [] } }));
    const transport = new StatelessHttpTransport({ url: URL_, fetch: fn });
    transport.setParamHeaders(() => ({ 'mcp-param-region': 'us-west1' }));
    const rpc = new RpcEngine(transport);
    await rpc.request('tools/call', { name: 'my-tool', arguments: { region: 'us-west1' }, _meta: META });
    expect(seen[0]!.headers).to.include({
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'my-tool',
      'mcp-param-region': 'us-west1',
    });
    expect(seen[0]!.headers).to.not.have.property('mcp-session-id');
    await rpc.close();
  });

  it('delivers a JSON-RPC error from a 400 body as the answer (id null attributed to the request)', async () => {
    const { fn } = fakeFetch(() => json(400, { jsonrpc: '2.0', id: null, error: { code: -32020, message: 'Header mismatch' } }));
    const rpc = new RpcEngine(new StatelessHttpTransport({ url: URL_, fetch: fn }));
    const err = await rejection(rpc.request('tools/list', { _meta: META }));
    expect(err.code).to.equal(ErrorCode.RPC_ERROR);
    expect(err.rpcCode).to.equal(-32020);
    await rpc.close();
  });

  it('reads SSE responses, passing progress through, and reports a stream that ends early', async () => {
    const sse = (events: string[]) =>
      new Response(events.map((e) => `data: ${e}\n\n`).join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } });
    let complete = true;
    const { fn } = fakeFetch(({ body }) =>
      sse([
        JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: body.id, progress: 1 } }),
        ...(complete ? [JSON.stringify({ jsonrpc: '2.0', id: body.id, result: { resultType: 'complete', content: [] } })] : []),
      ]),
    );
    const rpc = new RpcEngine(new StatelessHttpTransport({ url: URL_, fetch: fn }));
    const progress: number[] = [];
    await rpc.request('tools/call', { name: 'x', _meta: META }, { onProgress: (p) => progress.push(p.progress) });
    expect(progress).to.deep.equal([1]);
    complete = false;
    expect((await rejection(rpc.request('tools/list', { _meta: META }))).code).to.equal(ErrorCode.STREAM_INTERRUPTED);
    await rpc.close();
  });

  it('cancels by aborting the request’s stream, and posts no notifications/cancelled', async () => {
    const { fn, seen } = fakeFetch(
      ({ signal }) => new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const rpc = new RpcEngine(new StatelessHttpTransport({ url: URL_, fetch: fn }));
    const controller = new AbortController();
    const call = rpc.request('tools/call', { name: 'slow', _meta: META }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 10));
    controller.abort('user stopped it');
    expect((await rejection(call)).code).to.equal(ErrorCode.CANCELLED);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).to.have.length(1);
    expect(seen[0]!.signal.aborted).to.equal(true);
    await rpc.close();
  });
});

describe('era detection', () => {
  afterEach(() => forgetEra(URL_));

  const discoverResult = (id: unknown, versions = ['2026-07-28']) =>
    json(200, { jsonrpc: '2.0', id, result: { resultType: 'complete', supportedVersions: versions, capabilities: { tools: {} }, _meta: { 'io.modelcontextprotocol/serverInfo': { name: 's', version: '2' } } } });

  it('is modern when server/discover answers with a DiscoverResult', async () => {
    const { fn, seen } = fakeFetch(({ body }) => discoverResult(body.id));
    const decision = await detectEra({ url: URL_, fetch: fn, clientInfo, capabilities: {} });
    expect(decision.era).to.equal('modern');
    expect(decision.era === 'modern' && decision.discover?.serverInfo).to.deep.equal({ name: 's', version: '2' });
    expect(seen[0]!.headers['mcp-method']).to.equal('server/discover');
    expect(seen[0]!.headers['mcp-protocol-version']).to.equal('2026-07-28');
  });

  it('retries the probe with a version from -32022 data.supported', async () => {
    let first = true;
    const { fn, seen } = fakeFetch(({ body }) => {
      if (!first) return discoverResult(body.id);
      first = false;
      return json(400, { jsonrpc: '2.0', id: body.id, error: { code: -32022, message: 'x', data: { supported: ['2026-07-28'], requested: 'x' } } });
    });
    expect((await detectEra({ url: URL_, fetch: fn, clientInfo, capabilities: {} })).era).to.equal('modern');
    expect(seen).to.have.length(2);
    expect(seen[1]!.body.id).to.not.equal(seen[0]!.body.id);
  });

  it('falls back to legacy on a legacy 400, a generic result, a bare 404, a network failure', async () => {
    const replies: Reply[] = [
      ({ body }) => json(400, { jsonrpc: '2.0', id: body.id, error: { code: -32000, message: 'Bad Request: Server not initialized' } }),
      ({ body }) => json(200, { jsonrpc: '2.0', id: body.id, result: {} }),
      () => new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } }),
      () => Promise.reject(new TypeError('Failed to fetch')),
      ({ body }) => json(200, { jsonrpc: '2.0', id: body.id, error: { code: -32601, message: 'Method not found' } }),
    ];
    for (const reply of replies) {
      const { fn } = fakeFetch(reply);
      expect((await detectEra({ url: URL_, fetch: fn, clientInfo, capabilities: {} })).era).to.equal('legacy');
    }
  });

  it('treats modern error bodies as modern: -32021, -32020, and -32601 with 404', () => {
    for (const [status, code] of [[400, -32021], [400, -32020], [404, -32601]] as const) {
      expect(readProbe({ status, answer: { jsonrpc: '2.0', id: 1, error: { code, message: 'm' } } }).kind).to.equal('modern-error');
    }
  });

  it('picks legacy when the server names only legacy versions, and fails when it names none we speak', async () => {
    const legacyOnly = fakeFetch(({ body }) => json(400, { jsonrpc: '2.0', id: body.id, error: { code: -32022, message: 'x', data: { supported: ['2025-06-18'] } } }));
    expect(await detectEra({ url: URL_, fetch: legacyOnly.fn, clientInfo, capabilities: {} })).to.deep.include({ era: 'legacy', version: '2025-06-18' });
    const none = fakeFetch(({ body }) => json(400, { jsonrpc: '2.0', id: body.id, error: { code: -32022, message: 'x', data: { supported: ['1999-01-01'] } } }));
    expect((await rejection(detectEra({ url: URL_, fetch: none.fn, clientInfo, capabilities: {} }))).code).to.equal(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION);
  });
});
