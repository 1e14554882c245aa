// @ts-check
/** The /__test/* endpoints, and bad frames seen through them on the full server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { startDemoServer } from '../../demo/server/server.mjs';
import { rawFrame } from '../../demo/server/test-hooks.mjs';
import { connectRaw, eventually, fetchJson, hookUrl } from './raw-client.mjs';

const LIMIT = 64 * 1024;

/** @type {Awaited<ReturnType<typeof startDemoServer>>} */
let demo;
before(async () => {
  demo = await startDemoServer({ testHooks: true, maxFrameBytes: LIMIT });
});
after(() => demo.close());

/**
 * @param {string} hook
 * @param {string} tag
 * @param {unknown} [body] POSTs when given
 */
const hook = (hook, tag, body) =>
  fetchJson(hookUrl(demo.httpUrl, hook, tag), body === undefined ? undefined : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('test hooks', () => {
  it('sockets: counts open sockets per tag with their subprotocols', async () => {
    const a = await connectRaw(`${demo.wsUrl}?tag=sockets`, ['mcp.msgpack', 'mcp']);
    const b = await connectRaw(`${demo.wsUrl}?tag=sockets`, ['mcp']);
    const other = await connectRaw(`${demo.wsUrl}?tag=elsewhere`, ['mcp']);
    const { status, body, headers } = await hook('sockets', 'sockets');
    assert.equal(status, 200);
    assert.equal(headers.get('access-control-allow-origin'), '*');
    assert.deepEqual({ open: body.open, protocols: [...body.protocols].sort() }, { open: 2, protocols: ['mcp', 'mcp.msgpack'] });
    await a.close();
    await eventually(() => hook('sockets', 'sockets'), (r) => r.body.open === 1);
    await b.close();
    await other.close();
  });

  it('drop: terminates tagged sockets without a close frame', async () => {
    const client = await connectRaw(`${demo.wsUrl}?tag=drop`, ['mcp']);
    const bystander = await connectRaw(`${demo.wsUrl}?tag=not-dropped`, ['mcp']);
    await client.initialize();
    const closed = client.closed();
    assert.deepEqual((await hook('drop', 'drop', {})).body, { dropped: 1 });
    assert.equal((await closed).code, 1006, 'abnormal closure');
    assert.equal((await hook('sockets', 'drop')).body.open, 0);
    assert.ok((await bystander.request('ping')).result, 'other tags are untouched');
    await bystander.close();
  });

  it('send-raw: text, base64 and padBytes frames reach the client as sent', async () => {
    const client = await connectRaw(`${demo.wsUrl}?tag=raw`, ['mcp']);
    assert.deepEqual((await hook('send-raw', 'raw', { text: 'not json {' })).body, { sent: 1 });
    const text = await client.waitFor(() => true);
    assert.equal(text.binary, false);
    assert.equal(text.bytes.toString('utf8'), 'not json {');

    // The raw client decodes binary frames as MessagePack, so send a MessagePack message.
    const base64 = Buffer.from(encode({ jsonrpc: '2.0', method: 'x/raw' })).toString('base64');
    assert.deepEqual((await hook('send-raw', 'raw', { base64 })).body, { sent: 1 });
    const binary = await client.waitFor((r) => r.binary);
    assert.equal(binary.message.method, 'x/raw');

    assert.deepEqual((await hook('send-raw', 'raw', { padBytes: 5000 })).body, { sent: 1 });
    const padded = await client.waitFor((r) => r.message.method === 'notifications/message');
    assert.equal(padded.binary, false);
    assert.equal(padded.bytes.length, 5000);
    assert.equal(padded.message.params.level, 'info');
    assert.match(padded.message.params.data, /^x+$/);
    await client.close();
  });

  it('send-raw: refuses bodies it cannot turn into a frame', async () => {
    assert.equal((await hook('send-raw', 'raw', { nothing: true })).status, 400);
    assert.equal((await hook('send-raw', 'raw', { padBytes: 3 })).status, 400);
    assert.throws(() => rawFrame({ padBytes: 1.5 }), /Body must be/);
  });

  it('needs a tag, and unknown hooks are 404', async () => {
    assert.equal((await fetchJson(new URL('/__test/sockets', demo.httpUrl).href)).status, 400);
    assert.equal((await hook('nope', 'x')).status, 404);
  });

  it('answers the CORS preflight with 204', async () => {
    const response = await fetch(hookUrl(demo.httpUrl, 'drop', 'x'), {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:9999', 'access-control-request-method': 'POST' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
  });

  it('are 404 without testHooks', async () => {
    const plain = await startDemoServer();
    try {
      for (const [method, name] of [['GET', 'cancellations'], ['GET', 'sockets'], ['POST', 'drop'], ['POST', 'send-raw']]) {
        const response = await fetch(hookUrl(plain.httpUrl, String(name), 'x'), { method, ...(method === 'POST' && { body: '{"text":"x"}' }) });
        assert.equal(response.status, 404, `${method} ${name}`);
      }
    } finally {
      await plain.close();
    }
  });
});

describe('bad frames on the full server', () => {
  for (const protocol of ['mcp', 'mcp.msgpack']) {
    it(`an oversized frame is reported and dropped; the socket keeps answering (${protocol})`, async () => {
      const tag = `big-${protocol}`;
      const client = await connectRaw(`${demo.wsUrl}?tag=${tag}`, [protocol]);
      await client.initialize();
      const notification = { jsonrpc: '2.0', method: 'notifications/message', params: { data: 'x'.repeat(LIMIT) } };
      if (protocol === 'mcp') client.ws.send(JSON.stringify(notification));
      else client.ws.send(encode(notification), { binary: true });
      const { body } = await eventually(() => hook('errors', tag), (r) => r.body.length > 0);
      assert.equal(body[0].code, 'TG_FRAME_TOO_LARGE');
      assert.ok((await client.request('tools/list')).result.tools.length > 0);
      assert.equal((await hook('sockets', tag)).body.open, 1);
      await client.close();
    });

    it(`a malformed frame is reported and dropped; the socket keeps answering (${protocol})`, async () => {
      const tag = `bad-${protocol}`;
      const client = await connectRaw(`${demo.wsUrl}?tag=${tag}`, [protocol]);
      await client.initialize();
      if (protocol === 'mcp') client.ws.send('{"jsonrpc":');
      else client.ws.send(Buffer.from([0xc1, 0x00]), { binary: true });
      client.ws.send(protocol === 'mcp' ? Buffer.from('{}') : '{}', { binary: protocol === 'mcp' }); // wrong frame kind
      const { body } = await eventually(() => hook('errors', tag), (r) => r.body.length >= 2);
      assert.deepEqual(body.map((/** @type {{ code: string }} */ e) => e.code), ['TG_PROTOCOL_ERROR', 'TG_PROTOCOL_ERROR']);
      assert.ok((await client.request('ping')).result);
      await client.close();
    });
  }
});
