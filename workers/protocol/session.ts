/**
 * What the connection needs from an MCP client, whichever era it speaks: the legacy session
 * (`McpClient`, `initialize` handshake) and the modern stateless client (`ModernClient`) both
 * implement it, so the connection and the page API do not branch on the era.
 */
import type { RequestOptions } from './rpc.js';
import type { CallToolResult, GetPromptResult, JsonObject, Prompt, ProtocolEra, ReadResourceResult, Resource, Tool } from './wire.js';

export interface McpSession {
  readonly era: ProtocolEra;
  listTools(options?: RequestOptions): Promise<Tool[]>;
  callTool(name: string, args: JsonObject, options?: RequestOptions): Promise<CallToolResult>;
  listResources(options?: RequestOptions): Promise<Resource[]>;
  readResource(uri: string, options?: RequestOptions): Promise<ReadResourceResult>;
  listPrompts(options?: RequestOptions): Promise<Prompt[]>;
  getPrompt(name: string, args?: Record<string, string>, options?: RequestOptions): Promise<GetPromptResult>;
}
