// @ts-check
/** /mcp over Streamable HTTP, driven by the SDK's own client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDemoServer } from '../../demo/server/server.mjs';
import { eventually, fetchJson, hookUrl } from './raw-client.mjs';

/** @type {Awaited<ReturnType<typeof startDemoServer>>} */
let demo;
before(async () => {
  demo = await startDemoServer({ testHooks: true });
});
after(() => demo.close());

/** @param {string} [query] */
async function connectClient(query = '') {
  const client = new Client({ name: 'node-test', version: '0' });
  const transport = new StreamableHTTPClientTransport(new URL(demo.httpUrl + query));
  await client.connect(transport);
  return { client, transport };
}

describe('Streamable HTTP', () => {
  it('initializes, pages tools/list, and calls tools', async () => {
    const { client, transport } = await connectClient();
    assert.equal(client.getServerVersion()?.name, 'toolgate-demo');
    assert.equal(typeof transport.sessionId, 'string');

    /** @type {string[]} */
    const names = [];
    let pages = 0;
    /** @type {string | undefined} */
    let cursor;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      pages++;
      assert.ok(page.tools.length <= 5);
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    assert.ok(pages >= 3, `${pages} pages`);
    assert.ok(names.length >= 12);
    assert.equal(new Set(names).size, names.length);

    const echoed = await client.callTool({ name: 'echo', arguments: { text: 'over http' } });
    assert.deepEqual(echoed.content, [{ type: 'text', text: 'over http' }]);
    const chart = await client.callTool({ name: 'render_chart', arguments: {} });
    const image = /** @type {{ type: string, data: string }[]} */ (chart.content).find((c) => c.type === 'image');
    assert.deepEqual([...Buffer.from(image?.data ?? '', 'base64').subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    await assert.rejects(client.listTools({ cursor: 'garbage' }), (error) => /** @type {{ code?: number }} */ (error).code === -32602);
    await transport.terminateSession();
    await client.close();
  });

  it('keeps sessions apart and forgets terminated ones', async () => {
    const a = await connectClient();
    const b = await connectClient();
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);
    await a.client.callTool({ name: 'delete_note', arguments: { id: 'note-1' } });
    const inB = await b.client.callTool({ name: 'get_note', arguments: { id: 'note-1' } });
    assert.notEqual(inB.isError, true, 'b still has note-1');

    const sessionId = a.transport.sessionId ?? '';
    await a.transport.terminateSession();
    const stale = await fetch(demo.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(stale.status, 404, 'a terminated session is unknown');
    await a.client.close();
    await b.transport.terminateSession();
    await b.client.close();
  });

  it('records cancellations of sessions opened with ?tag=', async () => {
    const { client, transport } = await connectClient('?tag=http-cancel');
    const controller = new AbortController();
    const call = client.callTool(
      { name: 'count_slowly', arguments: { count: 1000, delayMs: 10 } },
      undefined,
      { signal: controller.signal, onprogress: (p) => p.progress === 2 && controller.abort('stop please') },
    );
    await assert.rejects(call);
    const { body } = await eventually(() => fetchJson(hookUrl(demo.httpUrl, 'cancellations', 'http-cancel')), (r) => r.body.length > 0);
    assert.equal(body[0].tool, 'count_slowly');
    assert.equal(body[0].reason, 'stop please');
    await transport.terminateSession();
    await client.close();
  });

  it('sends CORS headers, answers the preflight with 204, and rejects requests without a session', async () => {
    const preflight = await fetch(demo.httpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'mcp-session-id' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /mcp-session-id/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /last-event-id/);

    const init = await fetch(demo.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fetch', version: '0' } },
      }),
    });
    assert.equal(init.status, 200);
    assert.equal(init.headers.get('access-control-allow-origin'), '*', 'CORS survives the SDK writing the response');
    assert.match(init.headers.get('access-control-expose-headers') ?? '', /mcp-session-id/);
    assert.ok(init.headers.get('mcp-session-id'));
    await init.body?.cancel();

    const noSession = await fetchJson(demo.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(noSession.status, 400);
    const badJson = await fetchJson(demo.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error.code, -32700);
  });
});
