/**
 * Events of `<tg-audit-log>` (kept beside the element until src/events/ adopts them).
 * Both bubble and are composed.
 */
import type { VerifyResult } from '../../audit/verify.js';

/** `tg-audit-verify`: the Verify button finished. `detail` is the result (first broken link). */
export class TgAuditVerifyEvent extends CustomEvent<VerifyResult> {
  static readonly eventName = 'tg-audit-verify' as const;
  constructor(detail: VerifyResult) {
    super(TgAuditVerifyEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

export interface TgAuditExportDetail {
  /** The whole JSONL export. */
  blob: Blob;
  /** The suggested file name, `toolgate-audit-<db>-<time>.jsonl`. */
  filename: string;
}

/**
 * `tg-audit-export`: an export is ready. Cancelable: `preventDefault()` stops the download,
 * e.g. when the host ships the file somewhere itself.
 */
export class TgAuditExportEvent extends CustomEvent<TgAuditExportDetail> {
  static readonly eventName = 'tg-audit-export' as const;
  constructor(detail: TgAuditExportDetail) {
    super(TgAuditExportEvent.eventName, { detail, bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-audit-verify': TgAuditVerifyEvent;
    'tg-audit-export': TgAuditExportEvent;
  }
}
