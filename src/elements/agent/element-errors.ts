/**
 * Error codes raised by the elements themselves (the connection layer's codes are `ErrorCode`).
 * Callers branch on `err.code`, never on `instanceof`.
 */
import { ErrorCode } from '../../errors.js';

export const ElementErrorCode = {
  /** The tool-argument text is not a JSON object; nothing was sent to the server. */
  INVALID_ARGUMENTS: 'TG_INVALID_ARGUMENTS',
  /** A `<tg-server>` attribute or `servers` entry is invalid; no connection was opened. */
  INVALID_CONFIG: ErrorCode.INVALID_CONFIG,
  /** A tool was called on a server that is not `ready`. */
  NOT_CONNECTED: ErrorCode.NOT_CONNECTED,
} as const;
