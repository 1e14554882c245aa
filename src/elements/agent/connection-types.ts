/**
 * The connection layer's types, as the elements see them. Elements reach them through
 * `src/connections/` only, never `workers/` (DESIGN.md "Dependency rules").
 */
import type { AuthorizeHandler, ConnectionConfig, ElicitationHandler, McpConnection } from '../../connections/connection.js';

export type {
  AuthorizeHandler,
  CallToolResult,
  ConnectionConfig,
  ConnectionStatus,
  ContentBlock,
  ElicitationHandler,
  ElicitationRequest,
  ElicitationResult,
  JsonObject,
  Progress,
  Tool,
  ToolAnnotations,
} from '../../connections/connection.js';

/** What the controllers need from a connection; `McpConnection` has it, and so can a test double. */
export type ConnectionLike = Pick<
  McpConnection,
  'config' | 'status' | 'tools' | 'listTools' | 'callTool' | 'close' | 'addEventListener' | 'removeEventListener'
>;

/**
 * Opens one connection; the default is `McpConnection.open` (one worker per server). `authorize`
 * sends the person to a server's OAuth authorization page (a sign-in); `elicit` shows a server's
 * elicitation request to the person (without it the server gets no elicitation capability).
 */
export type ConnectionOpener = (config: ConnectionConfig, authorize?: AuthorizeHandler, elicit?: ElicitationHandler) => Promise<ConnectionLike>;

/** An error reduced to what is shown and reported: its `code` (when it has one) and message. */
export interface CodedError {
  code?: string;
  message: string;
}
