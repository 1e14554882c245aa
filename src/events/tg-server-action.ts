/**
 * `tg-server-action`: the person asked `<tg-connections>` to do something with a server. The
 * element only renders and asks; whoever owns the servers acts (`<tg-agent>` does, on its
 * runtime; a host that uses `<tg-connections>` on its own listens for this event):
 * - `add`: add a server the person typed in (`consented` when they agreed to one the policy's
 *   allow-list does not name);
 * - `remove` (one the person added), `connect`, `disconnect`, `sign-out`, `consent` (use a listed
 *   server the allow-list does not name), `rebind` (accept that the server's id now names its URL);
 * - `sign-in`: reconnect, sending the person through OAuth in `popup` (opened in the click, so no
 *   blocker stops it; `null` when it was blocked: a full-page redirect takes over);
 * - `accept-definition`: re-approve a quarantined tool's changed definition.
 */
import type { SavedServer } from '../elements/connections/saved-servers.js';
import { tgEvent } from './define.js';

export type TgServerActionDetail =
  | { action: 'add'; server: SavedServer }
  | { action: 'remove' | 'connect' | 'disconnect' | 'sign-out' | 'consent' | 'rebind'; serverId: string }
  | { action: 'sign-in'; serverId: string; popup: Window | null }
  | { action: 'accept-definition'; toolId: string };

export class TgServerActionEvent extends tgEvent<TgServerActionDetail>()('tg-server-action') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-server-action': TgServerActionEvent;
  }
}
