// @ts-check
/**
 * `/mcp` over Streamable HTTP, stateful: an `initialize` POST without a session id opens a session
 * (its own transport and McpServer); later requests find it by the `mcp-session-id` header.
 * The SDK transport does the protocol; this module only routes requests to sessions.
 */
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { readRpcBody, rpcError, sendJson } from './http-util.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('@modelcontextprotocol/sdk/server/mcp.js').McpServer} McpServer */

/** Generous for JSON-RPC, and still bounded: a demo server should not buffer any size. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * @param {{
 *   createServer: (tag: string | undefined) => McpServer,
 *   authorize?: (req: IncomingMessage, body: unknown) => Promise<{ status: number, headers: Record<string, string>, body: unknown } | undefined>,
 * }} options
 *   `tag` is the `?tag=` of the initialize request's URL, for test hooks. `authorize` (OAuth) sees
 *   each request with its parsed body and answers a refusal (401/403), or undefined to go on.
 */
export function createStreamableHttpEndpoint({ createServer, authorize }) {
  /** @type {Map<string, StreamableHTTPServerTransport>} */
  const sessions = new Map();
  /** The `?tag=` each session was opened with, for test hooks. @type {Map<string, string>} */
  const tags = new Map();

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {URL} url
   */
  async function handle(req, res, url) {
    const read = await readRpcBody(req, res, MAX_BODY_BYTES);
    if (!read) return;
    const { body } = read;
    const refusal = await authorize?.(req, body);
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers }).end(JSON.stringify(refusal.body));
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      // 404 tells a client its session is gone and it should initialize again (spec, "Session Management").
      if (!transport) return sendJson(res, 404, rpcError(-32001, 'Session not found'));
      return transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendJson(res, 400, rpcError(-32000, 'Bad Request: no session; send initialize first'));
    }
    const tag = url.searchParams.get('tag') ?? undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
        if (tag !== undefined) tags.set(id, tag);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createServer(tag).connect(transport);
    return transport.handleRequest(req, res, body);
  }

  async function close() {
    const open = [...sessions.values()];
    sessions.clear();
    await Promise.allSettled(open.map((transport) => transport.close()));
  }

  /** @param {string} tag */
  const tagged = (tag) => [...sessions].filter(([id]) => tags.get(id) === tag).map(([, transport]) => transport);

  /** Ends the sessions opened with `tag`, as a server restart would; their next request gets 404. */
  async function expire(/** @type {string} */ tag) {
    const open = tagged(tag);
    await Promise.allSettled(open.map((transport) => transport.close()));
    return open.length;
  }

  return { handle, close, expire, openSessions: (/** @type {string} */ tag) => tagged(tag).length, get sessionCount() { return sessions.size; } };
}

