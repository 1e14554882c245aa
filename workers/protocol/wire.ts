/**
 * Wire types: JSON-RPC 2.0 and the MCP messages this client speaks, in one file.
 * Unions are discriminated by string literals (`kind` for classified frames, `type` for content).
 */

// ── JSON-RPC 2.0 ──────────────────────────────────────────────────────────────

export type RequestId = string | number;
export type JsonObject = { [key: string]: unknown };

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: JsonObject;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: JsonObject;
}

export interface JsonRpcSuccess {
  jsonrpc: '2.0';
  id: RequestId;
  result: JsonObject;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcFailure {
  jsonrpc: '2.0';
  id: RequestId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcSuccess | JsonRpcFailure;

/** A decoded frame, sorted for dispatch. `invalid` frames are reported and dropped. */
export type Incoming =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'success'; message: JsonRpcSuccess }
  | { kind: 'failure'; message: JsonRpcFailure }
  | { kind: 'invalid'; reason: string };

/** Standard JSON-RPC error codes (and MCP's). */
export const RpcErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

/** Sorts one decoded frame into request, notification, success, failure or invalid. */
export function classify(raw: unknown): Incoming {
  if (!isObject(raw)) return { kind: 'invalid', reason: 'frame is not a JSON object' };
  if (raw.jsonrpc !== '2.0') return { kind: 'invalid', reason: 'jsonrpc is not "2.0"' };
  if ('params' in raw && raw.params !== undefined && !isObject(raw.params)) {
    return { kind: 'invalid', reason: 'params is not an object' };
  }
  if (typeof raw.method === 'string') {
    if (!('id' in raw)) return { kind: 'notification', message: raw as unknown as JsonRpcNotification };
    if (isId(raw.id)) return { kind: 'request', message: raw as unknown as JsonRpcRequest };
    return { kind: 'invalid', reason: 'request id is not a string or integer' };
  }
  if ('result' in raw) {
    if (!isId(raw.id)) return { kind: 'invalid', reason: 'response id is not a string or integer' };
    if (!isObject(raw.result)) return { kind: 'invalid', reason: 'result is not an object' };
    return { kind: 'success', message: raw as unknown as JsonRpcSuccess };
  }
  if ('error' in raw) {
    const error = raw.error;
    if (!isObject(error) || typeof error.code !== 'number' || typeof error.message !== 'string') {
      return { kind: 'invalid', reason: 'error is not a JSON-RPC error object' };
    }
    if (raw.id !== null && !isId(raw.id)) return { kind: 'invalid', reason: 'error id is not valid' };
    return { kind: 'failure', message: raw as unknown as JsonRpcFailure };
  }
  return { kind: 'invalid', reason: 'frame is neither a request, a notification nor a response' };
}

// ── MCP ───────────────────────────────────────────────────────────────────────

/** Versions this client speaks, newest first; the first is offered in `initialize`. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];

export const Method = {
  INITIALIZE: 'initialize',
  INITIALIZED: 'notifications/initialized',
  PING: 'ping',
  TOOLS_LIST: 'tools/list',
  TOOLS_CALL: 'tools/call',
  CANCELLED: 'notifications/cancelled',
  PROGRESS: 'notifications/progress',
  TOOLS_LIST_CHANGED: 'notifications/tools/list_changed',
  ELICIT: 'elicitation/create',
} as const;

export interface Implementation {
  name: string;
  version: string;
  title?: string;
}

export interface ServerCapabilities {
  tools?: { listChanged?: boolean };
  resources?: { subscribe?: boolean; listChanged?: boolean };
  prompts?: { listChanged?: boolean };
  logging?: JsonObject;
  completions?: JsonObject;
  [key: string]: unknown;
}

export interface InitializeResult {
  protocolVersion: string;
  capabilities: ServerCapabilities;
  serverInfo: Implementation;
  instructions?: string;
}

/** Hints about a tool. Claims of an untrusted party unless the server is trusted. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface Tool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonObject;
  outputSchema?: JsonObject;
  annotations?: ToolAnnotations;
  _meta?: JsonObject;
}

export interface ListToolsResult {
  tools: Tool[];
  nextCursor?: string;
}

export interface ContentAnnotations {
  audience?: ('user' | 'assistant')[];
  priority?: number;
  lastModified?: string;
}

export type ResourceContents =
  | { uri: string; mimeType?: string; text: string; _meta?: JsonObject }
  | { uri: string; mimeType?: string; blob: string; _meta?: JsonObject };

export type ContentBlock =
  | { type: 'text'; text: string; annotations?: ContentAnnotations }
  | { type: 'image'; data: string; mimeType: string; annotations?: ContentAnnotations }
  | { type: 'audio'; data: string; mimeType: string; annotations?: ContentAnnotations }
  | {
      type: 'resource_link';
      uri: string;
      name: string;
      title?: string;
      description?: string;
      mimeType?: string;
      size?: number;
      annotations?: ContentAnnotations;
    }
  | { type: 'resource'; resource: ResourceContents; annotations?: ContentAnnotations };

export interface CallToolResult {
  content: ContentBlock[];
  structuredContent?: unknown;
  isError?: boolean;
  _meta?: JsonObject;
}

/** A `notifications/progress` update, as handed to `onProgress`. */
export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}
