/**
 * The Anthropic Messages wire format (see anthropic.ts): request bodies, the stream decoder and
 * one streamed exchange. Loaded on a provider's first request.
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import { mapContext, mapToolResult, type ModelPart } from './content.js';
import { isObject, joinUrl, parseArguments, parseJson, postJson, resolveKey, type FetchLike } from './http.js';
import { sseEvents } from './sse-events.js';
import { NAME, type AnthropicOptions } from './anthropic.js';
import type { LlmEvent, LlmRequest, LlmStopReason, LlmUsage } from './types.js';

export function mapAnthropicStopReason(reason: string): LlmStopReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'end';
    case 'tool_use':
      return 'tool-calls';
    case 'max_tokens':
      return 'max-tokens';
    case 'refusal':
      return 'refusal';
    default:
      return 'other';
  }
}

type Block = Record<string, unknown>;
interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** An Anthropic content block for a model part (audio never gets here: the API takes none). */
function anthropicBlock(part: ModelPart): Block {
  return part.type === 'image' ? { type: 'image', source: { type: 'base64', media_type: part.mimeType, data: part.data } } : { type: 'text', text: part.type === 'text' ? part.text : '' };
}

/**
 * The Messages API `messages`: tool results become a user message of `tool_result` blocks (which
 * carry images as `image` blocks with a base64 source), the person's attachments and a prompt's
 * messages become text and image blocks before their text, and consecutive messages of one role
 * are merged (the API wants user and assistant to alternate).
 */
export function toAnthropicMessages(request: LlmRequest): WireMessage[] {
  const out: WireMessage[] = [];
  const push = (role: WireMessage['role'], content: Block[]) => {
    if (content.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role) last.content.push(...content);
    else out.push({ role, content });
  };
  const limit = request.toolResultLimit !== undefined ? { limit: request.toolResultLimit } : {};
  for (const message of request.messages) {
    switch (message.role) {
      case 'user':
        push('user', [
          ...(message.context ?? []).flatMap((c) => mapContext(c, { images: true, audio: false, ...limit }).map(anthropicBlock)),
          ...(message.text === '' ? [] : [{ type: 'text', text: message.text }]),
        ]);
        break;
      case 'assistant':
        push('assistant', [
          ...(message.text === '' ? [] : [{ type: 'text', text: message.text }]),
          ...message.toolCalls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args })),
        ]);
        break;
      case 'tool':
        push(
          'user',
          message.results.map((r) => {
            const content = mapToolResult(r, { images: true, audio: false, ...limit }).map(anthropicBlock);
            return {
              type: 'tool_result',
              tool_use_id: r.callId,
              content: content.length > 0 ? content : [{ type: 'text', text: '[The tool returned no content.]' }],
              ...(r.isError && { is_error: true }),
            };
          }),
        );
        break;
    }
  }
  return out;
}

export function toAnthropicBody(request: LlmRequest, model: string, defaultMaxTokens: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages: toAnthropicMessages(request),
    stream: true,
  };
  if (request.system) body.system = request.system;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({ name: t.name, ...(t.description && { description: t.description }), input_schema: t.inputSchema }));
    const choice = request.toolChoice;
    if (choice !== undefined) {
      body.tool_choice =
        typeof choice === 'object' ? { type: 'tool', name: choice.name } : { type: choice === 'required' ? 'any' : choice };
    }
  }
  return body;
}

interface OpenBlock {
  kind: 'text' | 'tool_use' | 'other';
  id?: string;
  name?: string;
  json: string;
  initialInput?: unknown;
}

/** Turns Messages API stream events into normalized events; separate from HTTP for unit tests. */
export class AnthropicStreamDecoder {
  #blocks = new Map<number, OpenBlock>();
  #usage: LlmUsage = {};
  #stop: string | undefined;
  #done = false;

  get done(): boolean {
    return this.#done;
  }

  /** Feeds one SSE event (`event:` name, `data:` text). */
  push(eventName: string | undefined, data: string): LlmEvent[] {
    if (this.#done) return [];
    const payload = parseJson(data, NAME);
    if (!isObject(payload)) throw new TgError(ErrorCode.LLM_BAD_RESPONSE, `${NAME}: event is not an object`);
    const type = typeof payload.type === 'string' ? payload.type : eventName;
    switch (type) {
      case 'message_start': {
        const message = isObject(payload.message) ? payload.message : {};
        this.#readUsage(message.usage);
        return [];
      }
      case 'content_block_start': {
        const block = isObject(payload.content_block) ? payload.content_block : {};
        const index = Number(payload.index);
        if (block.type === 'tool_use') {
          this.#blocks.set(index, { kind: 'tool_use', id: String(block.id ?? ''), name: String(block.name ?? ''), json: '', initialInput: block.input });
          return [];
        }
        if (block.type === 'text') {
          this.#blocks.set(index, { kind: 'text', json: '' });
          return typeof block.text === 'string' && block.text !== '' ? [{ type: 'text', delta: block.text }] : [];
        }
        this.#blocks.set(index, { kind: 'other', json: '' }); // thinking, server tools: not passed on
        return [];
      }
      case 'content_block_delta': {
        const delta = isObject(payload.delta) ? payload.delta : {};
        const block = this.#blocks.get(Number(payload.index));
        if (delta.type === 'text_delta' && typeof delta.text === 'string' && block?.kind !== 'other') {
          return delta.text === '' ? [] : [{ type: 'text', delta: delta.text }];
        }
        if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && block) block.json += delta.partial_json;
        return [];
      }
      case 'content_block_stop': {
        const index = Number(payload.index);
        const block = this.#blocks.get(index);
        this.#blocks.delete(index);
        if (!block || block.kind !== 'tool_use') return [];
        const text = block.json !== '' ? block.json : isObject(block.initialInput) ? JSON.stringify(block.initialInput) : '';
        const parsed = parseArguments(text);
        return [
          {
            type: 'tool-call',
            id: block.id ?? '',
            name: block.name ?? '',
            argumentsText: text,
            ...(parsed.args && { args: parsed.args }),
            ...(parsed.invalid !== undefined && { invalid: parsed.invalid }),
          },
        ];
      }
      case 'message_delta': {
        const delta = isObject(payload.delta) ? payload.delta : {};
        if (typeof delta.stop_reason === 'string') this.#stop = delta.stop_reason;
        this.#readUsage(payload.usage);
        return [];
      }
      case 'message_stop':
        return this.finish();
      case 'error': {
        const e = isObject(payload.error) ? payload.error : {};
        const message = typeof e.message === 'string' ? e.message : 'unknown error';
        throw new TgError(ErrorCode.LLM_PROVIDER_ERROR, `${NAME} reported ${String(e.type ?? 'an error')}: ${message.slice(0, 300)}`, {
          data: { type: e.type },
        });
      }
      default:
        return []; // ping and future event types
    }
  }

  #readUsage(value: unknown): void {
    if (!isObject(value)) return;
    if (typeof value.input_tokens === 'number') this.#usage.inputTokens = value.input_tokens;
    if (typeof value.output_tokens === 'number') this.#usage.outputTokens = value.output_tokens;
    if (typeof value.cache_read_input_tokens === 'number') this.#usage.cacheReadTokens = value.cache_read_input_tokens;
    if (typeof value.cache_creation_input_tokens === 'number') this.#usage.cacheWriteTokens = value.cache_creation_input_tokens;
  }

  finish(): LlmEvent[] {
    if (this.#done) return [];
    this.#done = true;
    const events: LlmEvent[] = [];
    if (Object.keys(this.#usage).length > 0) events.push({ type: 'usage', usage: { ...this.#usage } });
    const raw = this.#stop ?? 'end_turn';
    events.push({ type: 'done', stopReason: mapAnthropicStopReason(raw), raw });
    return events;
  }
}

/** One streamed answer: the request, the HTTP exchange and the decoding (AnthropicProvider's `stream()`). */
export async function* streamAnthropic(options: AnthropicOptions, base: URL, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const key = await resolveKey(options.apiKey);
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'anthropic-version': options.anthropicVersion ?? '2023-06-01',
    'anthropic-dangerous-direct-browser-access': 'true',
    ...options.headers,
  };
  if (key) headers['x-api-key'] = key;
  const body = { ...toAnthropicBody(request, options.model, options.maxTokens ?? 4096), ...options.body };
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const response = await postJson(fetchFn, joinUrl(base, 'v1/messages'), headers, body, signal, NAME);
  const decoder = new AnthropicStreamDecoder();
  for await (const event of sseEvents(response, signal, NAME)) {
    yield* decoder.push(event.event, event.data);
    if (decoder.done) return;
  }
  throw new TgError(ErrorCode.LLM_STREAM_BROKEN, `${NAME}: the stream ended before message_stop`);
}
