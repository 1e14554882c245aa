/**
 * A scripted stand-in for a server connection (no worker, no socket), for the runtime's registry
 * and the panel tests: it lists `TOOLS`, records every call and read, answers as `respond` says, and emits
 * the status events a real `McpConnection` would.
 */
import type { CallOptions } from '../../src/connections/connection.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import type { ConnectionStatus } from '../../workers/shared/connection-types.js';
import type { CallToolResult, JsonObject, ReadResourceResult, Tool } from '../../workers/shared/wire.js';

export const TOOLS: Tool[] = [
  { name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } },
  { name: 'slow', inputSchema: { type: 'object' } },
];

export class FakeConnection extends EventTarget {
  status: ConnectionStatus = 'ready';
  tools: readonly Tool[] = [];
  closeCalls = 0;
  readonly calls: { name: string; args: JsonObject; options: CallOptions }[] = [];
  /** The URIs read with `readResource`, in order. */
  readonly reads: string[] = [];
  /** Settles each call; tests replace it. The default echoes the arguments as JSON text. */
  respond: (name: string, args: JsonObject, options: CallOptions) => Promise<CallToolResult> = async (_n, args) => ({
    content: [{ type: 'text', text: JSON.stringify(args) }],
  });
  constructor(readonly config: Readonly<ConnectionConfig>) {
    super();
  }
  async listTools(): Promise<Tool[]> {
    this.tools = TOOLS;
    return TOOLS;
  }
  callTool(name: string, args: JsonObject = {}, options: CallOptions = {}): Promise<CallToolResult> {
    this.calls.push({ name, args, options });
    return this.respond(name, args, options);
  }
  async readResource(uri: string): Promise<ReadResourceResult> {
    this.reads.push(uri);
    return { contents: [{ uri, text: `view of ${uri}` }] };
  }
  async close(): Promise<void> {
    this.closeCalls++;
    this.emitStatus('closed');
  }
  emitStatus(status: ConnectionStatus, error?: Error, attempt?: number): void {
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: { status, ...(error && { error }), ...(attempt !== undefined && { attempt }) } }));
  }
}

/** A registry's `open` that opens `FakeConnection`s, and the ones it opened, in order. */
export function fakeOpener(): { open: (config: ConnectionConfig) => Promise<FakeConnection>; opened: FakeConnection[] } {
  const opened: FakeConnection[] = [];
  const open = async (config: ConnectionConfig) => {
    const connection = new FakeConnection(config);
    opened.push(connection);
    return connection;
  };
  return { open, opened };
}
