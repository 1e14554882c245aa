/**
 * Comlink's default `throw` handler keeps only `message`, `name` and `stack`. Ours keeps `code`,
 * `rpcCode`, `data` and the `cause` chain, so the page can branch on `err.code` after a call
 * into a worker failed. Import this module on both sides of the boundary.
 */
import { transferHandlers, type TransferHandler } from 'comlink';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  rpcCode?: number;
  data?: unknown;
  cause?: SerializedError | { value: unknown };
}

const MAX_CAUSE_DEPTH = 8;

export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), data: cloneable(err) };
  const out: SerializedError = { name: err.name, message: err.message };
  if (err.stack !== undefined) out.stack = err.stack;
  const { code, rpcCode, data } = err as Error & { code?: unknown; rpcCode?: unknown; data?: unknown };
  if (typeof code === 'string') out.code = code;
  if (typeof rpcCode === 'number') out.rpcCode = rpcCode;
  if (data !== undefined) out.data = cloneable(data);
  if (err.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    out.cause = err.cause instanceof Error ? serializeError(err.cause, depth + 1) : { value: cloneable(err.cause) };
  }
  return out;
}

export function deserializeError(s: SerializedError): Error {
  const cause = s.cause === undefined ? undefined : 'value' in s.cause ? s.cause.value : deserializeError(s.cause);
  const err = new Error(s.message, cause === undefined ? undefined : { cause });
  err.name = s.name;
  if (s.stack !== undefined) err.stack = s.stack;
  return Object.assign(err, pick(s));
}

function pick(s: SerializedError): Partial<Pick<SerializedError, 'code' | 'rpcCode' | 'data'>> {
  const out: Partial<Pick<SerializedError, 'code' | 'rpcCode' | 'data'>> = {};
  if (s.code !== undefined) out.code = s.code;
  if (s.rpcCode !== undefined) out.rpcCode = s.rpcCode;
  if (s.data !== undefined) out.data = s.data;
  return out;
}

/** `data` from a server can be anything; only what survives structured clone may cross. */
function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

interface ThrownValue {
  value: unknown;
}

// Comlink marks thrown values with a private symbol, so reuse its own `canHandle` for the check.
const builtin = transferHandlers.get('throw') as TransferHandler<ThrownValue, unknown>;

const throwHandler: TransferHandler<ThrownValue, SerializedError> = {
  canHandle: builtin.canHandle,
  serialize: ({ value }) => [serializeError(value), []],
  deserialize: (serialized) => {
    throw deserializeError(serialized);
  },
};

transferHandlers.set('throw', throwHandler as TransferHandler<unknown, unknown>);
