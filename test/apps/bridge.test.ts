/**
 * The bridge's protocol rules without a frame: a channel that records what the host posts and lets
 * the test deliver what a view would. Lifecycle order, size and rate bounds, shapes, correlation.
 */
import { expect } from '@esm-bundle/chai';
import { ViewBridge, RpcCode, type BridgeHandlers, type JsonObject, type ViewChannel } from '../../src/apps/bridge.js';
import { ViewSession } from '../../src/apps/view-session.js';
import { ErrorCode } from '../../workers/shared/errors.js';

function channel() {
  const sent: JsonObject[] = [];
  let receive: (data: unknown) => void = () => {};
  const ch: ViewChannel = {
    post: (m) => void sent.push(m),
    listen: (r) => {
      receive = r;
      return () => {
        receive = () => {};
      };
    },
  };
  return { ch, sent, deliver: (data: unknown) => receive(data) };
}

function handlers(overrides: Partial<BridgeHandlers> = {}) {
  const calls: string[] = [];
  const h: BridgeHandlers = {
    onProxyReady: () => void calls.push('proxy-ready'),
    initializeResult: () => ({ hostInfo: { name: 'test', version: '1' }, hostCapabilities: {}, hostContext: { theme: 'light' } }),
    onInitialized: () => void calls.push('initialized'),
    onRequest: async (method, params) => {
      calls.push(`request ${method}`);
      return { echoed: params };
    },
    onNotification: (method) => void calls.push(`notification ${method}`),
    onRefused: (reason) => void calls.push(`refused ${reason}`),
    ...overrides,
  };
  return { h, calls };
}

const init = { jsonrpc: '2.0', id: 1, method: 'ui/initialize', params: { protocolVersion: '2026-01-26', appInfo: { name: 'v', version: '1' }, appCapabilities: {} } };
const flush = () => new Promise((r) => setTimeout(r, 0));

async function ready(bridge: ViewBridge, deliver: (d: unknown) => void): Promise<void> {
  deliver({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-proxy-ready', params: {} });
  deliver(init);
  deliver({ jsonrpc: '2.0', method: 'ui/notifications/initialized', params: {} });
  await flush();
  expect(bridge.state).to.equal('ready');
}

describe('ViewBridge', () => {
  it('takes nothing before the proxy is ready, and no request before ui/initialize', async () => {
    const { ch, sent, deliver } = channel();
    const { h, calls } = handlers();
    const bridge = new ViewBridge(ch, h);
    deliver({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'x' } });
    expect(sent.at(-1)).to.deep.include({ id: 7 });
    expect((sent.at(-1)!['error'] as JsonObject)['data']).to.deep.equal({ code: ErrorCode.APP_MESSAGE_REFUSED });
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-proxy-ready', params: {} });
    expect(bridge.state).to.equal('awaiting-initialize');
    deliver({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'x' } });
    expect((sent.at(-1)!['error'] as JsonObject)['message']).to.contain('ui/initialize first');
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/size-changed', params: { height: 10 } });
    expect(calls).to.deep.equal(['refused The sandbox proxy is not ready yet.', 'proxy-ready', 'refused The view must send ui/initialize first.', 'refused The view must send ui/initialize first.']);
    // A second proxy-ready (or any sandbox-* message) is never taken again.
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-proxy-ready', params: {} });
    expect(calls.filter((c) => c === 'proxy-ready')).to.have.length(1);
  });

  it('answers ui/initialize with the host context and sends nothing before initialized', async () => {
    const { ch, sent, deliver } = channel();
    const { h } = handlers();
    const bridge = new ViewBridge(ch, h);
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-proxy-ready', params: {} });
    deliver(init);
    expect(sent.at(-1)).to.deep.equal({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2026-01-26', hostInfo: { name: 'test', version: '1' }, hostCapabilities: {}, hostContext: { theme: 'light' } } });
    expect(bridge.notify('ui/notifications/tool-input', { arguments: {} })).to.equal(false);
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/initialized', params: {} });
    expect(bridge.notify('ui/notifications/tool-input', { arguments: { a: 1 } })).to.equal(true);
    expect(sent.at(-1)).to.deep.equal({ jsonrpc: '2.0', method: 'ui/notifications/tool-input', params: { arguments: { a: 1 } } });
  });

  it('dispatches requests, answers unknown methods with -32601, and maps coded errors', async () => {
    const { ch, sent, deliver } = channel();
    const { h } = handlers({
      onRequest: async (method) => {
        if (method === 'ui/open-link') throw Object.assign(new Error('no'), { code: ErrorCode.APP_DENIED });
        if (method === 'tools/call') throw Object.assign(new Error('bad args'), { code: ErrorCode.APP_ARGS_INVALID, data: { errors: ['x'] } });
        return { ok: true };
      },
    });
    const bridge = new ViewBridge(ch, h);
    await ready(bridge, deliver);
    deliver({ jsonrpc: '2.0', id: 'a', method: 'ui/message', params: {} });
    deliver({ jsonrpc: '2.0', id: 'b', method: 'ui/open-link', params: {} });
    deliver({ jsonrpc: '2.0', id: 'c', method: 'tools/call', params: {} });
    deliver({ jsonrpc: '2.0', id: 'd', method: 'sampling/createMessage', params: {} });
    deliver({ jsonrpc: '2.0', id: 'e', method: 'ping' });
    await flush();
    const byId = Object.fromEntries(sent.filter((m) => m['id'] !== undefined).map((m) => [m['id'], m]));
    expect(byId['a']!['result']).to.deep.equal({ ok: true });
    expect(byId['b']!['error']).to.deep.equal({ code: RpcCode.REFUSED, message: 'no', data: { code: ErrorCode.APP_DENIED } });
    expect(byId['c']!['error']).to.deep.equal({ code: RpcCode.INVALID_PARAMS, message: 'bad args', data: { code: ErrorCode.APP_ARGS_INVALID, errors: ['x'] } });
    expect((byId['d']!['error'] as JsonObject)['code']).to.equal(RpcCode.METHOD_NOT_FOUND);
    expect(byId['e']!['result']).to.deep.equal({});
  });

  it('refuses oversized, non-JSON and malformed messages and keeps working', async () => {
    const { ch, sent, deliver } = channel();
    const { h, calls } = handlers();
    const bridge = new ViewBridge(ch, h, { maxMessageBytes: 1000 });
    await ready(bridge, deliver);
    deliver({ jsonrpc: '2.0', id: 1, method: 'ui/message', params: { text: 'x'.repeat(2000) } });
    const cyclic: Record<string, unknown> = { jsonrpc: '2.0', method: 'ui/message' };
    cyclic['self'] = cyclic;
    deliver(cyclic);
    deliver({ jsonrpc: '1.0', id: 2, method: 'ui/message' });
    deliver({ jsonrpc: '2.0', id: { nested: true }, method: 'ui/message' });
    deliver('not an object');
    deliver({ jsonrpc: '2.0', id: 3, result: {} }); // a response to nothing
    expect(bridge.diagnostics.refused).to.equal(6);
    deliver({ jsonrpc: '2.0', id: 4, method: 'ui/message', params: {} });
    await flush();
    expect(calls.at(-1)).to.equal('request ui/message');
    expect(sent.at(-1)).to.deep.include({ id: 4 });
  });

  it('rate-limits a flood and bounds requests in flight', async () => {
    const { ch, deliver } = channel();
    let now = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { h } = handlers({ onRequest: async () => (await gate, {}) });
    const bridge = new ViewBridge(ch, h, { ratePerSecond: 10, burst: 20, maxInFlight: 4, now: () => now });
    await ready(bridge, deliver);
    const before = bridge.diagnostics;
    for (let i = 0; i < 50; i++) deliver({ jsonrpc: '2.0', id: i, method: 'ui/message', params: {} });
    const after = bridge.diagnostics;
    expect(after.requests - before.requests).to.equal(4);
    expect(after.refused - before.refused).to.equal(46);
    release();
    await flush();
    now += 1000; // ten more tokens a second later
    for (let i = 100; i < 120; i++) deliver({ jsonrpc: '2.0', id: i, method: 'ui/notifications/size-changed', params: {} });
    expect(bridge.diagnostics.refused - after.refused).to.equal(10);
  });

  it('correlates its own requests, and rejects them on close', async () => {
    const { ch, sent, deliver } = channel();
    const bridge = new ViewBridge(ch, handlers().h);
    await ready(bridge, deliver);
    const answered = bridge.request('ui/resource-teardown', { reason: 'test' });
    const id = sent.at(-1)!['id'];
    deliver({ jsonrpc: '2.0', id, result: { bye: true } });
    expect(await answered).to.deep.equal({ bye: true });
    const pending = bridge.request('ui/resource-teardown', {});
    bridge.close();
    let error: unknown;
    await pending.catch((e: unknown) => (error = e));
    expect((error as { code: string }).code).to.equal(ErrorCode.APP_MESSAGE_REFUSED);
    expect(bridge.state).to.equal('closed');
  });
});

describe('ViewSession', () => {
  it('sends tool input then result after initialized, and again after the view initializes anew', async () => {
    const { ch, sent, deliver } = channel();
    const session = new ViewSession({
      channel: ch,
      resource: { html: '<p>x</p>' },
      hostInfo: { name: 't', version: '1' },
      hostCapabilities: {},
      hostContext: () => ({}),
      actions: { request: async () => ({}), sizeChanged: () => {}, log: () => {}, requestTeardown: () => {} },
    });
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-proxy-ready', params: {} });
    expect(sent.at(-1)).to.deep.equal({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-resource-ready', params: { html: '<p>x</p>' } });
    session.toolInput({ q: 1 });
    session.toolResult({ content: [{ type: 'text', text: 'r' }] });
    const methods = () => sent.map((m) => m['method']).filter((m) => typeof m === 'string' && m.startsWith('ui/notifications/tool'));
    expect(methods()).to.deep.equal([]);
    deliver(init);
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/initialized', params: {} });
    expect(methods()).to.deep.equal(['ui/notifications/tool-input', 'ui/notifications/tool-result']);
    // The view reloaded: a new handshake, and the same input and last result again.
    deliver({ ...init, id: 2 });
    deliver({ jsonrpc: '2.0', method: 'ui/notifications/initialized', params: {} });
    expect(methods()).to.deep.equal(['ui/notifications/tool-input', 'ui/notifications/tool-result', 'ui/notifications/tool-input', 'ui/notifications/tool-result']);
    session.toolInputPartial({ q: 2 }); // complete input known: partials stop
    expect(methods()).to.have.length(4);
    await session.teardown('done', 10);
    expect(session.bridge.state).to.equal('closed');
  });
});
