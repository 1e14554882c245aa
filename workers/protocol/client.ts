/**
 * The MCP session over an RPC engine (2025-03-26 … 2025-11-25 era): `initialize` with version
 * negotiation, paginated `tools/list`, `tools/call`, and re-listing on `tools/list_changed`.
 * Transport-agnostic, so the HTTP transports and the stateless era can slot in beside it.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { RequestOptions, RpcEngine } from './rpc.js';
import { parseCallToolResult, parseInitializeResult, parseToolPage } from './validate.js';
import {
  Method,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Implementation,
  type InitializeResult,
  type JsonObject,
  type Tool,
} from './wire.js';

/** Stops a server that hands out cursors forever. */
export const MAX_LIST_PAGES = 1000;

export interface McpClientOptions {
  clientInfo: Implementation;
  /** Capabilities declared in `initialize` (only those the host backs with a handler). */
  capabilities?: JsonObject;
  /** Called with the negotiated version before `notifications/initialized` is sent. */
  onVersionNegotiated?: (version: string) => void;
  /** The full, re-listed tool set after `notifications/tools/list_changed`. */
  onToolsChanged?: (tools: Tool[]) => void;
  /** Non-fatal problems, e.g. a tool definition that was dropped. */
  onproblem?: (error: TgError) => void;
}

export class McpClient {
  readonly #rpc: RpcEngine;
  readonly #options: McpClientOptions;
  #session?: InitializeResult;
  #relisting?: Promise<void>;
  #relistAgain = false;

  constructor(rpc: RpcEngine, options: McpClientOptions) {
    this.#rpc = rpc;
    this.#options = options;
    rpc.setNotificationHandler(Method.TOOLS_LIST_CHANGED, () => this.#relist());
  }

  get session(): InitializeResult | undefined {
    return this.#session;
  }

  /** Negotiates the protocol version; throws `TG_UNSUPPORTED_PROTOCOL_VERSION` on one we don't speak. */
  async initialize(options: Pick<RequestOptions, 'timeoutMs' | 'signal'> = {}): Promise<InitializeResult> {
    const offered = SUPPORTED_PROTOCOL_VERSIONS[0];
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
    if (!(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(result.protocolVersion)) {
      throw new TgError(
        ErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
        `Server chose protocol version ${result.protocolVersion}; this client speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
        { data: { offered, received: result.protocolVersion, supported: [...SUPPORTED_PROTOCOL_VERSIONS] } },
      );
    }
    this.#options.onVersionNegotiated?.(result.protocolVersion);
    await this.#rpc.notify(Method.INITIALIZED);
    this.#session = result;
    return result;
  }

  /** Every tool, following `nextCursor` until the last page. Cursors are opaque (`""` is valid). */
  async listTools(options: RequestOptions = {}): Promise<Tool[]> {
    this.#requireSession();
    const tools: Tool[] = [];
    const names = new Set<string>();
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const params: JsonObject | undefined = cursor === undefined ? undefined : { cursor };
      const result = parseToolPage(await this.#rpc.request(Method.TOOLS_LIST, params, options));
      for (const problem of result.dropped) this.#problem(`Dropped a tool definition: ${problem}`);
      for (const tool of result.tools) {
        if (names.has(tool.name)) {
          this.#problem(`Dropped a duplicate definition of tool ${tool.name}`);
          continue;
        }
        names.add(tool.name);
        tools.push(tool);
      }
      if (result.nextCursor === undefined) return tools;
      if (seenCursors.has(result.nextCursor)) {
        throw new TgError(ErrorCode.PROTOCOL_ERROR, 'tools/list repeated a cursor; the list would never end');
      }
      seenCursors.add(result.nextCursor);
      cursor = result.nextCursor;
    }
    throw new TgError(ErrorCode.PROTOCOL_ERROR, `tools/list had more than ${MAX_LIST_PAGES} pages`);
  }

  async callTool(name: string, args: JsonObject, options: RequestOptions = {}): Promise<CallToolResult> {
    this.#requireSession();
    const raw = await this.#rpc.request(Method.TOOLS_CALL, { name, arguments: args }, options);
    return parseCallToolResult(raw);
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
