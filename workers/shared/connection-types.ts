/**
 * What a connection is, as both sides of the worker boundary see it: its transport kind, status,
 * the info `connect()` returns, call options, diagnostics and the handlers the page passes in.
 * The worker's comlink contract itself is `workers/connection-api.ts`.
 */
import type { ElicitationRequest, ElicitationResult, Implementation, ProtocolEra, ServerCapabilities } from './wire.js';

/**
 * `auto` picks by URL scheme: ws(s) → WebSocket; http(s) → Streamable HTTP, falling back to HTTP+SSE
 * (2024-11-05) when the server refuses `initialize` with 400/404/405. `http` is Streamable HTTP only;
 * `sse` is HTTP+SSE only (the URL is the server's SSE endpoint).
 */
export type TransportKind = 'auto' | 'websocket' | 'http' | 'sse';

/** `reconnecting`: the link dropped; requests wait (bounded by their timeout) until it is `ready` again. */
export type ConnectionStatus = 'connecting' | 'ready' | 'reconnecting' | 'closed' | 'failed';

/** Reconnection after an unexpected drop (`ConnectionConfig.reconnect`): bounded backoff with full jitter. */
export interface ReconnectOptions {
  /** Ceiling of the first attempt's delay. Default 500 ms. */
  baseDelayMs?: number;
  /** Ceiling of any attempt's delay. Default 30 s. */
  maxDelayMs?: number;
  /** Attempts after one drop before the connection fails. Default 6. */
  maxAttempts?: number;
}

export interface ConnectionInfo {
  /** `modern` = stateless 2026-07-28 requests; `legacy` = `initialize` handshake (and session). */
  protocolEra: ProtocolEra;
  protocolVersion: string;
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions?: string;
  codec: 'json' | 'msgpack';
  /** The transport in use: `http` = Streamable HTTP (either era), `sse` = HTTP+SSE (2024-11-05). */
  transport: 'websocket' | 'http' | 'sse';
}

export interface WorkerCallOptions {
  /** Lets the page cancel this call later with `cancel(callId)`. */
  callId?: string;
  /** Per request (and per `tasks/get` poll, for a task). */
  timeoutMs?: number;
  /**
   * Run as a task (2025-11-25 servers that declare `tasks.requests.tools.call`, tools with
   * `execution.taskSupport: optional`; `required` tools always run as one). The call still resolves
   * with the final result; `task-status` events report progress; `cancel(callId)` sends `tasks/cancel`.
   */
  task?: boolean;
}

export interface ConnectionDiagnostics {
  invalidFrames: number;
  unknownResponses: number;
  inFlight: number;
}

/**
 * Shows a server's elicitation to the person and resolves with their answer. Form mode: accepted
 * content is validated against `requestedSchema` before it is sent (`TG_ELICITATION_INVALID`
 * otherwise, reported as a `problem`). URL mode: show the full URL with `domain` highlighted (warn
 * when `punycode`), and on consent open it yourself in a new top-level browsing context (e.g.
 * `window.open(url, '_blank', 'noopener,noreferrer')`); the worker never fetches it. `accept` then
 * means consent, not completion: `elicitation-complete` events say when the server saw it finish.
 */
export type ElicitationHandler = (request: ElicitationRequest) => Promise<ElicitationResult>;

