// @ts-check
/**
 * A bare WebSocket MCP client for the Node tests: it sees frames as they arrive (text or binary,
 * MessagePack `bin` still as Uint8Array), which an SDK Client would hide.
 */
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { binaryToBase64Deep } from '../../demo/server/msgpack-binary.mjs';

/**
 * One received frame: `bytes` as they came, `raw` as decoded (Uint8Arrays kept), `message` as
 * JSON-RPC sees it (`{}` when the frame did not decode; test hooks send such frames on purpose).
 * @typedef {{ binary: boolean, bytes: Buffer, raw: any, message: any }} Received
 */

export const WAIT_MS = 3000;

export class RawClient {
  /** @type {Received[]} */
  received = [];
  #nextId = 1;
  /** @type {Set<() => void>} */
  #waiters = new Set();

  /** @param {WebSocket} ws */
  constructor(ws) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      const bytes = /** @type {Buffer} */ (data);
      let raw;
      try {
        raw = isBinary ? decode(bytes) : JSON.parse(bytes.toString('utf8'));
      } catch {
        raw = undefined;
      }
      this.received.push({ binary: isBinary, bytes, raw, message: raw === undefined ? {} : binaryToBase64Deep(raw) });
      for (const wake of this.#waiters) wake();
    });
  }

  /** The negotiated subprotocol; '' when the server picked none. */
  get protocol() {
    return this.ws.protocol;
  }

  /** @param {unknown} message sent with the framing of the negotiated subprotocol */
  send(message) {
    if (this.protocol === 'mcp.msgpack') this.ws.send(encode(message), { binary: true });
    else this.ws.send(JSON.stringify(message));
  }

  /**
   * Resolves with the first received frame (past or future) that matches.
   * @param {(r: Received) => boolean} predicate
   * @param {number} [timeoutMs]
   * @returns {Promise<Received>}
   */
  waitFor(predicate, timeoutMs = WAIT_MS) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.received.find(predicate);
        if (!hit) return false;
        done();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      if (!check()) this.#waiters.add(check);
    });
  }

  /**
   * Sends a request and resolves with its response message (result or error).
   * @param {string} method
   * @param {Record<string, unknown>} [params]
   */
  async request(method, params) {
    const id = this.#nextId++;
    this.send({ jsonrpc: '2.0', id, method, ...(params && { params }) });
    return (await this.waitFor((r) => r.message.id === id && !('method' in r.message))).message;
  }

  /**
   * @param {string} method
   * @param {Record<string, unknown>} [params]
   */
  notify(method, params) {
    this.send({ jsonrpc: '2.0', method, ...(params && { params }) });
  }

  /** The MCP handshake; returns the initialize result. */
  async initialize() {
    const response = await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw-test-client', version: '0' },
    });
    if (!response.result) throw new Error(`initialize failed: ${JSON.stringify(response.error)}`);
    this.notify('notifications/initialized');
    return response.result;
  }

  /** Follows nextCursor to the end; returns the pages. */
  async listAllTools() {
    const pages = [];
    /** @type {string | undefined} */
    let cursor;
    do {
      const response = await this.request('tools/list', cursor === undefined ? {} : { cursor });
      if (!response.result) throw new Error(`tools/list failed: ${JSON.stringify(response.error)}`);
      pages.push(response.result);
      cursor = response.result.nextCursor;
    } while (cursor !== undefined && pages.length < 50);
    return pages;
  }

  /** @returns {Promise<{ code: number, reason: string }>} */
  closed() {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve({ code: 1006, reason: '' });
    return new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  close() {
    this.ws.close(1000);
    return this.closed();
  }
}

/**
 * @param {string} url
 * @param {string[]} [protocols]
 * @returns {Promise<RawClient>}
 */
export function connectRaw(url, protocols = []) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    const client = new RawClient(ws);
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/**
 * fetch + JSON, for the test hooks.
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<{ status: number, headers: Headers, body: any }>}
 */
export async function fetchJson(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * The test-hook URL for a server's `/mcp` URL.
 * @param {string} httpUrl e.g. http://127.0.0.1:1234/mcp
 * @param {string} hook e.g. 'cancellations'
 * @param {string} tag
 */
export function hookUrl(httpUrl, hook, tag) {
  return new URL(`/__test/${hook}?tag=${encodeURIComponent(tag)}`, httpUrl).href;
}

/**
 * Polls until `read()` returns something `ok` accepts.
 * @template T
 * @param {() => Promise<T>} read
 * @param {(value: T) => boolean} ok
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
export async function eventually(read, ok, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
