/**
 * DOM-free: ConnectionsController and ToolCallController driven with a fake host and fake
 * connections (no worker, no element), so every branch is reachable and deterministic.
 */
import { expect } from '@esm-bundle/chai';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ConnectionsController, type ServerState } from '../../../src/elements/agent/connections.controller.js';
import { ToolCallController } from '../../../src/elements/agent/tool-call.controller.js';
import type { CallToolResult, JsonObject, Progress, ReadResourceResult, Tool } from '../../../workers/shared/wire.js';
import type { ConnectionConfig } from '../../../workers/connection-api.js';
import type { ConnectionStatus } from '../../../workers/shared/connection-types.js';
import type { CallOptions } from '../../../src/connections/connection.js';
import { TgError } from '../../../workers/shared/errors.js';

class FakeHost implements ReactiveControllerHost {
  readonly controllers: ReactiveController[] = [];
  updates = 0;
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates++;
  }
  get updateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }
  connect(): void {
    for (const c of this.controllers) c.hostConnected?.();
  }
  disconnect(): void {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
  update(): void {
    for (const c of this.controllers) c.hostUpdate?.();
  }
}

const TOOLS: Tool[] = [
  { name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } },
  { name: 'slow', inputSchema: { type: 'object' } },
];

class FakeConnection extends EventTarget {
  status: ConnectionStatus = 'ready';
  tools: readonly Tool[] = [];
  closeCalls = 0;
  readonly calls: { name: string; args: JsonObject; options: CallOptions }[] = [];
  /** Settles the next call; tests replace it. */
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
  async readResource(uri: string): Promise<ReadResourceResult> {
    return { contents: [{ uri, text: '' }] };
  }

  callTool(name: string, args: JsonObject = {}, options: CallOptions = {}): Promise<CallToolResult> {
    this.calls.push({ name, args, options });
    return this.respond(name, args, options);
  }
  async close(): Promise<void> {
    this.closeCalls++;
    this.emitStatus('closed');
  }
  emitStatus(status: ConnectionStatus, error?: Error): void {
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: error ? { status, error } : { status } }));
  }
}

/** An opener whose opens the test settles by hand. */
function manualOpener() {
  const pending: { config: ConnectionConfig; resolve: (c: FakeConnection) => void; reject: (e: unknown) => void }[] = [];
  const opened: FakeConnection[] = [];
  const open = (config: ConnectionConfig) =>
    new Promise<FakeConnection>((resolve, reject) => pending.push({ config, resolve, reject }));
  const succeed = async (index = 0) => {
    const p = pending.splice(index, 1)[0]!;
    const connection = new FakeConnection(p.config);
    opened.push(connection);
    p.resolve(connection);
    await settle();
    return connection;
  };
  const fail = async (error: unknown, index = 0) => {
    pending.splice(index, 1)[0]!.reject(error);
    await settle();
  };
  return { open, pending, opened, succeed, fail };
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const host = new FakeHost();
  const opener = manualOpener();
  const statuses: { url: string; status: ConnectionStatus; previous: ConnectionStatus; code: string | undefined }[] = [];
  const connections = new ConnectionsController(host, {
    open: opener.open,
    onStatusChange: (server: ServerState, previous) =>
      statuses.push({ url: server.spec.url, status: server.status, previous, code: server.error?.code }),
  });
  const calls = new ToolCallController(host, connections);
  return { host, opener, connections, calls, statuses };
}

describe('ConnectionsController', () => {
  it('registers with its host and opens nothing before the host connects', async () => {
    const { host, opener, connections } = setup();
    expect(host.controllers).to.include(connections);
    connections.setServers([{ spec: { url: 'wss://a/' } }]);
    expect(opener.pending).to.have.length(0);
    expect(connections.servers[0]?.status).to.equal('closed');
    host.connect();
    expect(opener.pending).to.have.length(1);
  });

  it('opens one connection per server, without the label, and lists its tools', async () => {
    const { host, opener, connections, statuses } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'wss://a/', name: 'A', msgpack: true } }, { spec: { url: 'wss://b/' } }]);
    expect(opener.pending.map((p) => p.config)).to.deep.equal([{ url: 'wss://a/', msgpack: true }, { url: 'wss://b/' }]);
    expect(connections.servers.map((s) => s.status)).to.deep.equal(['connecting', 'connecting']);
    const a = await opener.succeed();
    const [first] = connections.servers;
    expect(first?.status).to.equal('ready');
    expect(first?.connection).to.equal(a);
    expect(first?.tools.map((t) => t.name)).to.deep.equal(['echo', 'slow']);
    expect(statuses.filter((s) => s.url === 'wss://a/').map((s) => s.status)).to.deep.equal(['connecting', 'ready']);
  });

  it('records a failed open with its code', async () => {
    const { host, opener, connections, statuses } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'ws://127.0.0.1:1/mcp' } }]);
    await opener.fail(new TgError('TG_CONNECTION_FAILED', 'refused'));
    expect(connections.servers[0]).to.include({ status: 'failed', connection: undefined });
    expect(connections.servers[0]?.error).to.deep.equal({ code: 'TG_CONNECTION_FAILED', message: 'refused' });
    expect(statuses.at(-1)).to.deep.equal({ url: 'ws://127.0.0.1:1/mcp', status: 'failed', previous: 'connecting', code: 'TG_CONNECTION_FAILED' });
  });

  it('never opens a server whose declaration is invalid', () => {
    const { host, opener, connections } = setup();
    host.connect();
    connections.setServers([{ spec: { url: '' }, configError: { code: 'TG_INVALID_CONFIG', message: 'url is missing' } }]);
    expect(opener.pending).to.have.length(0);
    expect(connections.servers[0]).to.include({ status: 'failed' });
    expect(connections.servers[0]?.error?.code).to.equal('TG_INVALID_CONFIG');
    connections.connect();
    expect(opener.pending).to.have.length(0);
  });

  it('follows the connection: status, tools-changed and problems', async () => {
    const { host, opener, connections } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'wss://a/' } }]);
    const a = await opener.succeed();
    const before = host.updates;
    a.dispatchEvent(new CustomEvent('tools-changed', { detail: { tools: [TOOLS[0]] } }));
    expect(connections.servers[0]?.tools.map((t) => t.name)).to.deep.equal(['echo']);
    a.dispatchEvent(new CustomEvent('problem', { detail: { error: new TgError('TG_PROTOCOL_ERROR', 'bad frame'), count: 3 } }));
    expect(connections.servers[0]).to.include({ problems: 3 });
    expect(connections.servers[0]?.lastProblem).to.deep.equal({ code: 'TG_PROTOCOL_ERROR', message: 'bad frame' });
    expect(host.updates).to.be.greaterThan(before);
    a.emitStatus('failed', new TgError('TG_CONNECTION_CLOSED', 'dropped'));
    expect(connections.servers[0]).to.include({ status: 'failed', connection: undefined });
    expect(connections.servers[0]?.error?.code).to.equal('TG_CONNECTION_CLOSED');
    expect(a.closeCalls, 'the worker is ended too').to.equal(1);
    // A later retry opens a fresh connection.
    connections.connect();
    expect(opener.pending).to.have.length(1);
  });

  it('keeps unchanged servers, closes removed ones, opens new ones', async () => {
    const { host, opener, connections, statuses } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/' } }]);
    const a = await opener.succeed();
    const b = await opener.succeed();
    connections.setServers([{ spec: { url: 'wss://b/', name: 'renamed' } }, { spec: { url: 'wss://c/' } }]);
    await settle();
    expect(a.closeCalls).to.equal(1);
    expect(b.closeCalls).to.equal(0);
    expect(connections.servers.map((s) => s.spec.url)).to.deep.equal(['wss://b/', 'wss://c/']);
    expect(connections.servers[0]?.spec.name).to.equal('renamed');
    expect(connections.servers[0]?.connection).to.equal(b);
    expect(opener.pending.map((p) => p.config.url)).to.deep.equal(['wss://c/']);
    expect(statuses.some((s) => s.url === 'wss://a/' && s.status === 'closed')).to.equal(true);
  });

  it('treats identical declarations as separate servers', async () => {
    const { host, opener, connections } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://a/' } }]);
    expect(new Set(connections.servers.map((s) => s.key)).size).to.equal(2);
    expect(opener.pending).to.have.length(2);
  });

  it('closes a connection that finishes opening after its server was removed', async () => {
    const { host, opener, connections, statuses } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'wss://a/' } }]);
    connections.setServers([]);
    expect(statuses.at(-1)).to.include({ url: 'wss://a/', status: 'closed' });
    const late = await opener.succeed();
    expect(late.closeCalls).to.equal(1);
    expect(connections.servers).to.have.length(0);
  });

  it('closes everything when the host leaves the DOM and reopens when it returns', async () => {
    const { host, opener, connections } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'wss://a/' } }]);
    const a = await opener.succeed();
    host.disconnect();
    await settle();
    expect(a.closeCalls).to.equal(1);
    expect(connections.servers[0]).to.include({ status: 'closed', connection: undefined });
    // Servers declared while disconnected wait for the next connect.
    connections.setServers([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/' } }]);
    expect(opener.pending).to.have.length(0);
    host.connect();
    expect(opener.pending.map((p) => p.config.url)).to.deep.equal(['wss://a/', 'wss://b/']);
  });

  it('disconnect() resolves once every connection is closed', async () => {
    const { host, opener, connections } = setup();
    host.connect();
    connections.setServers([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/' } }]);
    const [a, b] = [await opener.succeed(), await opener.succeed()];
    await connections.disconnect();
    expect([a.closeCalls, b.closeCalls]).to.deep.equal([1, 1]);
    expect(connections.servers.map((s) => s.status)).to.deep.equal(['closed', 'closed']);
  });
});

describe('ToolCallController', () => {
  async function ready() {
    const ctx = setup();
    ctx.host.connect();
    ctx.connections.setServers([{ spec: { url: 'wss://a/' } }]);
    const connection = await ctx.opener.succeed();
    const key = ctx.connections.servers[0]!.key;
    return { ...ctx, connection, key };
  }

  it('prefills the arguments from the schema when a tool is selected', async () => {
    const { calls, key } = await ready();
    expect(calls.state(key)).to.equal(undefined);
    calls.select(key, TOOLS[0]!);
    expect(calls.state(key)).to.include({ toolName: 'echo', running: false, argumentsText: '{\n  "text": ""\n}' });
  });

  it('calls the tool with the parsed arguments and describes the result', async () => {
    const { calls, key, connection } = await ready();
    calls.select(key, TOOLS[0]!);
    calls.setArgumentsText(key, '{"text": "hi"}');
    const done = calls.call(key);
    expect(calls.state(key)?.running).to.equal(true);
    await done;
    expect(connection.calls.map((c) => [c.name, c.args])).to.deep.equal([['echo', { text: 'hi' }]]);
    expect(connection.calls[0]?.options.signal).to.be.instanceOf(AbortSignal);
    expect(calls.state(key)).to.include({ running: false, error: undefined });
    expect(calls.state(key)?.result?.parts).to.deep.equal([{ kind: 'text', text: '{"text":"hi"}' }]);
  });

  it('makes no call when the arguments are not a JSON object', async () => {
    const { calls, key, connection } = await ready();
    calls.select(key, TOOLS[0]!);
    for (const text of ['{oops', '[]', '"x"']) {
      calls.setArgumentsText(key, text);
      await calls.call(key);
      expect(calls.state(key)?.error?.code, text).to.equal('TG_INVALID_ARGUMENTS');
    }
    expect(connection.calls).to.have.length(0);
  });

  it('reports progress while running and the thrown error code', async () => {
    const { calls, key, connection } = await ready();
    let finish!: (err: unknown) => void;
    connection.respond = (_n, _a, options) =>
      new Promise((_, reject) => {
        options.onProgress?.({ progress: 1, total: 4, message: 'step 1' } satisfies Progress);
        finish = reject;
      });
    calls.select(key, TOOLS[1]!);
    const done = calls.call(key);
    expect(calls.state(key)?.progress).to.deep.equal({ progress: 1, total: 4, message: 'step 1' });
    finish(new TgError('TG_TIMEOUT', 'too slow'));
    await done;
    expect(calls.state(key)?.error).to.deep.equal({ code: 'TG_TIMEOUT', message: 'too slow' });
    expect(calls.state(key)?.running).to.equal(false);
  });

  it('cancel() aborts the signal given to callTool', async () => {
    const { calls, key, connection } = await ready();
    connection.respond = (_n, _a, options) =>
      new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () => reject(new TgError('TG_CANCELLED', String(options.signal?.reason)))),
      );
    calls.select(key, TOOLS[1]!);
    const done = calls.call(key);
    calls.cancel(key);
    await done;
    expect(connection.calls[0]?.options.signal?.aborted).to.equal(true);
    expect(calls.state(key)?.error?.code).to.equal('TG_CANCELLED');
  });

  it('refuses to call on a server that is not ready', async () => {
    const { calls, key, connection } = await ready();
    calls.select(key, TOOLS[0]!);
    connection.emitStatus('failed', new TgError('TG_CONNECTION_CLOSED', 'gone'));
    await calls.call(key);
    expect(calls.state(key)?.error?.code).to.equal('TG_NOT_CONNECTED');
    expect(connection.calls).to.have.length(0);
  });

  it('drops the panel and cancels the call when the server is removed', async () => {
    const { host, calls, key, connection, connections } = await ready();
    connection.respond = (_n, _a, options) => new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    calls.select(key, TOOLS[1]!);
    void calls.call(key);
    connections.setServers([]);
    host.update();
    expect(calls.state(key)).to.equal(undefined);
    expect(connection.calls[0]?.options.signal?.aborted).to.equal(true);
  });
});
