// @ts-check
/** The demo MCP server over WebSocket, as a raw client sees it, in both framings. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { startDemoServer } from '../../demo/server/server.mjs';
import { connectRaw, eventually, fetchJson, hookUrl } from './raw-client.mjs';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** @type {Awaited<ReturnType<typeof startDemoServer>>} */
let demo;
before(async () => {
  demo = await startDemoServer({ testHooks: true });
});
after(() => demo.close());

describe('subprotocol negotiation', () => {
  it('picks mcp.msgpack when offered and enabled', async () => {
    const client = await connectRaw(demo.wsUrl, ['mcp.msgpack', 'mcp']);
    assert.equal(client.protocol, 'mcp.msgpack');
    await client.close();
  });

  it('picks mcp when only mcp is offered', async () => {
    const client = await connectRaw(demo.wsUrl, ['mcp']);
    assert.equal(client.protocol, 'mcp');
    await client.close();
  });

  it('picks mcp when msgpack is disabled on the server', async () => {
    const plain = await startDemoServer({ msgpack: false });
    try {
      const client = await connectRaw(plain.wsUrl, ['mcp.msgpack', 'mcp']);
      assert.equal(client.protocol, 'mcp');
      await client.initialize();
      await client.close();
    } finally {
      await plain.close();
    }
  });

  it('refuses upgrades on other paths', async () => {
    await assert.rejects(connectRaw(demo.wsUrl.replace('/mcp', '/other'), ['mcp']), /404/);
  });
});

for (const protocol of ['mcp', 'mcp.msgpack']) {
  describe(`over ${protocol}`, () => {
    it('initializes as toolgate-demo with the tools capability', async () => {
      const client = await connectRaw(demo.wsUrl, [protocol]);
      const result = await client.initialize();
      assert.equal(result.serverInfo.name, 'toolgate-demo');
      assert.ok(result.capabilities.tools, 'tools capability');
      assert.equal(client.received[0]?.binary, protocol === 'mcp.msgpack');
      await client.close();
    });

    it('pages tools/list by 5 with opaque cursors: ≥ 3 pages, ≥ 12 distinct tools', async () => {
      const client = await connectRaw(demo.wsUrl, [protocol]);
      await client.initialize();
      const pages = await client.listAllTools();
      assert.ok(pages.length >= 3, `${pages.length} pages`);
      for (const page of pages.slice(0, -1)) {
        assert.equal(page.tools.length, 5);
        assert.equal(typeof page.nextCursor, 'string');
        assert.doesNotMatch(page.nextCursor, /^\d+$/, 'not a bare offset');
      }
      assert.ok((pages.at(-1)?.tools.length ?? 0) <= 5);
      const names = pages.flatMap((p) => p.tools.map((/** @type {{ name: string }} */ t) => t.name));
      assert.ok(names.length >= 12, `${names.length} tools`);
      assert.equal(new Set(names).size, names.length, 'no duplicates across pages');
      for (const name of ['search_notes', 'delete_note', 'count_slowly', 'render_chart', 'echo']) assert.ok(names.includes(name), name);

      const tools = pages.flatMap((p) => p.tools);
      const byName = new Map(tools.map((t) => [t.name, t]));
      assert.equal(byName.get('search_notes').annotations.readOnlyHint, true);
      assert.equal(byName.get('delete_note').annotations.destructiveHint, true);
      assert.deepEqual(byName.get('count_slowly').inputSchema.required, ['count']);
      for (const tool of tools) {
        assert.equal(tool.inputSchema.type, 'object', `${tool.name} has an object input schema`);
        assert.equal(typeof tool.title, 'string', `${tool.name} has a title`);
        // MessagePack would keep undefined fields as nil; the transport must drop them like JSON does.
        for (const [key, value] of Object.entries(tool)) assert.notEqual(value, null, `${tool.name}.${key} is not null`);
      }
      await client.close();
    });

    it('answers an invalid cursor with -32602', async () => {
      const client = await connectRaw(demo.wsUrl, [protocol]);
      await client.initialize();
      for (const cursor of ['garbage', '5', Buffer.from('offset:1000').toString('base64url')]) {
        const response = await client.request('tools/list', { cursor });
        assert.equal(response.error?.code, -32602, `cursor ${cursor}`);
      }
      await client.close();
    });

    it('render_chart returns a real PNG, as bin under msgpack and base64 under JSON', async () => {
      const client = await connectRaw(demo.wsUrl, [protocol]);
      await client.initialize();
      const id = 'chart-1';
      client.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'render_chart', arguments: {} } });
      const frame = await client.waitFor((r) => r.message.id === id);
      const rawImage = frame.raw.result.content.find((/** @type {{ type: string }} */ c) => c.type === 'image');
      assert.equal(rawImage.mimeType, 'image/png');
      if (protocol === 'mcp.msgpack') assert.ok(rawImage.data instanceof Uint8Array, 'bin on the wire');
      else assert.equal(typeof rawImage.data, 'string', 'base64 on the wire');

      const image = frame.message.result.content.find((/** @type {{ type: string }} */ c) => c.type === 'image');
      const png = Buffer.from(image.data, 'base64');
      assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
      assert.equal(png.toString('latin1', 12, 16), 'IHDR');
      assert.equal(png.readUInt32BE(16), 64);
      assert.equal(png.readUInt32BE(20), 64);
      const idatLength = png.readUInt32BE(33);
      assert.equal(png.toString('latin1', 37, 41), 'IDAT');
      assert.equal(inflateSync(png.subarray(41, 41 + idatLength)).length, 64 * (1 + 64 * 4));
      assert.ok(frame.message.result.content.some((/** @type {{ type: string }} */ c) => c.type === 'text'));
      await client.close();
    });

    it('count_slowly reports progress and finishes', async () => {
      const client = await connectRaw(demo.wsUrl, [protocol]);
      await client.initialize();
      const response = await client.request('tools/call', {
        name: 'count_slowly',
        arguments: { count: 3, delayMs: 1 },
        _meta: { progressToken: 'p-1' },
      });
      assert.deepEqual(response.result.content, [{ type: 'text', text: 'counted to 3' }]);
      const progress = client.received.map((r) => r.message).filter((m) => m.method === 'notifications/progress');
      assert.deepEqual(
        progress.map((m) => m.params),
        [1, 2, 3].map((i) => ({ progressToken: 'p-1', progress: i, total: 3, message: `step ${i}` })),
      );
      await client.close();
    });
  });
}

describe('tools', () => {
  /** @param {import('./raw-client.mjs').RawClient} client @param {string} name @param {Record<string, unknown>} args */
  const call = async (client, name, args) => (await client.request('tools/call', { name, arguments: args })).result;

  it('search, delete and create notes; each connection has its own notes', async () => {
    const a = await connectRaw(demo.wsUrl, ['mcp']);
    const b = await connectRaw(demo.wsUrl, ['mcp.msgpack']);
    await a.initialize();
    await b.initialize();
    assert.match((await call(a, 'search_notes', { query: 'lisbon' })).content[0].text, /note-5: Trip to Lisbon/);
    assert.match((await call(a, 'search_notes', { query: 'zebra' })).content[0].text, /No notes match/);

    const deleted = await call(a, 'delete_note', { id: 'note-5' });
    assert.notEqual(deleted.isError, true);
    assert.match((await call(a, 'search_notes', { query: 'lisbon' })).content[0].text, /No notes match/);
    assert.equal((await call(a, 'delete_note', { id: 'note-5' })).isError, true, 'unknown id is a tool error');
    assert.match((await call(b, 'search_notes', { query: 'lisbon' })).content[0].text, /note-5/, 'b still has it');

    assert.match((await call(a, 'create_note', { title: 'Pack', body: 'passport' })).content[0].text, /Created note-6/);
    assert.match((await call(a, 'list_notes', {})).content[0].text, /note-6: Pack/);
    await a.close();
    await b.close();
  });

  it('echo, add_numbers, word_count, reverse_text, uppercase, get_time', async () => {
    const client = await connectRaw(demo.wsUrl, ['mcp']);
    await client.initialize();
    assert.equal((await call(client, 'echo', { text: 'héllo ✓' })).content[0].text, 'héllo ✓');
    assert.equal((await call(client, 'add_numbers', { numbers: [1, 2, 3.5] })).content[0].text, '6.5');
    assert.equal((await call(client, 'word_count', { text: ' two  words ' })).content[0].text, '2 words, 12 characters');
    assert.equal((await call(client, 'reverse_text', { text: 'abc✓' })).content[0].text, '✓cba');
    assert.equal((await call(client, 'uppercase', { text: 'abc' })).content[0].text, 'ABC');
    assert.ok(!Number.isNaN(Date.parse((await call(client, 'get_time', {})).content[0].text)));
    assert.equal((await call(client, 'get_time', { timeZone: 'Not/AZone' })).isError, true);
    assert.equal((await call(client, 'count_slowly', { count: 0 })).isError, true, 'input schema is enforced');
    await client.close();
  });
});

describe('cancellation', () => {
  for (const protocol of ['mcp', 'mcp.msgpack']) {
    it(`notifications/cancelled stops count_slowly and is recorded (${protocol})`, async () => {
      const tag = `cancel-${protocol}`;
      const client = await connectRaw(`${demo.wsUrl}?tag=${tag}`, [protocol]);
      await client.initialize();
      const requestId = 42;
      client.send({
        jsonrpc: '2.0',
        id: requestId,
        method: 'tools/call',
        params: { name: 'count_slowly', arguments: { count: 1000, delayMs: 10 }, _meta: { progressToken: 'c' } },
      });
      await client.waitFor((r) => r.message.method === 'notifications/progress' && r.message.params.progress === 2);
      client.notify('notifications/cancelled', { requestId, reason: 'user pressed stop' });

      const { body } = await eventually(() => fetchJson(hookUrl(demo.httpUrl, 'cancellations', tag)), (r) => r.body.length > 0);
      assert.deepEqual(body, [{ tool: 'count_slowly', requestId, reason: 'user pressed stop' }]);

      // Progress stops and no response comes for the cancelled request.
      const countProgress = () => client.received.filter((r) => r.message.method === 'notifications/progress').length;
      const before = countProgress();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(countProgress() <= before + 1, 'progress stopped');
      assert.ok(!client.received.some((r) => r.message.id === requestId), 'no response to a cancelled request');
      // The connection is still fine.
      assert.ok((await client.request('ping')).result);
      await client.close();
    });
  }

  it('a connection drop aborts the running call too (recorded with the abort reason)', async () => {
    const tag = 'cancel-drop';
    const client = await connectRaw(`${demo.wsUrl}?tag=${tag}`, ['mcp']);
    await client.initialize();
    client.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'count_slowly', arguments: { count: 1000, delayMs: 10 } } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.ws.terminate();
    const { body } = await eventually(() => fetchJson(hookUrl(demo.httpUrl, 'cancellations', tag)), (r) => r.body.length > 0);
    assert.equal(body[0].tool, 'count_slowly');
    assert.equal(body[0].requestId, 1);
    assert.match(body[0].reason, /abort/i);
  });
});
