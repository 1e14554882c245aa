/**
 * Error codes and the one error class that crosses the worker boundary.
 *
 * Callers branch on `err.code`, never on `instanceof`: an error that travelled through
 * comlink is rebuilt on the other side, and bundles may hold two copies of this class.
 */

/** Every code Toolgate's connection layer throws or reports. */
export const ErrorCode = {
  /** The transport closed while the request was pending, or a call was made after close. */
  CONNECTION_CLOSED: 'TG_CONNECTION_CLOSED',
  /** The transport could not be opened (refused, DNS, TLS, handshake). */
  CONNECTION_FAILED: 'TG_CONNECTION_FAILED',
  /** A method was called before `connect()` finished. */
  NOT_CONNECTED: 'TG_NOT_CONNECTED',
  /** A request got no response in time. The server was sent `notifications/cancelled`. */
  TIMEOUT: 'TG_TIMEOUT',
  /** The page cancelled a request. The server was sent `notifications/cancelled`. */
  CANCELLED: 'TG_CANCELLED',
  /** The server answered with a JSON-RPC error; `rpcCode` and `data` carry its code and data. */
  RPC_ERROR: 'TG_RPC_ERROR',
  /** A frame or message broke JSON-RPC or MCP rules (bad JSON, wrong shape, unknown id). */
  PROTOCOL_ERROR: 'TG_PROTOCOL_ERROR',
  /** A frame was larger than `maxFrameBytes`; it was refused. */
  FRAME_TOO_LARGE: 'TG_FRAME_TOO_LARGE',
  /** The server chose a protocol version this client does not speak. */
  UNSUPPORTED_PROTOCOL_VERSION: 'TG_UNSUPPORTED_PROTOCOL_VERSION',
  /** A configuration value is invalid (bad URL, scheme, number out of range). */
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
   * A tool's definition is unusable on this transport (e.g. an invalid `x-mcp-header`); it was dropped
   * from `tools/list` and the client refuses to call it.
   */
  TOOL_REJECTED: 'TG_TOOL_REJECTED',
  /**
   * A modern server asked for input (MRTR `inputRequests`) that this client cannot provide: a method it
   * does not support, no handler on the page, or more rounds than the limit.
   */
  INPUT_UNAVAILABLE: 'TG_INPUT_UNAVAILABLE',
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
  /**
   * A tool declared an `outputSchema` but its result had no `structuredContent`, or content that fails
   * the schema. The call's result is withheld; `data.tool` and `data.errors` (a few, bounded) say why.
   */
  OUTPUT_SCHEMA_MISMATCH: 'TG_OUTPUT_SCHEMA_MISMATCH',
  /** A tool's `outputSchema` cannot be used: a non-local `$ref`, too large or deep, or rejected by the validator. */
  OUTPUT_SCHEMA_INVALID: 'TG_OUTPUT_SCHEMA_INVALID',
  /** The person's elicitation answer does not match the server's `requestedSchema`; nothing was sent. */
  ELICITATION_INVALID: 'TG_ELICITATION_INVALID',
  /** A URL-mode elicitation named a URL that is not safe to show (not https, javascript:/data:, too long). */
  ELICITATION_UNSAFE_URL: 'TG_ELICITATION_UNSAFE_URL',
  /** The server does not offer the feature asked for (e.g. completion without the `completions` capability). */
  UNSUPPORTED_FEATURE: 'TG_UNSUPPORTED_FEATURE',
  /**
   * The server answered -32042: the request needs URL elicitations first. `data.elicitations` holds the
   * checked URL requests (as `onElicit` would get them; unsafe ones left out): show them, then retry.
   */
  URL_ELICITATION_REQUIRED: 'TG_URL_ELICITATION_REQUIRED',
  /** The worker itself failed (uncaught error or terminated). */
  WORKER_FAILED: 'TG_WORKER_FAILED',
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
  readonly code: string;
  readonly data?: unknown;
  readonly rpcCode?: number;

  constructor(code: string, message: string, options: TgErrorOptions = {}) {
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
