/**
 * `tg-manual-submit`: the person submitted a valid manual form. `<tg-agent>` answers it with
 * `agent.runTool(toolId, args)` (through the gate). Bubbles and is composed.
 */
import type { JsonObject } from '../../../workers/shared/wire.js';

export interface TgManualSubmitDetail {
  /** The gate's namespaced tool id. */
  toolId: string;
  /** Arguments, validated against the tool's `inputSchema`. */
  args: JsonObject;
}

export class TgManualSubmitEvent extends CustomEvent<TgManualSubmitDetail> {
  static readonly eventName = 'tg-manual-submit' as const;

  constructor(detail: TgManualSubmitDetail) {
    super(TgManualSubmitEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-manual-submit': TgManualSubmitEvent;
  }
}
