// @ts-check
/**
 * The demo MCP server on one port: `/mcp` speaks MCP over WebSocket (upgrade) and over Streamable
 * HTTP (POST/GET/DELETE); `/__test/*` are the test hooks, only when asked for.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { readJsonBody, sendJson, setCors } from './http-util.mjs';
import { createResourceGuard } from './oauth/resource-guard.mjs';
import { ChangingTools } from './changing-tool.mjs';
import { createDemoMcpServer } from './mcp-server.mjs';
import { createStreamableHttpEndpoint } from './streamable-http.mjs';
import { handleTestHook, TaggedConnections } from './test-hooks.mjs';
import { CLOSE_SERVER_ERROR, DEFAULT_MAX_FRAME_BYTES, selectSubprotocol, WebSocketServerTransport } from './ws-transport.mjs';

/**
 * @typedef {object} DemoOAuthOptions
 * @property {string} issuer the authorization server whose JWT access tokens are accepted
 * @property {string[]} [scopes] needed for any request; default notes:read
 * @property {Record<string, string[]>} [toolScopes] extra scopes per tool; default delete_note → notes:write
 */

/**
 * @typedef {object} DemoServerOptions
 * @property {string} [host] default 127.0.0.1
 * @property {number} [port] default 0 (any free port)
 * @property {boolean} [testHooks] serve `/__test/*`; default false (they answer 404)
 * @property {boolean} [msgpack] accept the `mcp.msgpack` subprotocol; default true
 * @property {number} [maxFrameBytes] largest accepted WebSocket message; default 4 MiB
 * @property {DemoOAuthOptions} [oauth] protect `/mcp` with OAuth (see oauth/resource-guard.mjs)
 * @property {boolean} [changingTool] add `daily_tip` and its control `POST /__demo/change-tool` (changing-tool.mjs),
 *   the demo page's quarantine scene; default false
 * @property {(error: Error, context: { tag: string | undefined }) => void} [onError] errors of
 *   connections (bad frames, send failures), e.g. for logging; they never close the server
 */

/**
 * @typedef {object} DemoServer
 * @property {number} port
 * @property {string} wsUrl e.g. ws://127.0.0.1:8787/mcp
 * @property {string} httpUrl e.g. http://127.0.0.1:8787/mcp
 * @property {import('./oauth/resource-guard.mjs').ResourceGuard} [guard] with `oauth`: the token checks and their counters
 * @property {() => Promise<void>} close drops every connection and stops listening
 */

/** The tool names a JSON-RPC body calls (batches too), for per-tool scopes. @param {unknown} body */
function calledTools(body) {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((m) => (m && typeof m === 'object' && m.method === 'tools/call' && typeof m.params?.name === 'string' ? [m.params.name] : []));
}

/**
 * @param {DemoServerOptions} [options]
 * @returns {Promise<DemoServer>}
 */
export async function startDemoServer({ host = '127.0.0.1', port = 0, testHooks = false, msgpack = true, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, oauth, changingTool = false, onError } = {}) {
  const connections = new TaggedConnections();
  const changing = changingTool ? new ChangingTools() : undefined;
  /** Set once listening (the resource URL names the port). @type {import('./oauth/resource-guard.mjs').ResourceGuard | undefined} */
  let guard;

  /** @param {string | undefined} tag */
  const newMcpServer = (tag) => {
    const server = createDemoMcpServer({ onCancel: (record) => connections.recordCancellation(tag, record) });
    changing?.register(server);
    server.server.onerror = (error) => {
      connections.recordError(tag, error);
      onError?.(error, { tag });
    };
    return server;
  };

  const http = createStreamableHttpEndpoint({
    createServer: newMcpServer,
    ...(oauth && {
      authorize: async (/** @type {import('node:http').IncomingMessage} */ req, /** @type {unknown} */ body) => {
        if (!guard) return { status: 503, headers: {}, body: { error: 'starting' } };
        for (const tool of calledTools(body).length ? calledTools(body) : [undefined]) {
          const verdict = await guard.verify(req, tool ? { tool } : {});
          if (!verdict.ok) return verdict;
        }
        return undefined;
      },
    }),
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => selectSubprotocol(offered, { msgpack }),
    // Above our own limit, so an oversized message reaches the transport, which reports it and
    // keeps the socket, instead of ws closing it with 1009.
    maxPayload: 2 * maxFrameBytes,
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isHook = testHooks && url.pathname.startsWith('/__test/');
    const isAuth = guard !== undefined && (url.pathname === guard.metadataPath || url.pathname === guard.ticketPath || (isHook && url.pathname.startsWith('/__test/auth/')));
    const isControl = changing !== undefined && url.pathname === '/__demo/change-tool';
    if (url.pathname !== '/mcp' && !isHook && !isAuth && !isControl) return void res.writeHead(404).end();
    setCors(res, req);
    if (guard) {
      // DPoP (RFC 9449): the proof header, and the nonce a server may ask for.
      res.setHeader('access-control-allow-headers', `${res.getHeader('access-control-allow-headers')}, dpop`);
      res.setHeader('access-control-expose-headers', `${res.getHeader('access-control-expose-headers')}, dpop-nonce`);
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (isControl) {
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      // ?changed=false puts the original description back.
      return sendJson(res, 200, { sessions: changing?.set(url.searchParams.get('changed') !== 'false') });
    }
    const handled = isAuth && guard ? handleAuth(req, res, url, guard) : isHook ? handleTestHook(req, res, url, connections, http) : http.handle(req, res, url);
    handled.catch((error) => {
      onError?.(error, { tag: url.searchParams.get('tag') ?? undefined });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/mcp') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (oauth) {
      // The single-use ticket travels as a subprotocol (`mcp.ticket.<ticket>`); it is burnt here.
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!guard?.redeemTicket(offered)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tag = url.searchParams.get('tag') ?? undefined;
      connections.addSocket(ws, tag);
      const transport = new WebSocketServerTransport(ws, { maxFrameBytes });
      newMcpServer(tag)
        .connect(transport)
        .catch((error) => {
          onError?.(error, { tag });
          ws.close(CLOSE_SERVER_ERROR, 'could not start the MCP session');
        });
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  const authority = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  if (oauth) {
    guard = createResourceGuard({
      issuer: oauth.issuer,
      resource: `http://${authority}/mcp`,
      ...(oauth.scopes && { scopes: oauth.scopes }),
      ...(oauth.toolScopes && { toolScopes: oauth.toolScopes }),
    });
  }

  return {
    port: address.port,
    wsUrl: `ws://${authority}/mcp`,
    httpUrl: `http://${authority}/mcp`,
    ...(guard && { guard }),
    async close() {
      for (const ws of connections.allSockets()) ws.terminate();
      await http.close();
      wss.close();
      // Open SSE streams and keep-alive sockets would otherwise hold server.close() forever.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * Protected-resource metadata, the WebSocket ticket endpoint, and (test hooks) `/__test/auth/stats`
 * and `/__test/auth/expire` (every token accepted so far now counts as expired).
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {import('./oauth/resource-guard.mjs').ResourceGuard} guard
 */
async function handleAuth(req, res, url, guard) {
  if (url.pathname === guard.metadataPath) return sendJson(res, 200, guard.metadata());
  if (url.pathname === guard.ticketPath) {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const verdict = await guard.verify(req);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'application/json', ...verdict.headers }).end(JSON.stringify(verdict.body));
      return;
    }
    res.setHeader('cache-control', 'no-store');
    return sendJson(res, 200, guard.issueTicket(verdict.principal));
  }
  if (url.pathname === '/__test/auth/stats') return sendJson(res, 200, { ...guard.stats });
  if (url.pathname === '/__test/auth/expire' && req.method === 'POST') {
    await readJsonBody(req, 1024).catch(() => undefined);
    return sendJson(res, 200, { expired: guard.expireAccepted() });
  }
  return sendJson(res, 404, { error: 'not found' });
}
