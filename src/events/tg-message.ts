/**
 * `tg-message`: a message of the conversation — the person's text, or the model's answer while it
 * streams (`detail.delta` is the new text; `detail.entry.text` the text so far) and once more when it
 * is complete (`entry.status` `done`, `stopped` or `failed`).
 * Bubbles and is composed, so the host page can listen on the element or any ancestor.
 */
import type { AgentEventMap } from '../agent/agent.js';

export type TgMessageDetail = AgentEventMap['message'];

export class TgMessageEvent extends CustomEvent<TgMessageDetail> {
  static readonly eventName = 'tg-message' as const;

  constructor(detail: TgMessageDetail) {
    super(TgMessageEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-message': TgMessageEvent;
  }
}
