/**
 * `tg-manual-submit`: the person submitted a valid `<tg-manual-form>`. `<tg-agent>` answers it
 * with `agent.runTool(toolId, args)` (through the gate).
 */
import type { JsonObject } from '../../workers/shared/wire.js';
import { tgEvent } from './define.js';

export interface TgManualSubmitDetail {
  /** The gate's namespaced tool id. */
  toolId: string;
  /** Arguments, validated against the tool's `inputSchema`. */
  args: JsonObject;
}

export class TgManualSubmitEvent extends tgEvent<TgManualSubmitDetail>()('tg-manual-submit') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-manual-submit': TgManualSubmitEvent;
  }
}
