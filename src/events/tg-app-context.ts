/**
 * `tg-app-context`: an MCP App view updated what the model should know (`ui/update-model-context`).
 * Untrusted content from its server: `<tg-agent>` shows it to the person (removable) and sends it
 * with their next message. Neither `text` nor `structured`: the view cleared its context.
 */
import { tgEvent } from './define.js';

export interface TgAppContextDetail {
  text?: string;
  structured?: unknown;
  serverId: string;
  /** The tool whose view it is. */
  tool: string;
  resourceUri: string;
}

export class TgAppContextEvent extends tgEvent<TgAppContextDetail>()('tg-app-context') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-app-context': TgAppContextEvent;
  }
}
