/**
 * The one table of Toolgate's error codes, the one error class, and the helpers callers use.
 *
 * Every error Toolgate throws or reports carries a stable string `code` from `ErrorCode` (in the
 * style of oauth4webapi's `OAUTH_*` constants): the key is the code without its `TG_` prefix, so
 * `ErrorCode.POLICY_DENIED === 'TG_POLICY_DENIED'`. Callers branch on `err.code`, never on
 * `instanceof`: an error that travelled through comlink is rebuilt on the other side
 * (transfer-handlers.ts), and bundles may hold two copies of this class. Bad arguments are
 * `TypeError`s with Node's `code: 'ERR_INVALID_ARG_TYPE'` (`invalidArgument`).
 *
 * Nothing outside this file spells a `TG_` string: a test (test/rules/) keeps it so.
 */

const PREFIX = 'TG_';
const AUTH_PREFIX = 'TG_AUTH_';

export const ErrorCode = {
  // ── Connection: opening, keeping and closing the link to a server ─────────
  /** The transport closed while the request was pending, or a call was made after close. */
  CONNECTION_CLOSED: 'TG_CONNECTION_CLOSED',
  /** The transport could not be opened (refused, DNS, TLS, handshake). */
  CONNECTION_FAILED: 'TG_CONNECTION_FAILED',
  /** A method was called before `connect()` finished, or a tool was called on a server that is not `ready`. */
  NOT_CONNECTED: 'TG_NOT_CONNECTED',
  /** A request got no response in time. The server was sent `notifications/cancelled`. */
  TIMEOUT: 'TG_TIMEOUT',
  /**
   * The caller cancelled: a request the page cancelled (the server was sent `notifications/cancelled`),
   * or a gated call aborted before or while it ran.
   */
  CANCELLED: 'TG_CANCELLED',
  /** A configuration value is invalid (bad URL, scheme, number out of range, a bad `<tg-server>` attribute). */
  INVALID_CONFIG: 'TG_INVALID_CONFIG',
  /** The browser could not complete an HTTP request: network down, or blocked by CORS. */
  NETWORK_ERROR: 'TG_NETWORK_ERROR',
  /**
   * The browser blocked the response: the server is reachable (an opaque no-cors request got through)
   * but its answer lacks the CORS headers a cross-origin MCP client needs. `data.origin` is the server's.
   */
  CORS_BLOCKED: 'TG_CORS_BLOCKED',
  /** The link dropped and every reconnection attempt failed; `data.attempts` has how many, `cause` the last failure. */
  RECONNECT_FAILED: 'TG_RECONNECT_FAILED',
  /** The server answered with an HTTP error status; `data.status` has it. */
  HTTP_ERROR: 'TG_HTTP_ERROR',
  /** The server no longer knows the HTTP session (404); the client re-initializes once. */
  SESSION_EXPIRED: 'TG_SESSION_EXPIRED',
  /**
   * A modern-era response stream ended before its response. Streams are not resumable in 2026-07-28;
   * reads are re-issued once with a new id, a `tools/call` never is.
   */
  STREAM_INTERRUPTED: 'TG_STREAM_INTERRUPTED',
  /**
   * An HTTP+SSE (2024-11-05) server named a message endpoint on another origin; it was refused, so no
   * message is ever posted there. `data` has the `endpoint` and the SSE URL's `origin`.
   */
  CROSS_ORIGIN_ENDPOINT: 'TG_CROSS_ORIGIN_ENDPOINT',
  /** The worker itself failed (uncaught error or terminated). */
  WORKER_FAILED: 'TG_WORKER_FAILED',

  // ── Protocol: JSON-RPC and MCP messages ───────────────────────────────────
  /** The server answered with a JSON-RPC error; `rpcCode` and `data` carry its code and data. */
  RPC_ERROR: 'TG_RPC_ERROR',
  /** A frame or message broke JSON-RPC or MCP rules (bad JSON, wrong shape, unknown id). */
  PROTOCOL_ERROR: 'TG_PROTOCOL_ERROR',
  /** A frame was larger than `maxFrameBytes`; it was refused. */
  FRAME_TOO_LARGE: 'TG_FRAME_TOO_LARGE',
  /** The server chose a protocol version this client does not speak. */
  UNSUPPORTED_PROTOCOL_VERSION: 'TG_UNSUPPORTED_PROTOCOL_VERSION',
  /** The server does not offer the feature asked for (e.g. completion without the `completions` capability). */
  UNSUPPORTED_FEATURE: 'TG_UNSUPPORTED_FEATURE',
  /**
   * A tool's definition is unusable on this transport (e.g. an invalid `x-mcp-header`); it was dropped
   * from `tools/list` and the client refuses to call it.
   */
  TOOL_REJECTED: 'TG_TOOL_REJECTED',
  /**
   * A tool declared an `outputSchema` but its result had no `structuredContent`, or content that fails
   * the schema. The call's result is withheld; `data.tool` and `data.errors` (a few, bounded) say why.
   */
  OUTPUT_SCHEMA_MISMATCH: 'TG_OUTPUT_SCHEMA_MISMATCH',
  /** A tool's `outputSchema` cannot be used: a non-local `$ref`, too large or deep, or rejected by the validator. */
  OUTPUT_SCHEMA_INVALID: 'TG_OUTPUT_SCHEMA_INVALID',
  /**
   * A modern server asked for input (MRTR `inputRequests`) that this client cannot provide: a method it
   * does not support, no handler on the page, or more rounds than the limit.
   */
  INPUT_UNAVAILABLE: 'TG_INPUT_UNAVAILABLE',
  /** The person's elicitation answer does not match the server's `requestedSchema`; nothing was sent. */
  ELICITATION_INVALID: 'TG_ELICITATION_INVALID',
  /** A URL-mode elicitation named a URL that is not safe to show (not https, javascript:/data:, too long). */
  ELICITATION_UNSAFE_URL: 'TG_ELICITATION_UNSAFE_URL',
  /**
   * The server answered -32042: the request needs URL elicitations first. `data.elicitations` holds the
   * checked URL requests (as `onElicit` would get them; unsafe ones left out): show them, then retry.
   */
  URL_ELICITATION_REQUIRED: 'TG_URL_ELICITATION_REQUIRED',

  // ── Auth: OAuth 2.1 in the worker (every code starts `TG_AUTH_`, see `isAuthError`) ──
  /** The server needs OAuth, but the page gave no `onAuthorize` handler (or no redirect URI). */
  AUTH_REQUIRED: 'TG_AUTH_REQUIRED',
  /** An auth URL (metadata, endpoint, authorization URL) is unsafe: not https, a private address, javascript:/data:/file:. */
  AUTH_UNSAFE_URL: 'TG_AUTH_UNSAFE_URL',
  /** Protected-resource or authorization-server metadata is missing or malformed. */
  AUTH_DISCOVERY_FAILED: 'TG_AUTH_DISCOVERY_FAILED',
  /** The protected-resource metadata names another resource than this server (RFC 9728 §3.3). */
  AUTH_RESOURCE_MISMATCH: 'TG_AUTH_RESOURCE_MISMATCH',
  /** The authorization-server metadata `issuer` differs from the issuer it was fetched for (RFC 8414 §3.3). */
  AUTH_ISSUER_MISMATCH: 'TG_AUTH_ISSUER_MISMATCH',
  /** The authorization server does not list S256 in `code_challenge_methods_supported`. */
  AUTH_PKCE_UNSUPPORTED: 'TG_AUTH_PKCE_UNSUPPORTED',
  /** No way to get a client id: no pre-registration, no CIMD URL accepted, no registration endpoint, or DCR failed. */
  AUTH_REGISTRATION_FAILED: 'TG_AUTH_REGISTRATION_FAILED',
  /** The callback's `iss` differs from the issuer (RFC 9207), or is missing when the AS promised it. */
  AUTH_ISS_MISMATCH: 'TG_AUTH_ISS_MISMATCH',
  /** The callback's `state` differs from the one sent, or the callback URL is not the redirect URI. */
  AUTH_STATE_MISMATCH: 'TG_AUTH_STATE_MISMATCH',
  /** The authorization server returned an error to the callback (e.g. access_denied); `data.error` has it. */
  AUTH_DENIED: 'TG_AUTH_DENIED',
  /** The token endpoint refused the code or the refresh token, or its answer was invalid. */
  AUTH_TOKEN_FAILED: 'TG_AUTH_TOKEN_FAILED',
  /** The server kept refusing the token's scope (403 insufficient_scope) after the retry limit. */
  AUTH_INSUFFICIENT_SCOPE: 'TG_AUTH_INSUFFICIENT_SCOPE',
  /** The popup was blocked, closed, or no callback arrived in time (page side). */
  AUTH_CANCELLED: 'TG_AUTH_CANCELLED',
  /** An auth request failed in the browser: network, or CORS (the AS sends no CORS headers). */
  AUTH_NETWORK_ERROR: 'TG_AUTH_NETWORK_ERROR',

  // ── Gate: policy, approval, rate limits; refusals reach the caller as a `ToolCallOutcome` ──
  /** A policy rule denied the call (`data.rule` names it), or the server is not allowed. */
  POLICY_DENIED: 'TG_POLICY_DENIED',
  /** The policy document is invalid; `data.problems` lists every problem as `{ path, message }`. */
  POLICY_INVALID: 'TG_POLICY_INVALID',
  /** The person (approval card) or the host (`tg-tool-request`) denied the call. */
  APPROVAL_DENIED: 'TG_APPROVAL_DENIED',
  /** Nobody answered the approval in time; the call was denied. */
  APPROVAL_TIMEOUT: 'TG_APPROVAL_TIMEOUT',
  /** No such tool for this proposer (unknown, or hidden by roles: the two are indistinguishable on purpose). */
  TOOL_UNKNOWN: 'TG_TOOL_UNKNOWN',
  /** Over a rate limit; `data.retryAfterMs` says when a token is back. */
  RATE_LIMITED: 'TG_RATE_LIMITED',
  /** The server is not on the allow-list and the person has not consented to it. */
  SERVER_NOT_ALLOWED: 'TG_SERVER_NOT_ALLOWED',
  /** A signed allow-list failed verification (bad signature, wrong key, malformed, expired). */
  ALLOWLIST_INVALID: 'TG_ALLOWLIST_INVALID',
  /**
   * A `dataFlow` rule denied a call whose arguments carry data from another server's results or a
   * detected secret; `data.rule` names the rule, `data.dataFlow` says where the data came from.
   */
  DATA_FLOW_DENIED: 'TG_DATA_FLOW_DENIED',
  /** The connection call failed without a code of its own. */
  CALL_FAILED: 'TG_CALL_FAILED',

  // ── Audit and storage: the audit log, the gate's policy and pins in IndexedDB ──
  /**
   * The database could not be written or read: it was closed, deleted or upgraded by another
   * connection, the browser terminated it, or a transaction failed. `cause` has the DOM error.
   */
  STORAGE_FAILED: 'TG_STORAGE_FAILED',
  /** The browser refused the write because the origin's storage quota is used up. */
  STORAGE_QUOTA: 'TG_STORAGE_QUOTA',
  /** The log is closed (`close()` was called); append and queries are refused. */
  AUDIT_CLOSED: 'TG_AUDIT_CLOSED',
  /** An imported or stored chain does not verify; `data` is the `VerifyResult`. */
  AUDIT_BROKEN_CHAIN: 'TG_AUDIT_BROKEN_CHAIN',
  /** An append input is not a valid record (unknown kind, missing field, value not JSON). */
  AUDIT_INVALID_RECORD: 'TG_AUDIT_INVALID_RECORD',
  /**
   * Shipping records to an OpenTelemetry collector failed; `data.status` when it answered. The
   * records stay in the log and are sent again (429/502/503/504 and network errors, with backoff), or
   * shipping stops until `resume()` (any other status: OTLP forbids retrying those).
   */
  AUDIT_EXPORT_FAILED: 'TG_AUDIT_EXPORT_FAILED',
  /**
   * The collector refused records for good (HTTP 400, or a partial success): they are skipped
   * (OTLP forbids resending them) but stay in the local log and its exports. `data.from`/`data.to`: their seqs.
   */
  AUDIT_EXPORT_REJECTED: 'TG_AUDIT_EXPORT_REJECTED',
  /**
   * The collector has been unreachable for long, or more records wait than the bound: nothing is
   * lost (they wait in the log), but the organisation's copy lags. `data.backlog`, `data.since`; also
   * records retention removed before they were shipped (`data.gap`).
   */
  AUDIT_EXPORT_BACKLOG: 'TG_AUDIT_EXPORT_BACKLOG',

  // ── LLM: the model providers (messages and `data` never contain an API key) ──
  /** The provider answered with an HTTP error status. `data.status`; `data.body` is a short snippet. */
  LLM_HTTP: 'TG_LLM_HTTP',
  /** HTTP 429. `data.retryAfterMs` when the provider sent `retry-after` (seconds or an HTTP date). */
  LLM_RATE_LIMITED: 'TG_LLM_RATE_LIMITED',
  /** The stream ended or broke before the provider said it was done. */
  LLM_STREAM_BROKEN: 'TG_LLM_STREAM_BROKEN',
  /** The response could not be understood (not JSON, wrong shape, unknown content type). */
  LLM_BAD_RESPONSE: 'TG_LLM_BAD_RESPONSE',
  /** The provider reported an error inside an otherwise successful stream (e.g. `overloaded_error`). */
  LLM_PROVIDER_ERROR: 'TG_LLM_PROVIDER_ERROR',
  /** The request never got an answer (DNS, refused, CORS, offline). */
  LLM_NETWORK: 'TG_LLM_NETWORK',
  /** A host-function provider threw something without a code. */
  LLM_HOST_FAILED: 'TG_LLM_HOST_FAILED',

  // ── Agent: the loop and its turns (every failure of a turn becomes a conversation entry) ──
  /** The turn used its maximum number of model steps while the model still wanted tools. */
  MAX_STEPS: 'TG_MAX_STEPS',
  /** `stop()` ended the turn: the model stream and every in-flight tool call were aborted. */
  STOPPED: 'TG_STOPPED',
  /** `send()` while a turn is running. */
  AGENT_BUSY: 'TG_AGENT_BUSY',
  /** Text was sent in manual mode: there is no model to answer it. */
  NO_MODEL: 'TG_NO_MODEL',
  /** The model proposed a call whose arguments are not a JSON object; it was not run. */
  BAD_TOOL_ARGUMENTS: 'TG_BAD_TOOL_ARGUMENTS',
  /** Something unexpected broke the loop itself (a bug, or a gate that threw). */
  AGENT_INTERNAL: 'TG_AGENT_INTERNAL',
  /** Manual-mode form values do not satisfy the tool's `inputSchema`; `data.errors` lists `{ path, message }`. */
  FORM_INVALID: 'TG_FORM_INVALID',

  // ── Host: the page's own tools and what the person puts in their turn ─────
  /** A tool the page registered (`registerTool`, a tool form) is invalid: its name, description, schema or a taken name; `data.problem` says which. */
  PAGE_TOOL_INVALID: 'TG_PAGE_TOOL_INVALID',
  /** A page tool's result could not be used: not JSON, or larger than the bound; `data.limit` when too large. */
  PAGE_TOOL_RESULT_INVALID: 'TG_PAGE_TOOL_RESULT_INVALID',
  /** An attachment (a resource's contents, a prompt's messages) is larger than the bound, or too many are attached; `data.limit`. */
  CONTEXT_TOO_LARGE: 'TG_CONTEXT_TOO_LARGE',

  // ── Element: what the elements themselves refuse ──────────────────────────
  /** The tool-argument text is not a JSON object; nothing was sent to the server. */
  INVALID_ARGUMENTS: 'TG_INVALID_ARGUMENTS',
  /** A part of the interface that loads on first use (the approval or elicitation card, …) could not be loaded; what waited for it is refused, never left waiting. */
  UI_LOAD_FAILED: 'TG_UI_LOAD_FAILED',

  // ── MCP Apps: views (src/apps/); a refused view request gets a JSON-RPC error with `data.code` ──
  /** No sandbox origin on another host is configured: views are not rendered (their text is shown). */
  APP_SANDBOX_UNAVAILABLE: 'TG_APP_SANDBOX_UNAVAILABLE',
  /** The view resource is unusable: not `ui://`, wrong MIME type, too large, not UTF-8, or missing. */
  APP_VIEW_INVALID: 'TG_APP_VIEW_INVALID',
  /** The view's HTML or security metadata changed since the person accepted it; it waits for re-approval. */
  APP_VIEW_QUARANTINED: 'TG_APP_VIEW_QUARANTINED',
  /** The view asked for a tool it may not call (another server's, or one whose visibility excludes `app`). */
  APP_TOOL_FORBIDDEN: 'TG_APP_TOOL_FORBIDDEN',
  /** A view's `tools/call` arguments do not match the tool's `inputSchema`; `data.errors` lists why. */
  APP_ARGS_INVALID: 'TG_APP_ARGS_INVALID',
  /** A bridge message was refused: before `ui/initialize`, malformed, too large, or over the rate limit. */
  APP_MESSAGE_REFUSED: 'TG_APP_MESSAGE_REFUSED',
  /** The person (or the host) declined what the view asked for: a link, a download, a message. */
  APP_DENIED: 'TG_APP_DENIED',
  /** A link the view asked to open is not allowed (scheme, credentials, length). */
  APP_UNSAFE_URL: 'TG_APP_UNSAFE_URL',
  /** A view request failed for a reason of its own (the read or call broke). */
  APP_REQUEST_FAILED: 'TG_APP_REQUEST_FAILED',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface TgErrorOptions {
  data?: unknown;
  cause?: unknown;
  /** JSON-RPC error code, for `TG_RPC_ERROR`. */
  rpcCode?: number;
}

/** A Toolgate error: a stable string `code`, a human `message`, optional `data` and `cause`. */
export class TgError extends Error {
  override name = 'TgError';
  readonly code: ErrorCodeValue;
  readonly data?: unknown;
  readonly rpcCode?: number;

  /** `code` comes from the `ErrorCode` table: the type refuses any other string. */
  constructor(code: ErrorCodeValue, message: string, options: TgErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.data !== undefined) this.data = options.data;
    if (options.rpcCode !== undefined) this.rpcCode = options.rpcCode;
  }
}

/** Node-style error for a bad argument: a `TypeError` with `code: 'ERR_INVALID_ARG_TYPE'`. */
export function invalidArgument(name: string, expected: string): TypeError & { code: string } {
  return Object.assign(new TypeError(`The "${name}" argument must be ${expected}`), {
    code: 'ERR_INVALID_ARG_TYPE',
  });
}

/** Reads `code` from anything thrown, for branching without `instanceof`. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Whether `err` carries one of Toolgate's codes (from this table, possibly after crossing the worker boundary). */
export function hasToolgateCode(err: unknown): boolean {
  return errorCode(err)?.startsWith(PREFIX) === true;
}

/** Whether `err` is an OAuth failure (`TG_AUTH_*`): the authorizing fetch's errors pass through transports unchanged. */
export function isAuthError(err: unknown): boolean {
  return errorCode(err)?.startsWith(AUTH_PREFIX) === true;
}
