/**
 * The MCP client of the modern era (2026-07-28, stateless): no `initialize`; every request carries
 * `_meta` with the protocol version, client info and capabilities. On top of the RPC engine it adds
 * version renegotiation (-32022 → a version from `data.supported`), header repair (-32020 → re-list
 * tools, retry), `resultType` handling with MRTR rounds, result caching, `x-mcp-header` validation
 * (invalid tools are dropped and reported), and list-change notifications via `subscriptions/listen`.
 */
import { ErrorCode, TgError, errorCode } from '../shared/errors.js';
import { ResultCache } from './cache.js';
import { paramHeaders, toolHeaderSpec, type ParamHeader } from './headers.js';
import { classifyResult, fulfilInputRequests, MAX_INPUT_ROUNDS, retryParams, type InputHandler } from './mrtr.js';
import type { RequestOptions, RpcEngine } from './rpc.js';
import type { CallToolOptions } from './session.js';
import { SessionClient, type ProblemSink, type SessionClientOptions } from './session-client.js';
import { parseDiscoverResult } from './validate.js';
import { MetaKey, Method, MODERN_PROTOCOL_VERSIONS, RpcErrorCode, type CallToolResult, type DiscoverResult, type Implementation, type JsonObject, type JsonRpcRequest, type LogLevel, type Tool } from '../shared/wire.js';

/** The per-request `_meta` of the modern era (basic/index.mdx §_meta). */
export function requestMeta(version: string, clientInfo: Implementation, capabilities: JsonObject): JsonObject {
  return {
    [MetaKey.PROTOCOL_VERSION]: version,
    [MetaKey.CLIENT_INFO]: { ...clientInfo },
    [MetaKey.CLIENT_CAPABILITIES]: { ...capabilities },
  };
}

/** A version from a -32022 `data.supported` list that this client speaks, preferring its newest. */
export function pickModernVersion(data: unknown): string | undefined {
  const supported = (data as { supported?: unknown } | undefined)?.supported;
  if (!Array.isArray(supported)) return undefined;
  return MODERN_PROTOCOL_VERSIONS.find((v) => supported.includes(v));
}

/** A subscription stream that keeps dropping is retried this many times, with growing pauses. */
const LISTEN_MAX_ATTEMPTS = 5;
const LISTEN_BASE_DELAY_MS = 1000;
const LISTEN_MAX_DELAY_MS = 30_000;
/** A listen request is long-lived by design; this only bounds a stream that went silently dead. */
const LISTEN_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export interface ModernClientOptions extends SessionClientOptions {
  clientInfo: Implementation;
  /** Declared per request in `_meta` (only what the host backs with a handler). */
  capabilities?: JsonObject;
  /** The version detection chose; renegotiated if the server answers -32022. */
  protocolVersion: string;
  /** Answers MRTR input requests (elicitation); absent → such requests fail with `TG_INPUT_UNAVAILABLE`. */
  onInput?: InputHandler;
  cache?: ResultCache;
}

export class ModernClient extends SessionClient {
  readonly era = 'modern' as const;
  readonly #options: ModernClientOptions;
  readonly #cache: ResultCache;
  #version: string;
  /** `Mcp-Param-*` specs of the tools from the latest full listing. */
  readonly #toolHeaders = new Map<string, ParamHeader[]>();
  /** Tools dropped for an invalid header spec, with the reason: calling them is refused. */
  readonly #rejected = new Map<string, string>();
  #listening?: AbortController;
  #logLevel?: LogLevel;

  constructor(rpc: RpcEngine, options: ModernClientOptions) {
    super(rpc, options);
    this.#options = options;
    this.#version = options.protocolVersion;
    this.#cache = options.cache ?? new ResultCache();
  }

  get protocolVersion(): string {
    return this.#version;
  }

  /** The `Mcp-Param-*` headers for a request (the transport asks, per POST). */
  paramHeadersFor(request: Pick<JsonRpcRequest, 'method' | 'params'>): Record<string, string> {
    if (request.method !== Method.TOOLS_CALL) return {};
    const name = request.params?.name;
    const spec = typeof name === 'string' ? this.#toolHeaders.get(name) : undefined;
    const args = request.params?.arguments;
    return spec ? paramHeaders(spec, typeof args === 'object' && args !== null ? (args as JsonObject) : undefined) : {};
  }

  async discover(options: RequestOptions = {}): Promise<DiscoverResult> {
    return parseDiscoverResult(await this.request(Method.SERVER_DISCOVER, {}, options));
  }

  /** Header specs are rebuilt from each full listing; a tool with an invalid one is dropped (server/tools.mdx). */
  protected adoptTools(tools: Tool[], report?: ProblemSink): Tool[] {
    this.#toolHeaders.clear();
    this.#rejected.clear();
    const usable: Tool[] = [];
    for (const tool of tools) {
      const spec = toolHeaderSpec(tool);
      if (!spec.ok) {
        this.#rejected.set(tool.name, spec.reason);
        this.problem(`Dropped tool ${tool.name}: ${spec.reason}`, report);
        continue;
      }
      if (spec.params.length > 0) this.#toolHeaders.set(tool.name, spec.params);
      usable.push(tool);
    }
    return usable;
  }

  protected toolsStale(): boolean {
    this.#cache.invalidate(Method.TOOLS_LIST);
    return true;
  }

  protected send(method: string, params: JsonObject | undefined, options: RequestOptions): Promise<JsonObject> {
    return this.request(method, params ?? {}, options);
  }

  /** Tasks are an extension in 2026-07-28 that this client does not negotiate: `task` is ignored and the call runs inline. */
  async callTool(name: string, args: JsonObject, options: CallToolOptions = {}): Promise<CallToolResult> {
    const { task: _task, onTaskStatus: _onTaskStatus, ...rpcOptions } = options;
    const rejected = this.#rejected.get(name);
    if (rejected !== undefined) {
      throw new TgError(ErrorCode.TOOL_REJECTED, `Tool ${name} was dropped from tools/list: ${rejected}`, { data: { tool: name, reason: rejected } });
    }
    return this.toolResult(name, await this.request(Method.TOOLS_CALL, { name, arguments: args }, rpcOptions));
  }

  /** 2026-07-28 replaced `resources/subscribe` with `subscriptions/listen` filters, which this client does not open for resources yet. */
  async subscribeResource(): Promise<void> {
    throw new TgError(ErrorCode.UNSUPPORTED_FEATURE, 'Resource subscriptions over 2026-07-28 (subscriptions/listen) are not supported yet');
  }

  async unsubscribeResource(): Promise<void> {}

  /**
   * There is no `logging/setLevel` in 2026-07-28: the level is sent in the `_meta` of every later
   * request, and the server logs only on that request's own stream (server/utilities/logging.mdx).
   */
  async setLogLevel(level: LogLevel): Promise<void> {
    this.#logLevel = level;
  }

  /**
   * One logical request: served from the cache when fresh; otherwise sent with `_meta`, renegotiated
   * once on -32022, repaired once on -32020 (tools/call), re-issued once with a new id if its stream
   * broke (never a tools/call: tools have side effects), and carried through MRTR rounds. Each
   * attempt is a new JSON-RPC request, so each has a new id.
   */
  async request(method: string, params: JsonObject, options: RequestOptions = {}): Promise<JsonObject> {
    const cached = this.#cache.get(method, params);
    if (cached) return cached;
    let current = params;
    let rounds = 0;
    const retried = { version: false, headers: false, stream: false };
    for (;;) {
      let raw: JsonObject;
      try {
        raw = await this.rpc.request(method, this.#withMeta(current), options);
      } catch (err) {
        const rpcCode = (err as { rpcCode?: unknown }).rpcCode;
        if (rpcCode === RpcErrorCode.UNSUPPORTED_PROTOCOL_VERSION && !retried.version) {
          retried.version = true;
          this.#renegotiate(err);
          continue;
        }
        if (rpcCode === RpcErrorCode.HEADER_MISMATCH && method === Method.TOOLS_CALL && !retried.headers) {
          retried.headers = true;
          // The tool's inputSchema may have changed: re-list (bypassing the cache), then retry with fresh headers.
          this.#cache.invalidate(Method.TOOLS_LIST);
          await this.listTools(options);
          const name = current.name as string;
          if (this.#rejected.has(name)) throw err;
          continue;
        }
        if (errorCode(err) === ErrorCode.STREAM_INTERRUPTED && method !== Method.TOOLS_CALL && !retried.stream) {
          retried.stream = true;
          continue;
        }
        throw err;
      }
      const classified = classifyResult(method, raw);
      if (classified.resultType === 'complete') {
        this.#cache.put(method, current, raw);
        return raw;
      }
      if (classified.resultType === 'invalid') {
        throw new TgError(ErrorCode.PROTOCOL_ERROR, `${method} result is invalid: ${classified.reason}`);
      }
      if (++rounds > MAX_INPUT_ROUNDS) {
        throw new TgError(ErrorCode.INPUT_UNAVAILABLE, `${method} still asked for input after ${MAX_INPUT_ROUNDS} rounds`);
      }
      const responses = classified.inputRequests
        ? await fulfilInputRequests(classified.inputRequests, this.#options.onInput ?? noInput)
        : undefined;
      options.signal?.throwIfAborted();
      current = retryParams(params, classified, responses);
    }
  }

  /**
   * Opens `subscriptions/listen` for tool-list changes and keeps it open: a clean final result ends
   * it; a dropped stream is reopened with backoff, a bounded number of times.
   */
  listenForToolChanges(): void {
    if (this.#listening || this.rpc.closed) return;
    const controller = new AbortController();
    this.#listening = controller;
    void (async () => {
      for (let attempt = 1; attempt <= LISTEN_MAX_ATTEMPTS && !controller.signal.aborted && !this.rpc.closed; attempt++) {
        try {
          await this.rpc.request(
            Method.SUBSCRIPTIONS_LISTEN,
            this.#withMeta({ notifications: { toolsListChanged: true } }),
            { signal: controller.signal, timeoutMs: LISTEN_TIMEOUT_MS, maxTotalTimeoutMs: LISTEN_TIMEOUT_MS },
          );
          return; // graceful closure by the server
        } catch (cause) {
          if (controller.signal.aborted || this.rpc.closed) return;
          const rpcCode = (cause as { rpcCode?: unknown }).rpcCode;
          if (typeof rpcCode === 'number') {
            this.#options.onproblem?.(new TgError(ErrorCode.PROTOCOL_ERROR, 'subscriptions/listen was refused; tool changes will not be pushed', { cause }));
            return; // an answer, not a drop: retrying would get the same answer
          }
        }
        const delay = Math.min(LISTEN_MAX_DELAY_MS, LISTEN_BASE_DELAY_MS * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    })();
  }

  override stop(): void {
    this.#listening?.abort('connection closing');
  }

  #withMeta(params: JsonObject): JsonObject {
    const meta = requestMeta(this.#version, this.#options.clientInfo, this.#options.capabilities ?? {});
    if (this.#logLevel !== undefined) meta[MetaKey.LOG_LEVEL] = this.#logLevel;
    return { ...params, _meta: { ...(params._meta as JsonObject | undefined), ...meta } };
  }

  #renegotiate(err: unknown): void {
    const data = (err as { data?: unknown }).data;
    const version = pickModernVersion(data);
    if (version === undefined) {
      throw new TgError(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION, 'The server supports no protocol version this client speaks', {
        data: { offered: this.#version, supported: (data as { supported?: unknown } | undefined)?.supported, speaks: [...MODERN_PROTOCOL_VERSIONS] },
        cause: err,
      });
    }
    this.#version = version;
  }
}

const noInput: InputHandler = async (request) => {
  throw new TgError(ErrorCode.INPUT_UNAVAILABLE, `The server asked for ${request.method}, which this client does not offer`);
};
