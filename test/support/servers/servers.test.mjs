// @ts-check
/** The test servers themselves, from Node: routes, CORS, and the misbehaviour each path promises. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMisbehavingServer, CROSS_ORIGIN_ENDPOINT } from './misbehaving.mjs';
import { startSdkServers } from './sdk-servers.mjs';

/** Reads an SSE response until `predicate` matches the text so far, then cancels it. @param {Response} response @param {(text: string) => boolean} predicate */
async function readUntil(response, predicate) {
  const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!predicate(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
const post = (/** @type {string} */ url, /** @type {unknown} */ body) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(body) });

test('SDK servers: JSON-mode initialize, SSE-mode initialize, legacy SSE endpoint, CORS, 405 on POST /legacy/sse', async () => {
  const sdk = await startSdkServers();
  try {
    const json = await post(sdk.urls.json, initialize);
    assert.equal(json.status, 200);
    assert.match(String(json.headers.get('content-type')), /application\/json/);
    assert.ok(json.headers.get('mcp-session-id'));
    assert.equal(json.headers.get('access-control-allow-origin'), '*');
    assert.equal(/** @type {any} */ (await json.json()).result.serverInfo.name, 'sdk-json');

    const sse = await post(sdk.urls.sse, initialize);
    assert.match(String(sse.headers.get('content-type')), /text\/event-stream/);
    assert.equal(sse.headers.get('mcp-session-id'), null); // stateless
    assert.match(await readUntil(sse, (t) => t.includes('sdk-sse')), /sdk-sse/);

    const stream = await fetch(sdk.urls.legacySse, { headers: { accept: 'text/event-stream' } });
    assert.match(await readUntil(stream, (t) => t.includes('\n\n')), /^event: endpoint\ndata: \/legacy\/messages\?sessionId=/);
    assert.equal((await post(sdk.urls.legacySse, initialize)).status, 405);
  } finally {
    await sdk.close();
  }
});

test('misbehaving server: each tool misbehaves as documented and calls are counted', async () => {
  const bad = await startMisbehavingServer();
  try {
    const url = `${bad.origin}/mcp?tag=n`;
    const call = (/** @type {string} */ name) => post(url, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: {} } });
    assert.equal((await post(url, initialize)).status, 200);
    assert.equal(await (await call('non_json')).text(), '{"jsonrpc": "2.0", "id": ');
    assert.match(String((await call('wrong_type')).headers.get('content-type')), /text\/html/);
    assert.equal((await call('server_error')).status, 500);
    assert.doesNotMatch(await (await call('cut_stream')).text(), /\n\n$/);
    const dup = await (await call('duplicate')).text();
    assert.equal(dup.match(/"id":7/g)?.length, 2);
    assert.deepEqual(await (await fetch(`${bad.origin}/calls?tag=n&tool=server_error`)).json(), { calls: 1 });

    const cross = await fetch(`${bad.origin}/sse/cross-origin`);
    assert.equal(await readUntil(cross, (t) => t.includes('\n\n')), `event: endpoint\ndata: ${CROSS_ORIGIN_ENDPOINT}\n\n`);
    assert.equal((await fetch(`${bad.origin}/sse/ok`, { method: 'POST' })).status, 405);
  } finally {
    await bad.close();
  }
});

test('misbehaving server: /no-cors/* answers correctly but without any CORS header', async () => {
  const bad = await startMisbehavingServer();
  try {
    const init = await post(`${bad.origin}/no-cors/mcp`, initialize);
    assert.equal(init.status, 200);
    assert.equal(/** @type {any} */ (await init.json()).result.serverInfo.name, 'misbehaving');
    assert.equal(init.headers.get('access-control-allow-origin'), null);
    const sse = await fetch(`${bad.origin}/no-cors/sse`);
    assert.equal(sse.headers.get('access-control-allow-origin'), null);
    assert.match(await sse.text(), /^event: endpoint\n/);
  } finally {
    await bad.close();
  }
});

test('stateless 2026-07-28 server: discover, per-request _meta and header validation, -32022 for initialize and unknown versions, 404 for unknown methods, 405 for GET', async () => {
  const { startStatelessServer } = await import('./stateless-2026.mjs');
  const server = await startStatelessServer();
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} };
  /** @param {object} body @param {Record<string, string>} [headers] */
  const send = async (body, headers = {}) => {
    const r = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
    return { status: r.status, body: /** @type {any} */ (await r.json()) };
  };
  /** @param {string} method @param {string} [name] @returns {Record<string, string>} */
  const std = (method, name) => ({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(name && { 'mcp-name': name }) });
  try {
    const discover = await send({ jsonrpc: '2.0', id: 'd', method: 'server/discover', params: { _meta: meta } }, std('server/discover'));
    assert.equal(discover.status, 200);
    assert.deepEqual(discover.body.result.supportedVersions, ['2026-07-28']);
    assert.equal(discover.body.result._meta['io.modelcontextprotocol/serverInfo'].name, 'stateless-2026');

    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'forecast', arguments: { region: 'eu-west' }, _meta: meta } };
    const ok = await send(call, { ...std('tools/call', 'forecast'), 'mcp-param-region': 'eu-west' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.result.resultType, 'complete');
    assert.equal(ok.body.result.content[0].text, 'sunny in eu-west');

    for (const headers of /** @type {Record<string, string>[]} */ ([
      { ...std('tools/call', 'forecast') }, // Mcp-Param-Region missing
      { ...std('tools/call', 'forecast'), 'mcp-param-region': 'us-east' },
      { ...std('tools/call', 'echo'), 'mcp-param-region': 'eu-west' },
      { ...std('tools/list', 'forecast'), 'mcp-param-region': 'eu-west' },
      { 'mcp-method': 'tools/call', 'mcp-name': 'forecast', 'mcp-param-region': 'eu-west' },
    ])) {
      const bad = await send(call, headers);
      assert.equal(bad.status, 400, JSON.stringify(headers));
      assert.equal(bad.body.error.code, -32020);
    }
    const b64 = await send({ ...call, params: { ...call.params, arguments: { region: ' spaced ' } } }, {
      ...std('tools/call', 'forecast'),
      'mcp-param-region': `=?base64?${Buffer.from(' spaced ').toString('base64')}?=`,
    });
    assert.equal(b64.status, 200);

    const old = { ...meta, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' };
    const version = await send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: old } }, { ...std('tools/list'), 'mcp-protocol-version': '2099-01-01' });
    assert.equal(version.status, 400);
    assert.equal(version.body.error.code, -32022);
    assert.deepEqual(version.body.error.data.supported, ['2026-07-28']);

    const init = await send({ jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }, {});
    assert.equal(init.status, 400);
    assert.equal(init.body.error.code, -32022);
    assert.match(init.body.error.message, /2026-07-28/);

    const unknown = await send({ jsonrpc: '2.0', id: 4, method: 'nope/nothing', params: { _meta: meta } }, std('nope/nothing'));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, -32601);
    assert.equal((await fetch(server.url)).status, 405);
  } finally {
    await server.close();
  }
});
