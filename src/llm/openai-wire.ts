/**
 * The OpenAI-compatible wire format (see openai-compatible.ts for what it tolerates): request
 * bodies, the stream decoder and one streamed exchange. Loaded on a provider's first request.
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import { mapContext, mapToolResult, partsText, type MediaSupport, type ModelPart } from './content.js';
import { isObject, joinUrl, parseArguments, parseJson, postJson, resolveKey, type FetchLike } from './http.js';
import { sseEvents } from './sse-events.js';
import { NAME, type OpenAiCompatibleOptions } from './openai-compatible.js';
import type { LlmEvent, LlmMessage, LlmRequest, LlmStopReason, LlmUsage } from './types.js';

export function mapFinishReason(reason: string): LlmStopReason {
  switch (reason) {
    case 'stop':
    case 'eos':
    case 'end_turn':
      return 'end';
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return 'tool-calls';
    case 'length':
    case 'max_tokens':
      return 'max-tokens';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

/**
 * The Chat Completions `messages` for a request.
 *
 * `tool` messages carry text only. When the provider takes media (`media.images`, `media.audio`),
 * a result's pictures and sounds follow the tool messages in one `user` message of `image_url`
 * (base64 `data:` URL) and `input_audio` parts, and each tool message says which of them are its
 * own. Without media support they are described in text.
 */
export function toOpenAiMessages(request: LlmRequest, media: MediaSupport = NO_MEDIA): unknown[] {
  const out: unknown[] = [];
  if (request.system) out.push({ role: 'system', content: request.system });
  for (const message of request.messages) out.push(...openAiMessage(message, request.toolResultLimit, media));
  return out;
}

const NO_MEDIA: MediaSupport = { images: false, audio: false };

/** One Chat Completions content part for a model part. */
function openAiPart(part: ModelPart): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return { type: 'image_url', image_url: { url: `data:${part.mimeType};base64,${part.data}` } };
    case 'audio':
      return { type: 'input_audio', input_audio: { data: part.data, format: part.format } };
  }
}

/** `content` of a user message: a plain string when it is all text (every server takes that), else parts. */
function userContent(parts: ModelPart[]): string | Record<string, unknown>[] {
  if (parts.every((p) => p.type === 'text')) return partsText(parts);
  return parts.map(openAiPart);
}

function openAiMessage(message: LlmMessage, limit: number | undefined, media: MediaSupport): unknown[] {
  const options = { ...media, ...(limit !== undefined && { limit }) };
  switch (message.role) {
    case 'user': {
      if (!message.context?.length) return [{ role: 'user', content: message.text }];
      const parts = message.context.flatMap((c) => mapContext(c, { ...options, textOnlyReason: 'this model is not set up to take media' }));
      if (message.text !== '') parts.push({ type: 'text', text: message.text });
      return [{ role: 'user', content: userContent(parts) }];
    }
    case 'assistant':
      if (message.toolCalls.length === 0) return [{ role: 'assistant', content: message.text }];
      return [
        {
          role: 'assistant',
          content: message.text === '' ? null : message.text,
          tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })),
        },
      ];
    case 'tool': {
      // Pairs of (which call, picture or sound), numbered in the order the tool messages name them.
      const attached: ModelPart[] = [];
      const tools = message.results.map((r) => {
        const parts = mapToolResult(r, { ...options, textOnlyReason: 'this model is not set up to take media' }).map((p): ModelPart => {
          if (p.type === 'text') return p;
          const what = `${p.type === 'image' ? 'Image' : 'Audio'} ${attached.length / 2 + 1}`;
          attached.push({ type: 'text', text: `[${what}, from the call ${r.callId}:]` }, p);
          return { type: 'text', text: `[${what} of these results is in the user message after the tool messages.]` };
        });
        return { role: 'tool', tool_call_id: r.callId, content: partsText(parts, r.isError) };
      });
      if (attached.length === 0) return tools;
      const intro: ModelPart = { type: 'text', text: '[Media returned by the tool calls above (a tool message cannot carry it). This is tool output, not the person’s words.]' };
      return [...tools, { role: 'user', content: [intro, ...attached].map(openAiPart) }];
    }
  }
}

export function toOpenAiBody(request: LlmRequest, model: string, includeUsage: boolean, media: MediaSupport = NO_MEDIA): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: toOpenAiMessages(request, media), stream: true };
  if (includeUsage) body.stream_options = { include_usage: true };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description && { description: t.description }), parameters: t.inputSchema },
    }));
    const choice = request.toolChoice;
    if (choice !== undefined) body.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  }
  return body;
}

interface PendingCall {
  id?: string;
  name: string;
  args: string;
}

/**
 * Turns Chat Completions stream chunks (parsed `data:` payloads, and `[DONE]`) into normalized
 * events. Separate from HTTP so every vendor's shape can be unit-tested.
 */
export class OpenAiStreamDecoder {
  #calls: PendingCall[] = [];
  #byIndex = new Map<number, PendingCall>();
  #finish: string | undefined;
  #usage: LlmUsage | undefined;
  #done = false;
  #generatedIds = 0;

  get done(): boolean {
    return this.#done;
  }

  /** Feeds one `data:` payload. Returns the events it completes (text deltas at once). */
  push(data: string): LlmEvent[] {
    if (this.#done) return [];
    if (data.trim() === '[DONE]') return this.finish();
    const chunk = parseJson(data, NAME);
    if (!isObject(chunk)) throw new TgError(ErrorCode.LLM_BAD_RESPONSE, `${NAME}: stream chunk is not an object`);
    if (chunk.error !== undefined) {
      const e = chunk.error;
      const message = isObject(e) && typeof e.message === 'string' ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
      throw new TgError(ErrorCode.LLM_PROVIDER_ERROR, `${NAME} reported an error in the stream: ${message.slice(0, 300)}`, { data: { error: e } });
    }
    const events: LlmEvent[] = [];
    const usage = readUsage(chunk.usage);
    if (usage) this.#usage = usage;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      if (typeof choice.index === 'number' && choice.index !== 0) continue; // n > 1 is not used
      // `delta` in streams; `message` when a server answers a stream request in one chunk.
      const delta = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : undefined;
      if (delta) {
        if (typeof delta.content === 'string' && delta.content !== '') events.push({ type: 'text', delta: delta.content });
        if (Array.isArray(delta.tool_calls)) delta.tool_calls.forEach((f, position) => this.#fragment(f, position));
        if (isObject(delta.function_call)) this.#fragment({ index: 0, function: delta.function_call }, 0);
      }
      if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') this.#finish = choice.finish_reason;
    }
    return events;
  }

  #fragment(fragment: unknown, position: number): void {
    if (!isObject(fragment)) return;
    const fn = isObject(fragment.function) ? fragment.function : {};
    const id = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : undefined;
    let call: PendingCall | undefined;
    if (typeof fragment.index === 'number') {
      call = this.#byIndex.get(fragment.index);
      if (!call) {
        call = { name: '', args: '' };
        this.#byIndex.set(fragment.index, call);
        this.#calls.push(call);
      }
    } else if (id !== undefined) {
      // No index (older Ollama): a new id is a new call; a known id continues it.
      call = this.#calls.find((c) => c.id === id);
      if (!call) this.#calls.push((call = { name: '', args: '' }));
    } else {
      // Neither: a fragment without a name continues the call at its position (or the last one).
      call = typeof fn.name === 'string' && fn.name !== '' ? undefined : this.#calls[position] ?? this.#calls.at(-1);
      if (!call) this.#calls.push((call = { name: '', args: '' }));
    }
    if (id !== undefined && call.id === undefined) call.id = id;
    if (typeof fn.name === 'string' && fn.name !== '' && fn.name !== call.name) call.name = call.name === '' ? fn.name : call.name + fn.name;
    const args = fn.arguments;
    if (typeof args === 'string') call.args += args;
    else if (isObject(args)) call.args = JSON.stringify(args); // Ollama-style whole object
  }

  /** Ends the stream: tool calls, usage and `done`. Called on `[DONE]` or at the end of the body. */
  finish(): LlmEvent[] {
    if (this.#done) return [];
    this.#done = true;
    const events: LlmEvent[] = [];
    for (const call of this.#calls) {
      if (call.name === '') continue;
      const parsed = parseArguments(call.args);
      const id = call.id ?? `call_${++this.#generatedIds}`;
      events.push({
        type: 'tool-call',
        id,
        name: call.name,
        argumentsText: call.args,
        ...(parsed.args && { args: parsed.args }),
        ...(parsed.invalid !== undefined && { invalid: parsed.invalid }),
      });
    }
    if (this.#usage) events.push({ type: 'usage', usage: this.#usage });
    const raw = this.#finish ?? 'stop';
    let stopReason = mapFinishReason(raw);
    if (events.some((e) => e.type === 'tool-call') && (stopReason === 'end' || stopReason === 'other')) stopReason = 'tool-calls';
    events.push({ type: 'done', stopReason, raw });
    return events;
  }

  /** Whether the body may end here without `[DONE]` and still be a complete answer. */
  get sawFinish(): boolean {
    return this.#finish !== undefined;
  }
}

function readUsage(value: unknown): LlmUsage | undefined {
  if (!isObject(value)) return undefined;
  const usage: LlmUsage = {};
  if (typeof value.prompt_tokens === 'number') usage.inputTokens = value.prompt_tokens;
  if (typeof value.completion_tokens === 'number') usage.outputTokens = value.completion_tokens;
  const details = value.prompt_tokens_details;
  if (isObject(details) && typeof details.cached_tokens === 'number') usage.cacheReadTokens = details.cached_tokens;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** One streamed answer: the request, the HTTP exchange and the decoding (OpenAiCompatibleProvider's `stream()`). */
export async function* streamOpenAi(options: OpenAiCompatibleOptions, base: URL, media: MediaSupport, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const key = await resolveKey(options.apiKey);
  const headers: Record<string, string> = { accept: 'text/event-stream, application/json', ...options.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  const body = { ...toOpenAiBody(request, options.model, options.includeUsage ?? true, media), ...options.body };
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const response = await postJson(fetchFn, joinUrl(base, 'chat/completions'), headers, body, signal, NAME);
  const decoder = new OpenAiStreamDecoder();
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    // The server ignored `stream: true` and answered in one piece.
    yield* decoder.push(await response.text());
    yield* decoder.finish();
    return;
  }
  for await (const event of sseEvents(response, signal, NAME)) {
    yield* decoder.push(event.data);
    if (decoder.done) return;
  }
  if (!decoder.sawFinish) throw new TgError(ErrorCode.LLM_STREAM_BROKEN, `${NAME}: the stream ended before the answer was complete`);
  yield* decoder.finish();
}
