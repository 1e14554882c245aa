/**
 * What the elements' controllers need of a connection. The types it is built from are imported where
 * they are defined: the shared vocabulary (`workers/shared/`) and the worker's contract
 * (`workers/connection-api.ts`, types only); behaviour comes from `src/connections/`.
 */
import type { McpConnection } from '../../connections/connection.js';
import type { AuthorizeHandler } from '../../../workers/shared/auth.js';
import type { ConnectionConfig } from '../../../workers/connection-api.js';
import type { ElicitationHandler } from '../../../workers/shared/connection-types.js';

/** What the controllers need from a connection; `McpConnection` has it, and so can a test double. */
export type ConnectionLike = Pick<
  McpConnection,
  'config' | 'status' | 'tools' | 'listTools' | 'callTool' | 'readResource' | 'close' | 'addEventListener' | 'removeEventListener'
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
