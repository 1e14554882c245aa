/**
 * DirectGate: a `ToolGate` over real `McpConnection`s with **no policy** — every tool is visible
 * to every proposer and every call goes straight to its connection.
 *
 * STAND-IN until the real gate (src/gate/) lands; the agent tests then switch to it. It is a real
 * implementation of the interface over real connections (real tool lists, real calls, real
 * cancellation), never canned results: namespaced ids `<server>__<tool>`, definition hashes,
 * `AbortSignal` and progress passed through, and every ending turned into an outcome.
 */
import canonicalize from 'canonicalize';
import type { McpConnection } from '../../src/connections/connection.js';
import type { GatedTool, Proposer, ToolCallOutcome, ToolCallRequest, ToolGate } from '../../src/gate/tool-gate.js';
import type { Tool } from '../../workers/connection-api.js';
import { errorCode } from '../../workers/shared/errors.js';

const SAFE = /[^a-zA-Z0-9_-]/g;

async function definitionHash(tool: Tool): Promise<string> {
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  const text = canonicalize({ name, title, description, inputSchema, outputSchema, annotations }) ?? '';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class DirectGate implements ToolGate {
  #servers = new Map<string, McpConnection>();
  #tools = new Map<string, GatedTool>();
  /** Every request the gate got, without its signal and callback (for assertions). */
  readonly requests: { toolId: string; args: unknown; proposer: Proposer }[] = [];

  /** Adds connections (`serverId` → connection) and lists their tools. */
  static async create(servers: Record<string, McpConnection>): Promise<DirectGate> {
    const gate = new DirectGate();
    for (const [id, connection] of Object.entries(servers)) await gate.add(id, connection);
    return gate;
  }

  async add(serverId: string, connection: McpConnection): Promise<void> {
    this.#servers.set(serverId, connection);
    await this.#index(serverId, connection, await connection.listTools());
    connection.addEventListener('tools-changed', (event) => void this.#index(serverId, connection, event.detail.tools));
  }

  async #index(serverId: string, connection: McpConnection, tools: readonly Tool[]): Promise<void> {
    const prefix = serverId.replace(SAFE, '_');
    const entries = await Promise.all(
      tools.map(async (tool): Promise<GatedTool> => ({
        id: `${prefix}__${tool.name.replace(SAFE, '_')}`.slice(0, 64),
        serverId,
        serverUrl: connection.config.url,
        tool,
        definitionHash: await definitionHash(tool),
      })),
    );
    for (const [id, t] of this.#tools) if (t.serverId === serverId) this.#tools.delete(id);
    for (const t of entries) if (!this.#tools.has(t.id)) this.#tools.set(t.id, t);
  }

  tools(_proposer: Proposer): GatedTool[] {
    return [...this.#tools.values()];
  }

  async call(request: ToolCallRequest): Promise<ToolCallOutcome> {
    this.requests.push({ toolId: request.toolId, args: request.args, proposer: request.proposer });
    const tool = this.#tools.get(request.toolId);
    const connection = tool && this.#servers.get(tool.serverId);
    if (!tool || !connection) {
      const message = `No tool ${request.toolId}`;
      return { status: 'refused', error: { code: 'TG_TOOL_UNKNOWN', message }, forModel: [{ type: 'text', text: message }] };
    }
    try {
      const result = await connection.callTool(tool.tool.name, request.args, {
        ...(request.signal && { signal: request.signal }),
        ...(request.onProgress && { onProgress: request.onProgress }),
      });
      return { status: result.isError ? 'tool-error' : 'ok', result, forModel: result.content, withheld: false };
    } catch (err) {
      const code = errorCode(err) ?? 'TG_CALL_FAILED';
      const message = err instanceof Error ? err.message : String(err);
      const status = code === 'TG_CANCELLED' || request.signal?.aborted ? 'cancelled' : 'failed';
      const text = status === 'cancelled' ? 'The call was cancelled.' : `The call failed (${code}): ${message}`;
      return { status, error: { code, message }, forModel: [{ type: 'text', text }] };
    }
  }
}
