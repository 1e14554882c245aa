/**
 * Error codes of the MCP Apps host. A view's request that is refused gets a JSON-RPC error whose
 * `data.code` is one of these; the host page sees them on `tg-error` and in the audit log.
 * Callers branch on `code`.
 */
export const AppErrorCode = {
  /** No sandbox origin on another host is configured: views are not rendered (text is shown). */
  SANDBOX_UNAVAILABLE: 'TG_APP_SANDBOX_UNAVAILABLE',
  /** The view resource is unusable: not `ui://`, wrong MIME type, too large, not UTF-8, or missing. */
  VIEW_INVALID: 'TG_APP_VIEW_INVALID',
  /** The view's HTML or security metadata changed since the person accepted it; it waits for re-approval. */
  VIEW_QUARANTINED: 'TG_APP_VIEW_QUARANTINED',
  /** The view asked for a tool it may not call (another server, or not visible to apps). */
  TOOL_FORBIDDEN: 'TG_APP_TOOL_FORBIDDEN',
  /** A view's `tools/call` arguments do not match the tool's `inputSchema`; `data.errors` lists why. */
  ARGS_INVALID: 'TG_APP_ARGS_INVALID',
  /** A bridge message was refused: before `ui/initialize`, malformed, too large, or over the rate limit. */
  MESSAGE_REFUSED: 'TG_APP_MESSAGE_REFUSED',
  /** The person (or the host) declined what the view asked for: a link, a download, a message. */
  DENIED: 'TG_APP_DENIED',
  /** A link or download the view asked for is not allowed (scheme, host, size). */
  UNSAFE_URL: 'TG_APP_UNSAFE_URL',
} as const;

export type AppErrorCodeValue = (typeof AppErrorCode)[keyof typeof AppErrorCode];
