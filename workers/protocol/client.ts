/**
 * The MCP session over an RPC engine (2025-03-26 … 2025-11-25 era): `initialize` with version
 * negotiation, paginated `tools/list`, `tools/call`, and re-listing on `tools/list_changed`.
 * Transport-agnostic, so the HTTP transports and the stateless era can slot in beside it.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import { OutputSchemas } from './output-schema.js';
import { collectPages } from './pagination.js';
import type { RequestOptions, RpcEngine } from './rpc.js';
import { completeParams, type McpSession } from './session.js';
import { handleLogMessages } from './logging.js';
import {
  parseCallToolResult,
  parseCompleteResult,
  parseGetPromptResult,
  parseInitializeResult,
  parsePage,
  parseReadResourceResult,
  parseToolPage,
  promptProblem,
  resourceProblem,
  type Page,
} from './validate.js';
import {
  Method,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Completion,
  type CompletionArgument,
  type CompletionContext,
  type CompletionRef,
  type GetPromptResult,
  type Implementation,
  type InitializeResult,
  type JsonObject,
  type LogLevel,
  type LogMessage,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type Tool,
} from './wire.js';

export { MAX_LIST_PAGES } from './pagination.js';

export interface McpClientOptions {
  clientInfo: Implementation;
  /** Capabilities declared in `initialize` (only those the host backs with a handler). */
  capabilities?: JsonObject;
  /** The version offered in `initialize` (default: the newest legacy version). */
  protocolVersion?: string;
  /** Versions the server may choose (default: SUPPORTED_PROTOCOL_VERSIONS); HTTP+SSE adds 2024-11-05. */
  acceptedVersions?: readonly string[];
  /** Called with the negotiated version before `notifications/initialized` is sent. */
  onVersionNegotiated?: (version: string) => void;
  /** The full, re-listed tool set after `notifications/tools/list_changed`. */
  onToolsChanged?: (tools: Tool[]) => void;
  /** Checked `notifications/message` from the server. */
  onLog?: (message: LogMessage) => void;
  /** Non-fatal problems, e.g. a tool definition that was dropped. */
  onproblem?: (error: TgError) => void;
}

export class McpClient implements McpSession {
  readonly era = 'legacy' as const;
  readonly #rpc: RpcEngine;
  readonly #options: McpClientOptions;
  #session?: InitializeResult;
  #relisting?: Promise<void>;
  #relistAgain = false;
  readonly #outputs = new OutputSchemas();

  constructor(rpc: RpcEngine, options: McpClientOptions) {
    this.#rpc = rpc;
    this.#options = options;
    rpc.setNotificationHandler(Method.TOOLS_LIST_CHANGED, () => this.#relist());
    handleLogMessages(rpc, options.onLog, options.onproblem);
  }

  get session(): InitializeResult | undefined {
    return this.#session;
  }

  /** Negotiates the protocol version; throws `TG_UNSUPPORTED_PROTOCOL_VERSION` on one we don't speak. */
  async initialize(options: Pick<RequestOptions, 'timeoutMs' | 'signal'> = {}): Promise<InitializeResult> {
    const offered = this.#options.protocolVersion ?? SUPPORTED_PROTOCOL_VERSIONS[0];
    const raw = await this.#rpc.request(
      Method.INITIALIZE,
      {
        protocolVersion: offered,
        capabilities: { ...this.#options.capabilities },
        clientInfo: { ...this.#options.clientInfo },
      },
      { ...options, cancellable: false },
    );
    const result = parseInitializeResult(raw);
    const accepted = this.#options.acceptedVersions ?? SUPPORTED_PROTOCOL_VERSIONS;
    if (!accepted.includes(result.protocolVersion)) {
      throw new TgError(
        ErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
        `Server chose protocol version ${result.protocolVersion}; this client speaks ${accepted.join(', ')}`,
        { data: { offered, received: result.protocolVersion, supported: [...accepted] } },
      );
    }
    this.#options.onVersionNegotiated?.(result.protocolVersion);
    await this.#rpc.notify(Method.INITIALIZED);
    this.#session = result;
    return result;
  }

  /** Every tool, following `nextCursor` until the last page. Cursors are opaque (`""` is valid). */
  async listTools(options: RequestOptions = {}): Promise<Tool[]> {
    const tools = await this.#list(Method.TOOLS_LIST, async (params) => {
      const page = parseToolPage(await this.#rpc.request(Method.TOOLS_LIST, params, options));
      return { items: page.tools, dropped: page.dropped, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
    }, (tool: Tool) => tool.name);
    this.#outputs.update(tools);
    return tools;
  }

  async listResources(options: RequestOptions = {}): Promise<Resource[]> {
    return this.#list(Method.RESOURCES_LIST, async (params) =>
      parsePage<Resource>(Method.RESOURCES_LIST, await this.#rpc.request(Method.RESOURCES_LIST, params, options), 'resources', resourceProblem),
    (resource) => resource.uri);
  }

  async readResource(uri: string, options: RequestOptions = {}): Promise<ReadResourceResult> {
    this.#requireSession();
    return parseReadResourceResult(await this.#rpc.request(Method.RESOURCES_READ, { uri }, options));
  }

  async listPrompts(options: RequestOptions = {}): Promise<Prompt[]> {
    return this.#list(Method.PROMPTS_LIST, async (params) =>
      parsePage<Prompt>(Method.PROMPTS_LIST, await this.#rpc.request(Method.PROMPTS_LIST, params, options), 'prompts', promptProblem),
    (prompt) => prompt.name);
  }

  async getPrompt(name: string, args?: Record<string, string>, options: RequestOptions = {}): Promise<GetPromptResult> {
    this.#requireSession();
    const params: JsonObject = args === undefined ? { name } : { name, arguments: args };
    return parseGetPromptResult(await this.#rpc.request(Method.PROMPTS_GET, params, options));
  }

  async complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext, options: RequestOptions = {}): Promise<Completion> {
    this.#requireSession();
    return parseCompleteResult(await this.#rpc.request(Method.COMPLETE, completeParams(ref, argument, context), options));
  }

  /** `logging/setLevel`: the server sends messages at this level and above for the rest of the session. */
  async setLogLevel(level: LogLevel, options: RequestOptions = {}): Promise<void> {
    this.#requireSession();
    await this.#rpc.request(Method.LOGGING_SET_LEVEL, { level }, options);
  }

  #list<T>(
    method: string,
    fetchPage: (params: JsonObject | undefined) => Promise<Page<T>>,
    keyOf: (item: T) => string,
  ): Promise<T[]> {
    this.#requireSession();
    return collectPages(method, (cursor) => fetchPage(cursor === undefined ? undefined : { cursor }), keyOf, (reason) =>
      this.#problem(`Dropped a ${method} entry: ${reason}`),
    );
  }

  async callTool(name: string, args: JsonObject, options: RequestOptions = {}): Promise<CallToolResult> {
    this.#requireSession();
    const raw = await this.#rpc.request(Method.TOOLS_CALL, { name, arguments: args }, options);
    const result = parseCallToolResult(raw);
    this.#outputs.check(name, result, this.era);
    return result;
  }

  #requireSession(): void {
    if (!this.#session) throw new TgError(ErrorCode.NOT_CONNECTED, 'MCP session is not initialized');
  }

  /** Coalesces bursts of list_changed: one re-list at a time, one more if another arrived meanwhile. */
  #relist(): void {
    if (!this.#session) return;
    if (this.#relisting) {
      this.#relistAgain = true;
      return;
    }
    this.#relisting = (async () => {
      do {
        this.#relistAgain = false;
        try {
          const tools = await this.listTools();
          if (!this.#relistAgain) this.#options.onToolsChanged?.(tools);
        } catch (cause) {
          if (this.#rpc.closed) return;
          this.#options.onproblem?.(new TgError(ErrorCode.PROTOCOL_ERROR, 'Re-listing tools after list_changed failed', { cause }));
        }
      } while (this.#relistAgain);
    })().finally(() => {
      this.#relisting = undefined;
    });
  }

  #problem(message: string): void {
    this.#options.onproblem?.(new TgError(ErrorCode.PROTOCOL_ERROR, message));
  }
}
