/**
 * One MCP connection, living inside its worker: config checks, transport, RPC engine and MCP
 * session, with status and problems pushed to the page. State is in #private fields because
 * comlink lets the page reach any named property.
 */
import { ErrorCode, TgError, errorCode, invalidArgument } from './shared/errors.js';
import { serializeError } from './shared/transfer-handlers.js';
import { McpClient } from './protocol/client.js';
import {
  DEFAULT_PROBE_TIMEOUT_MS,
  HTTP_SSE_VERSION,
  decisionForVersion,
  detectEra,
  forgetEra,
  rememberEra,
  rememberedEra,
  type EraDecision,
} from './protocol/era.js';
import type { ModernClient } from './protocol/modern-client.js';
import { elicit, PendingUrlElicitations } from './protocol/elicitation.js';
import { isLogLevel } from './protocol/logging.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, RpcEngine } from './protocol/rpc.js';
import { LinkGate, fullJitterDelay, reconnectPolicy, sleep, type ReconnectPolicy } from './reconnect.js';
import type { McpSession } from './protocol/session.js';
import {
  LOG_LEVELS,
  Method,
  MODERN_PROTOCOL_VERSIONS,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Completion,
  type CompletionArgument,
  type CompletionContext,
  type CompletionRef,
  type DiscoverResult,
  type GetPromptResult,
  type InputRequest,
  type JsonObject,
  type LogLevel,
  type Progress,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type ServerCapabilities,
  type Tool,
} from './shared/wire.js';
// Transports and the 2026 client load on demand: a WebSocket connection never pays for HTTP code (or
// the other way round), which keeps an idle worker's heap and the first chunk small.
import { DEFAULT_MAX_FRAME_BYTES, type Transport } from './transports/transport.js';
import type { Authorizer } from './auth/authorizer.js';
import { httpFormOf, ticketSubprotocol } from './auth/ws-ticket.js';
// Plaintext ws:// and http:// are acceptable to loopback hosts only: that traffic never leaves the machine.
import { isLoopback } from './auth/safe-fetch.js';
import type { ConnectionApi, ConnectionConfig, ConnectionEvent } from './connection-api.js';
import type { AuthorizeHandler } from './shared/auth.js';
import type {
  ConnectionDiagnostics,
  ConnectionInfo,
  ConnectionStatus,
  ElicitationHandler,
  WorkerCallOptions,
} from './shared/connection-types.js';

const DEFAULT_CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;


type Kind = 'websocket' | 'http' | 'sse';

/** Which transport a config asks for: explicit, or by URL scheme (`http` also means "HTTP+SSE if need be" under auto). */
function transportFor(config: ConnectionConfig, url: URL): Kind {
  const byScheme = url.protocol === 'ws:' || url.protocol === 'wss:' ? 'websocket' : 'http';
  const kind = config.transport ?? 'auto';
  if (kind !== 'auto' && kind !== 'websocket' && kind !== 'http' && kind !== 'sse') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Unknown transport ${String(kind)} (use auto, websocket, http or sse)`);
  }
  if (kind !== 'auto' && (kind === 'sse' ? 'http' : kind) !== byScheme) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Transport ${kind} does not match the URL scheme ${url.protocol}`);
  }
  return kind === 'sse' ? 'sse' : byScheme;
}

function checkConfig(config: ConnectionConfig): { url: URL; transport: Kind } {
  if (typeof config !== 'object' || config === null) throw invalidArgument('config', 'an object');
  if (typeof config.url !== 'string') throw invalidArgument('config.url', 'a string');
  let url: URL;
  try {
    url = new URL(config.url);
  } catch (cause) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Not a valid URL: ${config.url}`, { cause });
  }
  if (!['wss:', 'ws:', 'https:', 'http:'].includes(url.protocol)) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `An MCP server URL must start with wss:// or https:// (got ${url.protocol})`);
  }
  const plaintext = url.protocol === 'ws:' || url.protocol === 'http:';
  if (plaintext && !isLoopback(url.hostname) && !config.allowInsecure) {
    throw new TgError(
      ErrorCode.INVALID_CONFIG,
      `Plaintext ${url.protocol}// is only allowed to loopback hosts; use ${url.protocol === 'ws:' ? 'wss' : 'https'}:// for ${url.host}`,
    );
  }
  for (const key of ['maxFrameBytes', 'requestTimeoutMs'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0 && value <= MAX_TIMEOUT_MS * 10)) {
      throw new TgError(ErrorCode.INVALID_CONFIG, `${key} must be a positive integer (got ${String(value)})`);
    }
  }
  return { url, transport: transportFor(config, url) };
}

function checkProtocolVersion(config: ConnectionConfig, kind: Kind): EraDecision | undefined {
  if (config.protocolVersion === undefined) return undefined;
  const decision = typeof config.protocolVersion === 'string' ? decisionForVersion(config.protocolVersion) : undefined;
  if (!decision) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Unknown protocol version ${String(config.protocolVersion)}`, {
      data: { speaks: [...MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS] },
    });
  }
  if (kind === 'websocket' && decision.era === 'modern') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `WebSocket speaks only legacy versions (${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
  }
  if (kind === 'sse' && decision.era === 'modern') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `HTTP+SSE speaks only legacy versions (${[...SUPPORTED_PROTOCOL_VERSIONS, HTTP_SSE_VERSION].join(', ')})`);
  }
  if (decision.version === HTTP_SSE_VERSION && (kind === 'websocket' || config.transport === 'http')) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Protocol version ${HTTP_SSE_VERSION} is spoken only over HTTP+SSE`);
  }
  return decision;
}

/** Errors after which a remembered era is doubted and the server probed again. */
const DOUBT_ERA: ReadonlySet<string | undefined> = new Set([ErrorCode.HTTP_ERROR, ErrorCode.RPC_ERROR, ErrorCode.PROTOCOL_ERROR]);

export class Connection implements ConnectionApi {
  #rpc?: RpcEngine;
  #client?: McpSession;
  /** The legacy client, kept for re-initializing after a session expiry. */
  #legacy?: McpClient;
  #modern?: ModernClient;
  #transport?: Transport;
  #requestTimeoutMs?: number;
  #reinitializing?: Promise<unknown>;
  #onEvent: (event: ConnectionEvent) => void = () => {};
  #problems = 0;
  #status: ConnectionStatus | undefined;
  readonly #calls = new Map<string, AbortController>();
  /** HTTP only: the fetch that attaches the token and handles 401/403 challenges (auth/authorizer.ts). */
  #authFetch?: typeof fetch;
  /** OAuth for this connection (HTTP always; WebSocket when `config.oauth` is set: the ticket binding). */
  #auth?: Authorizer;
  /** What the server offers (from `initialize` or `server/discover`), to refuse features it lacks. */
  #capabilities?: ServerCapabilities;
  /** Accepted URL elicitations awaiting `notifications/elicitation/complete`. */
  readonly #urlElicitations = new PendingUrlElicitations();
  // Reconnection (legacy transports whose link can drop: WebSocket, HTTP+SSE). See reconnect.ts.
  #config?: ConnectionConfig;
  #onElicit?: ElicitationHandler;
  #reconnectPolicy?: ReconnectPolicy;
  /** How the live legacy session was made, to make it again the same way. */
  #legacyKind?: Kind;
  #legacyVersion?: string;
  readonly #link = new LinkGate();
  #reconnectAbort?: AbortController;
  #closing = false;
  /** The last tool list the page saw, to tell whether a reconnect changed it and which tools are idempotent. */
  #knownTools?: Tool[];

  async connect(
    config: ConnectionConfig,
    onEvent: (event: ConnectionEvent) => void,
    onElicit?: ElicitationHandler,
    onAuthorize?: AuthorizeHandler,
  ): Promise<ConnectionInfo> {
    if (this.#status) throw new TgError(ErrorCode.INVALID_CONFIG, 'connect() was already called on this connection');
    if (typeof onEvent !== 'function') throw invalidArgument('onEvent', 'a function');
    this.#onEvent = onEvent;
    this.#setStatus('connecting');
    try {
      const { transport: kind } = checkConfig(config);
      const pinned = checkProtocolVersion(config, kind);
      this.#reconnectPolicy = reconnectPolicy(config.reconnect);
      this.#config = config;
      if (onElicit) this.#onElicit = onElicit;
      this.#requestTimeoutMs = config.requestTimeoutMs;
      let info: ConnectionInfo;
      if (kind === 'http' || (kind === 'websocket' && config.oauth)) {
        const oauth = config.oauth ?? {};
        const persist = config.oauth !== undefined && oauth.persist !== false && oauth.grant !== 'client_credentials';
        // Loaded on demand: an idle WebSocket worker without OAuth never holds oauth4webapi.
        const { Authorizer } = await import('./auth/authorizer.js');
        this.#auth = new Authorizer({
          // A WebSocket server's OAuth resource is its http(s) form (auth/ws-ticket.ts).
          serverUrl: kind === 'websocket' ? httpFormOf(config.url) : config.url,
          oauth,
          ...(onAuthorize && { onAuthorize }),
          onAuthorized: (detail) => void this.#emit({ type: 'authorized', ...detail }),
          onAuthRequired: (detail) => void this.#emit({ type: 'auth-required', ...detail }),
          ...(persist && { store: import('./auth/token-store.js').then((m) => m.openTokenStore(oauth.database)) }),
        });
        if (kind !== 'websocket') this.#authFetch = this.#auth.fetch;
      }
      if (kind === 'websocket' || kind === 'sse') {
        info = await this.#connectLegacy(config, kind, pinned?.version, onElicit);
      } else {
        info = await this.#connectHttp(config, pinned, onElicit);
      }
      await this.#setStatus('ready'); // lands on the page before connect() resolves
      return info;
    } catch (err) {
      void this.#setStatus('failed', err); // before closing, so the status names the cause
      await this.#rpc?.close().catch(() => {});
      throw err;
    }
  }

  /**
   * HTTP: a pinned version decides the era; otherwise the era remembered for the origin, or a probe.
   * If a remembered era fails, it is forgotten and the server probed once more.
   */
  async #connectHttp(config: ConnectionConfig, pinned: EraDecision | undefined, onElicit?: ElicitationHandler): Promise<ConnectionInfo> {
    // The era learnt by an earlier worker, from IndexedDB (loaded on demand, like the transports).
    const eras = pinned || config.persistEra !== true ? undefined : await import('./protocol/era-store.js');
    await eras?.hydrateEra(config.url);
    const remembered = pinned ? undefined : rememberedEra(config.url);
    if (remembered) {
      const decision: EraDecision =
        remembered.era === 'modern'
          ? { era: 'modern', version: remembered.version }
          : { era: 'legacy', reason: 'remembered', ...(remembered.transport && { transport: remembered.transport }) };
      try {
        return await this.#connectWith(config, decision, onElicit);
      } catch (err) {
        if (!DOUBT_ERA.has(errorCode(err))) throw err;
        forgetEra(config.url);
        void eras?.dropEra(config.url);
        await this.#discardAttempt();
      }
    }
    const decision =
      pinned ??
      (await detectEra({
        url: config.url,
        ...(this.#authFetch && { fetch: this.#authFetch }),
        clientInfo: config.clientInfo ?? DEFAULT_CLIENT_INFO,
        capabilities: modernCapabilities(onElicit),
        ...(config.requestTimeoutMs !== undefined && { timeoutMs: Math.min(config.requestTimeoutMs, DEFAULT_PROBE_TIMEOUT_MS) }),
        ...(config.maxFrameBytes !== undefined && { maxBytes: config.maxFrameBytes }),
      }));
    const info = await this.#connectWith(config, decision, onElicit);
    if (!pinned) {
      const learnt = { era: info.protocolEra, version: info.protocolVersion, ...(info.transport === 'sse' && { transport: 'sse' as const }) };
      rememberEra(config.url, learnt.era, learnt.version, learnt.transport);
      void eras?.persistEra(config.url, learnt);
    }
    return info;
  }

  /**
   * Connects as decided. Legacy over Streamable HTTP falls back to HTTP+SSE when `initialize` gets
   * 400/404/405 (checklist §2 fallback step 5), unless the config asked for `http` only.
   */
  async #connectWith(config: ConnectionConfig, decision: EraDecision, onElicit?: ElicitationHandler): Promise<ConnectionInfo> {
    if (decision.era === 'modern') return this.#connectModern(config, decision.version, decision.discover, onElicit);
    if (decision.transport === 'sse') return this.#connectLegacy(config, 'sse', decision.version, onElicit);
    try {
      return await this.#connectLegacy(config, 'http', decision.version, onElicit);
    } catch (err) {
      const status = (err as { data?: { status?: unknown } }).data?.status;
      const refused = errorCode(err) === ErrorCode.HTTP_ERROR && (status === 400 || status === 404 || status === 405);
      if (!refused || config.transport === 'http') throw err;
      await this.#discardAttempt();
      return this.#connectLegacy(config, 'sse', decision.version, onElicit);
    }
  }

  /** Closes a failed attempt's RPC engine: the attempt is over, not the connection, so no status reaches the page. */
  async #discardAttempt(): Promise<void> {
    const failed = this.#rpc;
    if (!failed) return;
    failed.onclose = undefined;
    failed.onerror = undefined;
    await failed.close().catch(() => {});
  }

  #newRpc(transport: Transport, config: ConnectionConfig): RpcEngine {
    const rpc = new RpcEngine(transport, config.requestTimeoutMs ? { defaultTimeoutMs: config.requestTimeoutMs } : {});
    rpc.onerror = (error) => this.#problem(error);
    rpc.onclose = (reason) => this.#onLinkClosed(rpc, reason);
    this.#transport = transport;
    this.#rpc = rpc;
    return rpc;
  }

  /**
   * The 2025 era (and 2024-11-05 over HTTP+SSE): `initialize` handshake, then (Streamable HTTP) the
   * server-to-client GET stream.
   */
  async #connectLegacy(
    config: ConnectionConfig,
    kind: Kind,
    protocolVersion: string | undefined,
    onElicit?: ElicitationHandler,
  ): Promise<ConnectionInfo> {
    const maxBytes = config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const transport: Transport =
      kind === 'websocket'
        ? new (await import('./transports/websocket.js')).WebSocketTransport({
            url: config.url,
            msgpack: config.msgpack === true,
            maxFrameBytes: maxBytes,
            ...(this.#auth && { authProtocols: async () => [await ticketSubprotocol(this.#auth!.fetch, config.url)] }),
          })
        : kind === 'sse'
          ? new (await import('./transports/legacy-sse.js')).LegacySseTransport({
              url: config.url,
              maxMessageBytes: maxBytes,
              endpointTimeoutMs: Math.min(config.requestTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_PROBE_TIMEOUT_MS),
            })
          : new (await import('./transports/streamable-http.js')).StreamableHttpTransport({ url: config.url, maxMessageBytes: maxBytes, ...(this.#authFetch && { fetch: this.#authFetch }) });
    const rpc = this.#newRpc(transport, config);
    if (onElicit) {
      // Elicitation is declared only when the page can show it to a person.
      rpc.setRequestHandler(Method.ELICIT, (params) => this.#elicit(params, onElicit));
      rpc.setNotificationHandler(Method.ELICITATION_COMPLETE, (params) => this.#elicitationComplete(params));
    }
    const client = new McpClient(rpc, {
      clientInfo: config.clientInfo ?? DEFAULT_CLIENT_INFO,
      ...(onElicit && { capabilities: { elicitation: ELICITATION_MODES } }),
      onLog: (message) => void this.#emit({ type: 'log', ...message }),
      onResourceUpdated: (update) => void this.#emit({ type: 'resource-updated', ...update }),
      ...(protocolVersion !== undefined && { protocolVersion }),
      // 2024-11-05 is the HTTP+SSE era: accepted there only (its servers answer `initialize` with it).
      ...(kind === 'sse' && { acceptedVersions: [...SUPPORTED_PROTOCOL_VERSIONS, HTTP_SSE_VERSION] }),
      onVersionNegotiated: (version) => transport.setProtocolVersion?.(version),
      onToolsChanged: (tools) => this.#toolsChanged(tools),
      onproblem: (error) => this.#problem(error),
    });
    await transport.start();
    const session = await this.#initialize(client);
    this.#legacy = client;
    this.#client = client;
    this.#legacyKind = kind;
    this.#legacyVersion = session.protocolVersion;
    const info: ConnectionInfo = {
      protocolEra: 'legacy',
      protocolVersion: session.protocolVersion,
      serverInfo: session.serverInfo,
      capabilities: (this.#capabilities = session.capabilities),
      codec: transport.codecName,
      transport: kind,
    };
    if (session.instructions !== undefined) info.instructions = session.instructions;
    return info;
  }

  /** The 2026-07-28 era: stateless requests; `server/discover` (unless the probe already did it) for the info. */
  async #connectModern(
    config: ConnectionConfig,
    version: string,
    discovered: DiscoverResult | undefined,
    onElicit?: ElicitationHandler,
  ): Promise<ConnectionInfo> {
    const [{ StatelessHttpTransport }, { ModernClient }] = await Promise.all([
      import('./transports/stateless-http.js'),
      import('./protocol/modern-client.js'),
    ]);
    const transport = new StatelessHttpTransport({
      url: config.url,
      maxMessageBytes: config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      ...(this.#authFetch && { fetch: this.#authFetch }),
    });
    const rpc = this.#newRpc(transport, config);
    if (onElicit) rpc.setNotificationHandler(Method.ELICITATION_COMPLETE, (params) => this.#elicitationComplete(params));
    const client = new ModernClient(rpc, {
      clientInfo: config.clientInfo ?? DEFAULT_CLIENT_INFO,
      capabilities: modernCapabilities(onElicit),
      protocolVersion: version,
      ...(onElicit && {
        onInput: async (request: InputRequest) => {
          if (request.method !== Method.ELICIT) {
            throw new TgError(ErrorCode.INPUT_UNAVAILABLE, `The server asked for ${request.method}, which this client does not offer`);
          }
          return this.#elicit(request.params, onElicit);
        },
      }),
      onLog: (message) => void this.#emit({ type: 'log', ...message }),
      onToolsChanged: (tools) => this.#toolsChanged(tools),
      onproblem: (error) => this.#problem(error),
    });
    transport.setParamHeaders((request) => client.paramHeadersFor(request));
    await transport.start();
    const timeout = this.#requestTimeoutMs ? { timeoutMs: this.#requestTimeoutMs } : {};
    const discover = discovered ?? (await client.discover(timeout));
    this.#modern = client;
    this.#client = client;
    if (discover.capabilities.tools?.listChanged) client.listenForToolChanges();
    const info: ConnectionInfo = {
      protocolEra: 'modern',
      protocolVersion: client.protocolVersion,
      serverInfo: discover.serverInfo ?? { name: new URL(config.url).host, version: '' },
      capabilities: (this.#capabilities = discover.capabilities),
      codec: 'json',
      transport: 'http',
    };
    if (discover.instructions !== undefined) info.instructions = discover.instructions;
    return info;
  }

  async listTools(): Promise<Tool[]> {
    const tools = await this.#withSession((client) => client.listTools());
    this.#knownTools = tools;
    return tools;
  }

  listResources(): Promise<Resource[]> {
    return this.#withSession((client) => client.listResources());
  }

  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#withSession((client) => client.listResourceTemplates());
  }

  readResource(uri: string): Promise<ReadResourceResult> {
    if (typeof uri !== 'string' || uri.length === 0) throw invalidArgument('uri', 'a non-empty string');
    return this.#withSession((client) => client.readResource(uri));
  }

  listPrompts(): Promise<Prompt[]> {
    return this.#withSession((client) => client.listPrompts());
  }

  getPrompt(name: string, args?: Record<string, string>): Promise<GetPromptResult> {
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('name', 'a non-empty string');
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) throw invalidArgument('args', 'an object');
    return this.#withSession((client) => client.getPrompt(name, args));
  }

  /**
   * `completion/complete` for a prompt argument or a resource-template variable. Needs the server's
   * `completions` capability (`TG_UNSUPPORTED_FEATURE` otherwise, without asking the server).
   */
  complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): Promise<Completion> {
    checkCompletionArgs(ref, argument, context);
    if (this.#capabilities && !this.#capabilities.completions) {
      throw new TgError(ErrorCode.UNSUPPORTED_FEATURE, 'The server does not offer completions (no completions capability)');
    }
    return this.#withSession((client) => client.complete(ref, argument, context));
  }

  /** `resources/subscribe` (legacy servers with `resources.subscribe`): changes arrive as `resource-updated` events. */
  subscribeResource(uri: string): Promise<void> {
    if (typeof uri !== 'string' || uri.length === 0) throw invalidArgument('uri', 'a non-empty string');
    return this.#withSession((client) => client.subscribeResource(uri));
  }

  unsubscribeResource(uri: string): Promise<void> {
    if (typeof uri !== 'string' || uri.length === 0) throw invalidArgument('uri', 'a non-empty string');
    return this.#withSession((client) => client.unsubscribeResource(uri));
  }

  /** Server log messages at `level` and above, as `log` events (legacy: `logging/setLevel`; modern: per-request `_meta`). */
  setLogLevel(level: LogLevel): Promise<void> {
    if (!isLogLevel(level)) throw invalidArgument('level', `one of ${LOG_LEVELS.join(', ')}`);
    if (this.#capabilities && !this.#capabilities.logging) {
      throw new TgError(ErrorCode.UNSUPPORTED_FEATURE, 'The server does not offer logging (no logging capability)');
    }
    return this.#withSession((client) => client.setLogLevel(level));
  }

  async callTool(
    name: string,
    args: JsonObject,
    options: WorkerCallOptions = {},
    onProgress?: (progress: Progress) => void,
  ): Promise<CallToolResult> {
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('name', 'a non-empty string');
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw invalidArgument('args', 'an object');
    const { callId, timeoutMs, task } = options;
    if (callId !== undefined && this.#calls.has(callId)) throw invalidArgument('options.callId', 'unique among calls in flight');
    const controller = new AbortController();
    const deliveries: Promise<unknown>[] = [];
    if (callId !== undefined) this.#calls.set(callId, controller);
    const call = () =>
      this.#withSession((client) => client.callTool(name, args, {
        signal: controller.signal,
        ...(timeoutMs !== undefined && { timeoutMs }),
        ...(task === true && { task }),
        onTaskStatus: (state) => void this.#emit({ type: 'task-status', tool: name, task: state, ...(callId !== undefined && { callId }) }),
        ...(onProgress && { onProgress: (p: Progress) => void deliveries.push(Promise.resolve(onProgress(p))) }),
      }), timeoutMs);
    try {
      try {
        return await call();
      } catch (err) {
        if (!this.#mayResend(name, err, controller.signal)) throw err;
        return await call(); // once: a second drop rejects like any other
      }
    } finally {
      if (callId !== undefined) this.#calls.delete(callId);
      // Progress travels on its own comlink channel; let it land before the result does.
      await Promise.allSettled(deliveries);
    }
  }

  cancel(callId: string, reason = 'cancelled by the page'): void {
    this.#calls.get(callId)?.abort(reason);
  }

  /**
   * Signs out of this server's authorization server: drops the tokens (memory and store) and revokes
   * them when the AS has a revocation endpoint. The next request needs a new authorization.
   */
  async signOut(): Promise<{ revoked: boolean }> {
    return this.#auth ? this.#auth.signOut() : { revoked: false };
  }

  diagnostics(): ConnectionDiagnostics {
    const stats = this.#rpc?.stats ?? { invalidFrames: 0, unknownResponses: 0 };
    return { ...stats, inFlight: this.#calls.size };
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#auth?.stop(); // the goodbye (session DELETE) must not start an authorization
    this.#reconnectAbort?.abort();
    this.#link.markGone(new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed'));
    for (const controller of this.#calls.values()) controller.abort('connection closing');
    this.#modern?.stopListening();
    await this.#rpc?.close();
    await this.#setStatus('closed');
  }

  /** Initializes, then opens the server-to-client stream where the transport has one. */
  async #initialize(client: McpClient) {
    const session = await client.initialize(this.#requestTimeoutMs ? { timeoutMs: this.#requestTimeoutMs } : {});
    await this.#transport?.openEventStream?.();
    return session;
  }

  /**
   * Runs an operation; if the legacy HTTP session expired (404), re-initializes once — shared by
   * every operation that hit the same expiry — and retries once. The server never saw the first attempt.
   */
  async #withSession<T>(operation: (client: McpSession) => Promise<T>, timeoutMs?: number): Promise<T> {
    // While reconnecting nothing has been sent yet, so waiting for the link re-sends nothing.
    if (this.#link.down) await this.#link.wait(timeoutMs ?? this.#requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'The request');
    const client = this.#session();
    try {
      return await operation(client);
    } catch (err) {
      const legacy = this.#legacy;
      if (errorCode(err) !== ErrorCode.SESSION_EXPIRED || !legacy) throw err;
      this.#reinitializing ??= this.#initialize(legacy).finally(() => (this.#reinitializing = undefined));
      await this.#reinitializing;
      return operation(client);
    }
  }

  #session(): McpSession {
    if (this.#rpc?.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed');
    if (!this.#client) throw new TgError(ErrorCode.NOT_CONNECTED, 'Not connected: call connect() first');
    return this.#client;
  }

  #setStatus(status: ConnectionStatus, error?: unknown, retry?: { attempt: number; delayMs: number }): Promise<void> {
    const repeat = this.#status === status && status !== 'reconnecting'; // each attempt is news
    if (repeat || this.#status === 'failed' || (this.#status === 'closed' && status !== 'connecting')) {
      return Promise.resolve();
    }
    this.#status = status;
    return this.#emit({ type: 'status', status, ...(error !== undefined && { error: serializeError(error) }), ...retry });
  }

  #toolsChanged(tools: Tool[]): void {
    this.#knownTools = tools;
    void this.#emit({ type: 'tools-changed', tools });
  }

  /** The RPC engine's transport closed: a requested close, a failure, or a drop worth reconnecting. */
  #onLinkClosed(rpc: RpcEngine, reason: TgError | undefined): void {
    if (rpc !== this.#rpc || this.#reconnectAbort) return; // an old engine, or an attempt the loop handles
    if (!reason || this.#closing) return void this.#setStatus('closed');
    if (this.#status !== 'ready' || !this.#reconnectPolicy || !this.#legacy) return void this.#setStatus('failed', reason);
    void this.#reconnect(reason, this.#reconnectPolicy);
  }

  /**
   * Reconnects a dropped legacy session: a fresh transport and one `initialize` per attempt, with full
   * jitter backoff, at most `maxAttempts` times; then re-lists tools. Requests made meanwhile wait at the gate.
   */
  async #reconnect(cause: TgError, policy: ReconnectPolicy): Promise<void> {
    const config = this.#config!;
    const kind = this.#legacyKind!;
    const abort = new AbortController();
    this.#reconnectAbort = abort;
    this.#link.markDown();
    let last: unknown = cause;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const delayMs = fullJitterDelay(attempt, policy);
      await this.#setStatus('reconnecting', last, { attempt, delayMs });
      if (!(await sleep(delayMs, abort.signal))) return; // close() ended it
      try {
        await this.#connectLegacy(config, kind, this.#legacyVersion, this.#onElicit);
        await this.#relistAfterReconnect();
        if (this.#rpc?.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'The link dropped again while reconnecting');
      } catch (err) {
        last = err;
        await this.#discardAttempt();
        if (abort.signal.aborted) return;
        continue;
      }
      if (abort.signal.aborted) return void (await this.#discardAttempt());
      this.#reconnectAbort = undefined;
      this.#link.markUp();
      await this.#setStatus('ready');
      return;
    }
    this.#reconnectAbort = undefined;
    const error = new TgError(ErrorCode.RECONNECT_FAILED, `Could not reconnect to ${new URL(config.url).origin} in ${policy.maxAttempts} attempts`, {
      cause: last,
      data: { attempts: policy.maxAttempts },
    });
    this.#link.markGone(error);
    await this.#setStatus('failed', error);
  }

  /** After a reconnect the server may offer other tools: tell the page only if the list changed. */
  async #relistAfterReconnect(): Promise<void> {
    const before = this.#knownTools;
    const client = this.#client;
    if (!before || !client) return;
    let tools: Tool[];
    try {
      tools = await client.listTools();
    } catch (cause) {
      if (this.#rpc?.closed) throw cause;
      this.#problem(new TgError(ErrorCode.PROTOCOL_ERROR, 'Re-listing tools after reconnecting failed', { cause }));
      return;
    }
    if (JSON.stringify(tools) !== JSON.stringify(before)) this.#toolsChanged(tools);
    else this.#knownTools = tools;
  }

  /**
   * A `tools/call` cut off by a drop is sent again only when the host trusts the server
   * (`retryIdempotentTools`) and the server annotated the tool `idempotentHint: true`.
   */
  #mayResend(name: string, err: unknown, signal: AbortSignal): boolean {
    if (this.#config?.retryIdempotentTools !== true || signal.aborted) return false;
    if (errorCode(err) !== ErrorCode.CONNECTION_CLOSED || !this.#link.down) return false;
    return this.#knownTools?.find((tool) => tool.name === name)?.annotations?.idempotentHint === true;
  }

  /** One elicitation: checked request → the page → checked answer. A refused one is also reported as a problem. */
  async #elicit(params: JsonObject | undefined, onElicit: ElicitationHandler): Promise<JsonObject> {
    try {
      return await elicit(params, onElicit, this.#urlElicitations);
    } catch (err) {
      const code = errorCode(err);
      if (code === ErrorCode.ELICITATION_INVALID || code === ErrorCode.ELICITATION_UNSAFE_URL) this.#problem(err as TgError);
      throw err;
    }
  }

  #elicitationComplete(params: JsonObject | undefined): void {
    const elicitationId = this.#urlElicitations.complete(params);
    if (elicitationId !== undefined) void this.#emit({ type: 'elicitation-complete', elicitationId });
  }

  #problem(error: TgError): void {
    this.#problems++;
    void this.#emit({ type: 'problem', error: serializeError(error), count: this.#problems });
  }

  /** Settles when the page has taken the event (or is gone); never rejects. */
  #emit(event: ConnectionEvent): Promise<void> {
    try {
      return Promise.resolve(this.#onEvent(event)).then(
        () => {},
        () => {},
      );
    } catch {
      return Promise.resolve(); // the page went away; the worker will be terminated
    }
  }
}

/** Both elicitation modes, declared when the page can show them (`{}` alone would mean form only). */
const ELICITATION_MODES = { form: {}, url: {} };

/** Modern capabilities, declared per request: elicitation only when the page can show it. */
function modernCapabilities(onElicit: ElicitationHandler | undefined): JsonObject {
  return onElicit ? { elicitation: ELICITATION_MODES } : {};
}

function checkCompletionArgs(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): void {
  const okRef =
    typeof ref === 'object' && ref !== null &&
    ((ref.type === 'ref/prompt' && typeof ref.name === 'string') || (ref.type === 'ref/resource' && typeof ref.uri === 'string'));
  if (!okRef) throw invalidArgument('ref', "{ type: 'ref/prompt', name } or { type: 'ref/resource', uri }");
  if (typeof argument !== 'object' || argument === null || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
    throw invalidArgument('argument', '{ name: string, value: string }');
  }
  const args = context?.arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || !Object.values(args).every((v) => typeof v === 'string'))) {
    throw invalidArgument('context.arguments', 'an object of strings');
  }
}
