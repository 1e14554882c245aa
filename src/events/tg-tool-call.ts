/**
 * `tg-tool-call`: a tool call went through the gate — the model's, the person's (manual form or a
 * server card's panel) or an app view's (`entry.proposer`) — `phase` `start`, `progress` (with
 * `entry.progress`) or `end` (with `entry.outcome`: `ok`, `tool-error`, `refused`, `failed`, `cancelled`).
 * The approval veto is a separate, cancelable event (`tg-tool-request`).
 */
import type { AgentEventMap } from '../agent/agent.js';
import { tgEvent } from './define.js';

export type TgToolCallDetail = AgentEventMap['tool-call'];

export class TgToolCallEvent extends tgEvent<TgToolCallDetail>()('tg-tool-call') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-tool-call': TgToolCallEvent;
  }
}
