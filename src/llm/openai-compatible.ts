/**
 * OpenAI-compatible Chat Completions, streaming (`POST {baseUrl}/chat/completions`, SSE).
 *
 * Tolerates the differences between OpenAI, Ollama, llama.cpp server, vLLM and LM Studio:
 * - `usage` missing, in the last chunk with `choices: []` (`stream_options.include_usage`), in
 *   the finish chunk, or in every chunk (cumulative) — the last one seen is reported once;
 * - tool-call fragments split across chunks (by `index`), or whole in one chunk; `index`
 *   missing; `id` only on the first fragment or missing; the name repeated; arguments as a
 *   string in pieces or as an object;
 * - `finish_reason` `stop` / `tool_calls` / `function_call` / `length` / `content_filter` /
 *   other; `stop` together with tool calls counts as tool calls;
 * - the legacy `delta.function_call`;
 * - `data: [DONE]`, or none (a finish_reason then the end of the body is a complete answer);
 * - an `error` object inside the stream; a plain JSON answer when the server ignored `stream`.
 *
 * The key goes in `Authorization: Bearer` only, never in a URL.
 */
import { checkBaseUrl, labelFor, type HttpProviderOptions } from './http.js';
import type { MediaSupport } from './content.js';
import type { LlmEvent, LlmProvider, LlmRequest } from './types.js';

export interface OpenAiCompatibleOptions extends HttpProviderOptions {
  /** e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama), `http://localhost:8080/v1` (llama.cpp). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`. Optional for local servers. A function is called per request. */
  apiKey?: string | (() => string | Promise<string>);
  /** Data-flow label. Default: `local` on a loopback host, `vendor:openai` for api.openai.com, else `vendor:<host>`. */
  label?: string;
  /** Ask for usage in the stream (`stream_options.include_usage`). Default true; turn off for servers that reject it. */
  includeUsage?: boolean;
  /**
   * Which media the model takes: `images` (vision models: `image_url` parts) and `audio` (audio
   * models: `input_audio` parts, WAV and MP3). A model that takes none answers such a request with
   * an error, so the default is images only for api.openai.com, and no audio.
   */
  media?: Partial<MediaSupport>;
}

/** How errors name this provider. */
export const NAME = 'OpenAI-compatible provider';

export class OpenAiCompatibleProvider implements LlmProvider {
  readonly label: string;
  readonly model: string;
  /** The media this provider passes to the model (see `OpenAiCompatibleOptions.media`). */
  readonly media: Readonly<MediaSupport>;
  readonly #base: URL;
  readonly #options: OpenAiCompatibleOptions;

  constructor(options: OpenAiCompatibleOptions) {
    this.#base = checkBaseUrl(options.baseUrl, NAME);
    this.#options = { ...options };
    this.model = options.model;
    const openai = this.#base.hostname === 'api.openai.com';
    this.label = options.label ?? labelFor(this.#base, openai ? 'openai' : this.#base.hostname);
    this.media = Object.freeze({ images: options.media?.images ?? openai, audio: options.media?.audio ?? false });
  }

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    // The wire format and the SSE parser load with the first request, not with the page.
    const { streamOpenAi } = await import('./openai-wire.js');
    yield* streamOpenAi(this.#options, this.#base, this.media, request, signal);
  }
}
