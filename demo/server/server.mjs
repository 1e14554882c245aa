// @ts-check
/**
 * The demo MCP server on one port: `/mcp` speaks MCP over WebSocket (upgrade) and over Streamable
 * HTTP (POST/GET/DELETE); `/__test/*` are the test hooks, only when asked for.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { setCors } from './http-util.mjs';
import { createDemoMcpServer } from './mcp-server.mjs';
import { createStreamableHttpEndpoint } from './streamable-http.mjs';
import { handleTestHook, TaggedConnections } from './test-hooks.mjs';
import { CLOSE_SERVER_ERROR, DEFAULT_MAX_FRAME_BYTES, selectSubprotocol, WebSocketServerTransport } from './ws-transport.mjs';

/**
 * @typedef {object} DemoServerOptions
 * @property {string} [host] default 127.0.0.1
 * @property {number} [port] default 0 (any free port)
 * @property {boolean} [testHooks] serve `/__test/*`; default false (they answer 404)
 * @property {boolean} [msgpack] accept the `mcp.msgpack` subprotocol; default true
 * @property {number} [maxFrameBytes] largest accepted WebSocket message; default 4 MiB
 * @property {(error: Error, context: { tag: string | undefined }) => void} [onError] errors of
 *   connections (bad frames, send failures), e.g. for logging; they never close the server
 */

/**
 * @typedef {object} DemoServer
 * @property {number} port
 * @property {string} wsUrl e.g. ws://127.0.0.1:8787/mcp
 * @property {string} httpUrl e.g. http://127.0.0.1:8787/mcp
 * @property {() => Promise<void>} close drops every connection and stops listening
 */

/**
 * @param {DemoServerOptions} [options]
 * @returns {Promise<DemoServer>}
 */
export async function startDemoServer({ host = '127.0.0.1', port = 0, testHooks = false, msgpack = true, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, onError } = {}) {
  const connections = new TaggedConnections();

  /** @param {string | undefined} tag */
  const newMcpServer = (tag) => {
    const server = createDemoMcpServer({ onCancel: (record) => connections.recordCancellation(tag, record) });
    server.server.onerror = (error) => {
      connections.recordError(tag, error);
      onError?.(error, { tag });
    };
    return server;
  };

  const http = createStreamableHttpEndpoint({ createServer: newMcpServer });
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
    if (url.pathname !== '/mcp' && !isHook) return void res.writeHead(404).end();
    setCors(res, req);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const handled = isHook ? handleTestHook(req, res, url, connections, http) : http.handle(req, res, url);
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

  return {
    port: address.port,
    wsUrl: `ws://${authority}/mcp`,
    httpUrl: `http://${authority}/mcp`,
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
