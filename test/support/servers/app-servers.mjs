// @ts-check
/**
 * MCP App servers for the browser tests of MCP Apps (SEP-1865), on one node:http server on 127.0.0.1
 * (port 0), each over Streamable HTTP and over our WebSocket binding (demo/server/ws-transport.mjs):
 *
 *   /counter/mcp, /counter/ws   a server built with the ext-apps SDK's server helpers
 *                               (`registerAppTool`, `registerAppResource`); its view uses the ext-apps
 *                               `App` class, loaded from /assets/ (a declared resource domain)
 *   /basic/mcp, /basic/ws       the published example `@modelcontextprotocol/server-basic-vanillajs`
 *                               (its own `createServer()`, the SDK v2 it ships with)
 *   /hostile/mcp                a view that attacks the host (test/support/servers/hostile-view.html)
 *   /assets/app-with-deps.js    the ext-apps App SDK bundle (CORS *, for opaque-origin views)
 *
 * And a second server standing for an UNDECLARED domain: /leak records every request that reaches it
 * (a view's CSP must stop them), /leak/count says how many did.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerAppResource, registerAppTool, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { setCors } from '../../../demo/server/http-util.mjs';
import { createStreamableHttpEndpoint } from '../../../demo/server/streamable-http.mjs';
import { WebSocketServerTransport, selectSubprotocol } from '../../../demo/server/ws-transport.mjs';

const require = createRequire(import.meta.url);
const HOSTILE_HTML = new URL('./hostile-view.html', import.meta.url);

/** @typedef {{ server: { connect(t: unknown): Promise<void>, close(): Promise<void> } }} AnyServer */

/**
 * The counter view: the ext-apps `App` over postMessage, showing what the host sends and doing what a
 * test asks through its buttons (clicked from the test runner, inside the frame).
 * @param {string} assets origin of the App SDK bundle
 */
export function counterViewHtml(assets) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Counter</title>
<style>body{font:14px system-ui;margin:8px} #log{white-space:pre-wrap}</style></head>
<body data-view="counter">
<p>Input: <span id="input">none</span></p>
<p>Result: <span id="result">none</span></p>
<p>Call: <span id="call">none</span></p>
<p>Theme: <span id="theme">?</span> Mode: <span id="mode">?</span></p>
<button id="increment">Increment</button>
<button id="secret">Secret</button>
<button id="message">Message</button>
<button id="link">Link</button>
<button id="grow">Grow</button>
<button id="fullscreen">Full screen</button>
<button id="reload">Reload</button>
<button id="context">Context</button>
<p id="teardown"></p>
<script type="module">
import { App } from '${assets}/assets/app-with-deps.js';
const $ = (id) => document.getElementById(id);
const app = new App({ name: 'counter-view', version: '1.0.0' }, { availableDisplayModes: ['inline', 'fullscreen'] }, { autoResize: false });
app.ontoolinput = (p) => { $('input').textContent = JSON.stringify(p.arguments); };
app.ontoolresult = (r) => { $('result').textContent = JSON.stringify(r.structuredContent ?? r.content); };
app.onteardown = async () => { $('teardown').textContent = 'torn down'; return {}; };
const show = (p) => p.then((r) => { $('call').textContent = 'ok ' + JSON.stringify(r.structuredContent ?? r); }, (e) => { $('call').textContent = 'error ' + (e?.message ?? e); });
$('increment').onclick = () => show(app.callServerTool({ name: 'increment', arguments: { by: 2 } }));
$('secret').onclick = () => show(app.callServerTool({ name: 'secret_report', arguments: {} }));
$('message').onclick = () => show(app.sendMessage({ role: 'user', content: [{ type: 'text', text: 'Hello from the counter view' }] }));
$('link').onclick = () => show(app.openLink({ url: 'https://example.com/docs?from=counter' }));
$('grow').onclick = () => app.sendSizeChanged({ width: 300, height: 420 });
$('fullscreen').onclick = () => show(app.requestDisplayMode({ mode: 'fullscreen' }));
$('reload').onclick = () => location.reload();
$('context').onclick = () => show(app.updateModelContext({ content: [{ type: 'text', text: 'The person is looking at the counter.' }] }));
await app.connect();
const ctx = app.getHostContext();
$('theme').textContent = ctx?.theme ?? '?';
$('mode').textContent = ctx?.displayMode ?? '?';
app.onhostcontextchanged = (c) => { if (c.displayMode) $('mode').textContent = c.displayMode; };
</script></body></html>`;
}

/**
 * The counter server, on the official SDK with the ext-apps server helpers.
 * @param {string} assets
 */
export function createCounterServer(assets) {
  const server = new McpServer({ name: 'counter-app', version: '1.0.0' });
  const resourceUri = 'ui://counter/view.html';
  let count = 0;
  registerAppTool(
    server,
    'show_counter',
    {
      description: 'Shows the counter in an interactive view.',
      inputSchema: { start: z.number().int() },
      outputSchema: { count: z.number() },
      _meta: { ui: { resourceUri } },
    },
    async ({ start }) => {
      count = start;
      // Says whether the client declared MCP Apps in `initialize` (the tests check the capability).
      const ui = server.server.getClientCapabilities()?.extensions?.['io.modelcontextprotocol/ui'];
      return { content: [{ type: 'text', text: `The counter is at ${count}. Client UI capability: ${JSON.stringify(ui ?? null)}` }], structuredContent: { count } };
    },
  );
  registerAppTool(
    server,
    'increment',
    {
      description: 'Adds to the counter (for the view only).',
      inputSchema: { by: z.number().int() },
      outputSchema: { count: z.number() },
      _meta: { ui: { resourceUri, visibility: ['app'] } },
    },
    async ({ by }) => {
      count += by;
      return { content: [{ type: 'text', text: `The counter is at ${count}.` }], structuredContent: { count } };
    },
  );
  registerAppTool(
    server,
    'secret_report',
    { description: 'A report only the model may ask for.', inputSchema: {}, _meta: { ui: { visibility: ['model'] } } },
    async () => ({ content: [{ type: 'text', text: 'model-only data' }] }),
  );
  registerAppResource(server, 'Counter view', resourceUri, { description: 'The counter, interactive.' }, async () => ({
    contents: [{ uri: resourceUri, mimeType: RESOURCE_MIME_TYPE, text: counterViewHtml(assets), _meta: { ui: { csp: { resourceDomains: [assets] }, prefersBorder: true } } }],
  }));
  return server;
}

/**
 * A server whose view attacks the host. Its tools: `show_hostile` (with the view), `model_only`.
 * @param {string} html the hostile view
 */
function createHostileServer(html) {
  const server = new McpServer({ name: 'hostile-app', version: '1.0.0' });
  const resourceUri = 'ui://hostile/view.html';
  registerAppTool(server, 'show_hostile', { description: 'Shows a view.', inputSchema: {}, _meta: { ui: { resourceUri } } }, async () => ({
    content: [{ type: 'text', text: 'hostile view shown' }],
  }));
  registerAppTool(server, 'model_only', { description: 'Not for views.', inputSchema: {}, _meta: { ui: { visibility: ['model'] } } }, async () => ({
    content: [{ type: 'text', text: 'the view must never get this' }],
  }));
  registerAppResource(server, 'Hostile view', resourceUri, {}, async () => ({
    contents: [{ uri: resourceUri, mimeType: RESOURCE_MIME_TYPE, text: html }],
  }));
  return server;
}

/** `createServer` of the published example app server. */
async function loadBasicServer() {
  const path = require.resolve('@modelcontextprotocol/server-basic-vanillajs');
  const mod = /** @type {{ createServer: () => AnyServer['server'] }} */ (await import(path));
  return mod.createServer;
}

/** @returns {Promise<{ origin: string, leakOrigin: string, assetsOrigin: string, close: () => Promise<void> }>} */
export async function startAppServers() {
  const appWithDeps = await readFile(require.resolve('@modelcontextprotocol/ext-apps/app-with-deps'), 'utf8');
  const createBasic = await loadBasicServer();

  let leaks = 0;
  const leak = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    if (req.url === '/leak/count') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ leaks }));
    leaks++;
    res.writeHead(204).end();
  });
  await new Promise((resolve) => leak.listen(0, '127.0.0.1', () => resolve(undefined)));
  const leakAddress = /** @type {import('node:net').AddressInfo} */ (leak.address());
  const leakOrigin = `http://127.0.0.1:${leakAddress.port}`;

  const http = createServer();
  await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (http.address());
  const origin = `http://127.0.0.1:${address.port}`;
  const hostileHtml = (await readFile(HOSTILE_HTML, 'utf8')).replaceAll('__LEAK__', leakOrigin);

  /** @type {Record<string, () => AnyServer['server']>} */
  const factories = {
    counter: () => createCounterServer(origin),
    basic: () => createBasic(),
    hostile: () => createHostileServer(hostileHtml),
  };
  const endpoints = Object.fromEntries(
    Object.entries(factories).map(([name, make]) => [
      name,
      createStreamableHttpEndpoint({ createServer: /** @type {never} */ (() => make()) }),
    ]),
  );

  http.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    setCors(res, req);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (url.pathname === '/assets/app-with-deps.js') {
      res.setHeader('access-control-allow-origin', '*');
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(appWithDeps);
    }
    const name = url.pathname.split('/')[1] ?? '';
    const endpoint = endpoints[name];
    if (endpoint && url.pathname === `/${name}/mcp`) {
      endpoint.handle(req, res, url).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404).end();
  });

  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => selectSubprotocol(offered, { msgpack: false }) });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const name = url.pathname.split('/')[1] ?? '';
    const make = factories[name];
    if (!make || url.pathname !== `/${name}/ws`) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      // The transport listens at once: the client's initialize may arrive before connect() resolves.
      const transport = new WebSocketServerTransport(ws);
      void make().connect(transport);
    });
  });

  return {
    origin,
    leakOrigin,
    assetsOrigin: origin,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await Promise.allSettled(Object.values(endpoints).map((e) => e.close()));
      await Promise.allSettled([new Promise((r) => http.close(() => r(undefined))), new Promise((r) => leak.close(() => r(undefined)))]);
      http.closeAllConnections?.();
    },
  };
}
