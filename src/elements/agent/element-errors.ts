/** Errors as the elements show and report them. Callers branch on `err.code`, never on `instanceof`. */
import { errorCode } from '../../../workers/shared/errors.js';
import type { CodedError } from './connection-types.js';

/** Reduces anything thrown to `{ code?, message }` for display and events. */
export function toCodedError(err: unknown): CodedError {
  const code = errorCode(err);
  const message =
    err instanceof Error ? err.message : typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  return code === undefined ? { message } : { code, message };
}
