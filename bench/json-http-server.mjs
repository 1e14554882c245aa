// @ts-check
/**
 * A second Streamable HTTP endpoint for the bench only: the demo's tools, but every POST answered
 * with a plain JSON body (`enableJsonResponse`) instead of an SSE stream, so both response modes of
 * the transport are measured. The demo server itself always answers with SSE.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createDemoMcpServer } from '../demo/server/mcp-server.mjs';
import { readJsonBody, sendJson, setCors } from '../demo/server/http-util.mjs';

/** @returns {Promise<{ httpUrl: string, close: () => Promise<void> }>} */
export async function startJsonResponseServer() {
  /** @type {Map<string, StreamableHTTPServerTransport>} */
  const sessions = new Map();
  const server = createServer((req, res) => {
    setCors(res);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const body = req.method === 'POST' ? await readJsonBody(req, 8 * 1024 * 1024) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      if (!transport) return sendJson(res, 404, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
      return transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'initialize first' } });
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createDemoMcpServer().connect(transport);
    return transport.handleRequest(req, res, body);
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    httpUrl: `http://127.0.0.1:${address.port}/mcp`,
    async close() {
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
