/**
 * What the two session clients share: listing (every page, entries checked, bad ones dropped and
 * reported), reading resources and prompts, completion, checking a tool result against its
 * `outputSchema`, log messages, and re-listing tools after `notifications/tools/list_changed`.
 * Each era says only how one request is sent (`send`) and what it learns from a tool listing
 * (`adoptTools`): the legacy client (`McpClient`) sends within its `initialize`d session, the modern
 * one (`ModernClient`) adds `_meta`, caching, renegotiation and MRTR rounds.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import { handleLogMessages } from './logging.js';
import { OutputSchemas } from './output-schema.js';
import { collectPages } from './pagination.js';
import type { RequestOptions, RpcEngine } from './rpc.js';
import { completeParams, type CallToolOptions, type McpSession } from './session.js';
import {
  parseCallToolResult,
  parseCompleteResult,
  parseGetPromptResult,
  parsePage,
  parseReadResourceResult,
  parseToolPage,
  promptProblem,
  resourceProblem,
  resourceTemplateProblem,
  type Page,
} from './validate.js';
import { Method, type CallToolResult, type Completion, type CompletionArgument, type CompletionContext, type CompletionRef, type GetPromptResult, type JsonObject, type LogLevel, type LogMessage, type Prompt, type ProtocolEra, type ReadResourceResult, type Resource, type ResourceTemplate, type Tool } from '../shared/wire.js';

/** Where a non-fatal problem goes. */
export type ProblemSink = (error: TgError) => void;

export interface SessionClientOptions {
  /** The full, re-listed tool set after a change notification. */
  onToolsChanged?: (tools: Tool[]) => void;
  /** Checked `notifications/message` from the server. */
  onLog?: (message: LogMessage) => void;
  /** Non-fatal problems, e.g. a tool definition that was dropped. */
  onproblem?: (error: TgError) => void;
}

export abstract class SessionClient implements McpSession {
  abstract readonly era: ProtocolEra;
  protected readonly rpc: RpcEngine;
  readonly #options: SessionClientOptions;
  readonly #outputs = new OutputSchemas();
  #relisting?: Promise<void>;
  #relistAgain = false;

  constructor(rpc: RpcEngine, options: SessionClientOptions) {
    this.rpc = rpc;
    this.#options = options;
    rpc.setNotificationHandler(Method.TOOLS_LIST_CHANGED, () => this.#relist());
    handleLogMessages(rpc, options.onLog, options.onproblem);
  }

  /** Sends one request of this session and resolves with its (complete) result. */
  protected abstract send(method: string, params: JsonObject | undefined, options: RequestOptions): Promise<JsonObject>;

  /** Takes in a full tool listing: what the era must remember of it, and which tools are usable (drops go to `report`). */
  protected abstract adoptTools(tools: Tool[], report?: ProblemSink): Tool[];

  /**
   * Told that the tool list is stale (a change notification); false when re-listing makes no sense
   * now. The modern client drops its cached listing here.
   */
  protected abstract toolsStale(): boolean;

  abstract callTool(name: string, args: JsonObject, options?: CallToolOptions): Promise<CallToolResult>;
  abstract subscribeResource(uri: string, options?: RequestOptions): Promise<void>;
  abstract unsubscribeResource(uri: string, options?: RequestOptions): Promise<void>;
  abstract setLogLevel(level: LogLevel, options?: RequestOptions): Promise<void>;

  /**
   * Every tool, following `nextCursor` until the last page. Cursors are opaque (`""` is valid).
   * Dropped entries are reported to `report` (default: `onproblem`).
   */
  async listTools(options: RequestOptions = {}, report?: ProblemSink): Promise<Tool[]> {
    const tools = this.adoptTools(
      await this.#list(
        Method.TOOLS_LIST,
        options,
        (result) => {
          const page = parseToolPage(result);
          return { items: page.tools, dropped: page.dropped, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
        },
        (tool: Tool) => tool.name,
        report,
      ),
      report,
    );
    this.#outputs.update(tools);
    return tools;
  }

  listResources(options: RequestOptions = {}): Promise<Resource[]> {
    return this.#list(Method.RESOURCES_LIST, options, (r) => parsePage<Resource>(Method.RESOURCES_LIST, r, 'resources', resourceProblem), (x) => x.uri);
  }

  listResourceTemplates(options: RequestOptions = {}): Promise<ResourceTemplate[]> {
    return this.#list(
      Method.RESOURCE_TEMPLATES_LIST,
      options,
      (r) => parsePage<ResourceTemplate>(Method.RESOURCE_TEMPLATES_LIST, r, 'resourceTemplates', resourceTemplateProblem),
      (x) => x.uriTemplate,
    );
  }

  async readResource(uri: string, options: RequestOptions = {}): Promise<ReadResourceResult> {
    return parseReadResourceResult(await this.send(Method.RESOURCES_READ, { uri }, options));
  }

  listPrompts(options: RequestOptions = {}): Promise<Prompt[]> {
    return this.#list(Method.PROMPTS_LIST, options, (r) => parsePage<Prompt>(Method.PROMPTS_LIST, r, 'prompts', promptProblem), (x) => x.name);
  }

  async getPrompt(name: string, args?: Record<string, string>, options: RequestOptions = {}): Promise<GetPromptResult> {
    const params: JsonObject = args === undefined ? { name } : { name, arguments: args };
    return parseGetPromptResult(await this.send(Method.PROMPTS_GET, params, options));
  }

  async complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext, options: RequestOptions = {}): Promise<Completion> {
    return parseCompleteResult(await this.send(Method.COMPLETE, completeParams(ref, argument, context), options));
  }

  /** Stops whatever the session keeps running between requests (the modern listen stream). */
  stop(): void {}

  /** A `tools/call` result, checked: its shape, then `structuredContent` against the tool's `outputSchema`. */
  protected async toolResult(name: string, raw: JsonObject): Promise<CallToolResult> {
    const result = parseCallToolResult(raw);
    await this.#outputs.check(name, result, this.era);
    return result;
  }

  protected problem(message: string, report: ProblemSink | undefined = this.#options.onproblem): void {
    report?.(new TgError(ErrorCode.PROTOCOL_ERROR, message));
  }

  #list<T>(method: string, options: RequestOptions, parse: (result: JsonObject) => Page<T>, keyOf: (item: T) => string, report?: ProblemSink): Promise<T[]> {
    return collectPages(
      method,
      async (cursor) => parse(await this.send(method, cursor === undefined ? undefined : { cursor }, options)),
      keyOf,
      (reason) => this.problem(`Dropped a ${method} entry: ${reason}`, report),
    );
  }

  /** Coalesces bursts of list_changed: one re-list at a time, one more if another arrived meanwhile. */
  #relist(): void {
    if (!this.toolsStale()) return;
    if (this.#relisting) {
      this.#relistAgain = true;
      return;
    }
    this.#relisting = (async () => {
      do {
        this.#relistAgain = false;
        this.toolsStale();
        try {
          const tools = await this.listTools();
          if (!this.#relistAgain) this.#options.onToolsChanged?.(tools);
        } catch (cause) {
          if (this.rpc.closed) return;
          this.#options.onproblem?.(new TgError(ErrorCode.PROTOCOL_ERROR, 'Re-listing tools after list_changed failed', { cause }));
        }
      } while (this.#relistAgain);
    })().finally(() => {
      this.#relisting = undefined;
    });
  }
}
