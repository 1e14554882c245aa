/**
 * The coded error for whatever IndexedDB threw, shared by every store (audit log, gate policy and
 * pins): quota errors stay recognisable (the page can tell the person to free space), an error that
 * already carries a Toolgate code passes through, everything else is a storage failure.
 */
import { ErrorCode, TgError, hasToolgateCode } from '../../workers/shared/errors.js';

/** `store` names the store in the message (`Audit`, `Gate`); `doing` what was being done (`append`, `read policy`). */
export function storageError(err: unknown, doing: string, store = 'Audit'): TgError {
  if (hasToolgateCode(err)) return err as TgError;
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'QuotaExceededError' || /quota/i.test(message)) {
    return new TgError(ErrorCode.STORAGE_QUOTA, `${store} storage is full (${doing}): ${message}`, { cause: err });
  }
  return new TgError(ErrorCode.STORAGE_FAILED, `${store} storage failed (${doing}): ${name ? `${name}: ` : ''}${message}`, { cause: err });
}

/** Whether a coded error is a storage failure (full or broken), which goes away when storage returns. */
export function isStorageFailure(error: { code?: string } | undefined): boolean {
  return error?.code === ErrorCode.STORAGE_FAILED || error?.code === ErrorCode.STORAGE_QUOTA;
}
