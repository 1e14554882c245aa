/**
 * Opens an MCP session for a checked config: decides the era (a pinned version, the era remembered
 * for the origin, or a probe) and the transport (WebSocket; Streamable HTTP, falling back to HTTP+SSE
 * when a legacy server refuses `initialize`), wires OAuth, elicitation and the client's callbacks,
 * and returns `{ transport, rpc, session }` with the info `connect()` reports. A failed attempt is
 * closed here, quietly: the attempt is over, not the connection.
 */
import { appsExtension } from './shared/apps.js';
import { ErrorCode, TgError, errorCode } from './shared/errors.js';
import { OnDemandAuthorizer, type ConnectionAuth } from './auth/on-demand.js';
import { httpFormOf, ticketSubprotocol } from './auth/ws-ticket.js';
import type { Settings, TransportChoice } from './config.js';
import type { ConnectionEvent } from './connection-api.js';
import { McpClient } from './protocol/client.js';
import { elicit, PendingUrlElicitations } from './protocol/elicitation.js';
import { DEFAULT_PROBE_TIMEOUT_MS, HTTP_SSE_VERSION, forgetEra, rememberEra, rememberedEra, type EraDecision } from './protocol/era-decision.js';
import { whileBusy } from './protocol/busy.js';
import { RpcEngine } from './protocol/rpc.js';
import type { SessionClient } from './protocol/session-client.js';
import type { Transport } from './transports/transport.js';
import type { AuthorizeHandler } from './shared/auth.js';
import type { ConnectionInfo, ElicitationHandler } from './shared/connection-types.js';
import { Method, SUPPORTED_PROTOCOL_VERSIONS, type DiscoverResult, type InputRequest, type JsonObject, type Tool } from './shared/wire.js';
// Transports, OAuth, the era probe and the 2026 client load on demand (dynamic imports below): a
// WebSocket connection never pays for HTTP code, or the other way round, which keeps an idle worker small.

/** One open session: what the connection talks through. */
export interface OpenedSession {
  readonly transport: Transport;
  readonly rpc: RpcEngine;
  readonly session: SessionClient;
  readonly info: ConnectionInfo;
  /** Legacy sessions: `initialize` again on the same transport (after the server forgot the session, 404). */
  readonly renew?: () => Promise<unknown>;
}

/** What the opened sessions report to the connection. */
export interface SessionHooks {
  emit(event: ConnectionEvent): void;
  problem(error: TgError): void;
  toolsChanged(tools: Tool[]): void;
  /** An RPC engine's transport closed (`reason` absent for a requested close). */
  linkClosed(rpc: RpcEngine, reason: TgError | undefined): void;
}

/** A reconnect attempt: aborted by `signal`; `check` must succeed on the new session too. */
interface Reopening {
  signal: AbortSignal;
  check(opened: OpenedSession): Promise<void>;
}

/** Errors after which a remembered era is doubted and the server probed again. */
const DOUBT_ERA: ReadonlySet<string | undefined> = new Set([ErrorCode.HTTP_ERROR, ErrorCode.RPC_ERROR, ErrorCode.PROTOCOL_ERROR]);

/** Both elicitation modes, declared when the page can show them (`{}` alone would mean form only). */
const ELICITATION_MODES = { form: {}, url: {} };

export class SessionOpener {
  readonly #settings: Settings;
  readonly #hooks: SessionHooks;
  readonly #onElicit?: ElicitationHandler;
  /** Accepted URL elicitations awaiting `notifications/elicitation/complete`. */
  readonly #urlElicitations = new PendingUrlElicitations();
  /**
   * OAuth for this connection (HTTP and HTTP+SSE always; WebSocket when `config.oauth` is set: the ticket binding).
   * HTTP without `config.oauth` loads the Authorizer only when a server first asks for authorization.
   */
  readonly auth?: ConnectionAuth;

  private constructor(settings: Settings, hooks: SessionHooks, onElicit?: ElicitationHandler, auth?: ConnectionAuth) {
    this.#settings = settings;
    this.#hooks = hooks;
    if (onElicit) this.#onElicit = onElicit;
    if (auth) this.auth = auth;
  }

  static async create(settings: Settings, hooks: SessionHooks, onElicit?: ElicitationHandler, onAuthorize?: AuthorizeHandler): Promise<SessionOpener> {
    const { transport, oauth } = settings;
    // HTTP+SSE servers (2024-11-05 transport) can be protected resources too: same fetch, same OAuth.
    if (transport === 'websocket' && !oauth) return new SessionOpener(settings, hooks, onElicit);
    const options = oauth ?? {};
    const persist = oauth !== undefined && options.persist !== false && options.grant !== 'client_credentials';
    // Loaded on demand: an idle WebSocket worker without OAuth never holds oauth4webapi, nor does an
    // HTTP connection without `oauth` until its server answers 401.
    const createAuthorizer = async () => {
      const { Authorizer } = await import('./auth/authorizer.js');
      return new Authorizer({
        // A WebSocket server's OAuth resource is its http(s) form (auth/ws-ticket.ts).
        serverUrl: transport === 'websocket' ? httpFormOf(settings.url) : settings.url,
        oauth: options,
        ...(onAuthorize && { onAuthorize }),
        onAuthorized: (detail) => hooks.emit({ type: 'authorized', ...detail }),
        onAuthRequired: (detail) => hooks.emit({ type: 'auth-required', ...detail }),
        onProblem: (error) => hooks.problem(error),
        ...(persist && { store: import('./auth/token-store.js').then((m) => m.openTokenStore(options.database)) }),
      });
    };
    const auth = oauth === undefined ? new OnDemandAuthorizer(createAuthorizer) : await createAuthorizer();
    return new SessionOpener(settings, hooks, onElicit, auth);
  }

  /** The first session: WebSocket and HTTP+SSE initialize; HTTP decides the era first. */
  open(): Promise<OpenedSession> {
    const { transport, pinned } = this.#settings;
    if (transport !== 'http') return this.#legacy(transport, pinned?.version);
    return this.#http(pinned);
  }

  /**
   * The same kind of session again after a drop: same transport, the version negotiated before.
   * `signal` ends the attempt; `check` runs on the new session before it counts as open.
   */
  reopen(previous: OpenedSession, signal: AbortSignal, check: (opened: OpenedSession) => Promise<void>): Promise<OpenedSession> {
    return this.#legacy(previous.info.transport, previous.info.protocolVersion, { signal, check });
  }

  /** Closes a session that will not be used, without telling the connection. */
  async discard(opened: Pick<OpenedSession, 'rpc'>): Promise<void> {
    opened.rpc.onclose = undefined;
    opened.rpc.onerror = undefined;
    await opened.rpc.close().catch(() => {});
  }

  /**
   * HTTP: a pinned version decides the era; otherwise the era remembered for the origin, or a probe.
   * If a remembered era fails, it is forgotten and the server probed once more.
   */
  async #http(pinned: EraDecision | undefined): Promise<OpenedSession> {
    const { url } = this.#settings;
    // The era learnt by an earlier worker, from IndexedDB (loaded on demand, like the transports).
    const eras = pinned || !this.#settings.persistEra ? undefined : await import('./protocol/era-store.js');
    await eras?.hydrateEra(url);
    const remembered = pinned ? undefined : rememberedEra(url);
    if (remembered) {
      const decision: EraDecision =
        remembered.era === 'modern'
          ? { era: 'modern', version: remembered.version }
          : { era: 'legacy', reason: 'remembered', ...(remembered.transport && { transport: remembered.transport }) };
      try {
        return await this.#as(decision);
      } catch (err) {
        if (!DOUBT_ERA.has(errorCode(err))) throw err;
        forgetEra(url);
        void eras?.dropEra(url);
      }
    }
    const { requestTimeoutMs, maxFrameBytes } = this.#settings;
    // The probe (and the 2026 client it draws on) loads only when the era is still unknown.
    const decision =
      pinned ??
      (await (await import('./protocol/era.js')).detectEra({
        url,
        ...(this.auth && { fetch: this.auth.fetch }),
        clientInfo: this.#settings.clientInfo,
        capabilities: this.#capabilities(),
        ...(requestTimeoutMs !== undefined && { timeoutMs: Math.min(requestTimeoutMs, DEFAULT_PROBE_TIMEOUT_MS) }),
        maxBytes: maxFrameBytes,
      }));
    const opened = await this.#as(decision);
    if (!pinned) {
      const { info } = opened;
      const learnt = { era: info.protocolEra, version: info.protocolVersion, ...(info.transport === 'sse' && { transport: 'sse' as const }) };
      rememberEra(url, learnt.era, learnt.version, learnt.transport);
      void eras?.persistEra(url, learnt);
    }
    return opened;
  }

  /**
   * Opens as decided. Legacy over Streamable HTTP falls back to HTTP+SSE when `initialize` gets
   * 400/404/405 (checklist §2 fallback step 5), unless the config asked for `http` only.
   */
  async #as(decision: EraDecision): Promise<OpenedSession> {
    if (decision.era === 'modern') return this.#modern(decision.version, decision.discover);
    if (decision.transport === 'sse') return this.#legacy('sse', decision.version);
    try {
      return await this.#legacy('http', decision.version);
    } catch (err) {
      const status = (err as { data?: { status?: unknown } }).data?.status;
      const refused = errorCode(err) === ErrorCode.HTTP_ERROR && (status === 400 || status === 404 || status === 405);
      if (!refused || this.#settings.httpOnly) throw err;
      return this.#legacy('sse', decision.version);
    }
  }

  /**
   * The 2025 era (and 2024-11-05 over HTTP+SSE): `initialize` handshake, then (Streamable HTTP) the
   * server-to-client GET stream.
   */
  async #legacy(kind: TransportChoice, protocolVersion: string | undefined, reopening?: Reopening): Promise<OpenedSession> {
    const transport = await this.#legacyTransport(kind);
    return this.#attempt(transport, reopening, async (rpc) => {
      const onElicit = this.#onElicit;
      if (onElicit) {
        // Elicitation is declared only when the page can show it to a person.
        rpc.setRequestHandler(Method.ELICIT, (params) => this.#elicit(params, onElicit));
        rpc.setNotificationHandler(Method.ELICITATION_COMPLETE, (params) => this.#elicitationComplete(params));
      }
      const client = new McpClient(rpc, {
        clientInfo: this.#settings.clientInfo,
        capabilities: this.#capabilities(),
        onLog: (message) => this.#hooks.emit({ type: 'log', ...message }),
        onResourceUpdated: (update) => this.#hooks.emit({ type: 'resource-updated', ...update }),
        ...(protocolVersion !== undefined && { protocolVersion }),
        // 2024-11-05 is the HTTP+SSE era: accepted there only (its servers answer `initialize` with it).
        ...(kind === 'sse' && { acceptedVersions: [...SUPPORTED_PROTOCOL_VERSIONS, HTTP_SSE_VERSION] }),
        onVersionNegotiated: (version) => transport.setProtocolVersion?.(version),
        ...this.#clientHooks(),
      });
      await transport.start();
      const initialize = async () => {
        const session = await whileBusy(() => client.initialize(this.#timeout())); // 503/429 + Retry-After
        await transport.openEventStream?.();
        return session;
      };
      const session = await initialize();
      const info: ConnectionInfo = {
        protocolEra: 'legacy',
        protocolVersion: session.protocolVersion,
        serverInfo: session.serverInfo,
        capabilities: session.capabilities,
        codec: transport.codecName,
        transport: kind,
        ...(session.instructions !== undefined && { instructions: session.instructions }),
      };
      return { session: client, info, renew: initialize };
    });
  }

  async #legacyTransport(kind: TransportChoice): Promise<Transport> {
    const { url, maxFrameBytes, requestTimeoutMs } = this.#settings;
    const auth = this.auth;
    if (kind === 'websocket') {
      const { WebSocketTransport } = await import('./transports/websocket.js');
      return new WebSocketTransport({
        url,
        msgpack: this.#settings.msgpack,
        maxFrameBytes,
        ...(auth && { authProtocols: async () => [await ticketSubprotocol(auth.fetch, url)] }),
      });
    }
    if (kind === 'sse') {
      const { LegacySseTransport } = await import('./transports/legacy-sse.js');
      const endpointTimeoutMs = Math.min(requestTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_PROBE_TIMEOUT_MS);
      return new LegacySseTransport({ url, maxMessageBytes: maxFrameBytes, endpointTimeoutMs, ...(auth && { fetch: auth.fetch }) });
    }
    const { StreamableHttpTransport } = await import('./transports/streamable-http.js');
    return new StreamableHttpTransport({ url, maxMessageBytes: maxFrameBytes, ...(auth && { fetch: auth.fetch }) });
  }

  /** The 2026-07-28 era: stateless requests; `server/discover` (unless the probe already did it) for the info. */
  async #modern(version: string, discovered: DiscoverResult | undefined): Promise<OpenedSession> {
    const [{ StatelessHttpTransport }, { ModernClient }] = await Promise.all([
      import('./transports/stateless-http.js'),
      import('./protocol/modern-client.js'),
    ]);
    const { url, maxFrameBytes } = this.#settings;
    const transport = new StatelessHttpTransport({ url, maxMessageBytes: maxFrameBytes, ...(this.auth && { fetch: this.auth.fetch }) });
    return this.#attempt(transport, undefined, async (rpc) => {
      const onElicit = this.#onElicit;
      if (onElicit) rpc.setNotificationHandler(Method.ELICITATION_COMPLETE, (params) => this.#elicitationComplete(params));
      const client = new ModernClient(rpc, {
        clientInfo: this.#settings.clientInfo,
        capabilities: this.#capabilities(),
        protocolVersion: version,
        ...(onElicit && {
          onInput: async (request: InputRequest) => {
            if (request.method !== Method.ELICIT) {
              throw new TgError(ErrorCode.INPUT_UNAVAILABLE, `The server asked for ${request.method}, which this client does not offer`);
            }
            return this.#elicit(request.params, onElicit);
          },
        }),
        ...this.#clientHooks(),
      });
      transport.setParamHeaders((request) => client.paramHeadersFor(request));
      await transport.start();
      const discover = discovered ?? (await client.discover(this.#timeout()));
      if (discover.capabilities.tools?.listChanged) client.listenForToolChanges();
      const info: ConnectionInfo = {
        protocolEra: 'modern',
        protocolVersion: client.protocolVersion,
        serverInfo: discover.serverInfo ?? { name: new URL(url).host, version: '' },
        capabilities: discover.capabilities,
        codec: 'json',
        transport: 'http',
        ...(discover.instructions !== undefined && { instructions: discover.instructions }),
      };
      return { session: client, info };
    });
  }

  /** One attempt on a new RPC engine over `transport`; a failed (or aborted) attempt is discarded. */
  async #attempt(
    transport: Transport,
    reopening: Reopening | undefined,
    run: (rpc: RpcEngine) => Promise<Omit<OpenedSession, 'transport' | 'rpc'>>,
  ): Promise<OpenedSession> {
    const { requestTimeoutMs } = this.#settings;
    const rpc = new RpcEngine(transport, requestTimeoutMs ? { defaultTimeoutMs: requestTimeoutMs } : {});
    rpc.onerror = (error) => this.#hooks.problem(error);
    rpc.onclose = (reason) => this.#hooks.linkClosed(rpc, reason);
    const abort = () => void rpc.close().catch(() => {});
    reopening?.signal.addEventListener('abort', abort, { once: true });
    try {
      const opened: OpenedSession = { transport, rpc, ...(await run(rpc)) };
      await reopening?.check(opened);
      return opened;
    } catch (err) {
      await this.discard({ rpc });
      throw err;
    } finally {
      reopening?.signal.removeEventListener('abort', abort);
    }
  }

  /**
   * Capabilities declared in `initialize` (legacy) or in every request's `_meta` (modern): elicitation
   * only when the page can show it to a person, the MCP Apps extension only when it renders views.
   */
  #capabilities(): JsonObject {
    return {
      ...(this.#onElicit && { elicitation: ELICITATION_MODES }),
      ...(this.#settings.apps && { extensions: appsExtension() }),
    };
  }

  #timeout(): { timeoutMs?: number } {
    const { requestTimeoutMs } = this.#settings;
    return requestTimeoutMs ? { timeoutMs: requestTimeoutMs } : {};
  }

  #clientHooks() {
    return {
      onToolsChanged: (tools: Tool[]) => this.#hooks.toolsChanged(tools),
      onproblem: (error: TgError) => this.#hooks.problem(error),
    };
  }

  /** One elicitation: checked request → the page → checked answer. A refused one is also reported as a problem. */
  async #elicit(params: JsonObject | undefined, onElicit: ElicitationHandler): Promise<JsonObject> {
    try {
      return await elicit(params, onElicit, this.#urlElicitations);
    } catch (err) {
      const code = errorCode(err);
      if (code === ErrorCode.ELICITATION_INVALID || code === ErrorCode.ELICITATION_UNSAFE_URL) this.#hooks.problem(err as TgError);
      throw err;
    }
  }

  #elicitationComplete(params: JsonObject | undefined): void {
    const elicitationId = this.#urlElicitations.complete(params);
    if (elicitationId !== undefined) this.#hooks.emit({ type: 'elicitation-complete', elicitationId });
  }
}
