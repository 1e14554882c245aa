/**
 * WebSocket authentication binding: a single-use ticket.
 *
 * A browser cannot set `Authorization` on a WebSocket handshake, and a token must never go in a URL
 * (logged everywhere). So before each handshake the worker POSTs, with its token as usual (the
 * authorizing fetch: 401 → OAuth, refresh, step-up), to the server's ticket endpoint — by convention
 * the MCP endpoint's path plus `/ws-ticket` over http(s), e.g. `wss://h/mcp` → `https://h/mcp/ws-ticket`
 * — and gets `{ "ticket": "<opaque>", "expires_in": ≤30 }`. The ticket is offered as the subprotocol
 * `mcp.ticket.<ticket>` next to `mcp`/`mcp.msgpack`; the server burns it on first use and selects
 * `mcp` or `mcp.msgpack` (never echoes the ticket). Proxies that log handshake headers thus see a
 * value that is already spent and expires in seconds, unlike a bearer token in a subprotocol (SEP-1288's
 * `mcp.auth.<token>`). OAuth resource = the http(s) form of the WebSocket URL (same origin and path).
 */
import { ErrorCode, TgError } from '../shared/errors.js';

export const TICKET_SUBPROTOCOL_PREFIX = 'mcp.ticket.';
/** A subprotocol value must be an RFC 7230 token; a ticket is base64url, bounded. */
const TICKET = /^[A-Za-z0-9_-]{16,512}$/;
const MAX_BODY_CHARS = 4096;

/** `ws(s)://h/p?q` → `http(s)://h/p?q`: the OAuth resource (and PRM location) of a WebSocket server. */
export function httpFormOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  url.hash = '';
  return url.href;
}

/** The ticket endpoint for a WebSocket MCP URL: same origin and path + `/ws-ticket`, no query. */
export function ticketEndpoint(wsUrl: string): string {
  const url = new URL(httpFormOf(wsUrl));
  url.pathname = `${url.pathname.replace(/\/$/, '')}/ws-ticket`;
  url.search = '';
  return url.href;
}

/** Gets a fresh ticket with the authorizing fetch; returns the subprotocol to offer. */
export async function ticketSubprotocol(authorizedFetch: typeof fetch, wsUrl: string): Promise<string> {
  const endpoint = ticketEndpoint(wsUrl);
  const response = await authorizedFetch(endpoint, { method: 'POST', headers: { accept: 'application/json' } });
  const text = response.ok ? await response.text() : (void response.body?.cancel().catch(() => {}), '');
  if (!response.ok) {
    throw new TgError(ErrorCode.AUTH_TOKEN_FAILED, `The WebSocket ticket endpoint ${endpoint} answered HTTP ${response.status}`, { data: { status: response.status } });
  }
  let ticket: unknown;
  try {
    ticket = text.length <= MAX_BODY_CHARS ? (JSON.parse(text) as { ticket?: unknown }).ticket : undefined;
  } catch {
    ticket = undefined;
  }
  if (typeof ticket !== 'string' || !TICKET.test(ticket)) {
    throw new TgError(ErrorCode.AUTH_TOKEN_FAILED, `The WebSocket ticket endpoint ${endpoint} returned no usable ticket`);
  }
  return `${TICKET_SUBPROTOCOL_PREFIX}${ticket}`;
}
