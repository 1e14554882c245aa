/**
 * A provider backed by the host page's own function, for apps with their own LLM backend.
 *
 * The function gets the provider-neutral request and an AbortSignal, and returns either an async
 * iterable of `LlmEvent`s (streaming) or a promise of a whole `HostLlmResponse`. Whatever it
 * yields is checked; a missing `done` is added; anything thrown without a `code` becomes
 * `TG_LLM_HOST_FAILED`.
 */
import { TgError, errorCode, ErrorCode, invalidArgument } from '../../workers/shared/errors.js';
import { isObject } from './http.js';
import type { LlmEvent, LlmProvider, LlmRequest, LlmStopReason, LlmUsage } from './types.js';
import type { JsonObject } from '../../workers/shared/wire.js';

export interface HostLlmResponse {
  text?: string;
  toolCalls?: { id?: string; name: string; args: JsonObject }[];
  usage?: LlmUsage;
  stopReason?: LlmStopReason;
}

export type HostLlmFunction = (
  request: LlmRequest,
  signal: AbortSignal,
) => AsyncIterable<LlmEvent> | Promise<HostLlmResponse | AsyncIterable<LlmEvent>>;

export interface HostFunctionOptions {
  /** Data-flow label; default `host` (the data goes to the host's backend). */
  label?: string;
}

const NAME = 'Host LLM function';

function isAsyncIterable(value: unknown): value is AsyncIterable<LlmEvent> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function coded(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || errorCode(err) !== undefined) return err;
  return new TgError(ErrorCode.LLM_HOST_FAILED, `${NAME} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

function checkEvent(event: unknown): LlmEvent {
  if (isObject(event)) {
    if (event.type === 'text' && typeof event.delta === 'string') return event as LlmEvent;
    if (event.type === 'usage' && isObject(event.usage)) return event as LlmEvent;
    if (event.type === 'done' && typeof event.stopReason === 'string') return event as LlmEvent;
    if (event.type === 'tool-call' && typeof event.id === 'string' && typeof event.name === 'string') {
      if (isObject(event.args)) return { argumentsText: JSON.stringify(event.args), ...event } as LlmEvent;
      return { ...event, argumentsText: String(event.argumentsText ?? ''), invalid: String(event.invalid ?? 'the arguments are not a JSON object') } as LlmEvent;
    }
  }
  throw new TgError(ErrorCode.LLM_BAD_RESPONSE, `${NAME} yielded an event of unknown shape`, { data: { type: isObject(event) ? event.type : typeof event } });
}

export class HostFunctionProvider implements LlmProvider {
  readonly label: string;
  readonly #fn: HostLlmFunction;

  constructor(fn: HostLlmFunction, options: HostFunctionOptions = {}) {
    if (typeof fn !== 'function') throw invalidArgument('fn', 'a function');
    this.#fn = fn;
    this.label = options.label ?? 'host';
  }

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    let answer: HostLlmResponse | AsyncIterable<LlmEvent>;
    try {
      answer = await this.#fn(request, signal);
    } catch (err) {
      throw coded(err, signal);
    }
    if (isAsyncIterable(answer)) {
      let done = false;
      let calls = 0;
      try {
        for await (const raw of answer) {
          const event = checkEvent(raw);
          if (event.type === 'tool-call') calls++;
          yield event;
          if (event.type === 'done') {
            done = true;
            break;
          }
        }
      } catch (err) {
        throw coded(err, signal);
      }
      if (!done) yield { type: 'done', stopReason: calls > 0 ? 'tool-calls' : 'end' };
      return;
    }
    if (!isObject(answer)) throw new TgError(ErrorCode.LLM_BAD_RESPONSE, `${NAME} returned neither a response object nor an async iterable`);
    answer = answer as HostLlmResponse;
    if (typeof answer.text === 'string' && answer.text !== '') yield { type: 'text', delta: answer.text };
    let n = 0;
    for (const call of answer.toolCalls ?? []) {
      n++;
      yield checkEvent({ type: 'tool-call', id: call.id ?? `call_${n}`, name: call.name, args: call.args });
    }
    if (answer.usage) yield { type: 'usage', usage: answer.usage };
    yield { type: 'done', stopReason: answer.stopReason ?? (n > 0 ? 'tool-calls' : 'end') };
  }
}
