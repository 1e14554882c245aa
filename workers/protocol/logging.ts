/**
 * Server log messages (`notifications/message`), both eras: checked and bounded before they reach
 * the page. Legacy servers are told the level once per session (`logging/setLevel`); modern servers
 * per request (`_meta["io.modelcontextprotocol/logLevel"]`) and then log only on that request's stream.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { RpcEngine } from './rpc.js';
import { parseLogMessage } from './validate.js';
import { LOG_LEVELS, Method, type LogLevel, type LogMessage } from '../shared/wire.js';

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/** Routes checked log messages to `onLog`; malformed ones are reported as problems and dropped. */
export function handleLogMessages(
  rpc: RpcEngine,
  onLog: ((message: LogMessage) => void) | undefined,
  onproblem: ((error: TgError) => void) | undefined,
): void {
  rpc.setNotificationHandler(Method.LOG_MESSAGE, (params) => {
    const message = parseLogMessage(params);
    if (typeof message === 'string') {
      onproblem?.(new TgError(ErrorCode.PROTOCOL_ERROR, `Dropped a log message: ${message}`));
      return;
    }
    onLog?.(message);
  });
}
