/**
 * `tg-audit-export`: an export of `<tg-audit-log>` is ready. Cancelable: `preventDefault()` stops
 * the download, e.g. when the host ships the file somewhere itself.
 */
import { tgEvent } from './define.js';

export interface TgAuditExportDetail {
  /** The whole JSONL export. */
  blob: Blob;
  /** The suggested file name, `toolgate-audit-<db>-<time>.jsonl`. */
  filename: string;
}

export class TgAuditExportEvent extends tgEvent<TgAuditExportDetail>()('tg-audit-export', { cancelable: true }) {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-audit-export': TgAuditExportEvent;
  }
}
