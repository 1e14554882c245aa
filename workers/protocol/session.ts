/**
 * What the connection needs from an MCP client, whichever era it speaks: the legacy session
 * (`McpClient`, `initialize` handshake) and the modern stateless client (`ModernClient`) both
 * implement it, so the connection and the page API do not branch on the era.
 */
import type { RequestOptions } from './rpc.js';
import type { TaskState, CallToolResult, Completion, CompletionArgument, CompletionContext, CompletionRef, GetPromptResult, JsonObject, LogLevel, Prompt, ProtocolEra, ReadResourceResult, Resource, ResourceTemplate, Tool } from '../shared/wire.js';

/** A tool call's options: the RPC ones, plus task augmentation where the server and tool support it. */
export interface CallToolOptions extends RequestOptions {
  /** Run as a task if the tool allows it (`taskSupport: optional`); a `required` tool always runs as one. */
  task?: boolean;
  /** Each distinct state of the task, while it runs. */
  onTaskStatus?: (task: TaskState) => void;
}

export interface McpSession {
  readonly era: ProtocolEra;
  listTools(options?: RequestOptions): Promise<Tool[]>;
  callTool(name: string, args: JsonObject, options?: CallToolOptions): Promise<CallToolResult>;
  listResources(options?: RequestOptions): Promise<Resource[]>;
  /** `resources/templates/list`: every page. */
  listResourceTemplates(options?: RequestOptions): Promise<ResourceTemplate[]>;
  readResource(uri: string, options?: RequestOptions): Promise<ReadResourceResult>;
  listPrompts(options?: RequestOptions): Promise<Prompt[]>;
  getPrompt(name: string, args?: Record<string, string>, options?: RequestOptions): Promise<GetPromptResult>;
  complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext, options?: RequestOptions): Promise<Completion>;
  /** `resources/subscribe` (legacy; needs the server's `resources.subscribe` capability). */
  subscribeResource(uri: string, options?: RequestOptions): Promise<void>;
  unsubscribeResource(uri: string, options?: RequestOptions): Promise<void>;
  /** Legacy: `logging/setLevel` now; modern: the level rides on every later request's `_meta`. */
  setLogLevel(level: LogLevel, options?: RequestOptions): Promise<void>;
}

/** `completion/complete` params from checked arguments (copies, so nothing of the caller's leaks in). */
export function completeParams(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): JsonObject {
  const params: JsonObject = {
    ref: ref.type === 'ref/prompt' ? { type: ref.type, name: ref.name } : { type: ref.type, uri: ref.uri },
    argument: { name: argument.name, value: argument.value },
  };
  if (context?.arguments !== undefined) params.context = { arguments: { ...context.arguments } };
  return params;
}
