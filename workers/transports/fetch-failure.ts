/**
 * Turns a failed `fetch` into a coded error. The browser reports a CORS block and a network failure
 * the same way (a bare `TypeError`), so the server's reachability is checked with an opaque
 * `mode: 'no-cors'` GET: no preflight and no CORS check, so any HTTP answer resolves it. If that
 * gets through, the server is there and only its CORS headers are missing → `TG_CORS_BLOCKED`;
 * if it fails too → `TG_NETWORK_ERROR`. The opaque answer is never read.
 */
import { ErrorCode, TgError } from '../shared/errors.js';

/** What a server must send for a browser MCP client (README: CORS for server authors). */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'MCP-Protocol-Version',
  'Mcp-Method',
  'Mcp-Name',
  'Mcp-Param-* (reflect the requested names)',
  'Mcp-Session-Id',
  'Last-Event-ID',
  'DPoP',
] as const;
export const CORS_EXPOSE_HEADERS = ['Mcp-Session-Id', 'WWW-Authenticate', 'DPoP-Nonce', 'MCP-Protocol-Version', 'Retry-After'] as const;

export const CORS_HINT =
  `The server must answer this origin (Access-Control-Allow-Origin) with Access-Control-Allow-Methods GET, POST, DELETE, ` +
  `Access-Control-Allow-Headers ${CORS_ALLOW_HEADERS.join(', ')}, and Access-Control-Expose-Headers ${CORS_EXPOSE_HEADERS.join(', ')}.`;

/** Long enough for a slow server's headers; a blackholed host fails the original request the same way. */
const REACHABILITY_TIMEOUT_MS = 3000;

/** True when an opaque no-cors GET to `url` gets any HTTP answer in time. */
export async function reachable(url: string, signal?: AbortSignal): Promise<boolean> {
  const probe = new AbortController();
  const timer = setTimeout(() => probe.abort(), REACHABILITY_TIMEOUT_MS);
  const onAbort = () => probe.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await fetch(url, { method: 'GET', mode: 'no-cors', credentials: 'omit', cache: 'no-store', redirect: 'follow', signal: probe.signal });
    return true;
  } catch {
    return false;
  } finally {
    // The answer is opaque and unread: stop it (an SSE endpoint would stream forever).
    probe.abort();
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The coded error for a `fetch` to `url` that threw `cause` (not an abort of ours: callers check
 * that first). `hint` adds what this transport sends.
 */
export async function fetchFailure(url: string, cause: unknown, signal?: AbortSignal): Promise<TgError> {
  const origin = new URL(url).origin;
  if (await reachable(url, signal)) {
    return new TgError(
      ErrorCode.CORS_BLOCKED,
      `The browser blocked the answer from ${origin}: the server is reachable but its response lacks the CORS headers a browser client needs. ${CORS_HINT}`,
      { cause, data: { origin, allowHeaders: [...CORS_ALLOW_HEADERS], exposeHeaders: [...CORS_EXPOSE_HEADERS] } },
    );
  }
  return new TgError(
    ErrorCode.NETWORK_ERROR,
    `Could not reach ${origin}: the server is down or unreachable from this browser (DNS, refused, offline). ` +
      `If it is up, check its CORS headers too. ${CORS_HINT}`,
    { cause, data: { origin } },
  );
}
