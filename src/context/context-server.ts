/**
 * What the person's context needs of a server: its resources, resource templates, prompts and
 * completion — never its tools (those go through the gate only). `contextServer()` makes one from
 * a connection (`McpConnection` fits) and reads what the server offers from its capabilities, so
 * nothing asks a server for a feature it did not announce. No DOM.
 */
import type { McpConnection } from '../connections/connection.js';

/** A connection as far as the person's context goes (`McpConnection` has all of it). */
export type ContextConnection = Pick<
  McpConnection,
  | 'info'
  | 'listResources'
  | 'listResourceTemplates'
  | 'readResource'
  | 'listPrompts'
  | 'getPrompt'
  | 'complete'
  | 'subscribeResource'
  | 'unsubscribeResource'
  | 'addEventListener'
  | 'removeEventListener'
>;

export interface ContextServer {
  /** The server's one id (tool ids, policy rules, data-flow labels use it). */
  readonly id: string;
  /** Its name as the person reads it. */
  readonly label: string;
  /** Its URL: the data-flow rules of its output follow it. */
  readonly url: string;
  /** What it announced: resources (and subscriptions to them), prompts, completion. */
  readonly offers: { readonly resources: boolean; readonly subscribe: boolean; readonly prompts: boolean; readonly completions: boolean };
  readonly connection: ContextConnection;
}

/** A context server for `connection`, from what its `initialize`/`server/discover` announced. */
export function contextServer(id: string, label: string, url: string, connection: ContextConnection): ContextServer {
  const capabilities = connection.info?.capabilities;
  return Object.freeze({
    id,
    label,
    url,
    offers: Object.freeze({
      resources: capabilities?.resources !== undefined,
      subscribe: capabilities?.resources?.subscribe === true,
      prompts: capabilities?.prompts !== undefined,
      completions: capabilities?.completions !== undefined,
    }),
    connection,
  });
}
