// @ts-check
/**
 * A hand-written MCP server that misbehaves on purpose, for the client's bad-input tests. It speaks
 * just enough of the protocol to get through `initialize`; then each tool is one kind of bad answer.
 * Every answer carries the demo server's CORS headers, so what the browser sees is the bad input
 * itself, not a CORS failure.
 *
 * Streamable HTTP (2025-06-18, stateless), `POST /mcp?tag=…`; `tools/call` by tool name:
 *   echo           a correct JSON answer
 *   non_json       200 application/json whose body is not JSON
 *   wrong_type     200 text/html
 *   cut_stream     an SSE response that ends in the middle of an event
 *   server_error   HTTP 500
 *   stray_id       SSE: a response for an id nobody asked for, then the real answer
 *   stray_id_json  JSON: only a response for an id nobody asked for
 *   duplicate      SSE: the answer, then a second answer for the same id
 *   resume         SSE: only a priming event (`id`, `retry: 500`), then the stream ends; the answer
 *                  comes by resumption (GET with Last-Event-ID), which breaks twice on purpose: the
 *                  first GET ends with no event, the second sends one more priming event and ends,
 *                  the third sends the answer. `GET /resumes?tag=…` → `{ lastEventIds }` as received.
 *
 * HTTP+SSE (2024-11-05), `GET /sse/<kind>` (a POST there is 405, as on a real HTTP+SSE server):
 *   ok             endpoint event, then a working server
 *   cross-origin   the endpoint event names another origin
 *   no-endpoint    the stream opens and never names an endpoint
 *   grows          like ok, but each new stream for a tag lists one more tool (`extra_1`, `extra_2`, …),
 *                  as a server redeployed between a drop and the reconnection would
 *   Working sessions misbehave on the tools `junk` (a non-JSON message event before the answer) and
 *   `cut_stream` (the stream ends mid-event).
 *
 * `POST /expiring/mcp?tag=…`: `initialize` opens a session (`Mcp-Session-Id`), and every later request
 *   carrying a session id gets 404 (the session is always already gone); `GET /initializes?tag=…` →
 *   `{ initializes }`, so a test can prove the client re-initializes once per failure, not in a loop.
 *
 * Without CORS headers (a server not set up for browsers; the browser blocks what it answers):
 *   `/no-cors/mcp`  answers `initialize` (POST) and preflights (OPTIONS), both without CORS headers
 *   `/no-cors/sse`  an HTTP+SSE stream with its endpoint event, without CORS headers
 *
 * `/spin/mcp?tag=…&mode=bare|primed`: a working session whose GET stream answers `retry: 0` and closes at
 *   once (`primed`: with a fresh priming event each time), the stream that made clients reopen in a tight
 *   loop; `GET /spins?tag=…` → `{ opened }`, the server's clock (ms) at each GET.
 *
 * `/busy/mcp?tag=…&status=503|429&times=N[&retryAfter=S]`: the first N `initialize` requests are answered
 *   `status` (with `Retry-After: S` when given), later ones work; every `tools/call` is answered `status`.
 *   `GET /busy-log?tag=…` → `{ initializes, calls }`: the server's clock (ms) at each `initialize`, and
 *   how many `tools/call` requests came.
 *
 * `GET /calls?tag=…&tool=…` → `{ calls }`: how many `tools/call` requests for that tool arrived
 * (over either transport), so a test can prove a failed call was not re-sent.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { BodyError, readJsonBody, sendJson, setCors } from '../../../demo/server/http-util.mjs';
import { listenOnLoopback } from './listen.mjs';

/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {{ jsonrpc?: string, id?: string | number | null, method?: string, params?: Record<string, any> }} Message */

export const CROSS_ORIGIN_ENDPOINT = 'https://attacker.example/messages';

const TOOLS = ['echo', 'non_json', 'wrong_type', 'cut_stream', 'server_error', 'stray_id', 'stray_id_json', 'duplicate', 'junk', 'resume'].map(
  (name) => ({ name, description: `Misbehaves: ${name}`, inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }),
);

/** @param {Message} request @param {string} version */
function initializeResult(request, version) {
  return {
    jsonrpc: '2.0',
    id: request.id,
    result: { protocolVersion: version, capabilities: { tools: {} }, serverInfo: { name: 'misbehaving', version: '0.0.1' } },
  };
}

/** @param {Message} request @param {string} text */
const textResult = (request, text) => ({ jsonrpc: '2.0', id: request.id, result: { content: [{ type: 'text', text }] } });

/** @param {object} message */
const sseEvent = (message) => `event: message\ndata: ${JSON.stringify(message)}\n\n`;

/**
 * A server that works but was never set up for browsers: correct answers, no CORS headers.
 * @param {import('node:http').IncomingMessage} req @param {ServerResponse} res @param {URL} url
 */
async function answerWithoutCors(req, res, url) {
  if (req.method === 'OPTIONS') return void res.writeHead(204).end();
  if (url.pathname === '/no-cors/mcp' && req.method === 'POST') {
    const msg = /** @type {Message} */ (await readJsonBody(req, 1 << 20).catch(() => ({})));
    if (msg.method === 'initialize') return sendJson(res, 200, initializeResult(msg, '2025-06-18'));
    return void res.writeHead(202).end();
  }
  if (url.pathname === '/no-cors/sse' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    return void res.end('event: endpoint\ndata: /no-cors/messages\n\n');
  }
  res.writeHead(req.method === 'GET' ? 200 : 405, { 'content-type': 'text/plain' }).end('no CORS here');
}

/** @returns {Promise<{ origin: string, close: () => Promise<void> }>} */
export async function startMisbehavingServer() {
  /** @type {Map<string, number>} */
  const calls = new Map();
  /** @type {Map<string, ServerResponse>} */
  const sseSessions = new Map();
  /** Streams of the `resume` tool, by key: the request to answer and how many GETs came for its first event. */
  /** @type {Map<string, { msg: Message, emptyGets: number }>} */
  const resumable = new Map();
  /** @type {Map<string, string[]>} */
  const resumes = new Map();
  /** @type {Map<string, number>} */
  const initializes = new Map();
  /** Tool lists of `grows` sessions, by session; how many `grows` streams each tag opened. */
  /** @type {Map<string, object[]>} */
  const sessionTools = new Map();
  /** @type {Map<string, number>} */
  const generations = new Map();
  /** @type {Map<string, number[]>} */
  const spins = new Map();
  /** @type {Map<string, { initializes: number[], calls: number }>} */
  const busy = new Map();
  /** @param {string} tag */
  const busyLog = (tag) => {
    let log = busy.get(tag);
    if (!log) busy.set(tag, (log = { initializes: [], calls: 0 }));
    return log;
  };
  /** @param {string} tag @param {string} tool */
  const count = (tag, tool) => calls.set(`${tag}\n${tool}`, (calls.get(`${tag}\n${tool}`) ?? 0) + 1);

  /**
   * Streamable HTTP answers.
   * @param {Message} msg @param {ServerResponse} res @param {string} tag
   */
  function answerHttp(msg, res, tag) {
    if (msg.id === undefined || msg.id === null) return void res.writeHead(202).end();
    if (msg.method === 'initialize') return sendJson(res, 200, initializeResult(msg, '2025-06-18'));
    if (msg.method === 'tools/list') return sendJson(res, 200, { jsonrpc: '2.0', id: msg.id, result: { tools: TOOLS } });
    if (msg.method !== 'tools/call') {
      return sendJson(res, 200, { jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: `Method not found: ${msg.method}` } });
    }
    const tool = String(msg.params?.name);
    count(tag, tool);
    switch (tool) {
      case 'echo':
        return sendJson(res, 200, textResult(msg, `echo: ${msg.params?.arguments?.text ?? ''}`));
      case 'non_json':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc": "2.0", "id": ');
      case 'wrong_type':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome!</body></html>');
      case 'server_error':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      case 'cut_stream': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const whole = sseEvent(textResult(msg, 'never complete'));
        return void res.end(whole.slice(0, whole.length / 2)); // a clean end, mid-event
      }
      case 'resume': {
        const key = randomUUID();
        resumable.set(key, { msg, emptyGets: 0 });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        return void res.end(`id: ${key}:1\nretry: 500\ndata: \n\n`);
      }
      case 'stray_id_json':
        return sendJson(res, 200, { ...textResult(msg, 'for somebody else'), id: 'nobody-asked' });
      case 'stray_id':
      case 'duplicate': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (tool === 'stray_id') res.write(sseEvent({ ...textResult(msg, 'for somebody else'), id: 'nobody-asked' }));
        res.write(sseEvent(textResult(msg, 'first answer')));
        if (tool === 'duplicate') res.write(sseEvent(textResult(msg, 'second answer')));
        return void res.end();
      }
      default:
        return sendJson(res, 200, { jsonrpc: '2.0', id: msg.id, error: { code: -32602, message: `Unknown tool ${tool}` } });
    }
  }

  /**
   * HTTP+SSE answers, written to the session's stream.
   * @param {Message} msg @param {ServerResponse} stream @param {string} tag @param {object[]} tools
   */
  function answerSse(msg, stream, tag, tools) {
    if (msg.id === undefined || msg.id === null) return;
    if (msg.method === 'initialize') return void stream.write(sseEvent(initializeResult(msg, '2024-11-05')));
    if (msg.method === 'tools/list') return void stream.write(sseEvent({ jsonrpc: '2.0', id: msg.id, result: { tools } }));
    if (msg.method !== 'tools/call') {
      return void stream.write(sseEvent({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } }));
    }
    const tool = String(msg.params?.name);
    count(tag, tool);
    if (tool === 'junk') stream.write('event: message\ndata: this is not JSON\n\n');
    if (tool === 'cut_stream') {
      const whole = sseEvent(textResult(msg, 'never complete'));
      return void stream.end(whole.slice(0, whole.length / 2));
    }
    stream.write(sseEvent(textResult(msg, `echo: ${msg.params?.arguments?.text ?? ''}`)));
  }

  /**
   * A resumption GET for the `resume` tool's stream.
   * @param {string} lastEventId @param {ServerResponse} res @param {string} tag
   */
  function resume(lastEventId, res, tag) {
    resumes.set(tag, [...(resumes.get(tag) ?? []), lastEventId]);
    const [key = '', n] = lastEventId.split(':');
    const stream = resumable.get(key);
    if (!stream) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    if (n === '1' && stream.emptyGets++ === 0) return void res.end(); // breaks again, with nothing new
    if (n === '1') return void res.end(`id: ${key}:2\ndata: \n\n`);
    resumable.delete(key);
    res.end(`id: ${key}:3\n${sseEvent(textResult(stream.msg, 'resumed'))}`);
  }

  /**
   * A session whose GET stream says `retry: 0` and ends at once.
   * @param {import('node:http').IncomingMessage} req @param {ServerResponse} res @param {string} tag @param {boolean} primed
   */
  async function spin(req, res, tag, primed) {
    if (req.method === 'DELETE') return void res.writeHead(204).end();
    if (req.method === 'GET') {
      const opened = spins.get(tag) ?? [];
      spins.set(tag, [...opened, Date.now()]);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      return void res.end(primed ? `retry: 0\nid: ${opened.length + 1}\ndata: \n\n` : 'retry: 0\n\n');
    }
    const msg = /** @type {Message} */ (await readJsonBody(req, 1 << 20));
    if (msg.method === 'initialize') res.setHeader('mcp-session-id', `spin-${tag}`);
    return answerHttp(msg, res, tag);
  }

  /**
   * A server too busy for the first `times` initializes, and for every tool call.
   * @param {import('node:http').IncomingMessage} req @param {ServerResponse} res @param {string} tag @param {URLSearchParams} params
   */
  async function answerBusy(req, res, tag, params) {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const msg = /** @type {Message} */ (await readJsonBody(req, 1 << 20));
    const log = busyLog(tag);
    const status = Number(params.get('status') ?? 503);
    const retryAfter = params.get('retryAfter');
    const refuse = () => void res.writeHead(status, { 'content-type': 'text/plain', ...(retryAfter !== null && { 'retry-after': retryAfter }) }).end('busy');
    if (msg.method === 'initialize') {
      log.initializes.push(Date.now());
      if (log.initializes.length <= Number(params.get('times') ?? 1)) return refuse();
    }
    if (msg.method === 'tools/call') {
      log.calls++;
      return refuse();
    }
    return answerHttp(msg, res, tag);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/no-cors/')) return answerWithoutCors(req, res, url);
    setCors(res, req);
    const tag = url.searchParams.get('tag') ?? '';
    try {
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      if (url.pathname === '/calls') return sendJson(res, 200, { calls: calls.get(`${tag}\n${url.searchParams.get('tool')}`) ?? 0 });
      if (url.pathname === '/initializes') return sendJson(res, 200, { initializes: initializes.get(tag) ?? 0 });
      if (url.pathname === '/expiring/mcp') {
        if (req.method === 'DELETE') return void res.writeHead(404).end();
        if (req.method !== 'POST') return void res.writeHead(405).end();
        const msg = /** @type {Message} */ (await readJsonBody(req, 1 << 20));
        if (msg.method === 'initialize') {
          initializes.set(tag, (initializes.get(tag) ?? 0) + 1);
          res.setHeader('mcp-session-id', randomUUID());
          return sendJson(res, 200, initializeResult(msg, '2025-06-18'));
        }
        if (req.headers['mcp-session-id'] === undefined) {
          return sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Bad Request: no session' } });
        }
        if (msg.method === 'notifications/initialized') return void res.writeHead(202).end();
        return sendJson(res, 404, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
      }
      if (url.pathname === '/resumes') return sendJson(res, 200, { lastEventIds: resumes.get(tag) ?? [] });
      if (url.pathname === '/spins') return sendJson(res, 200, { opened: spins.get(tag) ?? [] });
      if (url.pathname === '/spin/mcp') return await spin(req, res, tag, url.searchParams.get('mode') === 'primed');
      if (url.pathname === '/busy-log') return sendJson(res, 200, busyLog(tag));
      if (url.pathname === '/busy/mcp') return await answerBusy(req, res, tag, url.searchParams);
      if (url.pathname === '/mcp' && req.method === 'GET' && typeof req.headers['last-event-id'] === 'string') {
        return resume(req.headers['last-event-id'], res, tag);
      }
      if (url.pathname === '/mcp') {
        if (req.method !== 'POST') return void res.writeHead(405).end();
        return answerHttp(/** @type {Message} */ (await readJsonBody(req, 1 << 20)), res, tag);
      }
      const sse = /^\/sse\/([a-z-]+)$/.exec(url.pathname);
      if (sse) {
        if (req.method !== 'GET') return void res.writeHead(405).end();
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        const kind = sse[1];
        if (kind === 'cross-origin') return void res.write(`event: endpoint\ndata: ${CROSS_ORIGIN_ENDPOINT}\n\n`);
        if (kind === 'no-endpoint') return void res.write(': nothing to see here\n\n');
        const session = randomUUID();
        sseSessions.set(session, res);
        if (kind === 'grows') {
          const generation = (generations.get(tag) ?? 0) + 1;
          generations.set(tag, generation);
          sessionTools.set(session, [...TOOLS, { ...TOOLS[0], name: `extra_${generation}` }]);
        }
        res.on('close', () => (sseSessions.delete(session), sessionTools.delete(session)));
        return void res.write(`event: endpoint\ndata: /sse-messages?session=${session}&tag=${encodeURIComponent(tag)}\n\n`);
      }
      if (url.pathname === '/sse-messages' && req.method === 'POST') {
        const stream = sseSessions.get(url.searchParams.get('session') ?? '');
        if (!stream) return void res.writeHead(404).end();
        const msg = /** @type {Message} */ (await readJsonBody(req, 1 << 20));
        res.writeHead(202).end('Accepted');
        return answerSse(msg, stream, tag, sessionTools.get(url.searchParams.get('session') ?? '') ?? TOOLS);
      }
      sendJson(res, 404, { error: 'not found' });
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      sendJson(res, err instanceof BodyError ? err.status : 500, { error: String(err) });
    }
  });
  const { origin, close } = await listenOnLoopback(server);
  return {
    origin,
    close: async () => {
      for (const stream of sseSessions.values()) stream.destroy();
      await close();
    },
  };
}
