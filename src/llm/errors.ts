/**
 * Coded errors of the LLM providers (`TG_LLM_*` in the one `ErrorCode` table).
 *
 * Messages and `data` never contain an API key: errors are built from the status, a bounded
 * snippet of the response body and the provider's own error text, never from request headers.
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import { parseRetryAfter } from '../../workers/shared/http.js';

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
    return new TgError(ErrorCode.LLM_RATE_LIMITED, `${provider} rate limit reached (HTTP 429).${wait}${detail ? ` ${detail}` : ''}`, {
      data: { status, ...(retryAfterMs !== undefined && { retryAfterMs }), body: snippet.slice(0, 500) },
    });
  }
  return new TgError(ErrorCode.LLM_HTTP, `${provider} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, {
    data: { status, body: snippet.slice(0, 500) },
  });
}

/** Wraps a failed `fetch()` (not an abort) as `TG_LLM_NETWORK`. */
export function networkError(cause: unknown, provider: string): TgError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TgError(ErrorCode.LLM_NETWORK, `${provider} could not be reached: ${reason}`, { cause });
}
