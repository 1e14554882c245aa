/**
 * `tg-message`: a message of the conversation — the person's text, or the model's answer while it
 * streams (`detail.delta` is the new text; `detail.entry.text` the text so far) and once more when it
 * is complete (`entry.status` `done`, `stopped` or `failed`).
 */
import type { AgentEventMap } from '../agent/agent.js';
import { tgEvent } from './define.js';

export type TgMessageDetail = AgentEventMap['message'];

export class TgMessageEvent extends tgEvent<TgMessageDetail>()('tg-message') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-message': TgMessageEvent;
  }
}
