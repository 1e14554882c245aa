/**
 * Error codes of the audit log and its storage. Thrown as `TgError` (the same class the
 * connection layer uses), so callers branch on `err.code` everywhere.
 */
import { TgError } from '../../workers/shared/errors.js';

export const AuditErrorCode = {
  /**
   * The database could not be written or read: it was closed, deleted or upgraded by another
   * connection, the browser terminated it, or a transaction failed. `cause` has the DOM error.
   */
  STORAGE_FAILED: 'TG_STORAGE_FAILED',
  /** The browser refused the write because the origin's storage quota is used up. */
  STORAGE_QUOTA: 'TG_STORAGE_QUOTA',
  /** The log is closed (`close()` was called); append and queries are refused. */
  AUDIT_CLOSED: 'TG_AUDIT_CLOSED',
  /** An imported or stored chain does not verify; `data` is the `VerifyResult`. */
  AUDIT_BROKEN_CHAIN: 'TG_AUDIT_BROKEN_CHAIN',
  /** An append input is not a valid record (unknown kind, missing field, value not JSON). */
  AUDIT_INVALID_RECORD: 'TG_AUDIT_INVALID_RECORD',
  /** Shipping records to an OpenTelemetry collector failed; `data.status` when it answered. */
  AUDIT_EXPORT_FAILED: 'TG_AUDIT_EXPORT_FAILED',
} as const;

export type AuditErrorCodeValue = (typeof AuditErrorCode)[keyof typeof AuditErrorCode];

/**
 * Maps whatever IndexedDB threw to a coded error: quota errors stay recognisable (the page can
 * tell the person to free space), everything else is a storage failure.
 */
export function storageError(err: unknown, doing: string): TgError {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const code = (err as { code: string }).code;
    if (code.startsWith('TG_')) return err as TgError;
  }
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'QuotaExceededError' || /quota/i.test(message)) {
    return new TgError(AuditErrorCode.STORAGE_QUOTA, `Audit storage is full (${doing}): ${message}`, { cause: err });
  }
  return new TgError(AuditErrorCode.STORAGE_FAILED, `Audit storage failed (${doing}): ${name ? `${name}: ` : ''}${message}`, {
    cause: err,
  });
}
