// @ts-check
/**
 * What the server knows per tag (`?tag=` on the connection URL), and the `/__test/*` endpoints that
 * let a browser test look at it or misbehave on purpose: see what the server saw when the client
 * cancelled, drop the socket under the client, or send frames the real encoder never would.
 */
import { decode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { BodyError, readJsonBody, sendJson } from './http-util.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./mcp-server.mjs').CancellationRecord} CancellationRecord */
/** @typedef {{ code: string, message: string }} ErrorRecord */

/** A frame of up to this size can be asked for with `padBytes`; enough to pass any limit we test. */
const MAX_PAD_BYTES = 64 * 1024 * 1024;
/** send-raw bodies carry base64 frames, which may be above the frame limit on purpose. */
const MAX_HOOK_BODY_BYTES = 96 * 1024 * 1024;

/** Sockets and per-tag records. Records outlive their sockets, so tests can read them afterwards. */
export class TaggedConnections {
  /** @type {Map<WebSocket, string | undefined>} */
  #sockets = new Map();
  /** @type {Map<string, CancellationRecord[]>} */
  #cancellations = new Map();
  /** @type {Map<string, ErrorRecord[]>} */
  #errors = new Map();
  /**
   * `tools/call` requests received per tag, by tool name, and `completion/complete` requests under
   * that method's name (counted across reconnections).
   */
  /** @type {Map<string, Map<string, number>>} */
  #calls = new Map();
  /** Tags whose next call of a tool cuts the socket right after the server received it. */
  /** @type {Map<string, Set<string>>} */
  #dropOnCall = new Map();
  /** Tags whose new sockets are cut at once, as if the server were gone. */
  /** @type {Set<string>} */
  #refused = new Set();

  /**
   * @param {WebSocket} socket
   * @param {string | undefined} tag
   */
  addSocket(socket, tag) {
    this.#sockets.set(socket, tag);
    socket.once('close', () => this.#sockets.delete(socket));
    if (tag === undefined) return;
    if (this.#refused.has(tag)) {
      socket.terminate();
      return;
    }
    // Registered before the MCP transport's listener, so a drop armed for this call happens after the
    // server has the request (it runs it) and before its answer can leave.
    socket.on('message', (data, isBinary) => {
      const name = countedName(data, isBinary);
      if (name === undefined) return;
      const counts = this.#calls.get(tag) ?? new Map();
      counts.set(name, (counts.get(name) ?? 0) + 1);
      this.#calls.set(tag, counts);
      if (this.#dropOnCall.get(tag)?.delete(name)) socket.terminate();
    });
  }

  /** @param {string} tag */
  calls(tag) {
    return Object.fromEntries(this.#calls.get(tag) ?? []);
  }

  /**
   * @param {string} tag
   * @param {string} tool
   */
  armDropOnCall(tag, tool) {
    const armed = this.#dropOnCall.get(tag) ?? new Set();
    armed.add(tool);
    this.#dropOnCall.set(tag, armed);
  }

  /**
   * @param {string} tag
   * @param {boolean} refused
   */
  setRefused(tag, refused) {
    if (refused) this.#refused.add(tag);
    else this.#refused.delete(tag);
  }

  /** Every socket still registered, tagged or not. */
  allSockets() {
    return [...this.#sockets.keys()];
  }

  /** @param {string} tag */
  openSockets(tag) {
    return [...this.#sockets].filter(([s, t]) => t === tag && s.readyState === WebSocket.OPEN).map(([s]) => s);
  }

  /**
   * @param {string | undefined} tag
   * @param {CancellationRecord} record
   */
  recordCancellation(tag, record) {
    if (tag !== undefined) push(this.#cancellations, tag, record);
  }

  /**
   * @param {string | undefined} tag
   * @param {Error & { code?: unknown }} error
   */
  recordError(tag, error) {
    if (tag !== undefined) push(this.#errors, tag, { code: typeof error.code === 'string' ? error.code : 'ERROR', message: error.message });
  }

  /** @param {string} tag */
  cancellations(tag) {
    return this.#cancellations.get(tag) ?? [];
  }

  /** @param {string} tag */
  errors(tag) {
    return this.#errors.get(tag) ?? [];
  }
}

/**
 * Answers `/__test/*`; anything unknown is 404. The caller adds CORS headers.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {URL} url
 * @param {TaggedConnections} connections
 * @param {{ expire(tag: string): Promise<number>, openSessions(tag: string): number }} httpSessions
 */
export async function handleTestHook(req, res, url, connections, httpSessions) {
  const route = `${req.method} ${url.pathname}`;
  const tag = url.searchParams.get('tag');
  const known = ['GET /__test/cancellations', 'GET /__test/errors', 'GET /__test/sockets', 'POST /__test/drop', 'POST /__test/send-raw',
    'GET /__test/http-sessions', 'POST /__test/expire-sessions', 'GET /__test/calls', 'POST /__test/drop-on-call', 'POST /__test/refuse',
    'POST /__test/accept'];
  if (!known.includes(route)) return sendJson(res, 404, { error: 'not found' });
  if (!tag) return sendJson(res, 400, { error: 'tag query parameter is required' });

  switch (route) {
    case 'GET /__test/cancellations':
      return sendJson(res, 200, connections.cancellations(tag));
    case 'GET /__test/errors':
      return sendJson(res, 200, connections.errors(tag));
    case 'GET /__test/calls':
      return sendJson(res, 200, connections.calls(tag));
    case 'POST /__test/drop-on-call': {
      const tool = url.searchParams.get('tool');
      if (!tool) return sendJson(res, 400, { error: 'tool query parameter is required' });
      connections.armDropOnCall(tag, tool);
      return sendJson(res, 200, { armed: tool });
    }
    case 'POST /__test/refuse': {
      // The server is "gone" for this tag: open sockets are cut and new ones cut as soon as they open.
      connections.setRefused(tag, true);
      const open = connections.openSockets(tag);
      for (const socket of open) socket.terminate();
      return sendJson(res, 200, { dropped: open.length });
    }
    case 'POST /__test/accept':
      connections.setRefused(tag, false);
      return sendJson(res, 200, { accepting: true });
    case 'GET /__test/http-sessions':
      return sendJson(res, 200, { open: httpSessions.openSessions(tag) });
    case 'POST /__test/expire-sessions':
      return sendJson(res, 200, { expired: await httpSessions.expire(tag) });
    case 'GET /__test/sockets': {
      const open = connections.openSockets(tag);
      return sendJson(res, 200, { open: open.length, protocols: open.map((s) => s.protocol) });
    }
    case 'POST /__test/drop': {
      // terminate(): no close frame, so the client sees an abnormal closure (1006), as on a network drop.
      const open = connections.openSockets(tag);
      for (const socket of open) socket.terminate();
      return sendJson(res, 200, { dropped: open.length });
    }
    default: {
      let frame;
      try {
        frame = rawFrame(await readJsonBody(req, MAX_HOOK_BODY_BYTES));
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        return sendJson(res, error.status, { error: error.message });
      }
      const open = connections.openSockets(tag);
      for (const socket of open) socket.send(frame.data, { binary: frame.binary });
      return sendJson(res, 200, { sent: open.length });
    }
  }
}

/**
 * The frame a send-raw body asks for: `{ text }`, `{ base64 }`, or `{ padBytes }` (a valid
 * notifications/message padded so the whole text frame is exactly that many bytes).
 * @param {unknown} body
 * @returns {{ data: string | Buffer, binary: boolean }}
 */
export function rawFrame(body) {
  const spec = typeof body === 'object' && body !== null ? /** @type {Record<string, unknown>} */ (body) : {};
  if (typeof spec.text === 'string') return { data: spec.text, binary: false };
  if (typeof spec.base64 === 'string') return { data: Buffer.from(spec.base64, 'base64'), binary: true };
  if (typeof spec.padBytes === 'number' && Number.isSafeInteger(spec.padBytes)) {
    /** @param {string} data */
    const notification = (data) => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data } });
    const overhead = Buffer.byteLength(notification(''));
    if (spec.padBytes < overhead || spec.padBytes > MAX_PAD_BYTES) {
      throw new BodyError(400, `padBytes must be between ${overhead} and ${MAX_PAD_BYTES}`);
    }
    return { data: notification('x'.repeat(spec.padBytes - overhead)), binary: false };
  }
  throw new BodyError(400, 'Body must be { text }, { base64 } or { padBytes }');
}

/**
 * What a frame (JSON text or MessagePack) counts as: a `tools/call`'s tool name, or
 * `completion/complete`; else undefined.
 * @param {WebSocket.RawData} data
 * @param {boolean} isBinary
 * @returns {string | undefined}
 */
function countedName(data, isBinary) {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  let message;
  try {
    message = isBinary ? decode(bytes) : JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const m = /** @type {{ method?: unknown, params?: { name?: unknown } }} */ (message);
  if (m?.method === 'completion/complete') return m.method;
  return m?.method === 'tools/call' && typeof m.params?.name === 'string' ? m.params.name : undefined;
}

/**
 * @template T
 * @param {Map<string, T[]>} map
 * @param {string} key
 * @param {T} item
 */
function push(map, key, item) {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
