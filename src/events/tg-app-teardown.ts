/** `tg-app-teardown`: an MCP App view asked to be closed, or was torn down (`detail.reason` says why). */
import { tgEvent } from './define.js';

export interface TgAppTeardownDetail {
  reason: string;
}

export class TgAppTeardownEvent extends tgEvent<TgAppTeardownDetail>()('tg-app-teardown') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-app-teardown': TgAppTeardownEvent;
  }
}
