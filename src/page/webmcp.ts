/**
 * The WebMCP bridge (experimental, off by default): Toolgate and `document.modelContext`, the
 * browser API of the W3C Web Machine Learning group's WebMCP draft
 * (https://webmachinelearning.github.io/webmcp/), both ways.
 *
 * - **Offer** (`WebMcpTools`): tools the page registered on `document.modelContext` become one
 *   more server behind the gate, "Tools in this page (WebMCP)" (`webmcp://<host>/`). They are not
 *   the host's word: scripts of other origins can expose tools to this document (`exposedTo`), so
 *   they are treated as an untrusted server (annotations are claims, definitions are pinned, the
 *   policy may trust the URL). Arguments are checked against the `inputSchema` before the tool runs.
 * - **Publish** (`publishGatedTools`): the gated tools of the MCP servers are registered on
 *   `document.modelContext`, so a browser's own agent can use them; each call it makes enters the
 *   gate like any other (proposer `{ kind: 'webmcp' }`: policy, approval, audit, and it shows in
 *   the conversation), and it gets only what the data-flow rules let every provider have.
 *   `exposedTo` is passed on as WebMCP defines it (origins of other documents in the page's tree
 *   that may see the tools; each must be potentially trustworthy).
 *
 * The draft specifies the producer half (`registerTool(tool, { signal, exposedTo })`, the
 * `toolchange` event); the consumer half (`getTools()`, `executeTool(tool, inputJson, { signal })`,
 * resolving with the result as JSON text) is what Chrome ships and the draft leaves as a TODO, so
 * everything is feature-detected: without `document.modelContext` nothing happens. No DOM beyond
 * the `modelContext` object itself.
 */
import { ErrorCode, TgError, invalidArgument } from '../../workers/shared/errors.js';
import type { CallToolResult, ContentBlock, JsonObject, Tool } from '../../workers/shared/wire.js';
import type { GateConnection } from '../gate/gate.js';
import type { GatedTool, ToolCallOutcome, ToolCallRequest } from '../gate/tool-gate.js';
import { argumentProblems, pageToolsUrl, toCallToolResult, toolFromDefinition, PAGE_TOOL_NAME } from './page-tools.js';

/** A tool as WebMCP registers it (`ModelContextTool`). */
export interface WebMcpToolDefinition {
  name: string;
  title?: string;
  description: string;
  inputSchema?: object;
  annotations?: { readOnlyHint?: boolean; untrustedContentHint?: boolean };
  execute(input: JsonObject): Promise<unknown> | unknown;
}

/** A registered tool as `getTools()` lists it: the schema may come as JSON text (the draft's "input schema" is a string). */
export interface WebMcpToolInfo {
  name: string;
  title?: string | null;
  description?: string;
  inputSchema?: string | object;
  annotations?: { readOnlyHint?: boolean; untrustedContentHint?: boolean };
}

/** The part of `ModelContext` Toolgate uses; everything but `registerTool` is optional. */
export interface ModelContextLike {
  registerTool(tool: WebMcpToolDefinition, options?: { signal?: AbortSignal; exposedTo?: string[] }): Promise<void> | void;
  getTools?(): Promise<readonly WebMcpToolInfo[]> | readonly WebMcpToolInfo[];
  executeTool?(tool: WebMcpToolInfo, input: string, options?: { signal?: AbortSignal }): Promise<unknown>;
  addEventListener?(type: 'toolchange', listener: () => void): void;
  removeEventListener?(type: 'toolchange', listener: () => void): void;
}

/** `document.modelContext` when the browser (or a polyfill) has it; `navigator.modelContext` for earlier previews. */
export function findModelContext(scope: { document?: unknown; navigator?: unknown } = globalThis): ModelContextLike | undefined {
  for (const holder of [scope.document, scope.navigator]) {
    const candidate = (holder as { modelContext?: unknown } | undefined)?.modelContext;
    if (typeof candidate === 'object' && candidate !== null && typeof (candidate as ModelContextLike).registerTool === 'function') return candidate as ModelContextLike;
  }
  return undefined;
}

/** Names registered by Toolgate's publisher, so the offer side never hands them back to the agent. */
const published = new WeakMap<ModelContextLike, Set<string>>();
const publishedBy = (context: ModelContextLike) => {
  let names = published.get(context);
  if (!names) published.set(context, (names = new Set()));
  return names;
};

const MAX_TOOLS = 256;

/** A listed WebMCP tool as an MCP tool, or undefined when it is unusable (bad name, no schema object). */
function toolFromInfo(info: WebMcpToolInfo): Tool | undefined {
  if (typeof info?.name !== 'string' || !PAGE_TOOL_NAME.test(info.name)) return undefined;
  let inputSchema: unknown = info.inputSchema;
  if (typeof inputSchema === 'string') {
    try {
      inputSchema = inputSchema === '' ? undefined : JSON.parse(inputSchema);
    } catch {
      return undefined;
    }
  }
  try {
    return toolFromDefinition({
      name: info.name,
      ...(typeof info.title === 'string' && info.title !== '' && { title: info.title.slice(0, 200) }),
      description: typeof info.description === 'string' && info.description.trim() !== '' ? info.description.slice(0, 10_000) : info.name,
      ...(inputSchema !== undefined && { inputSchema: inputSchema as JsonObject }),
      ...(info.annotations && { annotations: { ...info.annotations } }),
      execute: () => undefined,
    });
  } catch {
    return undefined;
  }
}

export interface WebMcpToolsOptions {
  /** Default `webmcp://<this page's host>/`. */
  url?: string;
  /** A call that has not settled after this many ms fails with `TG_TIMEOUT`. Default 60 000. */
  timeoutMs?: number;
}

/** Tools on `document.modelContext`, offered to the agent as one gated server. */
export class WebMcpTools extends EventTarget implements GateConnection {
  readonly config: { readonly url: string };
  readonly label = 'Tools in this page (WebMCP)';
  readonly #context: ModelContextLike;
  readonly #timeoutMs: number;
  #tools: Tool[] = [];
  #infos = new Map<string, WebMcpToolInfo>();
  readonly #onChange = () => void this.refresh();

  constructor(context: ModelContextLike, options: WebMcpToolsOptions = {}) {
    super();
    if (!context || typeof context.registerTool !== 'function') throw invalidArgument('context', 'a WebMCP ModelContext');
    this.#context = context;
    this.config = Object.freeze({ url: options.url ?? pageToolsUrl('webmcp') });
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    context.addEventListener?.('toolchange', this.#onChange);
  }

  /** Whether the browser lets this page list and run its tools (Chrome's `getTools`/`executeTool`). */
  get available(): boolean {
    return typeof this.#context.getTools === 'function' && typeof this.#context.executeTool === 'function';
  }

  get tools(): readonly Tool[] {
    return this.#tools;
  }

  async listTools(): Promise<Tool[]> {
    await this.refresh();
    return [...this.#tools];
  }

  /** Lists the tools again (on `toolchange`); `tools-changed` when they changed. */
  async refresh(): Promise<void> {
    if (!this.available) return;
    let infos: readonly WebMcpToolInfo[];
    try {
      infos = await this.#context.getTools!();
    } catch {
      return; // not allowed here (permissions policy): nothing to offer
    }
    const mine = publishedBy(this.#context);
    const next = new Map<string, WebMcpToolInfo>();
    const tools: Tool[] = [];
    for (const info of Array.isArray(infos) ? infos.slice(0, MAX_TOOLS) : []) {
      if (mine.has(info?.name) || next.has(info?.name)) continue;
      const tool = toolFromInfo(info);
      if (!tool) continue;
      next.set(tool.name, info);
      tools.push(tool);
    }
    const changed = JSON.stringify(tools) !== JSON.stringify(this.#tools);
    this.#infos = next;
    this.#tools = tools;
    if (changed) this.dispatchEvent(new CustomEvent('tools-changed', { detail: { tools: [...tools] } }));
  }

  /** Only the gate calls this. */
  async callTool(name: string, args: JsonObject = {}, options: { signal?: AbortSignal } = {}): Promise<CallToolResult> {
    const info = this.#infos.get(name);
    const tool = this.#tools.find((t) => t.name === name);
    if (!info || !tool || !this.available) throw new TgError(ErrorCode.TOOL_UNKNOWN, `The page no longer offers the WebMCP tool ${name}`);
    const refusal = await argumentProblems(tool, args);
    if (refusal) return refusal;
    const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(this.#timeoutMs)]);
    let raw: unknown;
    try {
      raw = await this.#context.executeTool!(info, JSON.stringify(args), { signal });
    } catch (err) {
      if (options.signal?.aborted) throw new TgError(ErrorCode.CANCELLED, 'The call was cancelled', { cause: err });
      if (signal.aborted) throw new TgError(ErrorCode.TIMEOUT, `The WebMCP tool ${name} did not finish within ${this.#timeoutMs} ms`, { cause: err });
      return { isError: true, content: [{ type: 'text', text: `The WebMCP tool failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000) }] };
    }
    // Chrome resolves with the result as JSON text, and with null when the call was interrupted.
    if (raw === null) throw new TgError(ErrorCode.CANCELLED, `The WebMCP tool ${name} was interrupted`);
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    return toCallToolResult(value, 4 * 1024 * 1024);
  }

  /** Stops following `toolchange`. */
  close(): void {
    this.#context.removeEventListener?.('toolchange', this.#onChange);
  }
}

/** Typed `tools-changed` listeners. */
export interface WebMcpTools {
  addEventListener(type: 'tools-changed', listener: (event: CustomEvent<{ tools: Tool[] }>) => void): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: 'tools-changed', listener: (event: CustomEvent<{ tools: Tool[] }>) => void): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** What the publisher needs: the gated tools, and the one entry for a call that is not the model's. */
export interface PublishSource {
  tools(): GatedTool[];
  call(request: Omit<ToolCallRequest, 'proposer'> & { proposer: { kind: 'webmcp' } }): Promise<ToolCallOutcome>;
  /** Calls `listener` when the tools may have changed; returns the function that stops it. */
  onChange(listener: () => void): () => void;
}

export interface PublishOptions {
  /** WebMCP's `exposedTo`: origins of other documents in the page's tree that may see the tools. Each must be https (or loopback http). */
  exposedTo?: readonly string[];
  /** Tools not to publish, e.g. the page's own (the host can register those itself) and those that came from WebMCP. */
  exclude?: (tool: GatedTool) => boolean;
  /** A registration the browser refused (permissions policy, a name taken). */
  onError?: (error: unknown, tool: GatedTool) => void;
}

/** WebMCP's rule for `exposedTo`: a URL whose origin is potentially trustworthy. */
function checkExposedTo(origins: readonly string[]): string[] {
  if (!Array.isArray(origins)) throw invalidArgument('options.exposedTo', 'an array of origins');
  return origins.map((origin, i) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw invalidArgument(`options.exposedTo[${i}]`, 'an origin such as "https://agent.example"');
    }
    const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw invalidArgument(`options.exposedTo[${i}]`, 'a potentially trustworthy origin (https:, or http: on loopback)');
    return url.origin;
  });
}

/** What the browser's agent gets back: what a model may see of the outcome. */
function webMcpResult(outcome: ToolCallOutcome): { content: ContentBlock[]; isError: boolean } {
  return { content: outcome.forModel, isError: outcome.status !== 'ok' };
}

/**
 * Publishes the gated tools on `context` for a browser's own agent, and keeps them in step with
 * the gate; `close()` unregisters them all. The names are the gate's tool ids.
 */
export function publishGatedTools(context: ModelContextLike, source: PublishSource, options: PublishOptions = {}): { close(): void } {
  const exposedTo = options.exposedTo === undefined ? undefined : checkExposedTo(options.exposedTo);
  const mine = publishedBy(context);
  const live = new Map<string, { controller: AbortController; hash: string }>();
  const skip = (t: GatedTool) => t.quarantined === true || options.exclude?.(t) === true;

  const sync = () => {
    const wanted = new Map(source.tools().filter((t) => !skip(t)).map((t) => [t.id, t]));
    for (const [name, entry] of live) {
      if (wanted.get(name)?.definitionHash === entry.hash) continue;
      entry.controller.abort();
      live.delete(name);
      mine.delete(name);
    }
    for (const [name, gated] of wanted) {
      if (live.has(name)) continue;
      const controller = new AbortController();
      live.set(name, { controller, hash: gated.definitionHash });
      mine.add(name);
      const tool = gated.tool;
      const definition: WebMcpToolDefinition = {
        name,
        ...(tool.title !== undefined && { title: tool.title }),
        description: tool.description || tool.title || name,
        inputSchema: tool.inputSchema,
        annotations: { readOnlyHint: tool.annotations?.readOnlyHint === true },
        execute: async (input) => webMcpResult(await source.call({ toolId: name, args: (input ?? {}) as JsonObject, proposer: { kind: 'webmcp' } })),
      };
      void Promise.resolve()
        .then(() => context.registerTool(definition, { signal: controller.signal, ...(exposedTo && { exposedTo }) }))
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          live.delete(name);
          mine.delete(name);
          options.onError?.(err, gated);
        });
    }
  };
  const stop = source.onChange(sync);
  sync();
  return {
    close() {
      stop();
      for (const [name, entry] of live) {
        entry.controller.abort();
        mine.delete(name);
      }
      live.clear();
    },
  };
}
