// @ts-check
/**
 * Real MCP servers on the official SDK, one node:http server on 127.0.0.1 (port 0), for the browser
 * tests of transport and era detection:
 *
 *   POST /json/mcp        McpServer over StreamableHTTPServerTransport, stateful, JSON responses
 *                         (`enableJsonResponse: true`)
 *   POST /sse-mode/mcp    the same, stateless (`sessionIdGenerator: undefined`), SSE responses
 *   GET  /legacy/sse      the SDK's 2024-11-05 HTTP+SSE server (SSEServerTransport): the stream,
 *   POST /legacy/messages   whose `endpoint` event names this path (`?sessionId=…`)
 *   POST /everything/mcp  `@modelcontextprotocol/server-everything` over Streamable HTTP (stateful),
 *                         only when that package can be imported (see `loadEverything`)
 *
 * Every answer carries the demo server's CORS headers; anything else is a 404 (405 for a wrong method
 * on a known path), as a server of that kind would answer a client probing it.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { readRpcBody, rpcError, sendJson, setCors } from '../../../demo/server/http-util.mjs';
import { createResourceGuard } from '../../../demo/server/oauth/resource-guard.mjs';
import { listenOnLoopback } from './listen.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {{ server: McpServer, cleanup?: (sessionId?: string) => void }} ServerHandle */

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * A small SDK server: `echo` and `add` (with structured output), named so a test can tell which
 * deployment answered.
 * @param {string} name
 * @returns {McpServer}
 */
export function createSmallServer(name) {
  const server = new McpServer({ name, version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Returns the text it was given.', inputSchema: { text: z.string() } },
    ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers.',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  return server;
}

/**
 * `createServer` of @modelcontextprotocol/server-everything, or undefined when it is not installed.
 * `TG_SERVER_EVERYTHING_DIR` may point at an installed copy of the package outside this project.
 * @returns {Promise<(() => ServerHandle) | undefined>}
 */
export async function loadEverything() {
  const dir = process.env.TG_SERVER_EVERYTHING_DIR;
  const specifier = dir
    ? pathToFileURL(`${dir.replace(/\/$/, '')}/dist/server/index.js`).href
    : '@modelcontextprotocol/server-everything/dist/server/index.js';
  try {
    const mod = /** @type {{ createServer: () => ServerHandle }} */ (await import(specifier));
    return typeof mod.createServer === 'function' ? mod.createServer : undefined;
  } catch {
    return undefined;
  }
}

/** @param {number} code @param {string} message */

/**
 * Stateful Streamable HTTP: `initialize` opens a session with its own transport and server.
 * @param {() => ServerHandle} factory
 * @param {{ enableJsonResponse?: boolean }} options
 */
export function statefulEndpoint(factory, options) {
  /** @type {Map<string, { transport: StreamableHTTPServerTransport, handle: ServerHandle }>} */
  const sessions = new Map();
  return {
    /** @param {IncomingMessage} req @param {ServerResponse} res @param {unknown} body */
    async handle(req, res, body) {
      const sessionId = req.headers['mcp-session-id'];
      if (typeof sessionId === 'string') {
        const session = sessions.get(sessionId);
        if (!session) return sendJson(res, 404, rpcError(-32001, 'Session not found'));
        return session.transport.handleRequest(req, res, body);
      }
      if (req.method !== 'POST' || !isInitializeRequest(body)) {
        return sendJson(res, 400, rpcError(-32000, 'Bad Request: no session; send initialize first'));
      }
      const handle = factory();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        ...(options.enableJsonResponse && { enableJsonResponse: true }),
        onsessioninitialized: (id) => void sessions.set(id, { transport, handle }),
      });
      transport.onclose = () => {
        if (transport.sessionId && sessions.delete(transport.sessionId)) handle.cleanup?.(transport.sessionId);
      };
      await handle.server.connect(transport);
      return transport.handleRequest(req, res, body);
    },
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map(({ transport, handle }) => (handle.cleanup?.(transport.sessionId), transport.close())));
    },
  };
}

/**
 * Stateless Streamable HTTP: a fresh transport and server per request (the SDK's stateless pattern).
 * @param {() => ServerHandle} factory
 */
function statelessEndpoint(factory) {
  return {
    /** @param {IncomingMessage} req @param {ServerResponse} res @param {unknown} body */
    async handle(req, res, body) {
      if (req.method !== 'POST') return sendJson(res, 405, rpcError(-32000, 'Method not allowed'));
      const { server } = factory();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close().then(() => server.close()));
      await server.connect(transport);
      return transport.handleRequest(req, res, body);
    },
    async close() {},
  };
}

/** The SDK's HTTP+SSE server (2024-11-05): one SSEServerTransport per GET stream. */
function legacySseEndpoint() {
  /** @type {Map<string, SSEServerTransport>} */
  const streams = new Map();
  return {
    /** @param {ServerResponse} res */
    async open(res) {
      const transport = new SSEServerTransport('/legacy/messages', res);
      streams.set(transport.sessionId, transport);
      transport.onclose = () => void streams.delete(transport.sessionId);
      await createSmallServer('sdk-legacy-sse').connect(transport);
    },
    /** @param {IncomingMessage} req @param {ServerResponse} res @param {URL} url */
    async post(req, res, url) {
      const transport = streams.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) return sendJson(res, 404, rpcError(-32001, 'Unknown session'));
      return transport.handlePostMessage(req, res);
    },
    async close() {
      const open = [...streams.values()];
      streams.clear();
      await Promise.allSettled(open.map((t) => t.close()));
    },
  };
}

/**
 * @returns {Promise<{ origin: string, urls: { json: string, sse: string, legacySse: string, everything?: string }, close: () => Promise<void> }>}
 */
export async function startSdkServers() {
  const everythingFactory = await loadEverything();
  const json = statefulEndpoint(() => ({ server: createSmallServer('sdk-json') }), { enableJsonResponse: true });
  const sse = statelessEndpoint(() => ({ server: createSmallServer('sdk-sse') }));
  const legacy = legacySseEndpoint();
  const everything = everythingFactory ? statefulEndpoint(everythingFactory, {}) : undefined;

  const server = createServer(async (req, res) => {
    setCors(res, req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      if (url.pathname === '/legacy/sse') {
        if (req.method !== 'GET') return sendJson(res, 405, { error: 'GET only' });
        return await legacy.open(res);
      }
      if (url.pathname === '/legacy/messages') {
        if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
        return await legacy.post(req, res, url);
      }
      const endpoint =
        url.pathname === '/json/mcp' ? json : url.pathname === '/sse-mode/mcp' ? sse : url.pathname === '/everything/mcp' ? everything : undefined;
      if (!endpoint) return sendJson(res, 404, { error: 'not found' });
      const read = await readRpcBody(req, res, MAX_BODY_BYTES);
      return read && (await endpoint.handle(req, res, read.body));
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, rpcError(-32603, err instanceof Error ? err.message : String(err)));
      else res.destroy();
    }
  });
  const { origin, close } = await listenOnLoopback(server);
  return {
    origin,
    urls: {
      json: `${origin}/json/mcp`,
      sse: `${origin}/sse-mode/mcp`,
      legacySse: `${origin}/legacy/sse`,
      ...(everything && { everything: `${origin}/everything/mcp` }),
    },
    close: async () => {
      await Promise.allSettled([json.close(), sse.close(), legacy.close(), everything?.close()]);
      await close();
    },
  };
}

/**
 * The SDK's HTTP+SSE server (2024-11-05) as an OAuth protected resource of `issuer`: the same two
 * paths as in `startSdkServers`, both answering 401 without a valid token for `<origin>/legacy/sse`
 * (the demo's resource guard: JWT, audience, DPoP, scopes), its protected-resource metadata, and the
 * guard's counters at `/__test/auth/stats` (as the demo server's test hooks).
 * Servers that predate Streamable HTTP but added authorization look like this.
 * @param {{ issuer: string }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startProtectedLegacySse({ issuer }) {
  const legacy = legacySseEndpoint();
  /** Set once listening (the resource URL names the port). @type {import('../../../demo/server/oauth/resource-guard.mjs').ResourceGuard | undefined} */
  let guard;
  const server = createServer(async (req, res) => {
    setCors(res, req);
    res.setHeader('access-control-allow-headers', `${res.getHeader('access-control-allow-headers')}, dpop`);
    res.setHeader('access-control-expose-headers', `${res.getHeader('access-control-expose-headers')}, dpop-nonce`);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      if (!guard) return sendJson(res, 503, { error: 'starting' });
      if (url.pathname === guard.metadataPath) return sendJson(res, 200, guard.metadata());
      if (url.pathname === '/__test/auth/stats') return sendJson(res, 200, guard.stats);
      const verdict = await guard.verify(req);
      if (!verdict.ok) return void res.writeHead(verdict.status, { 'content-type': 'application/json', ...verdict.headers }).end(JSON.stringify(verdict.body));
      if (url.pathname === '/legacy/sse' && req.method === 'GET') return await legacy.open(res);
      if (url.pathname === '/legacy/messages' && req.method === 'POST') return await legacy.post(req, res, url);
      return sendJson(res, 404, { error: 'not found' });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, rpcError(-32603, err instanceof Error ? err.message : String(err)));
      else res.destroy();
    }
  });
  const { origin, close } = await listenOnLoopback(server);
  const url = `${origin}/legacy/sse`;
  guard = createResourceGuard({ issuer, resource: url });
  return { url, close: async () => void (await Promise.allSettled([legacy.close(), close()])) };
}
