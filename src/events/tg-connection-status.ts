/**
 * `tg-connection-status`: a server connection of `<tg-agent>` changed status (`connecting` →
 * `ready`, `reconnecting` (with the attempt) → `ready` again, `failed`, `closed`).
 */
import type { ConnectionStatus } from '../../workers/shared/connection-types.js';
import { tgEvent } from './define.js';

export interface TgConnectionStatusDetail {
  /** The server's URL, as configured. */
  url: string;
  /** The server's id (policy rules, roles and tool ids use it). */
  id?: string;
  /** The server's label (`<tg-server name>`), when it has one. */
  name?: string;
  status: ConnectionStatus;
  /** While `reconnecting`: the attempt under way (from 1). */
  attempt?: number;
  /** Why the connection failed or closed, when known. */
  error?: { code?: string; message: string };
}

export class TgConnectionStatusEvent extends tgEvent<TgConnectionStatusDetail>()('tg-connection-status') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-connection-status': TgConnectionStatusEvent;
  }
}
