/**
 * `tg-error`: a coded error was added to the conversation (`detail.entry.code`: `TG_LLM_HTTP`,
 * `TG_LLM_RATE_LIMITED`, `TG_LLM_STREAM_BROKEN`, `TG_MAX_STEPS`, `TG_STOPPED`, …). Never carries a key.
 */
import type { AgentEventMap } from '../agent/agent.js';
import { tgEvent } from './define.js';

export type TgErrorDetail = AgentEventMap['error'];

export class TgErrorEvent extends tgEvent<TgErrorDetail>()('tg-error') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-error': TgErrorEvent;
  }
}
