/**
 * The servers of one runtime: their connections (one Web Worker each), their one id, and their
 * place behind the gate.
 *
 * `set()` takes the declared list. The registry diffs it against what is open (by connection key,
 * so a renamed server keeps its connection), opens the new servers, closes the removed ones, gives
 * each its stable id (`server-ids.ts`), and keeps a state per server (`list`, fresh objects on
 * every change, so a view can compare by identity). Once a connection is ready and its tools are
 * listed, the server goes behind the gate — as a `GatedServer`, which stays there while the
 * connection reconnects: the tools stay known, and a call waits up to `reconnectWaitMs` for the
 * connection to come back, else fails with `TG_NOT_CONNECTED`. The server leaves the gate when it
 * closes, fails, is disconnected or removed.
 *
 * A lost worker (`TG_WORKER_FAILED`: it crashed, was ended, or went silent) leaves no worker to
 * reconnect anything: the server is `failed` with that code, and the registry opens a new
 * connection after the server's own reconnect backoff (`reconnect` in its spec; `false`: never).
 * Meanwhile the server stays behind the gate, as for a reconnect: its calls wait for the new worker.
 *
 * Local servers (`addLocal`): tool providers the runtime hosts itself — the page's own tools, the
 * WebMCP bridge. No connection and no worker: they are listed like any server (status `ready`)
 * and put behind the gate at once, under an id of their own, and leave it when removed.
 *
 * The person's context (`contextServers()`): each ready server's resources, templates, prompts and
 * completion, through a facade that has none of the connection's tool methods.
 *
 * MCP Apps: with `apps` on, every connection opened from then on advertises the extension (the
 * host can render views), and `readResource()` is the one way to a server's resources — a view's
 * `ui://` HTML and its own `resources/read` — without handing out the connection itself.
 *
 * No DOM: tests drive it with their own opener.
 */
import { Emitter } from '../agent/emitter.js';
import { McpConnection, type ConnectionEventMap } from '../connections/connection.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import type { AuthorizeHandler } from '../../workers/shared/auth.js';
import type { ConnectionStatus, ElicitationHandler } from '../../workers/shared/connection-types.js';
import type { ElicitationRequest, ReadResourceResult, Tool } from '../../workers/shared/wire.js';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import type { Gate, GateConnection } from '../gate/gate.js';
import type { HostProvided } from '../gate/policy.js';
import { contextServer, type ContextConnection, type ContextServer } from '../context/context-server.js';
import { toCodedError, type CodedError } from './coded-error.js';
import { GatedServer } from '../gate/gated-server.js';
import { createPendingElicitation, refusesSensitive, type PendingElicitation } from './pending-elicitation.js';
import { isWorkerLoss, WorkerRestarts } from '../connections/worker-restarts.js';
import { assignServerIds } from './server-ids.js';
import { declareServer, serverKey, serverLabel, type ServerDeclaration, type ServerSpec } from './server-spec.js';

/** What the registry needs from a connection; `McpConnection` has it, and so can a test double. */
export type ConnectionLike = Pick<
  McpConnection,
  'config' | 'status' | 'tools' | 'listTools' | 'callTool' | 'close' | 'addEventListener' | 'removeEventListener'
> & { readonly authorized?: McpConnection['authorized']; signOut?: McpConnection['signOut']; readResource?: McpConnection['readResource'] } & Partial<ContextConnection>;

/** A tool provider the runtime hosts itself (the page's tools, the WebMCP bridge): see `addLocal`. */
export interface LocalServer extends GateConnection {
  /** Its name as the person reads it ("This page"). */
  readonly label: string;
}

/** What makes a connection a context server: every method of `ContextConnection`. */
const CONTEXT_METHODS = ['listResources', 'listResourceTemplates', 'readResource', 'listPrompts', 'getPrompt', 'complete', 'subscribeResource', 'unsubscribeResource', 'addEventListener', 'removeEventListener'] as const;

/**
 * Opens one connection; the default is `McpConnection.open` (one worker per server). `authorize`
 * sends the person to a server's OAuth authorization page (a sign-in); `elicit` shows a server's
 * elicitation request to the person (without it the server gets no elicitation capability).
 */
export type ConnectionOpener = (config: ConnectionConfig, authorize?: AuthorizeHandler, elicit?: ElicitationHandler) => Promise<ConnectionLike>;

/** The gate's side of a server: being added (its tools listed and hashed), added, or refused. */
export interface GateRegistration {
  readonly state: 'adding' | 'added' | 'failed';
  /** Why the gate refused it (e.g. `TG_SERVER_NOT_ALLOWED`: the person may consent). */
  readonly error?: CodedError;
}

/** What the runtime knows about one server: a snapshot, replaced on every change. */
export interface ServerState {
  /** The server's one id: policy rules, roles, tool ids (`<id>__<tool>`) and audit records use it. */
  readonly id: string;
  readonly spec: Readonly<ServerSpec>;
  readonly status: ConnectionStatus;
  /** The reconnect attempt under way (from 1), while `reconnecting`. */
  readonly attempt: number | undefined;
  /** The last fatal error (failed to open, connection lost, tools could not be listed). */
  readonly error: CodedError | undefined;
  readonly tools: readonly Tool[];
  /** Non-fatal problems the connection reported (bad frames, dropped tools), and the last one. */
  readonly problems: number;
  readonly lastProblem: CodedError | undefined;
  /** Closed by `disconnectServer()`: `connect()` leaves it closed until `connectServer()`. */
  readonly held: boolean;
  /** The issuer that authorized this connection (OAuth), once the worker has a token. */
  readonly authorizedBy: string | undefined;
  /** The person agreed to use it although the policy's allow-list does not name it. */
  readonly consented: boolean;
  /** Who listed it: the host, or the person (added in the page). */
  readonly origin: 'host' | 'person';
  /** A server the runtime hosts itself (`addLocal`): always ready, nothing to connect or sign in to. */
  readonly local: boolean;
  /** Set when the host page provides these tools itself (the page's tools): the policy's standing of the host's own (see `serverStanding`). */
  readonly host?: HostProvided;
  /** Its place behind the gate, once its connection was ready. */
  readonly gate: GateRegistration | undefined;
}

export interface ServerRegistryEventMap {
  /** Anything in `list` or `elicitations` changed. */
  change: { servers: readonly ServerState[] };
  /** A server's connection status changed (also when a removed server closes). */
  status: { server: ServerState; previous: ConnectionStatus };
  /**
   * A server asks the person something (elicitation), before it is listed in `elicitations`:
   * answer at once with `pending.respond()` and no card is needed.
   */
  elicitation: PendingElicitation;
}

export interface ServerRegistryOptions {
  gate: Gate;
  /** Default `McpConnection.open`. */
  open?: ConnectionOpener;
  /** How long a call waits for a reconnecting server (ms). Default 10 000; 0 fails at once. */
  reconnectWaitMs?: number;
  /** Whether connections advertise the MCP Apps extension (see `apps`). Default false. */
  apps?: boolean;
  /** Where the default opener loads connection workers from (see `workerUrl`). */
  workerUrl?: string;
}

/** A call to a reconnecting server waits this long by default before `TG_NOT_CONNECTED`. */
export const DEFAULT_RECONNECT_WAIT_MS = 10_000;

interface Entry {
  id: string;
  key: string;
  spec: ServerSpec;
  configError: CodedError | undefined;
  consented: boolean;
  origin: 'host' | 'person';
  status: ConnectionStatus;
  attempt: number | undefined;
  error: CodedError | undefined;
  tools: readonly Tool[];
  problems: number;
  lastProblem: CodedError | undefined;
  connection: ConnectionLike | undefined;
  held: boolean;
  authorizedBy: string | undefined;
  /** Used to open the connection when the server asks for OAuth (set by a sign-in). */
  authorize: AuthorizeHandler | undefined;
  /** Bumped on every open and close, so a late result of an older open is ignored. */
  generation: number;
  detach: (() => void) | undefined;
  gated: GatedServer;
  registration: { state: GateRegistration['state']; error?: CodedError; done: Promise<void> } | undefined;
  snapshot: ServerState | undefined;
  /** The context facade of the current connection. */
  context: { connection: ConnectionLike; server: ContextServer | undefined } | undefined;
  /** A lost worker is replaced after the server's reconnect backoff. */
  restarts: WorkerRestarts;
}

interface LocalEntry {
  id: string;
  /** The id it prefers (`page`, `webmcp`). */
  base: string;
  server: LocalServer;
  /** The host switched it on itself (the WebMCP offer): no allow-list entry needed. */
  consented: boolean;
  registration: { state: GateRegistration['state']; error?: CodedError } | undefined;
  snapshot: ServerState | undefined;
}

export class ServerRegistry {
  readonly #gate: Gate;
  readonly #open: ConnectionOpener;
  readonly #waitMs: number;
  readonly #events = new Emitter<ServerRegistryEventMap>();
  #entries: Entry[] = [];
  #locals: LocalEntry[] = [];
  #list: readonly ServerState[] | undefined;
  #elicitations: readonly PendingElicitation[] = [];
  /** Whether servers should be connected (not `disconnect()`ed, not closed). */
  #active = true;
  #closed = false;

  /**
   * Whether the host renders MCP App views: then every connection opened from now on advertises
   * the extension (`apps: true` in its config), so servers offer their views. Only a host with a
   * sandbox on another origin should say so (`<tg-agent>` does when `apps-sandbox-origin` is usable).
   */
  apps: boolean;
  /**
   * Where the default opener loads connection workers from, for connections opened from now on
   * (`OpenOptions.workerUrl`: a page whose CSP allows neither the library's origin nor `blob:` workers).
   * Unset: next to the library.
   */
  workerUrl: string | undefined;

  constructor(options: ServerRegistryOptions) {
    this.#gate = options.gate;
    this.#open =
      options.open ??
      ((config, authorize, elicit) =>
        McpConnection.open(config, { ...(authorize && { onAuthorize: authorize }), ...(elicit && { onElicit: elicit }), ...(this.workerUrl && { workerUrl: this.workerUrl }) }));
    this.#waitMs = Math.max(0, options.reconnectWaitMs ?? DEFAULT_RECONNECT_WAIT_MS);
    this.apps = options.apps === true;
    this.workerUrl = options.workerUrl;
  }

  /** Every server, in declaration order (a new array, of new objects, after every change). */
  get list(): readonly ServerState[] {
    return (this.#list ??= Object.freeze([
      ...this.#entries.map((entry) => (entry.snapshot ??= snapshot(entry))),
      ...this.#locals.map((local) => (local.snapshot ??= localSnapshot(local))),
    ]));
  }

  /** Elicitations waiting for the person, oldest first. */
  get elicitations(): readonly PendingElicitation[] {
    return this.#elicitations;
  }

  get(id: string): ServerState | undefined {
    return this.list.find((server) => server.id === id);
  }

  on<K extends keyof ServerRegistryEventMap>(type: K, listener: (detail: ServerRegistryEventMap[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Replaces the declared servers (specs, or declarations with a `configError`/`consented`).
   * Unchanged servers keep their connection; removed ones are closed; new ones are opened unless
   * the registry is disconnected.
   */
  set(servers: readonly (ServerSpec | ServerDeclaration)[]): void {
    if (this.#closed) return;
    const declarations = servers.map((s) => ('spec' in s ? s : declareServer(s)));
    const seen = new Map<string, number>();
    const previous = new Map(this.#entries.map((entry) => [entry.key, entry]));
    const next: Entry[] = [];
    const added: Entry[] = [];
    const consented: Entry[] = [];
    for (const declaration of declarations) {
      // Two identical declarations are two servers: number the repeats.
      const base = serverKey(declaration);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const key = n === 0 ? base : `${base}#${n}`;
      const existing = previous.get(key);
      if (existing) {
        previous.delete(key);
        existing.spec = { ...declaration.spec };
        existing.origin = declaration.origin ?? 'host';
        if (declaration.consented && !existing.consented) consented.push(existing);
        next.push(existing);
      } else {
        const entry = this.#newEntry(key, declaration);
        next.push(entry);
        added.push(entry);
      }
    }
    this.#entries = next;
    for (const removed of previous.values()) void this.#close(removed);
    this.#assignIds();
    for (const entry of consented) this.#consent(entry);
    for (const entry of added) {
      if (entry.configError) this.#setStatus(entry, 'failed', entry.configError);
      else if (this.#active) void this.#connectEntry(entry);
    }
    this.#changed();
  }

  /**
   * Hosts `server` (the page's tools, the WebMCP bridge) as one more server: listed (after the
   * declared ones), ready, and behind the gate under an id based on `base` — no worker, no
   * connection; `consented` stands for the allow-list, as the person's consent does. Returns the
   * function that takes it out again.
   */
  addLocal(base: string, server: LocalServer, options: { consented?: boolean } = {}): () => void {
    if (this.#closed) return () => {};
    const local: LocalEntry = { id: '', base, server, consented: options.consented === true, registration: undefined, snapshot: undefined };
    const onTools = () => {
      local.snapshot = undefined;
      this.#changed();
    };
    server.addEventListener('tools-changed', onTools);
    this.#locals = [...this.#locals, local];
    this.#assignIds();
    this.#changed();
    return () => {
      if (!this.#locals.includes(local)) return;
      server.removeEventListener('tools-changed', onTools);
      this.#locals = this.#locals.filter((l) => l !== local);
      this.#gate.removeServer(local.id);
      this.#changed();
    };
  }

  /**
   * The ready servers' resources, templates, prompts and completion, for the person's context
   * (the resource picker, the `/` menu): one `ContextServer` per connection, the same object
   * while the connection lasts. Its connection is a facade without the tool methods.
   */
  contextServers(): readonly ContextServer[] {
    const out: ContextServer[] = [];
    for (const entry of this.#entries) {
      const connection = entry.connection;
      if (!connection || entry.status !== 'ready') continue;
      if (entry.context?.connection !== connection || entry.context.server?.id !== entry.id) entry.context = { connection, server: facade(entry, connection) };
      if (entry.context.server) out.push(entry.context.server);
    }
    return out;
  }

  /** Gives every server, declared and local, its id; one whose id changed is put behind the gate again under the new one. */
  #assignIds(): void {
    const ids = assignServerIds([...this.#entries.map((entry) => entry.spec), ...this.#locals.map((l) => ({ url: l.server.config.url, name: l.base }))], this.#gate.serverIds());
    this.#entries.forEach((entry, index) => {
      const id = ids[index]!;
      if (entry.id === id) return;
      // Renamed (its name changed, or a server it shared its id with left): take it out under the old id.
      this.#unregister(entry);
      entry.id = id;
      this.#register(entry);
    });
    this.#locals.forEach((local, index) => {
      const id = ids[this.#entries.length + index]!;
      if (local.id === id) return;
      if (local.id) this.#gate.removeServer(local.id);
      local.id = id;
      const registration: NonNullable<LocalEntry['registration']> = { state: 'adding' };
      local.registration = registration;
      local.snapshot = undefined;
      this.#gate.addServer(id, local.server, { consented: local.consented }).then(
        () => {
          registration.state = 'added';
          if (local.registration === registration) this.#changedLocal(local);
        },
        (err: unknown) => {
          Object.assign(registration, { state: 'failed', error: toCodedError(err) });
          if (local.registration === registration) this.#changedLocal(local);
        },
      );
    });
  }

  #changedLocal(local: LocalEntry): void {
    local.snapshot = undefined;
    this.#changed();
  }

  /** Opens every server that is not open or opening (also retries failed ones). */
  connect(): void {
    if (this.#closed) return;
    this.#active = true;
    for (const entry of this.#entries) {
      if (entry.configError || entry.held || entry.connection || entry.status === 'connecting') continue;
      void this.#connectEntry(entry);
    }
  }

  /** Closes every connection; servers stay listed as `closed` until `connect()`. */
  async disconnect(): Promise<void> {
    this.#active = false;
    await Promise.all(this.#entries.map((entry) => this.#close(entry)));
  }

  /**
   * (Re)opens one server, e.g. after `disconnectServer()` or a failure. With `authorize`, a server
   * that asks for OAuth sends the person there (a sign-in); the handler is kept for reconnects.
   */
  connectServer(id: string, options: { authorize?: AuthorizeHandler } = {}): void {
    const entry = this.#entry(id);
    if (!entry || entry.configError || this.#closed) return;
    entry.held = false;
    if (options.authorize) entry.authorize = options.authorize;
    if (!this.#active) return;
    void this.#close(entry).then(() => this.#connectEntry(entry));
  }

  /** Closes one server; it stays listed as `closed` (also across `connect()`) until `connectServer()`. */
  async disconnectServer(id: string): Promise<void> {
    const entry = this.#entry(id);
    if (!entry) return;
    entry.held = true;
    await this.#close(entry);
    this.#changed();
  }

  /**
   * Signs out of one server (the worker drops and, when it can, revokes its tokens) and closes it;
   * connecting again needs a new sign-in.
   */
  async signOutServer(id: string): Promise<void> {
    const entry = this.#entry(id);
    if (!entry) return;
    const connection = entry.connection;
    entry.authorize = undefined;
    entry.authorizedBy = undefined;
    try {
      if (typeof connection?.signOut === 'function') await connection.signOut();
    } finally {
      await this.disconnectServer(id);
    }
  }

  /**
   * The person agrees to use a server the policy's allow-list does not name: it goes behind the
   * gate (a refusal for that reason is retried).
   */
  consent(id: string): void {
    const entry = this.#entry(id);
    if (entry) this.#consent(entry);
  }

  #consent(entry: Entry): void {
    if (entry.consented) return;
    entry.consented = true;
    if (entry.registration?.state === 'failed') {
      this.#unregister(entry);
      this.#register(entry);
    }
    this.#changed(entry);
  }

  /**
   * Puts the servers the gate refused for a reason that has gone away (`refused(error)` says which)
   * behind it again: the runtime does so for storage failures once the audit log can write again.
   */
  retryRefused(refused: (error: CodedError | undefined) => boolean): void {
    for (const entry of this.#entries) {
      if (entry.registration?.state !== 'failed' || !refused(entry.registration.error)) continue;
      this.#unregister(entry);
      this.#register(entry);
    }
  }

  /** Closes every connection for good (the runtime is closing). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const local of this.#locals) this.#gate.removeServer(local.id);
    this.#locals = [];
    await this.disconnect();
  }

  /**
   * Resolves once the server is behind the gate or was refused there. A server still connecting is
   * waited for, at most `reconnectWaitMs`; one that is neither (closed, failed, unknown) resolves at once.
   */
  async settled(id: string): Promise<void> {
    const entry = this.#entry(id);
    if (!entry) return;
    if (!entry.registration && entry.status === 'connecting' && this.#waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.#waitMs);
        const off = this.on('change', () => {
          if (entry.registration || entry.status !== 'connecting' || !this.#entries.includes(entry)) done();
        });
        function done() {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
    await entry.registration?.done;
  }

  /**
   * `resources/read` on one server, while it is connected (else `TG_NOT_CONNECTED`): how an MCP App
   * view's HTML is fetched and how a view reads its own server's resources. Reading a resource is
   * not a tool call, so it does not pass the gate; the apps host audits a view's reads. The
   * connection itself is never handed out (it could call tools past the gate).
   */
  async readResource(id: string, uri: string): Promise<ReadResourceResult> {
    const entry = this.#entry(id);
    const connection = entry?.connection;
    if (!entry || !connection || entry.status !== 'ready') {
      const status = entry?.status ?? 'unknown';
      throw new TgError(ErrorCode.NOT_CONNECTED, `${entry ? serverLabel(entry.spec) : id} is not connected (${status}); the resource was not read.`, { data: { server: id, status } });
    }
    if (typeof connection.readResource !== 'function') throw new TgError(ErrorCode.UNSUPPORTED_FEATURE, `${serverLabel(entry.spec)} cannot read resources.`, { data: { server: id } });
    return connection.readResource(uri);
  }

  #entry(id: string): Entry | undefined {
    return this.#entries.find((entry) => entry.id === id);
  }

  #newEntry(key: string, declaration: ServerDeclaration): Entry {
    const entry: Entry = {
      id: '',
      key,
      spec: { ...declaration.spec },
      configError: declaration.configError,
      consented: declaration.consented === true,
      origin: declaration.origin ?? 'host',
      status: 'closed',
      attempt: undefined,
      error: undefined,
      tools: [],
      problems: 0,
      lastProblem: undefined,
      connection: undefined,
      held: false,
      authorizedBy: undefined,
      authorize: undefined,
      generation: 0,
      detach: undefined,
      registration: undefined,
      snapshot: undefined,
      context: undefined,
      gated: undefined as unknown as GatedServer,
      restarts: new WorkerRestarts(declaration.spec.reconnect),
    };
    entry.gated = new GatedServer(
      entry.spec.url,
      () => ({
        id: entry.id,
        label: serverLabel(entry.spec),
        status: entry.status,
        attempt: entry.attempt,
        restarting: entry.restarts.scheduled,
        connection: entry.connection,
        tools: entry.tools,
      }),
      this.#waitMs,
    );
    return entry;
  }

  async #connectEntry(entry: Entry): Promise<void> {
    const generation = ++entry.generation;
    entry.restarts.cancel();
    entry.error = undefined;
    entry.tools = [];
    this.#setStatus(entry, 'connecting');
    let connection: ConnectionLike;
    try {
      const { name: _label, ...spec } = entry.spec;
      const config = this.apps ? { ...spec, apps: true } : spec;
      connection = await this.#open(config, entry.authorize, (request) => this.#elicit(entry, generation, request));
    } catch (err) {
      if (this.#isCurrent(entry, generation)) {
        if (!(isWorkerLoss(err) && this.#restartLater(entry))) this.#unregister(entry);
        this.#setStatus(entry, 'failed', toCodedError(err));
      }
      return;
    }
    if (!this.#isCurrent(entry, generation)) {
      // Removed or closed while opening: nobody wants this connection any more.
      void connection.close().catch(() => {});
      return;
    }
    entry.connection = connection;
    // A popup sign-in happens inside open(), before the `authorized` listener below exists.
    if (connection.authorized) entry.authorizedBy = connection.authorized.issuer;
    entry.detach = this.#listen(entry, connection);
    this.#setStatus(entry, connection.status);
    try {
      const tools = await connection.listTools();
      if (!this.#isCurrent(entry, generation)) return;
      entry.tools = tools;
      this.#changed(entry);
      // Still behind the gate after a lost worker: the gate checks the new worker's tools like a re-list.
      if (entry.registration) entry.gated.changed('tools');
      else this.#register(entry);
    } catch (err) {
      if (!this.#isCurrent(entry, generation)) return;
      entry.error = toCodedError(err);
      this.#unregister(entry);
      this.#changed(entry);
    }
  }

  /** Puts a listed server behind the gate (under its id), unless it is there or on its way. */
  #register(entry: Entry): void {
    if (!entry.connection || entry.registration || !this.#entries.includes(entry)) return;
    const registration: NonNullable<Entry['registration']> = { state: 'adding', done: Promise.resolve() };
    entry.registration = registration;
    registration.done = this.#gate.addServer(entry.id, entry.gated, { consented: entry.consented }).then(
      () => {
        if (entry.registration !== registration) return;
        registration.state = 'added';
        this.#changed(entry);
      },
      (err: unknown) => {
        if (entry.registration !== registration) return;
        registration.state = 'failed';
        registration.error = toCodedError(err);
        this.#changed(entry);
      },
    );
    this.#changed(entry);
  }

  #unregister(entry: Entry): void {
    if (!entry.registration) return;
    entry.registration = undefined;
    if (entry.id) this.#gate.removeServer(entry.id);
  }

  /**
   * A server's elicitation: offered to the listeners first, else listed for a card; cancelled if the
   * server goes away. A form asking for a password, secret, token, card number or one-time code is
   * declined at once unless the policy's `elicitation.sensitiveFields` is `allow`; it stays listed,
   * so its card can say why, until dismissed.
   */
  #elicit(entry: Entry, generation: number, request: ElicitationRequest) {
    const unlist = (done: PendingElicitation) => {
      const before = this.#elicitations.length;
      this.#elicitations = this.#elicitations.filter((p) => p !== done);
      if (this.#elicitations.length !== before) this.#changed();
    };
    const refused = refusesSensitive(request, this.#gate.policy.elicitation?.sensitiveFields);
    const { pending, result } = createPendingElicitation(entry.id, serverLabel(entry.spec), request, refused ? () => {} : unlist, { refused, onDismiss: unlist });
    if (entry.generation !== generation || !this.#entries.includes(entry)) {
      pending.respond({ action: 'cancel' });
      return result;
    }
    if (refused) pending.respond({ action: 'decline' });
    else this.#events.emit('elicitation', pending);
    if (refused || !pending.answered) {
      this.#elicitations = [...this.#elicitations, pending];
      this.#changed();
    }
    return result;
  }

  #listen(entry: Entry, connection: ConnectionLike): () => void {
    const onStatus = (event: ConnectionEventMap['status']) => {
      const { status, error, attempt } = event.detail;
      entry.attempt = status === 'reconnecting' ? attempt : undefined;
      if (status === 'closed' || status === 'failed') {
        // The worker itself is gone (crashed, ended, silent): a new one after a backoff delay, and
        // meanwhile the server stays behind the gate.
        const restarting = status === 'failed' && isWorkerLoss(error) && this.#restartLater(entry);
        // The session is over; close() also ends the worker (a no-op if it already ended).
        this.#release(entry, restarting);
        void connection.close().catch(() => {});
      }
      this.#setStatus(entry, status, error && toCodedError(error));
      if (status === 'ready') entry.restarts.ready();
    };
    const onTools = (event: ConnectionEventMap['tools-changed']) => {
      entry.tools = event.detail.tools;
      entry.gated.changed('tools');
      this.#changed(entry);
    };
    const onAuthorized = (event: ConnectionEventMap['authorized']) => {
      entry.authorizedBy = event.detail.issuer;
      this.#changed(entry);
    };
    const onProblem = (event: ConnectionEventMap['problem']) => {
      entry.problems = event.detail.count;
      entry.lastProblem = toCodedError(event.detail.error);
      this.#changed(entry);
    };
    connection.addEventListener('status', onStatus);
    connection.addEventListener('tools-changed', onTools);
    connection.addEventListener('problem', onProblem);
    connection.addEventListener('authorized', onAuthorized);
    return () => {
      connection.removeEventListener('authorized', onAuthorized);
      connection.removeEventListener('status', onStatus);
      connection.removeEventListener('tools-changed', onTools);
      connection.removeEventListener('problem', onProblem);
    };
  }

  /**
   * Opens a new connection for a server whose worker was lost, unless it is held, removed or out of
   * restarts. Returns whether one is scheduled.
   */
  #restartLater(entry: Entry): boolean {
    if (!this.#active || this.#closed || entry.held || !this.#entries.includes(entry)) return false;
    const generation = entry.generation;
    const scheduled = entry.restarts.schedule(() => {
      if (this.#isCurrent(entry, generation) && !entry.held && !entry.connection) void this.#connectEntry(entry);
      else this.#unregister(entry);
    });
    return scheduled !== undefined;
  }

  async #close(entry: Entry): Promise<void> {
    entry.generation++;
    entry.restarts.cancel();
    const connection = entry.connection;
    this.#release(entry);
    if (connection) {
      try {
        await connection.close();
      } catch {
        /* closed anyway */
      }
    }
    if (entry.status === 'connecting' || entry.status === 'ready' || entry.status === 'reconnecting') this.#setStatus(entry, 'closed');
  }

  /**
   * Forgets the connection (it is closed or failed) and takes the server out of the gate — unless
   * `restarting` (a new worker is on its way) and the gate had taken it.
   */
  #release(entry: Entry, restarting = false): void {
    // The server is gone: its questions can no longer be answered.
    for (const pending of this.#elicitations.filter((p) => p.serverId === entry.id)) {
      if (pending.refused) pending.dismiss();
      else pending.respond({ action: 'cancel' });
    }
    entry.detach?.();
    entry.detach = undefined;
    entry.connection = undefined;
    entry.attempt = undefined;
    if (!restarting || entry.registration?.state === 'failed') this.#unregister(entry);
  }

  #isCurrent(entry: Entry, generation: number): boolean {
    return this.#active && !this.#closed && entry.generation === generation && this.#entries.includes(entry);
  }

  #setStatus(entry: Entry, status: ConnectionStatus, error?: CodedError): void {
    const previous = entry.status;
    if (error) entry.error = error;
    if (previous === status && !error) {
      if (status === 'reconnecting') this.#changed(entry); // a new attempt
      return;
    }
    entry.status = status;
    entry.gated.changed('status');
    this.#changed(entry);
    const server = this.list.find((s) => s.id === entry.id && s.spec.url === entry.spec.url) ?? snapshot(entry);
    this.#events.emit('status', { server, previous });
  }

  /** Something changed: a new list (and a new state for `entry`) on the next read. */
  #changed(entry?: Entry): void {
    if (entry) entry.snapshot = undefined;
    else for (const e of [...this.#entries, ...this.#locals]) e.snapshot = undefined;
    this.#list = undefined;
    this.#events.emit('change', { servers: this.list });
  }
}

function snapshot(entry: Entry): ServerState {
  return Object.freeze({
    id: entry.id,
    spec: Object.freeze({ ...entry.spec }),
    status: entry.status,
    attempt: entry.attempt,
    error: entry.error,
    tools: entry.tools,
    problems: entry.problems,
    lastProblem: entry.lastProblem,
    held: entry.held,
    authorizedBy: entry.authorizedBy,
    consented: entry.consented,
    origin: entry.origin,
    local: false,
    gate: entry.registration && Object.freeze({ state: entry.registration.state, ...(entry.registration.error && { error: entry.registration.error }) }),
  });
}

function localSnapshot(local: LocalEntry): ServerState {
  const registration = local.registration;
  return Object.freeze({
    id: local.id,
    spec: Object.freeze({ url: local.server.config.url, name: local.server.label }),
    status: 'ready',
    attempt: undefined,
    error: undefined,
    tools: local.server.tools,
    problems: 0,
    lastProblem: undefined,
    held: false,
    authorizedBy: undefined,
    consented: local.consented,
    origin: 'host',
    local: true,
    ...(local.server.host && { host: local.server.host }),
    gate: registration && Object.freeze({ state: registration.state, ...(registration.error && { error: registration.error }) }),
  });
}

/** The context side of a connection (no `callTool`: tools go through the gate only), or undefined when it has none. */
function facade(entry: Entry, connection: ConnectionLike): ContextServer | undefined {
  if (CONTEXT_METHODS.some((m) => typeof connection[m] !== 'function')) return undefined;
  const c = connection as ConnectionLike & ContextConnection;
  const bound: ContextConnection = {
    get info() {
      return c.info;
    },
    listResources: (...a) => c.listResources(...a),
    listResourceTemplates: (...a) => c.listResourceTemplates(...a),
    readResource: (...a) => c.readResource(...a),
    listPrompts: (...a) => c.listPrompts(...a),
    getPrompt: (...a) => c.getPrompt(...a),
    complete: (...a) => c.complete(...a),
    subscribeResource: (...a) => c.subscribeResource(...a),
    unsubscribeResource: (...a) => c.unsubscribeResource(...a),
    addEventListener: c.addEventListener.bind(c),
    removeEventListener: c.removeEventListener.bind(c),
  };
  return contextServer(entry.id, serverLabel(entry.spec), entry.spec.url, bound);
}
