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

/**
 * JSON-RPC error numbers on the wire: JSON-RPC 2.0's own, and the ones MCP defines (-32000…-32099 is
 * the implementation range; MCP uses -32002, -32020…-32022 and -32042). These are what servers send
 * in `error.code`; Toolgate's own string codes are the `ErrorCode` table (errors.ts), which carries
 * a server's number as `rpcCode` on `TG_RPC_ERROR`.
 */
export const RpcErrorCode = {
  // JSON-RPC 2.0
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  // MCP ≤ 2025-11-25
  /** The request needs URL-mode elicitations first (`data.elicitations`). */
  URL_ELICITATION_REQUIRED: -32042,
  // MCP 2026-07-28 (modern era)
  /** An `Mcp-*` header disagrees with the body: re-list tools, then retry. */
  HEADER_MISMATCH: -32020,
  MISSING_REQUIRED_CLIENT_CAPABILITY: -32021,
  /** The server does not speak the request's version; `data.supported` lists what it does. */
  UNSUPPORTED_PROTOCOL_VERSION: -32022,
} as const;

// ── MCP ───────────────────────────────────────────────────────────────────────

/** Legacy (handshake) versions this client speaks, newest first; the first is offered in `initialize`. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];

/** Modern (stateless, per-request `_meta`) versions this client speaks, newest first. */
export const MODERN_PROTOCOL_VERSIONS = ['2026-07-28'] as const;
export type ModernProtocolVersion = (typeof MODERN_PROTOCOL_VERSIONS)[number];

/** Legacy = `initialize` handshake and sessions; modern = stateless requests (basic/versioning.mdx). */
export type ProtocolEra = 'legacy' | 'modern';

/** The era a version belongs to, or undefined for a version this client does not speak. */
export function eraOfVersion(version: string): ProtocolEra | undefined {
  if ((MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(version)) return 'modern';
  if ((SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(version)) return 'legacy';
  return undefined;
}

/** Reserved `_meta` keys of the modern era (basic/index.mdx §_meta). */
export const MetaKey = {
  PROTOCOL_VERSION: 'io.modelcontextprotocol/protocolVersion',
  CLIENT_INFO: 'io.modelcontextprotocol/clientInfo',
  CLIENT_CAPABILITIES: 'io.modelcontextprotocol/clientCapabilities',
  SERVER_INFO: 'io.modelcontextprotocol/serverInfo',
  SUBSCRIPTION_ID: 'io.modelcontextprotocol/subscriptionId',
  /** Per-request log level; without it a modern server sends no `notifications/message` (server/utilities/logging.mdx). */
  LOG_LEVEL: 'io.modelcontextprotocol/logLevel',
} as const;

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
  SERVER_DISCOVER: 'server/discover',
  SUBSCRIPTIONS_LISTEN: 'subscriptions/listen',
  SUBSCRIPTIONS_ACKNOWLEDGED: 'notifications/subscriptions/acknowledged',
  RESOURCES_LIST: 'resources/list',
  RESOURCES_READ: 'resources/read',
  RESOURCE_TEMPLATES_LIST: 'resources/templates/list',
  PROMPTS_LIST: 'prompts/list',
  PROMPTS_GET: 'prompts/get',
  COMPLETE: 'completion/complete',
  LOGGING_SET_LEVEL: 'logging/setLevel',
  LOG_MESSAGE: 'notifications/message',
  ELICITATION_COMPLETE: 'notifications/elicitation/complete',
  TASKS_GET: 'tasks/get',
  TASKS_RESULT: 'tasks/result',
  TASKS_CANCEL: 'tasks/cancel',
  TASKS_STATUS: 'notifications/tasks/status',
  RESOURCES_SUBSCRIBE: 'resources/subscribe',
  RESOURCES_UNSUBSCRIBE: 'resources/unsubscribe',
  RESOURCES_UPDATED: 'notifications/resources/updated',
} as const;

/** The requests whose result may be an `InputRequiredResult` (basic/patterns/mrtr.mdx §Supported Requests). */
export const MRTR_METHODS: ReadonlySet<string> = new Set([Method.TOOLS_CALL, Method.RESOURCES_READ, Method.PROMPTS_GET]);

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
  /** Whether the tool may (`optional`) or must (`required`) run as a task (2025-11-25 tasks). */
  execution?: { taskSupport?: 'forbidden' | 'optional' | 'required' };
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
  /** A link to a resource the server has (it need not be in `resources/list`). */
  | ({ type: 'resource_link' } & ResourceDescription)
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

/** What describes a resource, listed or linked from a result. */
export interface ResourceDescription {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  annotations?: ContentAnnotations;
}

/** A resource a server lists. */
export interface Resource extends ResourceDescription {
  _meta?: JsonObject;
}

/** A parameterized resource a server lists (`resources/templates/list`): `uriTemplate` is an RFC 6570 template. */
export interface ResourceTemplate {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  annotations?: ContentAnnotations;
  _meta?: JsonObject;
}

export interface ReadResourceResult {
  contents: ResourceContents[];
  _meta?: JsonObject;
}

export interface PromptArgument {
  name: string;
  title?: string;
  description?: string;
  required?: boolean;
}

export interface Prompt {
  name: string;
  title?: string;
  description?: string;
  arguments?: PromptArgument[];
  _meta?: JsonObject;
}

export interface PromptMessage {
  role: 'user' | 'assistant';
  content: ContentBlock;
}

export interface GetPromptResult {
  description?: string;
  messages: PromptMessage[];
  _meta?: JsonObject;
}

// ── MCP 2026-07-28 (modern era) ─────────────────────────────────────────────

/** `server/discover`: what a modern server speaks and offers. `serverInfo` sits in `_meta` (or, in drafts, the body). */
export interface DiscoverResult {
  supportedVersions: string[];
  capabilities: ServerCapabilities;
  instructions?: string;
  serverInfo?: Implementation;
  _meta?: JsonObject;
}

/** A server-to-client request embedded in an `InputRequiredResult`. */
export interface InputRequest {
  method: string;
  params?: JsonObject;
}

/** A result, sorted by `resultType` (basic/index.mdx §ResultType). Unknown types are `invalid`. */
export type ClassifiedResult =
  | { resultType: 'complete'; result: JsonObject }
  | { resultType: 'input_required'; inputRequests?: Record<string, InputRequest>; requestState?: string }
  | { resultType: 'invalid'; reason: string };

/** Caching hints on cacheable results (server/utilities/caching.mdx). */
export type CacheScope = 'public' | 'private';

// ── Completion, logging (both eras) ─────────────────────────────────────────

/** What is being completed: a prompt's argument, or a resource template's variable (server/utilities/completion.mdx). */
export type CompletionRef = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

export interface CompletionArgument {
  name: string;
  value: string;
}

/** Already-resolved arguments of the same prompt or template, sent as `context.arguments`. */
export interface CompletionContext {
  arguments?: Record<string, string>;
}

/** A checked `completion/complete` answer: at most 100 strings, ranked by the server. */
export interface Completion {
  values: string[];
  total?: number;
  hasMore?: boolean;
}

/** Syslog severities (RFC 5424), least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A subscribed resource changed (`notifications/resources/updated`): read it again to see how. */
export interface ResourceUpdate {
  uri: string;
  title?: string;
}

/** A checked `notifications/message`; `data` is untrusted JSON, cut down if it was too large. */
export interface LogMessage {
  level: LogLevel;
  logger?: string;
  data: unknown;
}

// ── Elicitation (client/elicitation.mdx), as checked by the worker ──────────

/** What a sensitive form field asks for (see workers/protocol/sensitive-fields.ts). */
export type SensitiveReason = 'password' | 'secret' | 'token' | 'card' | 'one-time-code';

/** A form field a server must not ask for in form mode: its property name, and what it asks for. */
export interface SensitiveField {
  name: string;
  reason: SensitiveReason;
}

export interface FormElicitationRequest {
  mode: 'form';
  message: string;
  requestedSchema: JsonObject;
  /**
   * Fields asking for a password, secret, token, card number or one-time code, which the spec
   * says a server MUST NOT request in form mode (set by the worker). `<tg-agent>` declines such a
   * request unless the policy's `elicitation.sensitiveFields` is `allow`; a host answering itself
   * should do the same.
   */
  sensitive?: SensitiveField[];
}

export interface UrlElicitationRequest {
  mode: 'url';
  message: string;
  /** The full URL, to show the person in full before they consent. Never prefetched. */
  url: string;
  elicitationId: string;
  /** The URL's host, as parsed (IDNs in their `xn--` form). */
  host: string;
  /** The registrable part of the host to highlight (e.g. `example.co.uk`); the host itself for an IP address. */
  domain: string;
  /** The host has an `xn--` (internationalized, possibly look-alike) label: warn the person. */
  punycode: boolean;
}

export type ElicitationRequest = FormElicitationRequest | UrlElicitationRequest;

/** The person's answer: `accept` (form mode: with content; URL mode: consent to open it), `decline`, or `cancel`. */
export type ElicitationResult = { action: 'accept'; content?: JsonObject } | { action: 'decline' | 'cancel' };

// ── Tasks (2025-11-25 basic/utilities/tasks.mdx; an extension in 2026-07-28) ─

export const TASK_STATUSES = ['working', 'input_required', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task's state as the page sees it (bounded strings; timestamps as the server sent them). */
export interface TaskState {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  /** Milliseconds the server suggests between polls. */
  pollInterval?: number;
  ttl?: number | null;
  createdAt?: string;
  lastUpdatedAt?: string;
}
