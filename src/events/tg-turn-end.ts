/**
 * `tg-turn-end`: a turn ended — `reason` `done`, `stopped`, `error` or `max-steps`, with the token
 * `usage` when the provider reported it. Every turn that starts ends with this event.
 * Bubbles and is composed, so the host page can listen on the element or any ancestor.
 */
import type { AgentEventMap } from '../agent/agent.js';

export type TgTurnEndDetail = AgentEventMap['turn-end'];

export class TgTurnEndEvent extends CustomEvent<TgTurnEndDetail> {
  static readonly eventName = 'tg-turn-end' as const;

  constructor(detail: TgTurnEndDetail) {
    super(TgTurnEndEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-turn-end': TgTurnEndEvent;
  }
}
