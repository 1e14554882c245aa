/**
 * `tg-turn-end`: a turn ended — `reason` `done`, `stopped`, `error` or `max-steps`, with the token
 * `usage` when the provider reported it. Every turn that starts ends with this event.
 */
import type { AgentEventMap } from '../agent/agent.js';
import { tgEvent } from './define.js';

export type TgTurnEndDetail = AgentEventMap['turn-end'];

export class TgTurnEndEvent extends tgEvent<TgTurnEndDetail>()('tg-turn-end') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-turn-end': TgTurnEndEvent;
  }
}
