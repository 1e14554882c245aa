/** An error reduced to what is shown and reported: its `code` (when it has one) and message. No DOM. */
import { errorCode } from '../../workers/shared/errors.js';

export interface CodedError {
  code?: string;
  message: string;
}

/** Reduces anything thrown to `{ code?, message }` for display and events. */
export function toCodedError(err: unknown): CodedError {
  const code = errorCode(err);
  const message =
    err instanceof Error ? err.message : typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  return code === undefined ? { message } : { code, message };
}
