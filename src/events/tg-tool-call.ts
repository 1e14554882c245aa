/**
 * `tg-tool-call`: a tool call went through the gate — `phase` `start`, `progress` (with
 * `entry.progress`) or `end` (with `entry.outcome`: `ok`, `tool-error`, `refused`, `failed`, `cancelled`).
 * The approval veto is a separate, cancelable event (`tg-tool-request`).
 * Bubbles and is composed, so the host page can listen on the element or any ancestor.
 */
import type { AgentEventMap } from '../agent/agent.js';

export type TgToolCallDetail = AgentEventMap['tool-call'];

export class TgToolCallEvent extends CustomEvent<TgToolCallDetail> {
  static readonly eventName = 'tg-tool-call' as const;

  constructor(detail: TgToolCallDetail) {
    super(TgToolCallEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-tool-call': TgToolCallEvent;
  }
}
