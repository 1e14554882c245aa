/**
 * The page's own tools as one more server behind the gate: "This page". The host registers a tool
 * with `registerTool({ name, title, description, inputSchema, annotations, execute })` — the shape
 * of WebMCP's `document.modelContext.registerTool()` — and gets a disposer back. The tools pass
 * the same gate as any MCP server's (policy, approval, rate limits, data flow, audit): the gate
 * sees a `GateConnection` marked `host`, so the host's annotations are believed, its `labels`
 * decide which providers may receive the output, and a changed definition is not quarantined.
 *
 * Before `execute` runs, the arguments are validated against the tool's `inputSchema` (JSON Schema
 * 2020-12 with `@cfworker/json-schema`, loaded on the first call): invalid arguments never reach
 * the host's code; the model gets a tool error listing the problems, so it can try again.
 * `execute` gets a copy of the arguments and `{ signal }` (aborted on Stop, a cancelled call or
 * the timeout). Whatever it returns becomes an MCP result: a `CallToolResult` as is (checked),
 * a string as text, any other JSON value as text plus `structuredContent`; a throw becomes a tool
 * error with the message. Results are copied as JSON and bounded in size. No DOM.
 *
 * @example
 * ```ts
 * const dispose = agent.registerTool({
 *   name: 'add_to_cart',
 *   title: 'Add to cart',
 *   description: 'Adds a product to the cart.',
 *   inputSchema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
 *   annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
 *   execute: async ({ sku }, { signal }) => cart.add(String(sku), { signal }),
 * });
 * // later: dispose();
 * ```
 */
import { ErrorCode, TgError, invalidArgument } from '../../workers/shared/errors.js';
import type { CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations } from '../../workers/shared/wire.js';
import type { GateConnection } from '../gate/gate.js';
import type { HostProvided } from '../gate/policy.js';

/** What `execute` gets besides the arguments. */
export interface PageToolContext {
  /** Aborted when the call is cancelled (Stop, the person withdrew it) or times out. */
  signal: AbortSignal;
}

/** A tool the page provides, in WebMCP's shape (`ModelContextTool`) plus MCP's `annotations`. */
export interface PageToolDefinition {
  /** 1–128 characters of `A–Z a–z 0–9 _ - .` (WebMCP's rule); unique among the page's tools. */
  name: string;
  /** Shown to the person instead of the name. */
  title?: string;
  /** What the tool does, for the model. Required (WebMCP requires it too). */
  description: string;
  /** JSON Schema of the arguments (an object schema). Default: no arguments. */
  inputSchema?: JsonObject;
  /**
   * MCP's hints (WebMCP has `readOnlyHint`). The host is trusted, so the gate believes them: a
   * read-only tool runs at once, anything else asks, unless the policy's rules say otherwise.
   */
  annotations?: ToolAnnotations & { untrustedContentHint?: boolean };
  execute(args: JsonObject, context: PageToolContext): unknown;
}

/** WebMCP's second argument of `registerTool`: aborting `signal` unregisters the tool. */
export interface RegisterToolOptions {
  signal?: AbortSignal;
}

export interface PageToolsOptions {
  /** The server's URL for policy patterns and the audit log. Default `page://<this page's host>/`. */
  url?: string;
  /** Shown to the person as the server's name. Default "This page". */
  label?: string;
  /** Provider labels (patterns) that may receive these tools' output. Default: every label. */
  labels?: readonly string[];
  /** A call whose `execute` has not settled after this many ms fails with `TG_TIMEOUT`. Default 60 000. */
  timeoutMs?: number;
  /** Largest result, as JSON characters. Default 4 MiB (a connection's frame limit). */
  maxResultLength?: number;
}

/** WebMCP's tool-name rule. */
export const PAGE_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_DESCRIPTION = 10_000;
const MAX_SCHEMA_LENGTH = 64 * 1024;
const EMPTY_SCHEMA: JsonObject = { type: 'object', properties: {} };

interface Registered {
  tool: Tool;
  execute: PageToolDefinition['execute'];
}

type ToolsChangedListener = (event: CustomEvent<{ tools: Tool[] }>) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(problem: string, message: string): TgError {
  return new TgError(ErrorCode.PAGE_TOOL_INVALID, message, { data: { problem } });
}

/** `TG_PAGE_TOOL_INVALID` for a name that is registered already. */
export function nameTaken(name: string): TgError {
  return invalid('name', `A page tool named ${name} is already registered; unregister it first`);
}

/** The default URL of the page's tools: a scheme of their own, so no policy pattern for remote servers matches it by accident. */
export function pageToolsUrl(scheme = 'page'): string {
  const host = typeof location === 'object' && location.host ? location.host : 'localhost';
  return `${scheme}://${host}/`;
}

/** Checks a definition and turns it into the MCP `Tool` the gate lists (a frozen copy). */
export function toolFromDefinition(definition: PageToolDefinition): Tool {
  if (!isObject(definition)) throw invalidArgument('tool', 'an object');
  const { name, title, description, inputSchema, annotations } = definition;
  if (typeof name !== 'string' || !PAGE_TOOL_NAME.test(name)) {
    throw invalid('name', `A page tool's name must be 1–128 characters of A–Z, a–z, 0–9, "_", "-" or "." (got ${JSON.stringify(String(name)).slice(0, 140)})`);
  }
  if (typeof definition.execute !== 'function') throw invalid('execute', `The page tool ${name} has no execute function`);
  if (typeof description !== 'string' || description.trim() === '') throw invalid('description', `The page tool ${name} needs a description`);
  if (description.length > MAX_DESCRIPTION) throw invalid('description', `The description of the page tool ${name} is longer than ${MAX_DESCRIPTION} characters`);
  if (title !== undefined && (typeof title !== 'string' || title.length > 200)) throw invalid('title', `The title of the page tool ${name} must be a string of at most 200 characters`);
  let schema = EMPTY_SCHEMA;
  if (inputSchema !== undefined) {
    let json: string | undefined;
    try {
      json = JSON.stringify(inputSchema);
    } catch {
      /* cycles and the like: reported below */
    }
    if (!isObject(inputSchema) || json === undefined) throw invalid('inputSchema', `The inputSchema of the page tool ${name} must be a JSON object`);
    if (json.length > MAX_SCHEMA_LENGTH) throw invalid('inputSchema', `The inputSchema of the page tool ${name} is larger than ${MAX_SCHEMA_LENGTH} characters`);
    schema = JSON.parse(json) as JsonObject;
    if (schema.type !== undefined && schema.type !== 'object') throw invalid('inputSchema', `The inputSchema of the page tool ${name} must describe an object (type "object")`);
    if (schema.type === undefined) schema = { type: 'object', ...schema };
  }
  const tool: Tool = { name, description, inputSchema: schema };
  if (title !== undefined) tool.title = title;
  if (annotations !== undefined) {
    if (!isObject(annotations)) throw invalid('annotations', `The annotations of the page tool ${name} must be an object`);
    const hints: ToolAnnotations = {};
    for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
      const value = annotations[key];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw invalid('annotations', `annotations.${key} of the page tool ${name} must be a boolean`);
      hints[key] = value;
    }
    // WebMCP's own hint: the output holds data the page does not vouch for, so the person looks first.
    if (annotations.untrustedContentHint === true) hints.openWorldHint = true;
    tool.annotations = hints;
  }
  return deepFreeze(tool);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const CONTENT_TYPES = new Set(['text', 'image', 'audio', 'resource_link', 'resource']);

/** A content block as MCP defines it, or undefined. */
function contentBlock(block: unknown): ContentBlock | undefined {
  if (!isObject(block) || typeof block.type !== 'string' || !CONTENT_TYPES.has(block.type)) return undefined;
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? (block as ContentBlock) : undefined;
    case 'image':
    case 'audio':
      return typeof block.data === 'string' && typeof block.mimeType === 'string' ? (block as ContentBlock) : undefined;
    case 'resource_link':
      return typeof block.uri === 'string' && typeof block.name === 'string' ? (block as ContentBlock) : undefined;
    default: {
      const r = block.resource;
      return isObject(r) && typeof r.uri === 'string' && (typeof r.text === 'string' || typeof r.blob === 'string') ? (block as ContentBlock) : undefined;
    }
  }
}

/**
 * What `execute` returned, as an MCP result: copied as JSON (so no live object of the page reaches
 * the conversation), bounded to `maxLength` JSON characters.
 */
export function toCallToolResult(value: unknown, maxLength: number): CallToolResult {
  let json: string | undefined;
  try {
    json = JSON.stringify(value ?? null);
  } catch (err) {
    throw new TgError(ErrorCode.PAGE_TOOL_RESULT_INVALID, `The page tool's result is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (json === undefined) throw new TgError(ErrorCode.PAGE_TOOL_RESULT_INVALID, 'The page tool returned something that is not JSON (a function or a symbol)');
  if (json.length > maxLength) {
    throw new TgError(ErrorCode.PAGE_TOOL_RESULT_INVALID, `The page tool's result is larger than ${maxLength} characters of JSON`, { data: { limit: maxLength, length: json.length } });
  }
  const copy: unknown = JSON.parse(json);
  if (copy === null) return { content: [] };
  if (typeof copy === 'string') return { content: [{ type: 'text', text: copy }] };
  if (isObject(copy) && Array.isArray(copy.content)) {
    const blocks = copy.content.map(contentBlock);
    const content = blocks.filter((b): b is ContentBlock => b !== undefined);
    if (content.length < blocks.length) content.push({ type: 'text', text: `[${blocks.length - content.length} content block(s) of the page tool's result were not valid MCP content and were dropped.]` });
    const result: CallToolResult = { content };
    if (isObject(copy.structuredContent)) result.structuredContent = copy.structuredContent;
    if (copy.isError === true) result.isError = true;
    return result;
  }
  const result: CallToolResult = { content: [{ type: 'text', text: json }] };
  if (isObject(copy)) result.structuredContent = copy;
  return result;
}

type Validate = (schema: JsonObject, args: unknown) => { path: string; message: string }[];
let validator: Promise<Validate> | undefined;

/** The schema validator (`@cfworker/json-schema`, through the manual form's module), loaded once on first use. */
function loadValidator(): Promise<Validate> {
  validator ??= import('../llm/manual.js').then(
    (m) => m.validate,
    (err: unknown) => {
      validator = undefined;
      throw err;
    },
  );
  return validator;
}

/**
 * A tool error naming what is wrong with `args` under the tool's `inputSchema`, or undefined when
 * they are valid: the call is then not run, and the model can correct itself.
 */
export async function argumentProblems(tool: Tool, args: unknown): Promise<CallToolResult | undefined> {
  const validate = await loadValidator();
  const problems = validate(tool.inputSchema, args);
  if (problems.length === 0) return undefined;
  const list = problems.map((p) => `${p.path || '(arguments)'}: ${p.message}`).join('; ');
  return { isError: true, content: [{ type: 'text', text: `The arguments do not match the tool's inputSchema, so it was not run: ${list}`.slice(0, 4000) }] };
}

export class PageTools extends EventTarget implements GateConnection {
  readonly config: { readonly url: string };
  readonly host: HostProvided;
  /** The server's name as the person reads it. */
  readonly label: string;
  readonly #tools = new Map<string, Registered>();
  readonly #timeoutMs: number;
  readonly #maxResultLength: number;

  constructor(options: PageToolsOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object');
    if (options.labels !== undefined && (!Array.isArray(options.labels) || options.labels.some((l) => typeof l !== 'string' || l === ''))) {
      throw invalidArgument('options.labels', 'an array of non-empty strings');
    }
    this.config = Object.freeze({ url: options.url ?? pageToolsUrl() });
    this.host = Object.freeze(options.labels ? { labels: Object.freeze([...options.labels]) } : {});
    this.label = options.label ?? 'This page';
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxResultLength = options.maxResultLength ?? 4 * 1024 * 1024;
  }

  /** The registered tools, as MCP tools (frozen). */
  get tools(): readonly Tool[] {
    return [...this.#tools.values()].map((r) => r.tool);
  }

  async listTools(): Promise<Tool[]> {
    return [...this.tools];
  }

  /**
   * Registers a tool; returns the function that unregisters it (so does aborting `options.signal`).
   * Throws `TG_PAGE_TOOL_INVALID` for a bad definition or a name already registered.
   */
  registerTool(definition: PageToolDefinition, options: RegisterToolOptions = {}): () => void {
    const tool = toolFromDefinition(definition);
    if (this.#tools.has(tool.name)) throw nameTaken(tool.name);
    if (options.signal?.aborted) return () => {};
    const entry: Registered = { tool, execute: definition.execute.bind(definition) };
    this.#tools.set(tool.name, entry);
    const dispose = () => {
      options.signal?.removeEventListener('abort', dispose);
      if (this.#tools.get(tool.name) !== entry) return;
      this.#tools.delete(tool.name);
      this.#changed();
    };
    options.signal?.addEventListener('abort', dispose, { once: true });
    this.#changed();
    return dispose;
  }

  /** Unregisters a tool by name (WebMCP's `unregisterTool`); no-op when absent. */
  unregisterTool(name: string): void {
    if (this.#tools.delete(name)) this.#changed();
  }

  /** Only the gate calls this. Validates, runs `execute`, and maps what it returned. */
  async callTool(name: string, args: JsonObject = {}, options: { signal?: AbortSignal } = {}): Promise<CallToolResult> {
    const entry = this.#tools.get(name);
    if (!entry) throw new TgError(ErrorCode.TOOL_UNKNOWN, `The page has no tool ${name} (it was unregistered)`);
    const refusal = await argumentProblems(entry.tool, args);
    if (refusal) return refusal;
    const controller = new AbortController();
    const abort = () => controller.abort(options.signal?.reason ?? new TgError(ErrorCode.CANCELLED, 'The call was cancelled'));
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(() => controller.abort(new TgError(ErrorCode.TIMEOUT, `The page tool ${name} did not finish within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    try {
      const ended = new Promise<never>((_, reject) => {
        const fail = () => reject(controller.signal.reason);
        if (controller.signal.aborted) fail();
        else controller.signal.addEventListener('abort', fail, { once: true });
      });
      let value: unknown;
      try {
        // The host's code runs with its own copy, and an abort ends the call even if execute ignores the signal.
        value = await Promise.race([Promise.resolve().then(() => entry.execute(structuredClone(args), { signal: controller.signal })), ended]);
      } catch (err) {
        if (controller.signal.aborted) throw controller.signal.reason;
        return { isError: true, content: [{ type: 'text', text: `The page tool failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000) }] };
      }
      return toCallToolResult(value, this.#maxResultLength);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
    }
  }

  #changed(): void {
    this.dispatchEvent(new CustomEvent('tools-changed', { detail: { tools: [...this.tools] } }));
  }
}

/** Typed `tools-changed` listeners (declaration merging keeps EventTarget's own overloads). */
export interface PageTools {
  addEventListener(type: 'tools-changed', listener: ToolsChangedListener): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: 'tools-changed', listener: ToolsChangedListener): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
