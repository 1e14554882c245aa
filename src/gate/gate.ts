/**
 * `Gate`: the real `ToolGate`. Every tool call — proposed by an LLM, the person or an app view —
 * passes here, through `call()`, its one entry:
 *
 *   visibility (roles) → audit `tool-request` → rate limit → `decide()` → (ask → host hook →
 *   approval card) → audit `decision` → audit `call-start` (write-ahead: committed BEFORE the call
 *   is sent) → connection call → audit `call-end` (SHA-256 digest and size of the result;
 *   appended in order but not awaited: the outcome does not wait for its commit, and a failure to
 *   write it is reported on the log's `health`) → data-flow filter (labels, audience, result
 *   review, redaction) → outcome.
 *
 * Fail closed: when the audit log cannot write (and its `failMode` is `closed`) every call is
 * refused with the log's coded error and never reaches a server. The policy, the pins and the
 * server ids' URLs live in IndexedDB (stores `policy` and `pins` of the audit log's database, so a
 * tenant partitions them too); every change to the policy or a pin is audited. The audit log is an
 * `AuditSink` (the `AuditLog`, or an in-memory one in tests). Plain TS, no DOM.
 *
 * @example
 * ```ts
 * const audit = await AuditLog.open({ tenant: 'acme' });
 * const gate = await Gate.open({ audit, roles: ['devops'], policy: {
 *   version: 1,
 *   servers: [{ url: 'wss://notes.example/*', trusted: true, labels: ['local'] }],
 * } });
 * await gate.addServer('notes', await McpConnection.open({ url: 'wss://notes.example/mcp' }));
 * const agent = new Agent({ gate, provider });
 * // render gate.approvals.pending as <tg-approval .queue=${gate.approvals} .request=${r}>
 * ```
 */
import canonicalize from 'canonicalize';
import { TgError, errorCode, ErrorCode, invalidArgument } from '../../workers/shared/errors.js';
import type { AuditSink } from '../audit/sink.js';
import type { AuditInput, DecisionInfo, JsonValue, OutcomeUnknownReason } from '../audit/record.js';
import { auditResult, redactAuditInput, type AuditRedaction } from '../audit/redact-record.js';
import { loadSecretRules } from '../audit/secrets.js';
import type { CallToolResult, ContentBlock, JsonObject, Progress, Tool } from '../../workers/shared/wire.js';
import { verifySignedAllowList } from './allow-list.js';
import { ApprovalQueue, type ApprovalRequest, type HostHook } from './approvals.js';
import { CONTENT_WITHHELD_NOTICE, REVIEW_NOTICE, askingFindings, dataFlowInfo, matchDataFlowRule, outputAllowed, viewForModel } from './data-flow.js';
import { decide, isVisible, type DecideResult } from './decide.js';
import { ToolNamespace } from './namespace.js';
import { DEFAULT_MAX_DESCRIPTION_LENGTH, definitionHash, loadDefinitionDiff, escapeName, inspectTool, pinKey, pinState, type DiffLine, type PinRecord, type ToolFlag } from './pins.js';
import { toolForModel, type ModelTool } from './model-text.js';
import { DEFAULT_POLICY, redactionOptions, serverStanding, validatePolicy, type HostProvided, type Policy } from './policy.js';
import { callableBy } from '../apps/visibility.js';
import { RateLimiter, type Clock } from './rate-limit.js';
import { GateStore, type StoredPolicy } from './store.js';
import { TaintTracker, type TaintFinding } from './taint.js';
import { proposerName, type ContentForModelOptions, type ContentView, type GatedTool, type Proposer, type ToolCallOutcome, type ToolCallRequest, type ToolGate } from './tool-gate.js';

/** Listens for `tools-changed` (a `CustomEvent<{ tools }>`); typed as a plain listener, so any `EventTarget` fits `GateConnection`. */
type ToolsChangedListener = (event: Event) => void;

/**
 * What the gate needs of a tool provider: `McpConnection` fits, the runtime passes a handle that
 * outlives reconnects, and anything else that offers tools (tests, the page's own tools) can
 * implement it. Only the gate calls `callTool`.
 */
export interface GateConnection {
  readonly config: { readonly url: string };
  /**
   * Set when the host page provides these tools itself (the page's `registerTool`s): no allow-list
   * entry needed, annotations believed, the host's output labels, and a changed definition is
   * the host's own doing, so it is not quarantined (see `HostProvided`).
   */
  readonly host?: HostProvided;
  readonly tools: readonly Tool[];
  listTools(): Promise<Tool[]>;
  callTool(name: string, args?: JsonObject, options?: { signal?: AbortSignal; onProgress?: (progress: Progress) => void }): Promise<CallToolResult>;
  addEventListener(type: 'tools-changed', listener: ToolsChangedListener): void;
  removeEventListener(type: 'tools-changed', listener: ToolsChangedListener): void;
}

export interface GateOptions {
  /** The audit log every decision and call is written to (write-ahead). Required: no audit, no calls. */
  audit: AuditSink;
  /**
   * The host's policy. When given it replaces the stored one (and the change is audited); when
   * absent the stored policy is used, else `DEFAULT_POLICY`. Throws `TG_POLICY_INVALID` if invalid.
   */
  policy?: Policy;
  /** The person's roles (`hr`, `devops`, …), as the host knows them. */
  roles?: readonly string[];
  /** The person's id, recorded when they approve or deny. */
  person?: string;
  /** Database for policy, pins and server ids. Default: the audit log's (`toolgate` / `toolgate:<tenant>`). */
  dbName?: string;
  /** Keep policy, pins and server ids in IndexedDB. Default true (needs `dbName` or the audit's). */
  persist?: boolean;
  /** Unanswered approvals deny after this many ms. Default 5 minutes; 0 = never. */
  approvalTimeoutMs?: number;
  /** The host's say before the card (wire it to the `tg-tool-request` event; see `dispatchToolRequest`). */
  hostHook?: HostHook;
  /** Clock of the rate limiter (tests). */
  clock?: Clock;
}

export interface AddServerOptions {
  /** The person explicitly consented to this server although it is not on the allow-list. */
  consented?: boolean;
}

/** Fired when the tool list, the policy, the roles or a pin changed. */
export class GateChangeEvent extends Event {
  static readonly eventName = 'change' as const;
  constructor(readonly what: 'tools' | 'policy' | 'roles' | 'pins') {
    super(GateChangeEvent.eventName);
  }
}

interface ServerState {
  id: string;
  url: string;
  connection: GateConnection;
  consented: boolean;
  /** The URL `id` was first given to, when it is not `url`. */
  reboundFrom: string | undefined;
  listener: ToolsChangedListener;
  tools: Map<string, ToolEntry>;
}

interface ToolEntry {
  id: string;
  server: ServerState;
  tool: Tool;
  hash: string;
  flags: ToolFlag[];
  /** The model's view of the definition, for the description cap it was made with. */
  forModel?: { cap: number; tool: ModelTool };
}

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};
const text = (t: string) => [{ type: 'text' as const, text: t }];

/** Errors that mean the call was handed on and its answer lost: the tool may have run. */
const LOST_WITH_THE_CALL: Partial<Record<string, OutcomeUnknownReason>> = {
  [ErrorCode.WORKER_FAILED]: 'worker-lost',
  [ErrorCode.CONNECTION_CLOSED]: 'connection-lost',
};

/** One sentence naming where the tainted data came from, for the card and the audit. */
function taintReason(findings: readonly TaintFinding[]): string {
  const first = findings[0]!;
  const what = first.kind === 'secret' ? `a ${first.category === 'secret' ? 'secret' : 'personal datum'} (${first.secretKind})` : `${first.end - first.start} characters copied`;
  const more = findings.length > 1 ? ` and ${findings.length - 1} more` : '';
  return `The arguments carry ${what} from the result of ${first.from.tool} on server ${first.from.serverId}${more}.`;
}

function refused(code: string, message: string, data?: unknown): ToolCallOutcome & { status: 'refused' } {
  const error: { code: string; message: string; data?: unknown } = { code, message };
  if (data !== undefined) error.data = data;
  return { status: 'refused', error, forModel: text(`The call was refused (${code}): ${message}`) };
}

export class Gate extends EventTarget implements ToolGate {
  /** Opens the gate's storage, loads (or stores) the policy and the pins. */
  static async open(options: GateOptions): Promise<Gate> {
    if (!options?.audit || typeof options.audit.append !== 'function') throw invalidArgument('options.audit', 'an AuditSink (e.g. an AuditLog)');
    const dbName = options.dbName ?? options.audit.dbName;
    if (options.persist !== false && dbName === undefined) throw invalidArgument('options.dbName', 'a database name (or set options.persist to false)');
    const initial = options.policy === undefined ? undefined : validatePolicy(options.policy);
    // The secret rules are needed before the first record is redacted; they load beside the store.
    const [store] = await Promise.all([options.persist === false ? undefined : GateStore.open(dbName!), loadSecretRules()]);
    const gate = new Gate(options, store);
    let stored: StoredPolicy | undefined;
    if (store) {
      for (const pin of await store.loadPins()) gate.#pins.set(pin.key, pin);
      for (const [id, url] of Object.entries(await store.loadServerIds())) if (typeof url === 'string') gate.#serverIds.set(id, url);
      stored = await store.loadPolicy();
      if (stored && !initial) gate.#policy = validatePolicy(stored.policy);
    }
    if (initial) {
      // The host sets the same policy on every page load: only a real change is stored and audited.
      const same = stored?.source === 'host' && canonicalize(stored.policy) === canonicalize(initial);
      if (same) gate.#policy = initial;
      else await gate.setPolicy(initial, { source: 'host' });
    }
    return gate;
  }

  /** Pending approvals: render each with `<tg-approval>`. */
  readonly approvals: ApprovalQueue;
  readonly #audit: AuditSink;
  readonly #store: GateStore | undefined;
  readonly #limiter: RateLimiter;
  readonly #namespace = new ToolNamespace();
  readonly #servers = new Map<string, ServerState>();
  readonly #byId = new Map<string, ToolEntry>();
  readonly #pins = new Map<string, PinRecord>();
  /** Server id → the URL it was first given to (kept, so an id never silently names another server). */
  readonly #serverIds = new Map<string, string>();
  readonly #taint = new TaintTracker();
  #policy: Policy = DEFAULT_POLICY;
  #roles: readonly string[];
  readonly #person: string | undefined;
  #work: Promise<void> = Promise.resolve();

  private constructor(options: GateOptions, store: GateStore | undefined) {
    super();
    this.#audit = options.audit;
    this.#store = store;
    this.#limiter = new RateLimiter(options.clock);
    this.#roles = Object.freeze([...(options.roles ?? [])]);
    this.#person = options.person;
    this.approvals = new ApprovalQueue({
      ...(options.approvalTimeoutMs !== undefined && { timeoutMs: options.approvalTimeoutMs }),
      ...(options.hostHook && { hostHook: options.hostHook }),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Policy, roles, allow-list

  /** The policy in force (deeply frozen). */
  get policy(): Policy {
    return this.#policy;
  }

  /**
   * Replaces the policy: validates it (throws `TG_POLICY_INVALID`), stores it, audits a
   * `policy-change` (written before the new policy takes effect) and resets the rate limits.
   */
  async setPolicy(policy: Policy, options: { source?: StoredPolicy['source'] } = {}): Promise<void> {
    const valid = validatePolicy(policy);
    const source = options.source ?? 'host';
    await this.#record({ kind: 'policy-change', change: { source, policy: valid as unknown as JsonValue } });
    await this.#store?.savePolicy({ policy: valid, source, updatedAt: Date.now() });
    this.#policy = valid;
    this.#limiter.reset();
    this.dispatchEvent(new GateChangeEvent('policy'));
  }

  /**
   * Applies an administrator-signed server allow-list (compact JWS, ES256 or EdDSA): verifies it
   * with `publicKey` and replaces the policy's `servers` with it. A tampered, expired or malformed
   * list is refused with `TG_ALLOWLIST_INVALID` (audited as an `error`) and changes nothing.
   */
  async applySignedAllowList(jws: string, publicKey: JsonWebKey | CryptoKey): Promise<void> {
    let servers;
    try {
      ({ servers } = await verifySignedAllowList(jws, publicKey));
    } catch (err) {
      await this.#recordQuietly({ kind: 'error', error: { code: errorCode(err) ?? ErrorCode.ALLOWLIST_INVALID, message: (err as Error).message } });
      throw err;
    }
    await this.setPolicy({ ...this.#policy, servers }, { source: 'signed' });
  }

  /** The person's roles. */
  get roles(): readonly string[] {
    return this.#roles;
  }

  set roles(roles: readonly string[]) {
    this.#roles = Object.freeze([...roles]);
    this.dispatchEvent(new GateChangeEvent('roles'));
  }

  /** How the policy sees a server URL before connecting: on the list (or no list), and trusted. */
  serverStanding(url: string): { listed: boolean; trusted: boolean } {
    const { listed, trusted } = serverStanding(this.#policy, url);
    return { listed, trusted };
  }

  // -------------------------------------------------------------------------------------------
  // Servers and tools

  /**
   * Puts a connection behind the gate under `serverId` (its stable id: policy rules, roles and
   * tool ids use it; see `src/runtime/server-ids.ts`) and lists its tools; re-lists
   * (`tools-changed`) are re-hashed, and changed definitions quarantined.
   *
   * The first URL an id is given to is remembered (per tenant). When the id later names another
   * URL, nothing written for the id is applied to it: every call asks, and the card says why,
   * until `rebindServer(id)` accepts the new URL.
   *
   * Throws `TG_SERVER_NOT_ALLOWED` for a server not on the allow-list without `consented`.
   */
  async addServer(serverId: string, connection: GateConnection, options: AddServerOptions = {}): Promise<GatedTool[]> {
    if (typeof serverId !== 'string' || serverId === '') throw invalidArgument('serverId', 'a non-empty string');
    const url = connection.config.url;
    if (!serverStanding(this.#policy, url, connection.host).listed && !options.consented) {
      throw new TgError(ErrorCode.SERVER_NOT_ALLOWED, `${url} is not on the server allow-list; the person must consent before it is used`, { data: { url } });
    }
    this.removeServer(serverId);
    const firstUrl = this.#serverIds.get(serverId);
    const server: ServerState = {
      id: serverId,
      url,
      connection,
      consented: options.consented === true,
      reboundFrom: firstUrl !== undefined && firstUrl !== url ? firstUrl : undefined,
      tools: new Map(),
      listener: (event) => void this.#index(server, (event as CustomEvent<{ tools: Tool[] }>).detail.tools),
    };
    // Set before anything is awaited, so a removeServer() meanwhile takes this very server out.
    this.#servers.set(serverId, server);
    connection.addEventListener('tools-changed', server.listener);
    if (firstUrl === undefined) await this.#bindServerId(serverId, url);
    await this.#index(server, await connection.listTools());
    return this.#gated(server);
  }

  /** Each server id given out so far and the URL it was first given to (kept per tenant). */
  serverIds(): ReadonlyMap<string, string> {
    return new Map(this.#serverIds);
  }

  /**
   * Accepts that `serverId` now names the URL of the server listed under it: rules, grants and
   * pins written for the id apply to it again. Audited (`policy-change`).
   */
  async rebindServer(serverId: string): Promise<void> {
    const server = this.#servers.get(serverId);
    if (!server?.reboundFrom) return;
    await this.#record({ kind: 'policy-change', change: { source: 'person', serverId: { id: serverId, from: server.reboundFrom, to: server.url } } });
    await this.#bindServerId(serverId, server.url);
    server.reboundFrom = undefined;
    this.dispatchEvent(new GateChangeEvent('policy'));
  }

  async #bindServerId(serverId: string, url: string): Promise<void> {
    this.#serverIds.set(serverId, url);
    try {
      await this.#store?.saveServerIds(Object.fromEntries(this.#serverIds));
    } catch (err) {
      // Kept for this session; the next one sees the id unbound and binds it again.
      await this.#recordQuietly({ kind: 'error', error: { code: errorCode(err) ?? ErrorCode.STORAGE_FAILED, message: (err as Error).message } });
    }
  }

  /** Takes a connection out (its tools disappear; pins stay). */
  removeServer(serverId: string): void {
    const server = this.#servers.get(serverId);
    if (!server) return;
    server.connection.removeEventListener('tools-changed', server.listener);
    for (const entry of server.tools.values()) this.#byId.delete(entry.id);
    this.#namespace.release(serverId);
    this.#servers.delete(serverId);
    this.dispatchEvent(new GateChangeEvent('tools'));
  }

  /** Resolves when pin updates and audits from re-lists so far are written. */
  settled(): Promise<void> {
    return this.#work;
  }

  /**
   * Tools visible to this proposer: not hidden by roles, not denied by a rule, on an allowed
   * server. A quarantined tool is listed for the person (flagged) but never for an LLM: its
   * changed description must not reach a model before someone approved it.
   */
  tools(proposer: Proposer): GatedTool[] {
    const out: GatedTool[] = [];
    for (const server of this.#servers.values()) {
      for (const entry of this.#gated(server)) {
        if (!callableBy(entry.tool, server.id, proposer)) continue;
        const verdict = this.#decide(this.#byId.get(entry.id)!, proposer);
        if (verdict.decision === 'deny') continue;
        if (entry.quarantined && proposer.kind !== 'person') continue;
        out.push(entry);
      }
    }
    return out;
  }

  /** The tools whose definition changed and wait for re-approval. */
  quarantined(): GatedTool[] {
    return [...this.#servers.values()].flatMap((s) => this.#gated(s)).filter((t) => t.quarantined);
  }

  /** Accepts a quarantined tool's new definition (as "Always allow" does, without pinning calls). */
  async acceptDefinition(toolId: string): Promise<void> {
    const entry = this.#byId.get(toolId);
    if (!entry) throw new TgError(ErrorCode.TOOL_UNKNOWN, `No tool ${toolId}`);
    await this.#accept(entry, false);
  }

  /** Removes an "Always allow" pin (the tool asks again). */
  async unpin(toolId: string): Promise<void> {
    const entry = this.#byId.get(toolId);
    if (!entry) throw new TgError(ErrorCode.TOOL_UNKNOWN, `No tool ${toolId}`);
    const record = this.#pins.get(pinKey(entry.server.url, entry.tool.name));
    if (!record?.alwaysAllow) return;
    const next: PinRecord = { ...record };
    delete next.alwaysAllow;
    await this.#record({ kind: 'pin-change', server: this.#serverRef(entry), tool: this.#toolRef(entry), change: 'removed' });
    await this.#savePin(next);
  }

  /** The pin records (what was accepted, what is always allowed, what is pending). */
  pins(): PinRecord[] {
    return [...this.#pins.values()].map((p) => structuredClone(p));
  }

  /** Denies pending approvals and stops listening to the connections (does not close them). */
  close(): void {
    this.approvals.denyAll();
    for (const id of [...this.#servers.keys()]) this.removeServer(id);
    this.#store?.close();
  }

  #gated(server: ServerState): GatedTool[] {
    return [...server.tools.values()].map((entry) => {
      const state = pinState(this.#pins.get(pinKey(server.url, entry.tool.name)), entry.hash);
      return {
        id: entry.id,
        serverId: server.id,
        serverUrl: server.url,
        tool: entry.tool,
        definitionHash: entry.hash,
        displayName: escapeName(entry.tool.name),
        flags: entry.flags,
        quarantined: state.quarantined,
        ...(server.reboundFrom !== undefined && { reboundFrom: server.reboundFrom }),
        forModel: this.#modelTool(entry),
      };
    });
  }

  /** The model's view of a tool (hidden characters removed, texts capped), kept per entry. */
  #modelTool(entry: ToolEntry): ModelTool {
    const cap = this.#policy.maxDescriptionLength ?? DEFAULT_MAX_DESCRIPTION_LENGTH;
    if (entry.forModel?.cap !== cap) entry.forModel = { cap, tool: toolForModel(entry.tool, cap) };
    return entry.forModel.tool;
  }

  /** How records are redacted: the policy's detector and patterns, or raw when it keeps raw values. */
  #redaction(): AuditRedaction {
    return this.#policy.audit?.storeRawValues === true ? 'raw' : redactionOptions(this.#policy);
  }

  /** Re-hashes a server's tools: first sight records the definition; a change quarantines. */
  #index(server: ServerState, tools: readonly Tool[]): Promise<void> {
    if (this.#servers.get(server.id) !== server) return Promise.resolve();
    const names = new Set(tools.map((t) => t.name));
    for (const [name, entry] of server.tools) {
      if (!names.has(name)) {
        server.tools.delete(name);
        this.#byId.delete(entry.id);
      }
    }
    this.#namespace.release(server.id, names);
    const pinWork: (() => Promise<void>)[] = [];
    const now = Date.now();
    for (const tool of tools) {
      if (server.tools.has(tool.name) && server.tools.get(tool.name)!.tool === tool) continue;
      const hash = definitionHash(tool);
      const id = this.#namespace.idFor(server.id, tool.name);
      const entry: ToolEntry = { id, server, tool, hash, flags: inspectTool(tool, { maxDescriptionLength: this.#policy.maxDescriptionLength }) };
      server.tools.set(tool.name, entry);
      this.#byId.set(id, entry);
      const key = pinKey(server.url, tool.name);
      const record = this.#pins.get(key);
      if (!record) {
        const fresh: PinRecord = { key, serverUrl: server.url, toolName: tool.name, known: { hash, definition: tool, since: now } };
        this.#pins.set(key, fresh);
        pinWork.push(() => this.#store?.savePin(fresh) ?? Promise.resolve());
      } else if (record.known.hash !== hash && server.connection.host) {
        // The host's own tool changed with the host's code: nothing to quarantine.
        const next: PinRecord = { ...record, known: { hash, definition: tool, since: now } };
        delete next.pending;
        this.#pins.set(key, next);
        pinWork.push(() => this.#store?.savePin(next) ?? Promise.resolve());
      } else if (record.known.hash !== hash && record.pending?.hash !== hash) {
        // A rug pull, or an honest update: either way the person looks before it is used again.
        const next: PinRecord = { ...record, pending: { hash, definition: tool, since: now } };
        this.#pins.set(key, next);
        pinWork.push(async () => {
          await this.#recordQuietly({
            kind: 'pin-change',
            server: this.#serverRef(entry),
            tool: this.#toolRef(entry),
            change: 'quarantined',
            detail: { from: record.known.hash, to: hash },
          });
          await this.#store?.savePin(next);
        });
      } else if (record.known.hash === hash && record.pending) {
        // Back to the accepted definition: nothing to re-approve.
        const next: PinRecord = { ...record };
        delete next.pending;
        this.#pins.set(key, next);
        pinWork.push(() => this.#store?.savePin(next) ?? Promise.resolve());
      }
    }
    this.dispatchEvent(new GateChangeEvent('tools'));
    const work = this.#work.then(async () => {
      for (const step of pinWork) {
        try {
          await step();
        } catch (err) {
          await this.#recordQuietly({ kind: 'error', error: { code: errorCode(err) ?? ErrorCode.STORAGE_FAILED, message: (err as Error).message } });
        }
      }
    });
    this.#work = work;
    return work;
  }

  /** Accepts the listed definition of a tool (clearing quarantine); `always` also pins calls to it. */
  async #accept(entry: ToolEntry, always: boolean): Promise<void> {
    const key = pinKey(entry.server.url, entry.tool.name);
    const record = this.#pins.get(key);
    const wasQuarantined = record !== undefined && record.known.hash !== entry.hash;
    const next: PinRecord = { key, serverUrl: entry.server.url, toolName: entry.tool.name, known: { hash: entry.hash, definition: entry.tool, since: Date.now() } };
    if (always) next.alwaysAllow = entry.hash;
    else if (record?.alwaysAllow === entry.hash) next.alwaysAllow = record.alwaysAllow;
    const server = this.#serverRef(entry);
    const tool = this.#toolRef(entry);
    if (wasQuarantined) await this.#record({ kind: 'pin-change', server, tool, change: 'approved', detail: { from: record.known.hash, to: entry.hash } });
    if (always) await this.#record({ kind: 'pin-change', server, tool, change: 'pinned' });
    await this.#savePin(next);
  }

  async #savePin(record: PinRecord): Promise<void> {
    this.#pins.set(record.key, record);
    await this.#store?.savePin(record);
    this.dispatchEvent(new GateChangeEvent('pins'));
  }

  #serverRef(entry: ToolEntry) {
    return { url: entry.server.url, id: entry.server.id };
  }

  #toolRef(entry: ToolEntry) {
    return { name: entry.tool.name, definitionHash: entry.hash };
  }

  #decide(entry: ToolEntry, proposer: Proposer): DecideResult {
    return decide({
      policy: this.#policy,
      server: { id: entry.server.id, url: entry.server.url, consented: entry.server.consented, ...(entry.server.connection.host && { host: entry.server.connection.host }), ...(entry.server.reboundFrom !== undefined && { reboundFrom: entry.server.reboundFrom }) },
      tool: entry.tool,
      definitionHash: entry.hash,
      roles: this.#roles,
      pin: pinState(this.#pins.get(pinKey(entry.server.url, entry.tool.name)), entry.hash),
      flags: entry.flags.length,
      proposer,
    });
  }

  /** Whether anything of a server's content may reach this proposer's model (its data-flow standing). */
  contentReaches(serverId: string, proposer: Proposer): boolean {
    const server = this.#servers.get(serverId);
    const standing = server && serverStanding(this.#policy, server.url, server.connection.host);
    return standing !== undefined && (standing.listed || server!.consented) && outputAllowed(proposer, standing.entry);
  }

  /**
   * What a proposer's model may see of a server's content that is not a tool result (an attached
   * resource, a prompt's messages): the server's data-flow labels, the audience annotations and
   * redaction, as for its results. Content of a server not behind the gate is withheld.
   */
  contentForModel(serverId: string, content: readonly ContentBlock[], proposer: Proposer, options: ContentForModelOptions = {}): ContentView {
    const server = this.#servers.get(serverId);
    const allowed = this.contentReaches(serverId, proposer);
    const view = viewForModel({ content: [...content] }, { allowed, redaction: redactionOptions(this.#policy), notice: CONTENT_WITHHELD_NOTICE });
    if (allowed && server) {
      // Like a result: data the model read here and copies into a call to another server is found.
      this.#taint.record(options.conversationId ?? 'default', { serverId, serverUrl: server.url, tool: options.source ?? 'attached content' }, { content: view.forModel });
    }
    if (!allowed) return { forModel: view.forModel, withheld: true, withheldBy: 'data-flow' };
    return { forModel: view.forModel, withheld: view.withheld, ...(view.withheld && { withheldBy: 'audience' as const }) };
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  /** Decides, audits, calls and filters. Never rejects. */
  async call(request: ToolCallRequest): Promise<ToolCallOutcome> {
    try {
      return await this.#call(request);
    } catch (err) {
      // Only an audit/storage failure before the call (fail closed) or a bug gets here.
      const code = errorCode(err) ?? ErrorCode.CALL_FAILED;
      return refused(code, err instanceof Error ? err.message : String(err));
    }
  }

  async #call(request: ToolCallRequest): Promise<ToolCallOutcome> {
    const { toolId, proposer, signal } = request;
    const args: JsonObject = request.args ?? {};
    const callId = crypto.randomUUID();
    const entry = this.#byId.get(toolId);
    const unknown = `No tool ${toolId} is available.`;
    // Fail closed before anything else: no audit, no call.
    this.#audit.assertCallsAllowed();
    if (!entry) {
      await this.#record({ kind: 'error', callId, error: { code: ErrorCode.TOOL_UNKNOWN, message: unknown }, detail: { toolId, proposer: proposerName(proposer, true) } });
      return refused(ErrorCode.TOOL_UNKNOWN, unknown);
    }
    const server = this.#serverRef(entry);
    const tool = this.#toolRef(entry);
    const redaction = this.#redaction();
    const conversation = request.conversationId ?? 'default';
    // Not awaited here: on the allow-by-rule path the request, the decision and the write-ahead
    // record are appended together and group-committed, instead of three commits in a row.
    const requestRecord = redactAuditInput({ kind: 'tool-request' as const, callId, server, tool, args: args as JsonValue, proposer: proposerName(proposer, true), detail: { toolId } }, redaction);
    const requested = this.#record(requestRecord);
    requested.catch(() => {}); // awaited on every path below
    const decided = async (decision: DecisionInfo) => {
      await Promise.all([requested, this.#record({ kind: 'decision', callId, server, tool, decision })]);
    };
    let allowedByRule: Promise<void> | undefined;

    if (signal?.aborted) {
      await requested;
      return this.#cancelledBeforeStart('The call was cancelled before it was decided.');
    }

    // Roles first: a hidden tool is indistinguishable from an unknown one.
    if (!isVisible(this.#policy, entry.server, entry.tool.name, this.#roles)) {
      await decided({ outcome: 'deny', by: 'rule', rule: 'roles', reason: 'hidden by roles' });
      return refused(ErrorCode.TOOL_UNKNOWN, unknown);
    }
    // MCP Apps visibility: app-only tools never reach a model; a view reaches only its server's app tools.
    if (!callableBy(entry.tool, entry.server.id, proposer)) {
      if (proposer.kind !== 'app') {
        await decided({ outcome: 'deny', by: 'rule', rule: 'visibility', reason: 'visible to apps only' });
        return refused(ErrorCode.TOOL_UNKNOWN, unknown);
      }
      const reason = proposer.serverId === entry.server.id ? `${entry.tool.name} is not callable by apps (its visibility excludes "app")` : 'a view may call only tools of its own server';
      await decided({ outcome: 'deny', by: 'rule', rule: 'visibility', reason });
      return refused(ErrorCode.APP_TOOL_FORBIDDEN, `The view may not call ${entry.tool.name}: ${reason}.`);
    }
    const rate = this.#limiter.take(this.#policy, entry.server, entry.tool.name);
    if (!rate.ok) {
      const seconds = Number.isFinite(rate.retryAfterMs) ? Math.ceil(rate.retryAfterMs / 1000) : undefined;
      const message = `Rate limit "${rate.limit}" reached for ${entry.tool.name}${seconds !== undefined ? `; try again in ${seconds} s` : ''}.`;
      await decided({ outcome: 'deny', by: 'rule', rule: rate.limit, reason: 'rate limit' });
      return refused(ErrorCode.RATE_LIMITED, message, { limit: rate.limit, retryAfterMs: rate.retryAfterMs });
    }

    let verdict = this.#decide(entry, proposer);
    if (verdict.decision === 'deny') {
      await decided({ outcome: 'deny', by: 'rule', rule: verdict.rule!, reason: verdict.reason });
      if (verdict.code === ErrorCode.TOOL_UNKNOWN) return refused(ErrorCode.TOOL_UNKNOWN, unknown);
      return refused(verdict.code ?? ErrorCode.POLICY_DENIED, verdict.reason, { rule: verdict.rule });
    }
    // Taint: data from earlier results in a model's arguments. Crossing servers or carrying a
    // secret, the call asks whatever allowed it (rule, pin, annotations), or a dataFlow rule denies.
    const tainted = proposer.kind === 'llm' ? askingFindings(this.#taint.check(conversation, { serverId: entry.server.id, serverUrl: entry.server.url }, args)) : [];
    const dataFlow = tainted.length > 0 ? dataFlowInfo(tainted) : undefined;
    if (tainted.length > 0) {
      const match = matchDataFlowRule(this.#policy, tainted, entry.server);
      const reason = taintReason(tainted);
      if (match?.rule.action === 'deny') {
        const message = `Policy rule "${match.id}" denies this data flow: ${reason}`;
        await decided({ outcome: 'deny', by: 'rule', rule: match.id, reason: message, dataFlow: dataFlow! });
        return refused(ErrorCode.DATA_FLOW_DENIED, message, { rule: match.id, dataFlow });
      }
      verdict = { ...verdict, decision: 'ask', reason: `${reason} ${verdict.decision === 'allow' ? `(${verdict.reason} It still asks, because of the data.)` : verdict.reason}`, rule: match?.id ?? 'data-flow' };
    }
    if (verdict.decision === 'ask') {
      const record = this.#pins.get(pinKey(entry.server.url, entry.tool.name));
      const quarantined = record !== undefined && record.known.hash !== entry.hash;
      // The diff module loads with the first quarantined call; if it cannot, the card still says the definition changed.
      const diff = quarantined
        ? await loadDefinitionDiff().then(
            (definitionDiff) => definitionDiff(record.known.definition, entry.tool),
            (): DiffLine[] => [{ kind: 'same', text: `(${ErrorCode.UI_LOAD_FAILED}: the change could not be loaded)` }],
          )
        : undefined;
      const answer = await this.approvals.request(
        {
          ...this.#approvalBase(callId, entry, args, verdict, proposer),
          kind: 'call',
          ...(diff && { diff }),
          ...(tainted.length > 0 && { dataFlow: tainted }),
        },
        signal ? { signal } : {},
      );
      if (answer.by === 'cancelled') {
        await decided({ outcome: 'deny', by: 'person', ...(this.#person && { person: this.#person }), reason: 'withdrawn: the call was cancelled' });
        return this.#cancelledBeforeStart('The call was cancelled while it waited for approval.');
      }
      const byRule = answer.by === 'timeout' || answer.by === 'unavailable';
      const by: DecisionInfo['by'] = answer.by === 'host' ? 'host' : byRule ? 'rule' : 'person';
      const info: DecisionInfo = { outcome: answer.outcome, by, reason: verdict.reason, ...(dataFlow && { dataFlow }) };
      if (by === 'person' && this.#person) info.person = this.#person;
      if (byRule) info.rule = `approval-${answer.by}`;
      else if (answer.always) info.reason = `always allowed (${verdict.reason})`;
      if (answer.outcome === 'deny') {
        await decided(info);
        if (answer.by === 'timeout') return refused(ErrorCode.APPROVAL_TIMEOUT, 'Nobody approved the call in time; it was denied.');
        if (answer.by === 'unavailable') return refused(ErrorCode.UI_LOAD_FAILED, 'The approval card could not be loaded, so nobody could approve the call; it was refused.');
        return refused(ErrorCode.APPROVAL_DENIED, answer.by === 'host' ? 'The host application denied the call.' : 'The person denied the call.');
      }
      await decided(info);
      if (answer.always) await this.#accept(entry, true);
    } else {
      allowedByRule = decided({ outcome: 'allow', by: 'rule', rule: verdict.rule!, reason: verdict.reason });
      allowedByRule.catch(() => {}); // awaited with the write-ahead record
    }

    // Write-ahead: committed before the request leaves for the server. If it fails, nothing is sent.
    await Promise.all([
      requested,
      allowedByRule,
      // The request's arguments, redacted once for both records (an input with `redactions` is stored as it is).
      this.#record({ kind: 'call-start', callId, server, tool, args: requestRecord.args, redactions: requestRecord.redactions }),
    ]);
    const started = performance.now();
    let result: CallToolResult;
    try {
      result = await entry.server.connection.callTool(entry.tool.name, args, {
        ...(signal && { signal }),
        ...(request.onProgress && { onProgress: request.onProgress }),
      });
    } catch (err) {
      const code = errorCode(err) ?? ErrorCode.CALL_FAILED;
      const message = err instanceof Error ? err.message : String(err);
      const status = code === ErrorCode.CANCELLED || signal?.aborted ? 'cancelled' : 'failed';
      // The worker or the connection went away with the call: the server may have run it, so its end
      // is unknown, not "failed".
      const lost = LOST_WITH_THE_CALL[code];
      const end: AuditInput = lost
        ? { kind: 'outcome-unknown', callId, server, tool, reason: lost, error: { code, message } }
        : { kind: 'call-end', callId, server, tool, status, durationMs: Math.round(performance.now() - started), error: { code, message } };
      void this.#recordQuietly(redactAuditInput(end, redaction), { defer: true });
      const note = status === 'cancelled' ? 'The call was cancelled.' : `The call failed (${code}): ${message}`;
      return { status, error: { code, message }, forModel: text(note) };
    }
    const status = result.isError ? 'tool-error' : 'ok';
    // Not awaited (see the header): the record is queued now, so it stays in order. Redacted once,
    // by auditResult (its preview needs no second scan).
    const recorded = auditResult({ ...result, isError: result.isError === true }, redaction);
    void this.#recordQuietly(
      { kind: 'call-end', callId, server, tool, status, durationMs: Math.round(performance.now() - started), result: recorded.info, redactions: recorded.redactions },
      { defer: true },
    );
    this.#taint.record(conversation, { serverId: entry.server.id, serverUrl: entry.server.url, tool: entry.tool.name }, result);

    // Data flow: labels, then (maybe) the person's review, then audience and redaction.
    let allowed = verdict.output !== 'withhold';
    let reviewedAway = false;
    // A view's own call returns to the view (code of the same server), not to a model: no review.
    if (verdict.output === 'review' && proposer.kind !== 'app') {
      const review = await this.approvals.request(
        { ...this.#approvalBase(callId, entry, args, verdict, proposer), kind: 'result', result, reason: 'The server is not trusted and this tool may reach outside systems: check the result before the model sees it.' },
        signal ? { signal } : {},
      );
      allowed = review.outcome === 'allow';
      reviewedAway = !allowed;
    }
    const view = viewForModel(result, { allowed, redaction: redactionOptions(this.#policy) });
    const outcome: ToolCallOutcome = { status, result, forModel: reviewedAway ? text(REVIEW_NOTICE) : view.forModel, withheld: view.withheld };
    if (view.structuredForModel !== undefined) outcome.structuredForModel = view.structuredForModel;
    return outcome;
  }

  #approvalBase(callId: string, entry: ToolEntry, args: JsonObject, verdict: DecideResult, proposer: Proposer): Omit<ApprovalRequest, 'id' | 'createdAt' | 'expiresAt' | 'kind'> {
    return {
      callId,
      toolId: entry.id,
      server: { id: entry.server.id, url: entry.server.url, origin: originOf(entry.server.url), trusted: verdict.trusted },
      tool: entry.tool,
      displayName: escapeName(entry.tool.name),
      definitionHash: entry.hash,
      args,
      annotations: verdict.annotations,
      reason: verdict.reason,
      ...(verdict.rule !== undefined && { rule: verdict.rule }),
      flags: entry.flags,
      proposer,
    };
  }

  #cancelledBeforeStart(message: string): ToolCallOutcome {
    return { status: 'cancelled', error: { code: ErrorCode.CANCELLED, message }, forModel: text(message) };
  }

  /** Appends to the audit log, or skips when it failed and the host chose to fail open. */
  async #record(input: AuditInput): Promise<void> {
    if (!this.#audit.writable && this.#audit.failMode === 'open' && this.#audit.health.state === 'failed') return;
    await this.#audit.append(input);
  }

  /**
   * Like `#record`, for records after the fact (the call already ran): a failure is reported by
   * the log's health (`AuditLog.fail`). `defer` (a `call-end` nobody waits for): it may share the
   * next call's write-ahead transaction instead of delaying it with a commit of its own.
   */
  async #recordQuietly(input: AuditInput, options: { defer?: boolean } = {}): Promise<void> {
    try {
      if (!this.#audit.writable && this.#audit.failMode === 'open' && this.#audit.health.state === 'failed') return;
      await this.#audit.append(input, options);
    } catch {
      /* the log's `health` event reports it */
    }
  }
}
