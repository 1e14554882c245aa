// @ts-check
/** WebSocketServerTransport on its own, over a bare ws server, with a small frame limit. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { WebSocketServer } from 'ws';
import { selectSubprotocol, WebSocketServerTransport } from '../../demo/server/ws-transport.mjs';
import { connectRaw, eventually } from './raw-client.mjs';

describe('selectSubprotocol', () => {
  it('prefers mcp.msgpack when offered and enabled', () => {
    assert.equal(selectSubprotocol(new Set(['mcp', 'mcp.msgpack']), { msgpack: true }), 'mcp.msgpack');
    assert.equal(selectSubprotocol(new Set(['mcp.msgpack']), { msgpack: true }), 'mcp.msgpack');
  });
  it('falls back to mcp when msgpack is disabled or not offered', () => {
    assert.equal(selectSubprotocol(new Set(['mcp', 'mcp.msgpack']), { msgpack: false }), 'mcp');
    assert.equal(selectSubprotocol(new Set(['mcp']), { msgpack: true }), 'mcp');
  });
  it('returns false when nothing it knows is offered', () => {
    assert.equal(selectSubprotocol(new Set(['graphql-ws']), { msgpack: true }), false);
    assert.equal(selectSubprotocol(new Set(['mcp.msgpack']), { msgpack: false }), false);
    assert.equal(selectSubprotocol(new Set(), { msgpack: true }), false);
  });
});

describe('WebSocketServerTransport', () => {
  const LIMIT = 1024;
  /** @type {WebSocketServer} */
  let wss;
  /** @type {string} */
  let url;
  /** The server side of the latest connection. */
  let last = /** @type {{ transport: WebSocketServerTransport, messages: unknown[], errors: (Error & { code?: string })[], closed: boolean } | undefined} */ (undefined);

  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 2 * LIMIT, handleProtocols: (p) => selectSubprotocol(p, { msgpack: true }) });
    await new Promise((resolve) => wss.once('listening', () => resolve(undefined)));
    const address = /** @type {import('node:net').AddressInfo} */ (wss.address());
    url = `ws://127.0.0.1:${address.port}`;
    wss.on('connection', (ws) => {
      const transport = new WebSocketServerTransport(ws, { maxFrameBytes: LIMIT });
      const state = { transport, messages: /** @type {unknown[]} */ ([]), errors: /** @type {Error[]} */ ([]), closed: false };
      transport.onmessage = (message) => {
        state.messages.push(message);
        // Answer requests so the test can see the socket still works.
        if ('id' in message && 'method' in message) void transport.send({ jsonrpc: '2.0', id: message.id, result: { echoed: message.method } });
      };
      transport.onerror = (error) => state.errors.push(error);
      transport.onclose = () => (state.closed = true);
      void transport.start();
      last = state;
    });
  });
  after(() => new Promise((resolve) => wss.close(() => resolve(undefined))));

  /** @returns {NonNullable<typeof last>} */
  const server = () => {
    assert.ok(last, 'a connection was accepted');
    return last;
  };

  it('JSON: reports an oversized frame as TG_FRAME_TOO_LARGE, drops it, and keeps working', async () => {
    const client = await connectRaw(url, ['mcp']);
    const big = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 'x'.repeat(LIMIT) } });
    client.ws.send(big);
    await eventually(async () => server().errors.length, (n) => n === 1);
    assert.equal(server().errors[0]?.code, 'TG_FRAME_TOO_LARGE');
    assert.equal(server().messages.length, 0, 'the oversized message was not delivered');
    const response = await client.request('ping');
    assert.deepEqual(response.result, { echoed: 'ping' });
    await client.close();
    await eventually(async () => server().closed, Boolean);
  });

  it('JSON: a frame exactly at the limit is accepted', async () => {
    const client = await connectRaw(url, ['mcp']);
    const template = (/** @type {string} */ data) => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { data } });
    const frame = template('x'.repeat(LIMIT - template('').length));
    assert.equal(Buffer.byteLength(frame), LIMIT);
    client.ws.send(frame);
    await client.request('ping');
    assert.equal(server().errors.length, 0);
    assert.equal(server().messages.length, 2);
    await client.close();
  });

  it('JSON: reports unparseable, non-JSON-RPC and binary frames as TG_PROTOCOL_ERROR and keeps working', async () => {
    const client = await connectRaw(url, ['mcp']);
    client.ws.send('{"jsonrpc": "2.0", "method": ');
    client.ws.send(JSON.stringify({ hello: 'world' }));
    client.ws.send(encode({ jsonrpc: '2.0', method: 'notifications/initialized' }), { binary: true });
    await eventually(async () => server().errors.length, (n) => n === 3);
    assert.deepEqual(server().errors.map((e) => e.code), ['TG_PROTOCOL_ERROR', 'TG_PROTOCOL_ERROR', 'TG_PROTOCOL_ERROR']);
    assert.match(server().errors[2]?.message ?? '', /binary frame/);
    assert.deepEqual((await client.request('tools/list')).result, { echoed: 'tools/list' });
    assert.equal(server().messages.length, 1);
    await client.close();
  });

  it('msgpack: accepts binary frames, refuses text frames and bad MessagePack', async () => {
    const client = await connectRaw(url, ['mcp.msgpack', 'mcp']);
    assert.equal(client.protocol, 'mcp.msgpack');
    assert.equal(server().transport.subprotocol, 'mcp.msgpack');
    client.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }));
    client.ws.send(Buffer.from([0xc1]), { binary: true }); // 0xc1 is never used in MessagePack
    await eventually(async () => server().errors.length, (n) => n === 2);
    assert.deepEqual(server().errors.map((e) => e.code), ['TG_PROTOCOL_ERROR', 'TG_PROTOCOL_ERROR']);
    const response = await client.request('ping');
    assert.deepEqual(response.result, { echoed: 'ping' });
    assert.equal(client.received.length, 1, 'the refused text request got no answer');
    assert.ok(client.received[0]?.binary, 'answers come as binary frames');
    await client.close();
  });

  it('msgpack: decodes bin fields back to base64 before the SDK sees them, and sends image data as bin', async () => {
    const client = await connectRaw(url, ['mcp.msgpack']);
    const bytes = Uint8Array.of(1, 2, 3, 250);
    client.ws.send(encode({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: { payload: bytes } } }), { binary: true });
    await eventually(async () => server().messages.length, (n) => n === 1);
    assert.deepEqual(server().messages[0], { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: { payload: 'AQID+g==' } } });

    await server().transport.send({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'image', mimeType: 'image/png', data: 'AQID+g==' }] } });
    const frame = await client.waitFor((r) => r.message.id === 7);
    assert.ok(frame.raw.result.content[0].data instanceof Uint8Array);
    assert.deepEqual([...frame.raw.result.content[0].data], [1, 2, 3, 250]);
    await client.close();
  });

  it('no subprotocol offered: JSON framing, and close() closes with 1000', async () => {
    const client = await connectRaw(url);
    assert.equal(client.protocol, '');
    assert.equal(server().transport.subprotocol, 'mcp');
    assert.deepEqual((await client.request('ping')).result, { echoed: 'ping' });
    const closed = client.closed();
    await server().transport.close();
    assert.equal((await closed).code, 1000);
    await eventually(async () => server().closed, Boolean);
  });

  it('send() rejects once the socket is closed', async () => {
    const client = await connectRaw(url, ['mcp']);
    await client.close();
    await eventually(async () => server().closed, Boolean);
    await assert.rejects(server().transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' }), /not open/);
  });
});
