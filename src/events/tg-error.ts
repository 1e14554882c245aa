/**
 * `tg-error`: a coded error was added to the conversation (`detail.entry.code`: `TG_LLM_HTTP`,
 * `TG_LLM_RATE_LIMITED`, `TG_LLM_STREAM_BROKEN`, `TG_MAX_STEPS`, `TG_STOPPED`, …). Never carries a key.
 * Bubbles and is composed, so the host page can listen on the element or any ancestor.
 */
import type { AgentEventMap } from '../agent/agent.js';

export type TgErrorDetail = AgentEventMap['error'];

export class TgErrorEvent extends CustomEvent<TgErrorDetail> {
  static readonly eventName = 'tg-error' as const;

  constructor(detail: TgErrorDetail) {
    super(TgErrorEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-error': TgErrorEvent;
  }
}
