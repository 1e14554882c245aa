/**
 * Shape checks for what a server sends. The server is untrusted: a result that breaks the shape
 * is refused with `TG_PROTOCOL_ERROR`, and a single bad list entry is dropped and reported
 * rather than poisoning the whole list.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import {
  LOG_LEVELS,
  type CallToolResult,
  type Completion,
  type LogLevel,
  type LogMessage,
  type ContentBlock,
  type DiscoverResult,
  type GetPromptResult,
  type InitializeResult,
  type JsonObject,
  type ListToolsResult,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type Tool,
} from '../shared/wire.js';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
const optionalObject = (v: unknown) => v === undefined || isObject(v);

function protocolError(message: string, data?: unknown): TgError {
  return new TgError(ErrorCode.PROTOCOL_ERROR, message, { data });
}

export function parseInitializeResult(result: JsonObject): InitializeResult {
  const { protocolVersion, capabilities, serverInfo, instructions } = result;
  if (typeof protocolVersion !== 'string') throw protocolError('initialize result lacks protocolVersion');
  if (!isObject(capabilities)) throw protocolError('initialize result lacks capabilities');
  if (!isObject(serverInfo) || typeof serverInfo.name !== 'string') {
    throw protocolError('initialize result lacks serverInfo.name');
  }
  if (!optionalString(instructions)) throw protocolError('initialize instructions is not a string');
  return result as unknown as InitializeResult;
}

/** Why a tool definition is unusable, or undefined when it is fine. */
export function toolProblem(tool: unknown): string | undefined {
  if (!isObject(tool)) return 'tool is not an object';
  if (typeof tool.name !== 'string' || tool.name.length === 0) return 'tool name is not a non-empty string';
  if (!isObject(tool.inputSchema)) return `tool ${tool.name}: inputSchema is not an object`;
  if (!optionalString(tool.title) || !optionalString(tool.description)) return `tool ${tool.name}: title/description not strings`;
  if (!optionalObject(tool.outputSchema) || !optionalObject(tool.annotations) || !optionalObject(tool._meta)) {
    return `tool ${tool.name}: outputSchema/annotations/_meta not objects`;
  }
  return undefined;
}

export interface ToolPage {
  tools: Tool[];
  nextCursor?: string;
  /** Entries dropped from this page, with the reason. */
  dropped: string[];
}

export function parseToolPage(result: JsonObject): ToolPage {
  const { tools, nextCursor } = result as Partial<ListToolsResult> & JsonObject;
  if (!Array.isArray(tools)) throw protocolError('tools/list result has no tools array');
  if (!optionalString(nextCursor)) throw protocolError('tools/list nextCursor is not a string');
  const page: ToolPage = { tools: [], dropped: [] };
  for (const tool of tools) {
    const problem = toolProblem(tool);
    if (problem) page.dropped.push(problem);
    else page.tools.push(tool as Tool);
  }
  if (nextCursor !== undefined) page.nextCursor = nextCursor;
  return page;
}

function contentProblem(block: unknown): string | undefined {
  if (!isObject(block)) return 'content block is not an object';
  const b = block as Partial<Record<string, unknown>>;
  switch (b.type) {
    case 'text':
      return typeof b.text === 'string' ? undefined : 'text block lacks text';
    case 'image':
    case 'audio':
      return typeof b.data === 'string' && typeof b.mimeType === 'string' ? undefined : `${b.type} block lacks data/mimeType`;
    case 'resource_link':
      return typeof b.uri === 'string' && typeof b.name === 'string' ? undefined : 'resource_link lacks uri/name';
    case 'resource': {
      const r = b.resource;
      const ok = isObject(r) && typeof r.uri === 'string' && (typeof r.text === 'string' || typeof r.blob === 'string');
      return ok ? undefined : 'resource block lacks uri and text/blob';
    }
    default:
      return `unknown content type ${JSON.stringify(b.type)}`;
  }
}

export function parseCallToolResult(result: JsonObject): CallToolResult {
  const { content, isError } = result;
  if (!Array.isArray(content)) throw protocolError('tools/call result has no content array');
  if (isError !== undefined && typeof isError !== 'boolean') throw protocolError('tools/call isError is not a boolean');
  for (const [index, block] of content.entries()) {
    const problem = contentProblem(block);
    if (problem) throw protocolError(`tools/call content[${index}]: ${problem}`, { index });
  }
  return { ...result, content: content as ContentBlock[] } as CallToolResult;
}

/** One page of any list: the usable entries, the cursor, and the entries dropped with the reason. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
  dropped: string[];
}

/** Checks a list page: `key` must be an array; each entry is kept or dropped by `problem`. */
export function parsePage<T>(method: string, result: JsonObject, key: string, problem: (entry: unknown) => string | undefined): Page<T> {
  const entries = result[key];
  const { nextCursor } = result;
  if (!Array.isArray(entries)) throw protocolError(`${method} result has no ${key} array`);
  if (!optionalString(nextCursor)) throw protocolError(`${method} nextCursor is not a string`);
  const page: Page<T> = { items: [], dropped: [] };
  for (const entry of entries) {
    const reason = problem(entry);
    if (reason) page.dropped.push(reason);
    else page.items.push(entry as T);
  }
  if (nextCursor !== undefined) page.nextCursor = nextCursor as string;
  return page;
}

export function resourceProblem(resource: unknown): string | undefined {
  if (!isObject(resource)) return 'resource is not an object';
  if (typeof resource.uri !== 'string' || typeof resource.name !== 'string') return 'resource lacks uri/name';
  return undefined;
}

export function resourceTemplateProblem(template: unknown): string | undefined {
  if (!isObject(template)) return 'resource template is not an object';
  if (typeof template.uriTemplate !== 'string' || template.uriTemplate.length === 0 || typeof template.name !== 'string') return 'resource template lacks uriTemplate/name';
  return undefined;
}

export function promptProblem(prompt: unknown): string | undefined {
  if (!isObject(prompt)) return 'prompt is not an object';
  if (typeof prompt.name !== 'string' || prompt.name.length === 0) return 'prompt name is not a non-empty string';
  if (prompt.arguments !== undefined && !Array.isArray(prompt.arguments)) return `prompt ${prompt.name}: arguments is not an array`;
  return undefined;
}

export function parseReadResourceResult(result: JsonObject): ReadResourceResult {
  const { contents } = result;
  if (!Array.isArray(contents)) throw protocolError('resources/read result has no contents array');
  for (const [index, item] of contents.entries()) {
    const ok = isObject(item) && typeof item.uri === 'string' && (typeof item.text === 'string' || typeof item.blob === 'string');
    if (!ok) throw protocolError(`resources/read contents[${index}] lacks uri and text/blob`, { index });
  }
  return result as unknown as ReadResourceResult;
}

export function parseGetPromptResult(result: JsonObject): GetPromptResult {
  const { messages } = result;
  if (!Array.isArray(messages)) throw protocolError('prompts/get result has no messages array');
  for (const [index, message] of messages.entries()) {
    const ok = isObject(message) && (message.role === 'user' || message.role === 'assistant');
    const problem = ok ? contentProblem(message.content) : 'message lacks a user/assistant role';
    if (problem) throw protocolError(`prompts/get messages[${index}]: ${problem}`, { index });
  }
  return result as unknown as GetPromptResult;
}

/** `server/discover`. `serverInfo` is read from `_meta` (spec) or, as some drafts had it, the body. */
export function parseDiscoverResult(result: JsonObject): DiscoverResult {
  const { supportedVersions, capabilities, instructions, _meta } = result;
  if (!Array.isArray(supportedVersions) || !supportedVersions.every((v) => typeof v === 'string')) {
    throw protocolError('server/discover result lacks supportedVersions');
  }
  if (!isObject(capabilities)) throw protocolError('server/discover result lacks capabilities');
  if (!optionalString(instructions)) throw protocolError('server/discover instructions is not a string');
  const metaInfo = isObject(_meta) ? _meta['io.modelcontextprotocol/serverInfo'] : undefined;
  const info = isObject(metaInfo) ? metaInfo : isObject(result.serverInfo) ? result.serverInfo : undefined;
  const discover: DiscoverResult = { supportedVersions: supportedVersions as string[], capabilities };
  if (instructions !== undefined) discover.instructions = instructions as string;
  if (info && typeof info.name === 'string') discover.serverInfo = { name: info.name, version: typeof info.version === 'string' ? info.version : '' };
  return discover;
}

/** Values in one completion answer, as the spec caps them (server/utilities/completion.mdx). */
export const MAX_COMPLETION_VALUES = 100;
/** Longest completion value kept; longer ones are dropped, not cut (a cut value would be a wrong one). */
export const MAX_COMPLETION_VALUE_CHARS = 1024;

/** `completion/complete`: strings only, at most 100 of them; `total`/`hasMore` kept when well-typed. */
export function parseCompleteResult(result: JsonObject): Completion {
  const completion = result.completion;
  if (!isObject(completion) || !Array.isArray(completion.values)) throw protocolError('completion/complete result lacks completion.values');
  const values = completion.values
    .filter((v): v is string => typeof v === 'string' && v.length <= MAX_COMPLETION_VALUE_CHARS)
    .slice(0, MAX_COMPLETION_VALUES);
  const parsed: Completion = { values };
  const { total, hasMore } = completion;
  if (typeof total === 'number' && Number.isInteger(total) && total >= 0) parsed.total = total;
  if (typeof hasMore === 'boolean') parsed.hasMore = hasMore;
  return parsed;
}

/** Largest log `data` passed on, as JSON text; larger data is replaced by a cut preview. */
export const MAX_LOG_DATA_CHARS = 16 * 1024;
const MAX_LOGGER_CHARS = 256;

/** `notifications/message`, or a reason to drop it. `data` stays untrusted: the page renders it as text. */
export function parseLogMessage(params: JsonObject | undefined): LogMessage | string {
  const level = params?.level;
  if (typeof level !== 'string' || !(LOG_LEVELS as readonly string[]).includes(level)) return `unknown log level ${JSON.stringify(level)?.slice(0, 50)}`;
  if (!params || !('data' in params)) return 'log message has no data';
  let text: string | undefined;
  try {
    text = JSON.stringify(params.data);
  } catch {
    return 'log data is not JSON';
  }
  const data = text !== undefined && text.length > MAX_LOG_DATA_CHARS ? { truncated: true, preview: text.slice(0, MAX_LOG_DATA_CHARS) } : params.data;
  const message: LogMessage = { level: level as LogLevel, data };
  if (typeof params.logger === 'string') message.logger = params.logger.slice(0, MAX_LOGGER_CHARS);
  return message;
}
