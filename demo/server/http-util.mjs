// @ts-check
/** Small node:http helpers shared by the MCP endpoint and the test hooks. */

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * The demo page, the browser tests and the servers run on different ports, i.e. different origins,
 * so every answer carries CORS headers: exactly what a browser MCP client needs, no wildcard (`*` in
 * the header lists is not honoured for `Authorization`, and is invalid with credentials).
 * - allowed request headers: the bearer token, the JSON body, the protocol version, the 2026-07-28
 *   routing headers (`Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`), the legacy session and stream resumption,
 *   and DPoP proofs;
 * - exposed response headers: the session id, the OAuth challenge, the DPoP nonce, the version and
 *   `Retry-After` (a busy server's answer to `initialize`).
 */
export const CORS_ALLOW_HEADERS = Object.freeze([
  'authorization', 'content-type', 'accept', 'mcp-protocol-version', 'mcp-method', 'mcp-name',
  'mcp-session-id', 'last-event-id', 'dpop',
]);
export const CORS_EXPOSE_HEADERS = Object.freeze(['mcp-session-id', 'www-authenticate', 'dpop-nonce', 'mcp-protocol-version', 'retry-after']);

export const CORS_HEADERS = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': CORS_ALLOW_HEADERS.join(', '),
  'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(', '),
  // Let browsers cache the preflight, so a call is one request rather than two.
  'access-control-max-age': '7200',
});

/** An `Mcp-Param-{Name}` header name: an RFC 9110 token after the prefix, bounded. */
const MCP_PARAM_HEADER = /^mcp-param-[!#$%&'*+.^_`|~0-9a-z-]{1,64}$/;
/** More Mcp-Param-* names than any sane tool declares: the rest are not reflected. */
const MAX_REFLECTED_PARAMS = 32;

/**
 * The `Mcp-Param-*` names a preflight asks for that are well-formed, lower-cased, at most
 * MAX_REFLECTED_PARAMS of them. A server cannot list them in advance (they come from each tool's
 * `x-mcp-header`), and `Mcp-Param-*` is not valid in the header list, so they are reflected.
 * @param {string | string[] | undefined} requested `Access-Control-Request-Headers`
 * @returns {string[]}
 */
export function requestedParamHeaders(requested) {
  return String(requested ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => MCP_PARAM_HEADER.test(h))
    .slice(0, MAX_REFLECTED_PARAMS);
}

/**
 * Sets the CORS headers, with the preflight's well-formed `Mcp-Param-*` names added to the allow list.
 * @param {ServerResponse} res
 * @param {IncomingMessage} [req]
 */
export function setCors(res, req) {
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  const params = requestedParamHeaders(req?.headers['access-control-request-headers']);
  if (params.length > 0) {
    res.setHeader('access-control-allow-headers', `${CORS_HEADERS['access-control-allow-headers']}, ${params.join(', ')}`);
    // The allow list now depends on the request: caches must not hand it to another preflight.
    res.setHeader('vary', 'Access-Control-Request-Headers');
  }
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
 * Reads a body, refusing (BodyError 413) one larger than `maxBytes` as soon as it is.
 * @param {IncomingMessage} req
 * @param {number} maxBytes
 * @returns {Promise<Buffer>}
 */
export async function readBody(req, maxBytes) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += /** @type {Buffer} */ (chunk).length;
    if (size > maxBytes) throw new BodyError(413, `Body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads and parses a JSON body; an empty body is `undefined`.
 * @param {IncomingMessage} req
 * @param {number} maxBytes
 * @returns {Promise<unknown>}
 */
export async function readJsonBody(req, maxBytes) {
  const body = await readBody(req, maxBytes);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BodyError(400, 'Body is not JSON');
  }
}

/**
 * A JSON-RPC error object with no request id (the request could not be read).
 * @param {number} code
 * @param {string} message
 */
export function rpcError(code, message) {
  return { jsonrpc: '2.0', id: null, error: { code, message } };
}

/**
 * Reads a POST's JSON-RPC body (other methods have none). A body that is too large or not JSON is
 * answered here, with a JSON-RPC parse (-32700) or invalid-request (-32600) error, and gives `null`.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {number} maxBytes
 * @returns {Promise<{ body: unknown } | null>}
 */
export async function readRpcBody(req, res, maxBytes) {
  if (req.method !== 'POST') return { body: undefined };
  try {
    return { body: await readJsonBody(req, maxBytes) };
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    sendJson(res, error.status, rpcError(error.status === 400 ? -32700 : -32600, error.message));
    return null;
  }
}
