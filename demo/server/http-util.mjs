// @ts-check
/** Small node:http helpers shared by the MCP endpoint and the test hooks. */

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * The demo page, the browser tests and the servers run on different ports, i.e. different origins,
 * so every answer carries CORS headers. The exposed headers are the ones a browser client must read:
 * the session id, the negotiated version, and the OAuth challenge.
 */
export const CORS_HEADERS = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, accept, authorization, mcp-session-id, mcp-protocol-version, last-event-id, mcp-method, mcp-name',
  'access-control-expose-headers': 'mcp-session-id, mcp-protocol-version, www-authenticate',
  // Let browsers cache the preflight, so a call is one request rather than two.
  'access-control-max-age': '7200',
});

/**
 * Sets the CORS headers. `Mcp-Param-{Name}` headers (2026-07-28, from a tool's `x-mcp-header`) have
 * names a server cannot list in advance, so the ones a preflight asks for are allowed by prefix.
 * @param {ServerResponse} res
 * @param {IncomingMessage} [req]
 */
export function setCors(res, req) {
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  const requested = String(req?.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^mcp-param-[a-z0-9-]+$/.test(h));
  if (requested.length > 0) res.setHeader('access-control-allow-headers', `${CORS_HEADERS['access-control-allow-headers']}, ${requested.join(', ')}`);
}

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
export function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** An HTTP request body that is too large or not JSON; `status` is what to answer. */
export class BodyError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = 'BodyError';
    this.status = status;
  }
}

/**
 * Reads and parses a JSON body; an empty body is `undefined`.
 * @param {IncomingMessage} req
 * @param {number} maxBytes
 * @returns {Promise<unknown>}
 */
export async function readJsonBody(req, maxBytes) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += /** @type {Buffer} */ (chunk).length;
    if (size > maxBytes) throw new BodyError(413, `Body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'Body is not JSON');
  }
}
