/** Sorts decoded frames into the JSON-RPC message kinds (`Incoming`); the RPC engine dispatches on the result. */
import type {
  Incoming,
  JsonObject,
  JsonRpcFailure,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcSuccess,
  RequestId,
} from '../shared/wire.js';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

/** Sorts one decoded frame into request, notification, success, failure or invalid. */
export function classify(raw: unknown): Incoming {
  if (!isObject(raw)) return { kind: 'invalid', reason: 'frame is not a JSON object' };
  if (raw.jsonrpc !== '2.0') return { kind: 'invalid', reason: 'jsonrpc is not "2.0"' };
  if ('params' in raw && raw.params !== undefined && !isObject(raw.params)) {
    return { kind: 'invalid', reason: 'params is not an object' };
  }
  if (typeof raw.method === 'string') {
    if (!('id' in raw)) return { kind: 'notification', message: raw as unknown as JsonRpcNotification };
    if (isId(raw.id)) return { kind: 'request', message: raw as unknown as JsonRpcRequest };
    return { kind: 'invalid', reason: 'request id is not a string or integer' };
  }
  if ('result' in raw) {
    if (!isId(raw.id)) return { kind: 'invalid', reason: 'response id is not a string or integer' };
    if (!isObject(raw.result)) return { kind: 'invalid', reason: 'result is not an object' };
    return { kind: 'success', message: raw as unknown as JsonRpcSuccess };
  }
  if ('error' in raw) {
    const error = raw.error;
    if (!isObject(error) || typeof error.code !== 'number' || typeof error.message !== 'string') {
      return { kind: 'invalid', reason: 'error is not a JSON-RPC error object' };
    }
    if (raw.id !== null && !isId(raw.id)) return { kind: 'invalid', reason: 'error id is not valid' };
    return { kind: 'failure', message: raw as unknown as JsonRpcFailure };
  }
  return { kind: 'invalid', reason: 'frame is neither a request, a notification nor a response' };
}
