/**
 * The provider-neutral shape of one model request and its streamed answer. Every provider
 * (OpenAI-compatible, Anthropic, host function) maps this to its wire format and back, so the
 * agent loop never sees a vendor's JSON.
 */
import type { CallToolResult, ContentBlock, JsonObject } from '../../workers/shared/wire.js';

/** A tool as offered to the model: the gate's namespaced id is the function name. */
export interface LlmToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (the MCP tool's `inputSchema`). */
  inputSchema: JsonObject;
}

/** A tool call the model made: `args` is the parsed JSON object of its arguments. */
export interface LlmToolCall {
  id: string;
  name: string;
  args: JsonObject;
}

/** The answer to one tool call, as the model may see it (already filtered by the gate). */
export interface LlmToolResult {
  callId: string;
  name: string;
  /** The gate's `forModel` content. */
  content: ContentBlock[];
  /** `structuredContent` of the result, sent as JSON text. */
  structuredContent?: unknown;
  isError: boolean;
}

/**
 * Server content the person put in their turn: an attached resource, or a prompt's message. Its
 * `label` says whose content it is (server, resource or prompt) and is sent with it; the content
 * is the gate's view for the model (data-flow rules, audience, redaction), never the raw one.
 */
export interface LlmContext {
  label: string;
  content: ContentBlock[];
}

export type LlmMessage =
  /** The person's turn: `context` (attachments, a prompt's messages) comes before their `text`. */
  | { role: 'user'; text: string; context?: LlmContext[] }
  | { role: 'assistant'; text: string; toolCalls: LlmToolCall[] }
  /** The results of one assistant message's tool calls, in call order. */
  | { role: 'tool'; results: LlmToolResult[] };

export type LlmToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface LlmRequest {
  system?: string;
  messages: LlmMessage[];
  tools: LlmToolSpec[];
  toolChoice?: LlmToolChoice;
  maxTokens?: number;
  /** Largest text of one tool result sent to the model, in characters; longer text is cut with a notice. */
  toolResultLimit?: number;
}

export interface LlmUsage {
  inputTokens?: number;
  outputTokens?: number;
  /** Tokens read from / written to the provider's prompt cache, when it reports them. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * Why the model stopped: `end` (its answer is complete), `tool-calls` (it wants results),
 * `max-tokens`, `refusal`/`content-filter`, or `other` (`raw` holds the vendor's value).
 */
export type LlmStopReason = 'end' | 'tool-calls' | 'max-tokens' | 'content-filter' | 'refusal' | 'other';

/** What a provider's `stream()` yields, normalized. Exactly one `done` ends a successful stream. */
export type LlmEvent =
  | { type: 'text'; delta: string }
  /**
   * A complete tool call (fragments already joined). `args` is undefined and `invalid` says why
   * when the model's arguments were not a JSON object; `argumentsText` is what it sent.
   */
  | { type: 'tool-call'; id: string; name: string; args?: JsonObject; argumentsText: string; invalid?: string }
  | { type: 'usage'; usage: LlmUsage }
  | { type: 'done'; stopReason: LlmStopReason; raw?: string };

export interface LlmProvider {
  /**
   * Who sees the data sent to this provider, for the gate's data-flow rules: `local` for a model
   * on this machine, `vendor:<name>` for a hosted API, `host` for the host page's own backend.
   */
  readonly label: string;
  /**
   * Streams one model answer. Rejects (or throws from the iterator) with a coded `TgError`
   * (`TG_LLM_*`); aborting `signal` ends the stream and its HTTP request.
   */
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent>;
}

