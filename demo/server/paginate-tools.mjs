// @ts-check
/**
 * Paged `tools/list` for an McpServer, so clients have to follow `nextCursor`.
 *
 * McpServer answers tools/list with one handler (JSON Schema conversion included) that it installs
 * lazily through `server.setRequestHandler` when the first tool is registered, and keeps no public
 * handle on it. Rather than re-implement it, we catch it on the way in and wrap it; the SDK's own
 * `Server.setRequestHandler` wraps `tools/call` the same way.
 */
import { ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';

/** @typedef {import('@modelcontextprotocol/sdk/server/mcp.js').McpServer} McpServer */
/** @typedef {import('@modelcontextprotocol/sdk/types.js').ListToolsResult} ListToolsResult */

/**
 * Call before the first `registerTool`. Throws later, from `assertToolsPaginated`, if the SDK
 * stops installing the handler this way, rather than silently serving one page.
 * @param {McpServer} mcpServer
 * @param {number} pageSize
 */
export function paginateToolsList(mcpServer, pageSize) {
  const server = mcpServer.server;
  const install = server.setRequestHandler;
  /**
   * @param {unknown} schema
   * @param {RawHandler} handler
   */
  const intercept = (schema, handler) => {
    if (schema !== ListToolsRequestSchema) return Reflect.apply(install, server, [schema, handler]);
    server.setRequestHandler = install;
    paginated.add(mcpServer);
    /**
     * @param {unknown} request
     * @param {unknown} extra
     * @returns {Promise<ListToolsResult>}
     */
    const paged = async (request, extra) => {
      const { params } = ListToolsRequestSchema.parse(request);
      const offset = decodeCursor(params?.cursor);
      const all = /** @type {ListToolsResult} */ (await handler(request, extra));
      if (offset > 0 && offset >= all.tools.length) throw invalidCursor();
      const end = offset + pageSize;
      return { ...all, tools: all.tools.slice(offset, end), ...(end < all.tools.length && { nextCursor: encodeCursor(end) }) };
    };
    return Reflect.apply(install, server, [schema, paged]);
  };
  server.setRequestHandler = /** @type {typeof install} */ (intercept);
}

/** @typedef {(request: unknown, extra: unknown) => unknown} RawHandler */

/** @type {WeakSet<McpServer>} */
const paginated = new WeakSet();

/**
 * Call after registering tools: fails loudly if the tools/list handler was not caught.
 * @param {McpServer} mcpServer
 */
export function assertToolsPaginated(mcpServer) {
  if (!paginated.has(mcpServer)) throw new Error('tools/list was not paginated: did the MCP SDK change how McpServer installs it?');
}

/**
 * Cursors are opaque to clients; base64url keeps them so while staying debuggable.
 * @param {number} offset
 */
export function encodeCursor(offset) {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

/**
 * @param {string | undefined} cursor
 * @returns {number} the offset; 0 without a cursor
 */
function decodeCursor(cursor) {
  if (cursor === undefined) return 0;
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || encodeCursor(Number(match[1])) !== cursor) throw invalidCursor();
  return Number(match[1]);
}

function invalidCursor() {
  return new McpError(ErrorCode.InvalidParams, 'Invalid cursor');
}
