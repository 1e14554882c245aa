/**
 * `tg-elicitation`: a server asks the person something (form or URL elicitation). Fired on
 * `<tg-agent>` (cancelable) BEFORE the card is shown, like `tg-tool-request`:
 * - `event.preventDefault()` declines at once (no card);
 * - `event.detail.respond(result)` — or `respond(promise)` — called while the event is dispatched
 *   takes the request over: no card is shown and the host's answer goes to the server;
 * - doing neither shows the card; a later `respond()` still counts, and the first answer wins.
 *
 * `detail.request` is untrusted server text (message, schema titles, URL): render it as text only.
 */
import type { PendingElicitation } from '../runtime/pending-elicitation.js';
import type { ElicitationRequest, ElicitationResult } from '../../workers/shared/wire.js';
import { tgEvent } from './define.js';

export interface TgElicitationDetail {
  /** The server's label (its `name`, else its URL). */
  server: string;
  /** The server's id. */
  serverId: string;
  request: Readonly<ElicitationRequest>;
  respond: (result: ElicitationResult | Promise<ElicitationResult>) => void;
}

export class TgElicitationEvent extends tgEvent<TgElicitationDetail>()('tg-elicitation', { cancelable: true }) {}

/** Fires `tg-elicitation` on `target` for a new pending elicitation; `preventDefault()` declines it. */
export function dispatchElicitation(target: EventTarget, pending: PendingElicitation): void {
  const event = new TgElicitationEvent({ server: pending.serverName, serverId: pending.serverId, request: pending.request, respond: (result) => pending.respond(result) });
  if (!target.dispatchEvent(event)) pending.respond({ action: 'decline' });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-elicitation': TgElicitationEvent;
  }
}
