/**
 * Owns the `McpConnection`s of one `<tg-agent>`: one per declared server (one worker each).
 *
 * The element hands it the declared servers (`setServers`); the controller diffs them against
 * what is open, opens the new ones, closes the removed ones, and keeps a per-server state
 * (`status`, `error`, `tools`, `connection`) that the element renders. It touches no DOM, so
 * tests can drive it with a fake opener and a fake host.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { McpConnection, type ConnectionEventMap } from '../../connections/connection.js';
import type { CodedError, ConnectionLike, ConnectionOpener } from './connection-types.js';
import type { AuthorizeHandler } from '../../../workers/shared/auth.js';
import type { ConnectionStatus } from '../../../workers/shared/connection-types.js';
import type { Tool, ElicitationRequest } from '../../../workers/shared/wire.js';
import { toCodedError } from './element-errors.js';
import { serverKey, serverLabel, type ServerDeclaration, type ServerSpec } from '../server/server-config.js';
import { createPendingElicitation, refusesSensitive, type PendingElicitation } from '../elicitation/pending-elicitation.js';

/** What `<tg-agent>` knows about one server. Read-only outside the controller. */
export interface ServerState {
  /** Stable while the connection-relevant config stays the same. */
  readonly key: string;
  readonly spec: Readonly<ServerSpec>;
  readonly status: ConnectionStatus;
  /** The last fatal error (failed to open, connection lost, tools could not be listed). */
  readonly error: CodedError | undefined;
  readonly tools: readonly Tool[];
  /** Non-fatal problems the connection reported (bad frames, dropped tools), and the last one. */
  readonly problems: number;
  readonly lastProblem: CodedError | undefined;
  /** The open connection, while there is one. */
  readonly connection: ConnectionLike | undefined;
  /** Closed by `disconnectServer()`: `connect()` leaves it closed until `connectServer()`. */
  readonly held: boolean;
  /** The issuer that authorized this connection (OAuth), once the worker has a token. */
  readonly authorizedBy: string | undefined;
}

export interface ConnectionsControllerOptions {
  /** Defaults to `McpConnection.open`. */
  open?: ConnectionOpener;
  /** Called after every status change of a server (including removed ones closing). */
  onStatusChange?: (server: ServerState, previous: ConnectionStatus) => void;
  /**
   * Called when a server asks the person something (elicitation), before it is listed in
   * `elicitations`; the host may answer at once with `pending.respond()` (then no card is shown).
   */
  onElicitation?: (pending: PendingElicitation) => void;
  /**
   * The policy's `elicitation.sensitiveFields`, read for each request: `refuse` (default) declines a
   * form asking for a password, secret, token, card number or one-time code, and lists it only
   * for a card that explains why; `allow` shows it (masked, never prefilled).
   */
  sensitiveFields?: () => 'refuse' | 'allow' | undefined;
  /** Whether the page renders MCP App views: then every connection advertises the extension (`apps`). */
  apps?: () => boolean;
}

interface Entry {
  key: string;
  spec: ServerSpec;
  configError: CodedError | undefined;
  status: ConnectionStatus;
  error: CodedError | undefined;
  tools: readonly Tool[];
  problems: number;
  lastProblem: CodedError | undefined;
  connection: ConnectionLike | undefined;
  held: boolean;
  authorizedBy: string | undefined;
  /** Used to open the connection when the server asks for OAuth (set by a sign-in). */
  authorize: AuthorizeHandler | undefined;
  /** Bumped on every open and close, so a late result of an older attempt is ignored. */
  attempt: number;
  detach: (() => void) | undefined;
}

export class ConnectionsController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #open: ConnectionOpener;
  readonly #onStatusChange: ConnectionsControllerOptions['onStatusChange'];
  readonly #onElicitation: ConnectionsControllerOptions['onElicitation'];
  readonly #sensitiveFields: ConnectionsControllerOptions['sensitiveFields'];
  readonly #apps: ConnectionsControllerOptions['apps'];
  #entries: Entry[] = [];
  /** Unanswered elicitations, oldest first. */
  #elicitations: PendingElicitation[] = [];
  /** Whether servers should be connected (host in the DOM and `disconnect()` not called). */
  #active = false;

  constructor(host: ReactiveControllerHost, options: ConnectionsControllerOptions = {}) {
    this.#host = host;
    this.#open =
      options.open ??
      ((config, authorize, elicit) => McpConnection.open(config, { ...(authorize && { onAuthorize: authorize }), ...(elicit && { onElicit: elicit }) }));
    this.#onStatusChange = options.onStatusChange;
    this.#onElicitation = options.onElicitation;
    this.#sensitiveFields = options.sensitiveFields;
    this.#apps = options.apps;
    host.addController(this);
  }

  /** Every declared server, in declaration order. */
  get servers(): readonly ServerState[] {
    return this.#entries;
  }

  /** Elicitations waiting for the person, oldest first (one card each). */
  get elicitations(): readonly PendingElicitation[] {
    return this.#elicitations;
  }

  get(key: string): ServerState | undefined {
    return this.#entries.find((entry) => entry.key === key);
  }

  hostConnected(): void {
    this.connect();
  }

  hostDisconnected(): void {
    this.disconnect();
  }

  /**
   * Replaces the declared servers. Unchanged servers keep their connection; removed ones are
   * closed; new ones are opened if the controller is connected.
   */
  setServers(declarations: readonly ServerDeclaration[]): void {
    const seen = new Map<string, number>();
    const previous = new Map(this.#entries.map((entry) => [entry.key, entry]));
    const next: Entry[] = [];
    const added: Entry[] = [];
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
        next.push(existing);
      } else {
        const entry = newEntry(key, declaration);
        next.push(entry);
        added.push(entry);
      }
    }
    this.#entries = next;
    for (const removed of previous.values()) void this.#close(removed);
    for (const entry of added) {
      if (entry.configError) this.#setStatus(entry, 'failed', entry.configError);
      else if (this.#active) void this.#connectEntry(entry);
    }
    this.#host.requestUpdate();
  }

  /** Opens every server that is not open or opening (also retries failed ones). */
  connect(): void {
    this.#active = true;
    for (const entry of this.#entries) {
      if (entry.configError || entry.held || entry.connection || entry.status === 'connecting') continue;
      void this.#connectEntry(entry);
    }
    this.#host.requestUpdate();
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
  connectServer(key: string, options: { authorize?: AuthorizeHandler } = {}): void {
    const entry = this.#entries.find((e) => e.key === key);
    if (!entry || entry.configError) return;
    entry.held = false;
    if (options.authorize) entry.authorize = options.authorize;
    if (!this.#active) return;
    void this.#close(entry).then(() => this.#connectEntry(entry));
  }

  /** Closes one server; it stays listed as `closed` (also across `connect()`) until `connectServer()`. */
  async disconnectServer(key: string): Promise<void> {
    const entry = this.#entries.find((e) => e.key === key);
    if (!entry) return;
    entry.held = true;
    await this.#close(entry);
    this.#host.requestUpdate();
  }

  /**
   * Signs out of one server (the worker drops and, when it can, revokes its tokens) and closes it;
   * connecting again needs a new sign-in.
   */
  async signOutServer(key: string): Promise<void> {
    const entry = this.#entries.find((e) => e.key === key);
    const connection = entry?.connection as (ConnectionLike & { signOut?: () => Promise<unknown> }) | undefined;
    if (!entry) return;
    entry.authorize = undefined;
    entry.authorizedBy = undefined;
    try {
      if (typeof connection?.signOut === 'function') await connection.signOut();
    } finally {
      await this.disconnectServer(key);
    }
  }

  async #connectEntry(entry: Entry): Promise<void> {
    const attempt = ++entry.attempt;
    entry.error = undefined;
    entry.tools = [];
    this.#setStatus(entry, 'connecting');
    let connection: ConnectionLike;
    try {
      const { name: _label, ...spec } = entry.spec;
      const config = this.#apps?.() ? { ...spec, apps: true } : spec;
      connection = await this.#open(config, entry.authorize, (request) => this.#elicit(entry, attempt, request));
    } catch (err) {
      if (this.#isCurrent(entry, attempt)) this.#setStatus(entry, 'failed', toCodedError(err));
      return;
    }
    if (!this.#isCurrent(entry, attempt)) {
      // Removed or closed while opening: nobody wants this connection any more.
      void connection.close().catch(() => {});
      return;
    }
    entry.connection = connection;
    // A popup sign-in happens inside open(), before the `authorized` listener below exists.
    const authorized = (connection as { authorized?: { issuer: string } }).authorized;
    if (authorized) entry.authorizedBy = authorized.issuer;
    entry.detach = this.#listen(entry, connection);
    this.#setStatus(entry, connection.status);
    try {
      const tools = await connection.listTools();
      if (this.#isCurrent(entry, attempt)) {
        entry.tools = tools;
        this.#host.requestUpdate();
      }
    } catch (err) {
      if (this.#isCurrent(entry, attempt)) {
        entry.error = toCodedError(err);
        this.#host.requestUpdate();
      }
    }
  }

  /** A server's elicitation: offered to the host first, else listed for a card; cancelled if the server goes away. */
  #elicit(entry: Entry, attempt: number, request: ElicitationRequest) {
    const unlist = (done: PendingElicitation) => {
      const before = this.#elicitations.length;
      this.#elicitations = this.#elicitations.filter((p) => p !== done);
      if (this.#elicitations.length !== before) this.#host.requestUpdate();
    };
    const refused = refusesSensitive(request, this.#sensitiveFields?.());
    // A refused request stays listed after its answer: the card explains it until dismissed.
    const { pending, result } = createPendingElicitation(entry.key, serverLabel(entry.spec), request, refused ? () => {} : unlist, { refused, onDismiss: unlist });
    if (entry.attempt !== attempt || !this.#entries.includes(entry)) {
      pending.respond({ action: 'cancel' });
      return result;
    }
    if (refused) pending.respond({ action: 'decline' });
    else this.#onElicitation?.(pending);
    if (refused || !pending.answered) {
      this.#elicitations = [...this.#elicitations, pending];
      this.#host.requestUpdate();
    }
    return result;
  }

  #listen(entry: Entry, connection: ConnectionLike): () => void {
    const onStatus = (event: ConnectionEventMap['status']) => {
      const { status, error } = event.detail;
      this.#setStatus(entry, status, error && toCodedError(error));
      if (status === 'closed' || status === 'failed') {
        // The session is over; close() also ends the worker (a no-op if it already ended).
        this.#release(entry);
        void connection.close().catch(() => {});
      }
    };
    const onTools = (event: ConnectionEventMap['tools-changed']) => {
      entry.tools = event.detail.tools;
      this.#host.requestUpdate();
    };
    const onAuthorized = (event: ConnectionEventMap['authorized']) => {
      entry.authorizedBy = event.detail.issuer;
      this.#host.requestUpdate();
    };
    const onProblem = (event: ConnectionEventMap['problem']) => {
      entry.problems = event.detail.count;
      entry.lastProblem = toCodedError(event.detail.error);
      this.#host.requestUpdate();
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

  async #close(entry: Entry): Promise<void> {
    entry.attempt++;
    const connection = entry.connection;
    this.#release(entry);
    if (connection) {
      try {
        await connection.close();
      } catch {
        /* closed anyway */
      }
    }
    if (entry.status === 'connecting' || entry.status === 'ready') this.#setStatus(entry, 'closed');
  }

  /** Forgets the connection (it is closed or failed) so `connect()` can open a new one. */
  #release(entry: Entry): void {
    // The server is gone: its questions can no longer be answered.
    for (const pending of this.#elicitations.filter((p) => p.serverKey === entry.key)) {
      if (pending.refused) pending.dismiss();
      else pending.respond({ action: 'cancel' });
    }
    entry.detach?.();
    entry.detach = undefined;
    entry.connection = undefined;
  }

  #isCurrent(entry: Entry, attempt: number): boolean {
    return this.#active && entry.attempt === attempt && this.#entries.includes(entry);
  }

  #setStatus(entry: Entry, status: ConnectionStatus, error?: CodedError): void {
    const previous = entry.status;
    if (error) entry.error = error;
    if (previous === status && !error) return;
    entry.status = status;
    this.#host.requestUpdate();
    this.#onStatusChange?.(entry, previous);
  }
}

function newEntry(key: string, declaration: ServerDeclaration): Entry {
  return {
    key,
    spec: { ...declaration.spec },
    configError: declaration.configError,
    status: 'closed',
    error: undefined,
    tools: [],
    problems: 0,
    lastProblem: undefined,
    connection: undefined,
    held: false,
    authorizedBy: undefined,
    authorize: undefined,
    attempt: 0,
    detach: undefined,
  };
}
