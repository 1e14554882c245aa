/**
 * `tg-turn-start`: `<tg-agent>` started a turn — the person sent text to the model (`kind: 'model'`)
 * or ran a tool from the manual form (`kind: 'manual'`).
 */
import type { AgentEventMap } from '../agent/agent.js';
import { tgEvent } from './define.js';

export type TgTurnStartDetail = AgentEventMap['turn-start'];

export class TgTurnStartEvent extends tgEvent<TgTurnStartDetail>()('tg-turn-start') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-turn-start': TgTurnStartEvent;
  }
}
