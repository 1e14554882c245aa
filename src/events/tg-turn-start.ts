/**
 * `tg-turn-start`: `<tg-agent>` started a turn — the person sent text to the model (`kind: 'model'`)
 * or ran a tool from the manual form (`kind: 'manual'`).
 * Bubbles and is composed, so the host page can listen on the element or any ancestor.
 */
import type { AgentEventMap } from '../agent/agent.js';

export type TgTurnStartDetail = AgentEventMap['turn-start'];

export class TgTurnStartEvent extends CustomEvent<TgTurnStartDetail> {
  static readonly eventName = 'tg-turn-start' as const;

  constructor(detail: TgTurnStartDetail) {
    super(TgTurnStartEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-turn-start': TgTurnStartEvent;
  }
}
