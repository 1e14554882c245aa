/**
 * `tg-app-message`: the person let an MCP App view send a message (`ui/message`, after they saw it
 * and chose "Send"). The text is the view's — untrusted content from its server; `<tg-agent>`
 * sends it as a user turn marked as written by the app.
 */
import { tgEvent } from './define.js';

export interface TgAppMessageDetail {
  /** The text the person agreed to send (from the view: untrusted content). */
  text: string;
  serverId: string;
  /** The tool whose view it is. */
  tool: string;
  resourceUri: string;
}

export class TgAppMessageEvent extends tgEvent<TgAppMessageDetail>()('tg-app-message') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-app-message': TgAppMessageEvent;
  }
}
