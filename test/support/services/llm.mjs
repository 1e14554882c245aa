// @ts-check
/**
 * A scripted LLM server for browser tests: real HTTP on 127.0.0.1 with SSE streaming, speaking
 * whatever wire format the script holds — OpenAI-compatible Chat Completions and Anthropic
 * Messages are both just sequences of SSE events (builders in test/support/llm/scripts.ts).
 *
 *   POST /__script          body `{ turns: Turn[] }` → `{ id }`
 *   GET  /__script/<id>     → `{ requests: RecordedRequest[] }` (what the provider was sent)
 *   POST /s/<id>/…          the provider's endpoint (`…/chat/completions`, `…/v1/messages`):
 *                           answers with the script's next turn, in order
 *
 * A turn can fail on purpose: an HTTP status with headers (429 + retry-after, 500), a stream cut
 * mid-event (`end: 'destroy'`), a stream that stops sending and stays open (`end: 'hang'`, for
 * Stop), or pauses between events (`{ waitMs }`). The server records each request's path, headers
 * and JSON body, and whether the client went away before the answer was complete (`aborted`).
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody } from '../../../demo/server/http-util.mjs';
import { listenOnLoopback } from '../servers/listen.mjs';

/**
 * @typedef {{ event?: string, data: string | object } | { raw: string } | { waitMs: number }} ScriptEvent
 * @typedef {{
 *   status?: number,
 *   headers?: Record<string, string>,
 *   json?: unknown,
 *   events?: ScriptEvent[],
 *   end?: 'close' | 'destroy' | 'hang',
 * }} Turn
 * @typedef {{ path: string, headers: Record<string, string | string[] | undefined>, body: unknown, aborted: boolean, turn: number }} RecordedRequest
 * @typedef {{ turns: Turn[], requests: RecordedRequest[] }} Script
 */

const MAX_BODY = 8 * 1024 * 1024;

/** @param {import('node:http').ServerResponse} res @param {import('node:http').IncomingMessage} req */
function cors(res, req) {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'content-type');
  // The provider reads retry-after on a 429; a cross-origin page sees only exposed headers.
  res.setHeader('access-control-expose-headers', 'retry-after, content-type');
  res.setHeader('access-control-max-age', '600');
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<unknown>} */
async function readJson(req) {
  const text = (await readBody(req, MAX_BODY)).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Plays one turn. Resolves when the answer is complete, cut, or the client went away.
 * @param {import('node:http').ServerResponse} res
 * @param {Turn} turn
 */
async function play(res, turn) {
  const status = turn.status ?? 200;
  if (turn.json !== undefined || status !== 200) {
    res.writeHead(status, { 'content-type': 'application/json', ...turn.headers });
    res.end(JSON.stringify(turn.json ?? { error: { message: `scripted ${status}` } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...turn.headers });
  res.flushHeaders();
  for (const event of turn.events ?? []) {
    if (res.destroyed) return;
    if ('waitMs' in event) {
      await sleep(event.waitMs);
      continue;
    }
    if ('raw' in event) {
      res.write(event.raw);
      continue;
    }
    const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
    res.write(`${event.event ? `event: ${event.event}\n` : ''}data: ${data}\n\n`);
  }
  switch (turn.end ?? 'close') {
    case 'destroy':
      // Give the written bytes a moment to leave, then cut the connection mid-stream.
      await sleep(50);
      res.socket?.destroy();
      return;
    case 'hang':
      await new Promise((resolve) => res.once('close', resolve));
      return;
    default:
      res.end();
  }
}

/** @returns {Promise<import('./index.mjs').TestService & { url: string }>} */
export async function start() {
  /** @type {Map<string, Script>} */
  const scripts = new Map();
  const server = createServer(async (req, res) => {
    cors(res, req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/__script') {
        const body = /** @type {{ turns?: unknown }} */ (await readJson(req));
        if (!body || !Array.isArray(body.turns)) return sendJson(res, 400, { error: 'expected { turns: [...] }' });
        const id = randomUUID();
        scripts.set(id, { turns: /** @type {Turn[]} */ (body.turns), requests: [] });
        return sendJson(res, 200, { id });
      }
      const info = /^\/__script\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && info) {
        const script = scripts.get(info[1] ?? '');
        return script ? sendJson(res, 200, { requests: script.requests }) : sendJson(res, 404, { error: 'no such script' });
      }
      const call = /^\/s\/([^/]+)(\/.*)$/.exec(url.pathname);
      if (req.method === 'POST' && call) {
        const script = scripts.get(call[1] ?? '');
        if (!script) return sendJson(res, 404, { error: { message: 'no such script' } });
        const body = await readJson(req);
        const turnIndex = script.requests.length;
        /** @type {RecordedRequest} */
        const record = { path: `${call[2]}${url.search}`, headers: { ...req.headers }, body, aborted: false, turn: turnIndex };
        script.requests.push(record);
        res.once('close', () => {
          if (!res.writableFinished) record.aborted = true;
        });
        const turn = script.turns[turnIndex];
        if (!turn) return sendJson(res, 500, { error: { message: `script has no turn ${turnIndex + 1}` } });
        await play(res, turn);
        return;
      }
      sendJson(res, 404, { error: 'not found' });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: err instanceof Error ? err.message : String(err) } });
      else res.destroy();
    }
  });
  const { origin: url, close } = await listenOnLoopback(server);
  return { url, env: { llmUrl: url }, close };
}
