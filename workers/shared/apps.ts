/**
 * The MCP Apps extension's names (SEP-1865, 2026-01-26), shared by the worker (which advertises the
 * extension in its client capabilities) and the page (which renders the views).
 */

/** The extension's identifier, a key of the client capabilities' `extensions`. */
export const UI_EXTENSION_ID = 'io.modelcontextprotocol/ui';
/** The only view content type of the 2026-01-26 revision. */
export const VIEW_MIME_TYPE = 'text/html;profile=mcp-app';

/** `capabilities.extensions` of a client that renders MCP App views (both spec eras). */
export function appsExtension(): { [UI_EXTENSION_ID]: { mimeTypes: string[] } } {
  return { [UI_EXTENSION_ID]: { mimeTypes: [VIEW_MIME_TYPE] } };
}
