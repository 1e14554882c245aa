/**
 * Error codes raised by the elements themselves (the connection layer's codes are `ErrorCode`).
 * Callers branch on `err.code`, never on `instanceof`.
 */
import { ErrorCode, errorCode } from '../../errors.js';
import type { CodedError } from './connection-types.js';

export const ElementErrorCode = {
  /** The tool-argument text is not a JSON object; nothing was sent to the server. */
  INVALID_ARGUMENTS: 'TG_INVALID_ARGUMENTS',
  /** A `<tg-server>` attribute or `servers` entry is invalid; no connection was opened. */
  INVALID_CONFIG: ErrorCode.INVALID_CONFIG,
  /** A tool was called on a server that is not `ready`. */
  NOT_CONNECTED: ErrorCode.NOT_CONNECTED,
} as const;

/** Reduces anything thrown to `{ code?, message }` for display and events. */
export function toCodedError(err: unknown): CodedError {
  const code = errorCode(err);
  const message =
    err instanceof Error ? err.message : typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  return code === undefined ? { message } : { code, message };
}
