/** `tg-audit-verify`: the Verify button of `<tg-audit-log>` finished. `detail` is the result (the first broken link, if any). */
import type { VerifyResult } from '../audit/verify.js';
import { tgEvent } from './define.js';

export type TgAuditVerifyDetail = VerifyResult;

export class TgAuditVerifyEvent extends tgEvent<TgAuditVerifyDetail>()('tg-audit-verify') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-audit-verify': TgAuditVerifyEvent;
  }
}
