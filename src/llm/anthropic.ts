/**
 * Anthropic Messages API, streaming (`POST {baseUrl}/v1/messages`, SSE): `message_start`,
 * `content_block_start/delta/stop` (`text_delta`, `input_json_delta`), `message_delta`
 * (stop_reason, usage), `message_stop`, `ping`, `error`. Tool calls are `tool_use` blocks;
 * results go back as `tool_result` blocks, which may carry images.
 *
 * Keys: calling the API straight from a page needs `anthropic-dangerous-direct-browser-access:
 * true` and exposes the key to everyone who can open the page's developer tools. **Prefer a
 * host-side proxy**: point `baseUrl` at your own endpoint that adds `x-api-key` on the server,
 * and leave `apiKey` unset here. The key is sent in the `x-api-key` header only, never in a URL.
 */
import { checkBaseUrl, labelFor, type HttpProviderOptions } from './http.js';
import type { LlmEvent, LlmProvider, LlmRequest } from './types.js';

export interface AnthropicOptions extends HttpProviderOptions {
  /** Default `https://api.anthropic.com`; a proxy's URL otherwise (the path `/v1/messages` is added). */
  baseUrl?: string;
  /** Sent as `x-api-key`. Leave unset behind a proxy that adds it (recommended). */
  apiKey?: string | (() => string | Promise<string>);
  /** Default `2023-06-01`. */
  anthropicVersion?: string;
  /** `max_tokens` when the request sets none. Default 4096. */
  maxTokens?: number;
  /** Data-flow label. Default `vendor:anthropic` (or `local` on a loopback host). */
  label?: string;
}

/** How errors name this provider. */
export const NAME = 'Anthropic provider';

export class AnthropicProvider implements LlmProvider {
  readonly label: string;
  readonly model: string;
  readonly #base: URL;
  readonly #options: AnthropicOptions;

  constructor(options: AnthropicOptions) {
    this.#base = checkBaseUrl(options.baseUrl ?? 'https://api.anthropic.com', NAME);
    this.#options = { ...options };
    this.model = options.model;
    this.label = options.label ?? labelFor(this.#base, 'anthropic');
  }

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    // The wire format and the SSE parser load with the first request, not with the page.
    const { streamAnthropic } = await import('./anthropic-wire.js');
    yield* streamAnthropic(this.#options, this.#base, request, signal);
  }
}
