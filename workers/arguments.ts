/**
 * Checks of the arguments the page passes to a connection's methods. A wrong one is a `TypeError`
 * naming it (`ERR_INVALID_ARG_TYPE`), thrown before anything is sent.
 */
import { ErrorCode, TgError, invalidArgument } from './shared/errors.js';
import { isLogLevel } from './protocol/logging.js';
import { LOG_LEVELS, type CompletionArgument, type CompletionContext, type CompletionRef, type LogLevel, type ServerCapabilities } from './shared/wire.js';

export function checkNonEmpty(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(name, 'a non-empty string');
}

/** A plain object (not null, not an array). */
export function checkObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(name, 'an object');
}

export function checkLogLevel(level: unknown): asserts level is LogLevel {
  if (!isLogLevel(level)) throw invalidArgument('level', `one of ${LOG_LEVELS.join(', ')}`);
}

export function checkCompletion(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): void {
  const okRef =
    typeof ref === 'object' && ref !== null &&
    ((ref.type === 'ref/prompt' && typeof ref.name === 'string') || (ref.type === 'ref/resource' && typeof ref.uri === 'string'));
  if (!okRef) throw invalidArgument('ref', "{ type: 'ref/prompt', name } or { type: 'ref/resource', uri }");
  if (typeof argument !== 'object' || argument === null || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
    throw invalidArgument('argument', '{ name: string, value: string }');
  }
  const args = context?.arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || !Object.values(args).every((v) => typeof v === 'string'))) {
    throw invalidArgument('context.arguments', 'an object of strings');
  }
}

/** Refuses a feature the server did not declare (`TG_UNSUPPORTED_FEATURE`), without asking it. */
export function checkCapability(info: { capabilities: ServerCapabilities } | undefined, capability: 'completions' | 'logging'): void {
  if (info && !info.capabilities[capability]) {
    throw new TgError(ErrorCode.UNSUPPORTED_FEATURE, `The server does not offer ${capability} (no ${capability} capability)`);
  }
}
