/**
 * Error codes of the LLM providers, the agent loop and the manual form. Every failure of a turn
 * becomes a conversation entry carrying one of these codes; callers branch on `code`.
 *
 * Messages and `data` never contain an API key: errors are built from the status, a bounded
 * snippet of the response body and the provider's own error text, never from request headers.
 */
import { TgError } from '../errors.js';

export const LlmErrorCode = {
  /** The provider answered with an HTTP error status. `data.status`; `data.body` is a short snippet. */
  HTTP: 'TG_LLM_HTTP',
  /** HTTP 429. `data.retryAfterMs` when the provider sent `retry-after` (seconds or an HTTP date). */
  RATE_LIMITED: 'TG_LLM_RATE_LIMITED',
  /** The stream ended or broke before the provider said it was done. */
  STREAM_BROKEN: 'TG_LLM_STREAM_BROKEN',
  /** The response could not be understood (not JSON, wrong shape, unknown content type). */
  BAD_RESPONSE: 'TG_LLM_BAD_RESPONSE',
  /** The provider reported an error inside an otherwise successful stream (e.g. `overloaded_error`). */
  PROVIDER_ERROR: 'TG_LLM_PROVIDER_ERROR',
  /** The request never got an answer (DNS, refused, CORS, offline). */
  NETWORK: 'TG_LLM_NETWORK',
  /** A host-function provider threw something without a code. */
  HOST_FAILED: 'TG_LLM_HOST_FAILED',
} as const;

export const AgentErrorCode = {
  /** The turn used its maximum number of model steps while the model still wanted tools. */
  MAX_STEPS: 'TG_MAX_STEPS',
  /** `stop()` ended the turn: the model stream and every in-flight tool call were aborted. */
  STOPPED: 'TG_STOPPED',
  /** `send()` while a turn is running. */
  BUSY: 'TG_AGENT_BUSY',
  /** Text was sent in manual mode: there is no model to answer it. */
  NO_MODEL: 'TG_NO_MODEL',
  /** The model proposed a call whose arguments are not a JSON object; it was not run. */
  BAD_TOOL_ARGUMENTS: 'TG_BAD_TOOL_ARGUMENTS',
  /** Something unexpected broke the loop itself (a bug, or a gate that threw). */
  INTERNAL: 'TG_AGENT_INTERNAL',
} as const;

export const FormErrorCode = {
  /** Form values do not satisfy the tool's `inputSchema`; `data.errors` lists `{ path, message }`. */
  INVALID_VALUES: 'TG_FORM_INVALID',
} as const;

export { TgError };

/** Milliseconds from a `retry-after` header (delta-seconds or HTTP date), if it parses. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The coded error for a non-2xx answer. Reads at most 2 kB of the body for the message; the
 * provider's `error.message` is used when the body is JSON.
 */
export async function httpError(response: Response, provider: string): Promise<TgError> {
  let snippet = '';
  try {
    snippet = (await response.text()).slice(0, 2000);
  } catch {
    /* body unreadable: the status is enough */
  }
  let detail = snippet;
  try {
    const parsed = JSON.parse(snippet) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message ?? parsed.message;
    if (typeof message === 'string') detail = message;
  } catch {
    /* not JSON */
  }
  detail = detail.slice(0, 300);
  const status = response.status;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const wait = retryAfterMs === undefined ? '' : ` Retry after ${Math.ceil(retryAfterMs / 1000)} s.`;
    return new TgError(LlmErrorCode.RATE_LIMITED, `${provider} rate limit reached (HTTP 429).${wait}${detail ? ` ${detail}` : ''}`, {
      data: { status, ...(retryAfterMs !== undefined && { retryAfterMs }), body: snippet.slice(0, 500) },
    });
  }
  return new TgError(LlmErrorCode.HTTP, `${provider} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, {
    data: { status, body: snippet.slice(0, 500) },
  });
}

/** Wraps a failed `fetch()` (not an abort) as `TG_LLM_NETWORK`. */
export function networkError(cause: unknown, provider: string): TgError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TgError(LlmErrorCode.NETWORK, `${provider} could not be reached: ${reason}`, { cause });
}
