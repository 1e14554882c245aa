/**
 * `tg-connection-status`: a server connection of `<tg-agent>` changed status
 * (`connecting` → `ready`, `failed`, `closed`). Bubbles and is composed, so the host page can
 * listen on the element or any ancestor.
 */
import type { McpConnection } from '../connections/connection.js';

export interface TgConnectionStatusDetail {
  /** The server's URL, as configured. */
  url: string;
  /** The server's label (`<tg-server name>`), when it has one. */
  name?: string;
  status: McpConnection['status'];
  /** Why the connection failed or closed, when known. */
  error?: { code?: string; message: string };
}

export class TgConnectionStatusEvent extends CustomEvent<TgConnectionStatusDetail> {
  static readonly eventName = 'tg-connection-status' as const;

  constructor(detail: TgConnectionStatusDetail) {
    super(TgConnectionStatusEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-connection-status': TgConnectionStatusEvent;
  }
}
