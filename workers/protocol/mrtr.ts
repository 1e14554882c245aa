/**
 * `resultType` and Multi Round-Trip Requests (basic/patterns/mrtr.mdx). A modern server that needs
 * input (elicitation, sampling, roots) answers with an `InputRequiredResult`; the client fulfils
 * every `inputRequests` entry and retries the original request, as a new JSON-RPC request, with
 * `inputResponses` and the `requestState` echoed verbatim. The server is untrusted: shapes are
 * checked here, and `requestState` is carried as an opaque string, never parsed.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import { MRTR_METHODS, type ClassifiedResult, type InputRequest, type JsonObject } from '../shared/wire.js';

/** Rounds of input before the client gives up: a server may re-ask, but not forever. */
export const MAX_INPUT_ROUNDS = 8;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sorts a result by `resultType`: absent means `complete` (older servers omit it); `input_required`
 * is only valid on `tools/call`, `resources/read` and `prompts/get`; any other value is invalid.
 */
export function classifyResult(method: string, result: JsonObject): ClassifiedResult {
  const type = result.resultType;
  if (type === undefined || type === 'complete') return { resultType: 'complete', result };
  if (type !== 'input_required') return { resultType: 'invalid', reason: `unknown resultType ${JSON.stringify(type)}` };
  if (!MRTR_METHODS.has(method)) return { resultType: 'invalid', reason: `${method} may not return input_required` };
  const { inputRequests, requestState } = result;
  if (inputRequests !== undefined && !isObject(inputRequests)) {
    return { resultType: 'invalid', reason: 'inputRequests is not an object' };
  }
  if (requestState !== undefined && typeof requestState !== 'string') {
    return { resultType: 'invalid', reason: 'requestState is not a string' };
  }
  if (inputRequests === undefined && requestState === undefined) {
    return { resultType: 'invalid', reason: 'input_required carries neither inputRequests nor requestState' };
  }
  const requests: Record<string, InputRequest> = {};
  for (const [key, entry] of Object.entries(inputRequests ?? {})) {
    if (!isObject(entry) || typeof entry.method !== 'string' || (entry.params !== undefined && !isObject(entry.params))) {
      return { resultType: 'invalid', reason: `inputRequests.${key} is not a request object` };
    }
    requests[key] = entry.params === undefined ? { method: entry.method } : { method: entry.method, params: entry.params };
  }
  return {
    resultType: 'input_required',
    ...(inputRequests !== undefined && { inputRequests: requests }),
    ...(requestState !== undefined && { requestState }),
  };
}

/** Answers one input request (e.g. shows an elicitation form); rejects when it cannot. */
export type InputHandler = (request: InputRequest) => Promise<JsonObject>;

/** Fulfils every input request, in parallel; one that cannot be answered fails the whole retry. */
export async function fulfilInputRequests(
  requests: Record<string, InputRequest>,
  handler: InputHandler,
): Promise<Record<string, JsonObject>> {
  const entries = await Promise.all(
    Object.entries(requests).map(async ([key, request]) => {
      try {
        return [key, await handler(request)] as const;
      } catch (cause) {
        if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') throw cause;
        throw new TgError(ErrorCode.INPUT_UNAVAILABLE, `Could not answer the server's ${request.method} input request`, { cause });
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The params of the retry: the original params (without any earlier round's input), plus this
 * round's `inputResponses` and `requestState` — the latter only when the server sent one.
 */
export function retryParams(
  original: JsonObject,
  round: Extract<ClassifiedResult, { resultType: 'input_required' }>,
  inputResponses: Record<string, JsonObject> | undefined,
): JsonObject {
  const { inputResponses: _oldResponses, requestState: _oldState, ...rest } = original;
  const params: JsonObject = { ...rest };
  if (inputResponses !== undefined) params.inputResponses = inputResponses;
  if (round.requestState !== undefined) params.requestState = round.requestState;
  return params;
}
