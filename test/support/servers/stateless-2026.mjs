// @ts-check
/**
 * A 2026-07-28 (modern, stateless) MCP server for the browser tests: the official SDK's low-level
 * `Server` does the method handling, and this file is the stateless Streamable HTTP binding the SDK
 * does not have yet (docs/specification/draft/basic/transports/streamable-http.mdx):
 *
 *   POST /mcp   one JSON-RPC request per POST, answered with JSON; per-request `_meta` required
 *               (`io.modelcontextprotocol/protocolVersion`, …/clientInfo, …/clientCapabilities);
 *               headers validated against the body → 400 + -32020 (HeaderMismatch):
 *                 MCP-Protocol-Version = _meta protocolVersion, Mcp-Method = method,
 *                 Mcp-Name = params.name / params.uri (base64 sentinel decoded), and
 *                 Mcp-Param-{X} = the argument its tool marks with `x-mcp-header: X`;
 *               an unsupported version → 400 + -32022 listing `supported`; an unknown method →
 *               404 + -32601; `initialize` → 400 + -32022 naming the supported versions (a
 *               modern-only server; a legacy client surfaces that message);
 *               every result carries `resultType: "complete"`.
 *   GET/DELETE /mcp → 405 (no sessions, no standalone stream in this revision).
 *   GET /__seen?tag=…  the `_meta` and standard headers of the last request with that `?tag=`, so a
 *               test can check what the client sent.
 *
 * Tools: `echo`, `add` (outputSchema + structuredContent), `forecast` (its `region` argument is
 * mirrored in `Mcp-Param-Region`).
 */
import { createServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { BodyError, readJsonBody, sendJson, setCors } from '../../../demo/server/http-util.mjs';
import { listenOnLoopback } from './listen.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {{ jsonrpc?: unknown, id?: unknown, method?: unknown, params?: Record<string, any> }} Message */

export const STATELESS_VERSION = '2026-07-28';
const SUPPORTED = [STATELESS_VERSION];
const META = {
  version: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  capabilities: 'io.modelcontextprotocol/clientCapabilities',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
};
const SERVER_INFO = { name: 'stateless-2026', version: '1.0.0' };
const MAX_BODY_BYTES = 1 << 20;
const NAMED_METHODS = new Set(['tools/call', 'resources/read', 'prompts/get']);

const TOOLS = [
  {
    name: 'echo',
    description: 'Returns the text it was given.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  {
    name: 'add',
    description: 'Adds two numbers.',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] },
  },
  {
    name: 'forecast',
    description: 'A forecast for a region; the region is mirrored in a header so a gateway can route on it.',
    inputSchema: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } }, required: ['region'] },
  },
];

/** The SDK server: method handling only; the binding below feeds it one request at a time. */
function createSdkServer() {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ resultType: 'complete', tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const args = /** @type {Record<string, unknown>} */ (request.params.arguments ?? {});
    switch (request.params.name) {
      case 'echo':
        return { resultType: 'complete', content: [{ type: 'text', text: `echo: ${String(args.text)}` }] };
      case 'add': {
        const sum = Number(args.a) + Number(args.b);
        return { resultType: 'complete', content: [{ type: 'text', text: String(sum) }], structuredContent: { sum } };
      }
      case 'forecast':
        return { resultType: 'complete', content: [{ type: 'text', text: `sunny in ${String(args.region)}` }] };
      default:
        return { resultType: 'complete', isError: true, content: [{ type: 'text', text: `Unknown tool ${request.params.name}` }] };
    }
  });
  server.setRequestHandler(z.object({ method: z.literal('server/discover'), params: z.any().optional() }), async () => ({
    resultType: 'complete',
    supportedVersions: SUPPORTED,
    capabilities: { tools: {} },
    _meta: { [META.serverInfo]: SERVER_INFO },
  }));
  return server;
}

/**
 * Runs requests through one SDK server. Ids are rewritten, so concurrent requests from different
 * clients (which may reuse ids) never meet; each answer goes back to its own POST.
 */
async function createDispatcher() {
  const server = createSdkServer();
  /** @type {Map<number, (message: Record<string, unknown>) => void>} */
  const waiting = new Map();
  let nextId = 1;
  /** @type {import('@modelcontextprotocol/sdk/shared/transport.js').Transport} */
  const transport = {
    async start() {},
    async close() {},
    async send(message) {
      const m = /** @type {{ id?: unknown }} */ (message);
      if (typeof m.id === 'number') {
        waiting.get(m.id)?.(/** @type {Record<string, unknown>} */ (message));
        waiting.delete(m.id);
      }
    },
  };
  await server.connect(transport);
  return {
    /** @param {Message} request @returns {Promise<Record<string, unknown>>} */
    dispatch(request) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, (answer) => resolve({ ...answer, id: request.id }));
        transport.onmessage?.(/** @type {any} */ ({ ...request, id }));
      });
    },
    close: () => server.close(),
  };
}

/** @param {unknown} id @param {number} code @param {string} message @param {unknown} [data] */
const rpcError = (id, code, message, data) => ({ jsonrpc: '2.0', id: id ?? null, error: { code, message, ...(data !== undefined && { data }) } });

/** Decodes the `=?base64?…?=` sentinel form of a header value. @param {string} value */
function decodeHeader(value) {
  const match = /^=\?base64\?([A-Za-z0-9+/=]*)\?=$/.exec(value);
  return match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : value;
}

/** The header form of an argument value (what the client must have sent). @param {unknown} value */
function headerForm(value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value))) return String(value);
  return undefined;
}

/** @param {IncomingMessage} req @param {string} name */
function header(req, name) {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The binding's checks, in the spec's order; an error answer, or undefined when the request may run.
 * @param {IncomingMessage} req @param {Message} msg
 * @returns {{ status: number, body: object } | undefined}
 */
function validate(req, msg) {
  const mismatch = (/** @type {string} */ text) => ({ status: 400, body: rpcError(msg.id, -32020, `Header mismatch: ${text}`) });
  const meta = msg.params?._meta;
  const version = typeof meta === 'object' && meta !== null ? meta[META.version] : undefined;
  const headerVersion = header(req, 'mcp-protocol-version');
  if (headerVersion === undefined) return mismatch('MCP-Protocol-Version header is missing');
  if (typeof version !== 'string') return mismatch(`_meta["${META.version}"] is missing`);
  if (headerVersion !== version) return mismatch(`MCP-Protocol-Version ${headerVersion} does not match _meta ${version}`);
  if (!SUPPORTED.includes(version)) {
    return { status: 400, body: rpcError(msg.id, -32022, `Unsupported protocol version ${version}`, { supported: SUPPORTED, requested: version }) };
  }
  const method = header(req, 'mcp-method');
  if (method === undefined || decodeHeader(method) !== msg.method) return mismatch(`Mcp-Method ${method ?? '(missing)'} does not match ${String(msg.method)}`);
  if (NAMED_METHODS.has(String(msg.method))) {
    const expected = msg.method === 'resources/read' ? msg.params?.uri : msg.params?.name;
    const name = header(req, 'mcp-name');
    if (name === undefined || decodeHeader(name) !== expected) return mismatch(`Mcp-Name ${name ?? '(missing)'} does not match ${String(expected)}`);
  }
  if (msg.method === 'tools/call') {
    const tool = TOOLS.find((t) => t.name === msg.params?.name);
    const args = msg.params?.arguments ?? {};
    for (const [key, schema] of Object.entries(tool?.inputSchema.properties ?? {})) {
      const param = /** @type {Record<string, unknown>} */ (schema)['x-mcp-header'];
      if (typeof param !== 'string') continue;
      const expected = headerForm(args[key]);
      const sent = header(req, `mcp-param-${param.toLowerCase()}`);
      if ((sent === undefined ? undefined : decodeHeader(sent)) !== expected) {
        return mismatch(`Mcp-Param-${param} ${sent ?? '(missing)'} does not match argument ${key}`);
      }
    }
  }
  return undefined;
}

/** @returns {Promise<{ url: string, close: () => Promise<void> }>} */
export async function startStatelessServer() {
  const dispatcher = await createDispatcher();
  /** @type {Map<string, object>} */
  const seen = new Map();
  const http = createServer(async (req, res) => {
    setCors(res, req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      if (url.pathname === '/__seen' && req.method === 'GET') return sendJson(res, 200, seen.get(url.searchParams.get('tag') ?? '') ?? null);
      if (url.pathname !== '/mcp') return sendJson(res, 404, { error: 'not found' });
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      let msg;
      try {
        msg = /** @type {Message} */ (await readJsonBody(req, MAX_BODY_BYTES));
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        return sendJson(res, error.status, rpcError(null, -32700, error.message));
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') {
        return sendJson(res, 400, rpcError(null, -32600, 'Expected one JSON-RPC request'));
      }
      if (msg.id === undefined) return void res.writeHead(202).end(); // a notification: nothing to answer
      if (msg.method === 'initialize') {
        // Modern only: name the versions we speak, the one diagnostic a legacy client can show.
        return sendJson(res, 400, rpcError(msg.id, -32022, `This server speaks only ${SUPPORTED.join(', ')}; there is no initialize`, { supported: SUPPORTED }));
      }
      const tag = url.searchParams.get('tag');
      if (tag) {
        seen.set(tag, {
          method: msg.method,
          meta: msg.params?._meta ?? null,
          headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('mcp-'))),
        });
      }
      const invalid = validate(req, msg);
      if (invalid) return sendJson(res, invalid.status, invalid.body);
      const answer = await dispatcher.dispatch(msg);
      const error = /** @type {{ code?: unknown } | undefined} */ (answer.error);
      return sendJson(res, error?.code === -32601 ? 404 : 200, answer);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, rpcError(null, -32603, err instanceof Error ? err.message : String(err)));
      else res.destroy();
    }
  });
  const { origin, close } = await listenOnLoopback(http);
  return {
    url: `${origin}/mcp`,
    close: async () => {
      await dispatcher.close();
      await close();
    },
  };
}
