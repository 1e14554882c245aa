// @ts-check
/**
 * MCP App servers for the browser tests of MCP Apps (SEP-1865), on one node:http server on 127.0.0.1
 * (port 0), each over Streamable HTTP and over our WebSocket binding (demo/server/ws-transport.mjs):
 *
 *   /counter/mcp, /counter/ws   the demo's app server (demo/server/app-server.mjs): built with the
 *                               ext-apps SDK's server helpers; its view uses the ext-apps `App` class,
 *                               loaded from /assets/ (a declared resource domain)
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
import { setCors } from '../../../demo/server/http-util.mjs';
import { appSdkBundle, createCounterServer } from '../../../demo/server/app-server.mjs';
import { createStreamableHttpEndpoint } from '../../../demo/server/streamable-http.mjs';
import { WebSocketServerTransport, selectSubprotocol } from '../../../demo/server/ws-transport.mjs';

const require = createRequire(import.meta.url);
const HOSTILE_HTML = new URL('./hostile-view.html', import.meta.url);

/** @typedef {{ server: { connect(t: unknown): Promise<void>, close(): Promise<void> } }} AnyServer */

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
  const appWithDeps = await appSdkBundle();
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
