/**
 * The API one connection worker exposes through comlink, its configuration and the events it pushes.
 * The page imports it with `import type`. Functions passed in (`onEvent`, `onProgress`) must be
 * wrapped with comlink's `proxy()`.
 */
import type { SerializedError } from './shared/transfer-handlers.js';
import type { AuthorizeHandler, OAuthOptions } from './shared/auth.js';
import type {
  ConnectionDiagnostics,
  ConnectionInfo,
  ConnectionStatus,
  ElicitationHandler,
  ReconnectOptions,
  TransportKind,
  WorkerCallOptions,
} from './shared/connection-types.js';
import type { CallToolResult, Completion, CompletionArgument, CompletionContext, CompletionRef, GetPromptResult, Implementation, JsonObject, LogLevel, LogMessage, Progress, Prompt, ReadResourceResult, Resource, ResourceTemplate, TaskState, Tool } from './shared/wire.js';

export interface ConnectionConfig {
  /** `wss://` or `https://` (plain `ws://`/`http://` only to a loopback host, or with `allowInsecure`). */
  url: string;
  transport?: TransportKind;
  /** Offer the `mcp.msgpack` subprotocol (the server decides). Default false. */
  msgpack?: boolean;
  /** Largest frame accepted or sent, in bytes. Default 4 MiB. */
  maxFrameBytes?: number;
  /** Default per-request timeout. Default 60 s. */
  requestTimeoutMs?: number;
  /** Allow `ws://`/`http://` to hosts other than loopback (plaintext; for trusted development networks only). */
  allowInsecure?: boolean;
  clientInfo?: Implementation;
  /**
   * Pins the protocol version instead of detecting the era: a 2026-07-28 version talks stateless
   * HTTP without a probe; a 2025-xx version goes straight to `initialize` offering it. WebSocket
   * speaks only legacy versions; `2024-11-05` implies HTTP+SSE. Default: detect (HTTP) or the newest
   * legacy version (WebSocket).
   */
  protocolVersion?: string;
  /**
   * OAuth for HTTP servers that answer 401: registration (pre-registered → CIMD → DCR), the redirect
   * URI of the page's callback page, development mode. Tokens stay in the worker.
   */
  oauth?: OAuthOptions;
  /**
   * Keep the era detected for this origin in IndexedDB (`toolgate-eras`, 7 days), so a later worker
   * skips the probe; a remembered era that fails is forgotten and the server probed again. Default false.
   */
  persistEra?: boolean;
  /**
   * After an unexpected drop of the WebSocket or HTTP+SSE stream, reconnect (and re-initialize) with
   * bounded exponential backoff and full jitter. Default on (500 ms base, 30 s cap, 6 attempts); `false`
   * fails the connection at the first drop.
   */
  reconnect?: boolean | ReconnectOptions;
  /**
   * For servers the host trusts: a `tools/call` cut off by a drop is sent once more after reconnecting
   * if the tool is annotated `idempotentHint: true`. Any other call in flight rejects with
   * `TG_CONNECTION_CLOSED` and is never re-sent (tools have side effects). Default false.
   */
  retryIdempotentTools?: boolean;
  /**
   * Advertise the MCP Apps extension (`io.modelcontextprotocol/ui` with `text/html;profile=mcp-app`)
   * in both eras, so servers offer their interactive views. Set it only when the page renders views
   * (`<tg-agent>` does when an `apps-sandbox-origin` on another host is configured). Default false.
   */
  apps?: boolean;
}

/** Pushed from the worker to the page. */
export type ConnectionEvent =
  /** `reconnecting` events carry the attempt (from 1) and the delay before it; `error` is the cause. */
  | { type: 'status'; status: ConnectionStatus; error?: SerializedError; attempt?: number; delayMs?: number }
  | { type: 'tools-changed'; tools: Tool[] }
  /** A non-fatal problem (bad frame, dropped tool); `count` is the running total. */
  | { type: 'problem'; error: SerializedError; count: number }
  /** An authorization finished: who issued the token and its scope (never the token). */
  | { type: 'authorized'; issuer: string; scope?: string }
  /** The person is about to be sent to the authorization server `issuer` for `resource` (via `onAuthorize`). */
  | { type: 'auth-required'; issuer: string; resource: string; scope?: string }
  /** A server log message (after `setLogLevel`); `data` is untrusted JSON, bounded in size: render it as text. */
  | ({ type: 'log' } & LogMessage)
  /** The server says the out-of-band interaction of an accepted URL elicitation is done. */
  | { type: 'elicitation-complete'; elicitationId: string }
  /** A tool call running as a task changed state (`callId` is the call's, when it has one). */
  | { type: 'task-status'; tool: string; callId?: string; task: TaskState }
  /** A resource subscribed to with `subscribeResource` changed; read it again. */
  | { type: 'resource-updated'; uri: string; title?: string };

export interface ConnectionApi {
  /**
   * Opens the transport and starts talking MCP: over HTTP it detects the era (a modern
   * `server/discover` probe, falling back to legacy `initialize`), over WebSocket it initializes.
   * Call once per worker. The client declares the elicitation capability only when `onElicit` is given;
   * in the modern era the same handler answers elicitations embedded in results (MRTR).
   */
  connect(
    config: ConnectionConfig,
    onEvent: (event: ConnectionEvent) => void,
    onElicit?: ElicitationHandler,
    /**
     * Sends the person to the authorization URL the worker built (popup) and resolves with the callback
     * URL; the worker validates it. Without it, a server that needs OAuth fails with `TG_AUTH_REQUIRED`.
     */
    onAuthorize?: AuthorizeHandler,
  ): Promise<ConnectionInfo>;
  /** Every tool, across all pages. */
  listTools(): Promise<Tool[]>;
  /** `onProgress` is a separate argument because comlink proxies only top-level arguments. */
  callTool(
    name: string,
    args: JsonObject,
    options?: WorkerCallOptions,
    onProgress?: (progress: Progress) => void,
  ): Promise<CallToolResult>;
  /** Every resource, across all pages. */
  listResources(): Promise<Resource[]>;
  /** Every resource template (`resources/templates/list`), across all pages. */
  listResourceTemplates(): Promise<ResourceTemplate[]>;
  readResource(uri: string): Promise<ReadResourceResult>;
  /** Every prompt, across all pages. */
  listPrompts(): Promise<Prompt[]>;
  getPrompt(name: string, args?: Record<string, string>): Promise<GetPromptResult>;
  /**
   * Suggestions for a prompt argument or resource-template variable (`completion/complete`): at most
   * 100 strings. Needs the server's `completions` capability, else `TG_UNSUPPORTED_FEATURE`.
   */
  complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): Promise<Completion>;
  /**
   * Asks for server log messages at `level` and above, delivered as `log` events. Legacy servers get
   * `logging/setLevel`; 2026-07-28 servers get the level in each later request's `_meta` and log on that
   * request's stream. Needs the server's `logging` capability, else `TG_UNSUPPORTED_FEATURE`.
   */
  setLogLevel(level: LogLevel): Promise<void>;
  /**
   * `resources/subscribe`: changes to `uri` arrive as `resource-updated` events. Legacy servers with
   * the `resources.subscribe` capability (else `TG_UNSUPPORTED_FEATURE`); a new session (after a
   * reconnect or session expiry) starts without subscriptions.
   */
  subscribeResource(uri: string): Promise<void>;
  unsubscribeResource(uri: string): Promise<void>;
  /**
   * Cancels a call started with `callId`: legacy servers get `notifications/cancelled`; on modern
   * HTTP the call's response stream is closed, which is the cancellation.
   */
  cancel(callId: string, reason?: string): void;
  /**
   * Drops this connection's OAuth tokens (in memory and in the encrypted store) and revokes them at
   * the authorization server when it has a revocation endpoint (`revoked`: the AS confirmed). The next
   * request needs a new authorization.
   */
  signOut(): Promise<{ revoked: boolean }>;
  diagnostics(): ConnectionDiagnostics;
  /**
   * Answers at once: the page's liveness check. A worker that ended without an error event (it
   * closed itself, the browser ended it, a chunk failed to load) never answers, and the page then
   * fails the connection with `TG_WORKER_FAILED` instead of waiting forever.
   */
  ping(): true;
  close(): Promise<void>;
}
