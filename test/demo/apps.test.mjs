// @ts-check
/**
 * The demo's MCP Apps servers in Node: the app server lists its tools with their views and
 * visibility and serves the view with its CSP; the sandbox host serves the proxy with the headers
 * the README asks for, and nothing else.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startAppServer } from '../../demo/server/app-server.mjs';
import { startSandboxHost } from '../../demo/server/sandbox-host.mjs';

/** @type {Awaited<ReturnType<typeof startAppServer>>} */
let apps;
/** @type {Awaited<ReturnType<typeof startSandboxHost>>} */
let sandbox;

before(async () => {
  apps = await startAppServer();
  sandbox = await startSandboxHost({ frameAncestors: 'http://127.0.0.1:*' });
});
after(async () => {
  await apps.close();
  await sandbox.close();
});

/** One JSON-RPC exchange over the app server's Streamable HTTP session (SSE answers). */
async function session() {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await fetch(apps.httpUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
  });
  const id = init.headers.get('mcp-session-id') ?? '';
  await init.text();
  /** @param {string} method @param {unknown} [params] */
  return async (method, params = {}) => {
    const r = await fetch(apps.httpUrl, { method: 'POST', headers: { ...headers, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method, params }) });
    const text = await r.text();
    return JSON.parse(text.split('\n').find((l) => l.startsWith('data: '))?.slice(6) ?? text).result;
  };
}

test('the app server links its tools to the view and says who may call them', async () => {
  const call = await session();
  const { tools } = await call('tools/list');
  const ui = Object.fromEntries(tools.map((/** @type {any} */ t) => [t.name, t._meta?.ui]));
  assert.deepEqual(ui['show_counter'], { resourceUri: 'ui://counter/view.html' });
  assert.deepEqual(ui['increment'].visibility, ['app']);
  assert.deepEqual(ui['secret_report'].visibility, ['model']);
  const { contents } = await call('resources/read', { uri: 'ui://counter/view.html' });
  assert.equal(contents[0].mimeType, 'text/html;profile=mcp-app');
  assert.match(contents[0].text, /data-view="counter"/);
  assert.deepEqual(contents[0]._meta.ui.csp, { resourceDomains: [new URL(apps.httpUrl).origin] });
  const bundle = await fetch(new URL('/assets/app-with-deps.js', apps.httpUrl));
  assert.equal(bundle.headers.get('access-control-allow-origin'), '*');
});

test('the sandbox host serves the proxy page and script with frame-ancestors and nosniff only', async () => {
  for (const path of ['/mcp-app-sandbox.html', '/mcp-app-sandbox.js']) {
    const r = await fetch(new URL(path, sandbox.url));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-security-policy'), 'frame-ancestors http://127.0.0.1:*');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    await r.text();
  }
  assert.equal((await fetch(new URL('/package.json', sandbox.url))).status, 404);
});
