/**
 * Shape checks for what a server sends. The server is untrusted: a result that breaks the shape
 * is refused with `TG_PROTOCOL_ERROR`, and a single bad list entry is dropped and reported
 * rather than poisoning the whole list.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { CallToolResult, ContentBlock, InitializeResult, JsonObject, ListToolsResult, Tool } from './wire.js';

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
