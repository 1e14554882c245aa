/**
 * `tg-tool-request`: a tool call needs approval. Fired (cancelable) BEFORE the
 * approval card is shown, so the host page can decide first:
 * - `event.preventDefault()` denies the call at once (no card);
 * - `event.detail.respond('allow' | 'deny')` — or `respond(promise)` — called while the event is
 *   dispatched takes the request over: no card is shown and the host's (possibly asynchronous)
 *   answer decides, e.g. after its own ticket workflow. The gate's approval timeout still applies;
 * - doing neither shows the card; a later `respond()` still counts, and the first answer wins.
 *
 * `detail.request` is what the card would show; its server-supplied strings are untrusted text.
 */
import type { ApprovalRequest, HostDecision, HostHook } from '../gate/approvals.js';
import { tgEvent } from './define.js';

export interface TgToolRequestDetail {
  request: Readonly<ApprovalRequest>;
  respond: (decision: HostDecision | Promise<HostDecision>) => void;
}

export class TgToolRequestEvent extends tgEvent<TgToolRequestDetail>()('tg-tool-request', { cancelable: true }) {}

/**
 * A gate `hostHook` that fires `tg-tool-request` on `target` (e.g. the `<tg-agent>` element):
 * `createRuntime({ …, hostHook: toolRequestHook(element) })`.
 */
export function toolRequestHook(target: EventTarget): HostHook {
  return (request, respond) => {
    const event = new TgToolRequestEvent({ request, respond });
    return target.dispatchEvent(event) ? undefined : 'deny';
  };
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-tool-request': TgToolRequestEvent;
  }
}
