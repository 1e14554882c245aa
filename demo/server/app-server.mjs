// @ts-check
/**
 * The demo's MCP App server: a counter with an interactive view (SEP-1865), built with the ext-apps
 * SDK's server helpers (`registerAppTool`, `registerAppResource`) on the official MCP SDK. Its view
 * uses the ext-apps `App` class, loaded from `<assets>/assets/app-with-deps.js` — a resource domain
 * the view declares in its CSP. Tools:
 *   show_counter   (model and app)  shows the view; says whether the client declared MCP Apps
 *   increment      (app only)       what the view's button calls (through the host's gate)
 *   secret_report  (model only)     a view asking for it is refused
 * Used by `npm start` (below, `startAppServer`) and by the browser tests (test/support/servers/).
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerAppResource, registerAppTool, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { setCors } from './http-util.mjs';
import { createStreamableHttpEndpoint } from './streamable-http.mjs';
import { WebSocketServerTransport, selectSubprotocol } from './ws-transport.mjs';

const require = createRequire(import.meta.url);

/** The ext-apps App SDK bundle the counter view imports (served with CORS *: views have opaque origins). */
export async function appSdkBundle() {
  return readFile(require.resolve('@modelcontextprotocol/ext-apps/app-with-deps'), 'utf8');
}

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
      annotations: { readOnlyHint: true, openWorldHint: false },
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
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
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
 * The counter over Streamable HTTP (`/apps/mcp`) and WebSocket (`/apps/ws`), with the App SDK at
 * `/assets/app-with-deps.js`, on 127.0.0.1.
 * @param {{ host?: string, port?: number }} [options]
 * @returns {Promise<{ httpUrl: string, wsUrl: string, origin: string, close: () => Promise<void> }>}
 */
export async function startAppServer({ host = '127.0.0.1', port = 0 } = {}) {
  const bundle = await appSdkBundle();
  const http = createServer();
  await new Promise((resolve) => http.listen(port, host, () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (http.address());
  const origin = `http://${host}:${address.port}`;
  const endpoint = createStreamableHttpEndpoint({ createServer: () => createCounterServer(origin) });
  http.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    setCors(res, req);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (url.pathname === '/assets/app-with-deps.js') return void res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' }).end(bundle);
    if (url.pathname === '/apps/mcp') return void endpoint.handle(req, res, url).catch(() => res.headersSent || res.writeHead(500).end());
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => selectSubprotocol(offered, { msgpack: false }) });
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', origin).pathname !== '/apps/ws') return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => void createCounterServer(origin).connect(new WebSocketServerTransport(ws)));
  });
  return {
    httpUrl: `${origin}/apps/mcp`,
    wsUrl: `ws://${host}:${address.port}/apps/ws`,
    origin,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await endpoint.close();
      await new Promise((resolve) => http.close(() => resolve(undefined)));
      http.closeAllConnections?.();
    },
  };
}
