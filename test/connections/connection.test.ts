/**
 * The core path end to end in a real browser: page → comlink → a real worker per connection →
 * WebSocket (JSON or MessagePack) → the demo MCP server built on the official SDK.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import { base64ToBytes } from '../../workers/codecs/base64.js';
import { control, taggedWsUrl, uniqueTag } from '../support/env.js';
import { rejection, waitFor } from '../support/async.js';
import { closedAfterEach } from '../support/cleanup.js';
import { countToThree, textOf } from '../support/connections.js';

type Coded = Error & { code?: string; data?: unknown; cause?: unknown };

const open = closedAfterEach<McpConnection>();
async function connect(options: Partial<ConnectionConfig> & { tag?: string } = {}) {
  const { tag = uniqueTag(), ...config } = options;
  const connection = await McpConnection.open({ url: taggedWsUrl(tag), ...config });
  open.push(connection);
  return { connection, tag };
}

function nextEvent<K extends 'status' | 'problem' | 'tools-changed'>(connection: McpConnection, type: K) {
  return new Promise<CustomEvent>((resolve) => connection.addEventListener(type, (e) => resolve(e as CustomEvent), { once: true }));
}

for (const msgpack of [false, true]) {
  const codec = msgpack ? 'msgpack' : 'json';
  const subprotocol = msgpack ? 'mcp.msgpack' : 'mcp';

  describe(`McpConnection over WebSocket (${codec})`, () => {
    it(`negotiates ${subprotocol} and lists every tool across pages`, async () => {
      const { connection, tag } = await connect({ msgpack });
      expect(connection.info?.codec).to.equal(codec);
      expect(connection.info?.serverInfo.name).to.equal('toolgate-demo');
      expect(connection.status).to.equal('ready');
      const sockets = await control<{ open: number; protocols: string[] }>(`/__test/sockets?tag=${tag}`);
      expect(sockets).to.deep.equal({ open: 1, protocols: [subprotocol] });

      const tools = await connection.listTools();
      const names = tools.map((t) => t.name);
      expect(names.length).to.be.at.least(12);
      expect(new Set(names).size).to.equal(names.length);
      expect(names).to.include.members(['search_notes', 'delete_note', 'count_slowly', 'render_chart', 'echo']);
      expect(tools.find((t) => t.name === 'search_notes')?.annotations?.readOnlyHint).to.equal(true);
      expect(tools.find((t) => t.name === 'delete_note')?.annotations?.destructiveHint).to.equal(true);
      expect(connection.tools).to.equal(tools);
    });

    it('calls a tool with a text result', async () => {
      const { connection } = await connect({ msgpack });
      const result = await connection.callTool('echo', { text: 'héllo, wörld 😀' });
      expect(textOf(result.content)).to.contain('héllo, wörld 😀');
      expect(result.isError ?? false).to.equal(false);
    });

    it('calls a tool with an image result that arrives as base64 PNG', async () => {
      const { connection } = await connect({ msgpack });
      const result = await connection.callTool('render_chart', {});
      const image = result.content.find((b) => b.type === 'image');
      if (image?.type !== 'image') throw new Error('no image block');
      expect(image.mimeType).to.equal('image/png');
      expect(typeof image.data).to.equal('string');
      expect(Array.from(base64ToBytes(image.data).subarray(0, 8))).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    });

    it('reports a malformed frame and keeps working', async () => {
      const { connection, tag } = await connect({ msgpack });
      const problem = nextEvent(connection, 'problem');
      const raw = msgpack ? { base64: btoa('\xc1\xc1 not msgpack') } : { text: '{"jsonrpc": "2.0", broken' };
      expect(await control(`/__test/send-raw?tag=${tag}`, { method: 'POST', body: raw })).to.deep.equal({ sent: 1 });
      const event = await problem;
      expect(event.detail.error.code).to.equal(ErrorCode.PROTOCOL_ERROR);
      expect(event.detail.count).to.equal(1);
      expect(textOf((await connection.callTool('echo', { text: 'still here' })).content)).to.contain('still here');
      expect((await connection.diagnostics()).invalidFrames).to.equal(1);
    });
  });
}

describe('McpConnection limits and failures', () => {
  it('delivers progress to the page in order', async () => {
    const seen = await countToThree((await connect()).connection);
    expect(seen.map((p) => p.progress)).to.deep.equal([1, 2, 3]);
    expect(seen[0]!.total).to.equal(3);
  });

  it('times out with TG_TIMEOUT and the server sees the cancellation', async () => {
    const { connection, tag } = await connect();
    const err = await rejection(connection.callTool('count_slowly', { count: 100, delayMs: 100 }, { timeoutMs: 150 }));
    expect(err.code).to.equal(ErrorCode.TIMEOUT);
    const cancelled = await waitFor(async () => {
      const list = await control<{ tool: string; reason: string }[]>(`/__test/cancellations?tag=${tag}`);
      return list.length > 0 ? list : undefined;
    }, 'the server to record the cancellation');
    expect(cancelled[0]).to.include({ tool: 'count_slowly', reason: 'timeout' });
  });

  it('cancels from the page with TG_CANCELLED and the server sees it', async () => {
    const { connection, tag } = await connect({ msgpack: true });
    const controller = new AbortController();
    const call = connection.callTool('count_slowly', { count: 100, delayMs: 50 }, { signal: controller.signal, onProgress: () => controller.abort('stop pressed') });
    const err = await rejection(call);
    expect(err.code).to.equal(ErrorCode.CANCELLED);
    const cancelled = await waitFor(async () => {
      const list = await control<{ reason: string }[]>(`/__test/cancellations?tag=${tag}`);
      return list[0];
    }, 'the server to record the cancellation');
    expect(cancelled.reason).to.equal('stop pressed');
    expect(textOf((await connection.callTool('echo', { text: 'after cancel' })).content)).to.contain('after cancel');
  });

  it('rejects a pending call with TG_CONNECTION_CLOSED when the server drops the socket (reconnect off)', async () => {
    const { connection, tag } = await connect({ reconnect: false });
    const status = waitFor(() => (connection.status === 'failed' ? connection.status : undefined), 'failed status');
    const call = rejection(connection.callTool('count_slowly', { count: 100, delayMs: 50 }));
    await new Promise((r) => setTimeout(r, 100));
    expect(await control(`/__test/drop?tag=${tag}`, { method: 'POST' })).to.deep.equal({ dropped: 1 });
    const err = await call;
    expect(err.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    const cause = err.cause as Coded;
    expect(cause.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    expect((cause.data as { code: number }).code).to.equal(1006);
    expect(await status).to.equal('failed');
    expect((await rejection(connection.callTool('echo', { text: 'x' }))).code).to.equal(ErrorCode.CONNECTION_CLOSED);
  });

  it('refuses an oversized incoming frame, reports it, and keeps working', async () => {
    const { connection, tag } = await connect({ maxFrameBytes: 64 * 1024 });
    const problem = nextEvent(connection, 'problem');
    await control(`/__test/send-raw?tag=${tag}`, { method: 'POST', body: { padBytes: 100_000 } });
    const event = await problem;
    expect(event.detail.error.code).to.equal(ErrorCode.FRAME_TOO_LARGE);
    expect(textOf((await connection.callTool('echo', { text: 'fine' })).content)).to.contain('fine');
  });

  it('refuses an oversized outgoing frame with TG_FRAME_TOO_LARGE and keeps working', async () => {
    const { connection } = await connect({ maxFrameBytes: 64 * 1024, msgpack: true });
    const err = await rejection(connection.callTool('echo', { text: 'x'.repeat(100_000) }));
    expect(err.code).to.equal(ErrorCode.FRAME_TOO_LARGE);
    expect((err.data as { limit: number }).limit).to.equal(64 * 1024);
    expect(textOf((await connection.callTool('echo', { text: 'small' })).content)).to.contain('small');
  });

  it('keeps two connections in two workers isolated when one is closed or crashes', async () => {
    const a = (await connect()).connection;
    const b = (await connect({ msgpack: true })).connection;
    const c = (await connect()).connection;
    const pending = rejection(a.callTool('count_slowly', { count: 100, delayMs: 50 }));
    a.terminate();
    expect((await pending).code).to.equal(ErrorCode.WORKER_FAILED);
    expect(a.status).to.equal('failed');
    await c.close();
    expect(c.status).to.equal('closed');
    expect(textOf((await b.callTool('echo', { text: 'b lives' })).content)).to.contain('b lives');
    expect((await b.listTools()).length).to.be.at.least(12);
  });

  it('fails to connect with coded errors for bad configuration and unreachable servers', async () => {
    const refused = await rejection(McpConnection.open({ url: 'ws://127.0.0.1:1/mcp' }));
    expect(refused.code).to.equal(ErrorCode.CONNECTION_FAILED);
    const insecure = await rejection(McpConnection.open({ url: 'ws://mcp.example.com/mcp' }));
    expect(insecure.code).to.equal(ErrorCode.INVALID_CONFIG);
    const scheme = await rejection(McpConnection.open({ url: 'ftp://mcp.example.com/mcp' }));
    expect(scheme.code).to.equal(ErrorCode.INVALID_CONFIG);
    const plainHttp = await rejection(McpConnection.open({ url: 'http://mcp.example.com/mcp' }));
    expect(plainHttp.code).to.equal(ErrorCode.INVALID_CONFIG);
    const mismatch = await rejection(McpConnection.open({ url: taggedWsUrl(uniqueTag()), transport: 'http' }));
    expect(mismatch.code).to.equal(ErrorCode.INVALID_CONFIG);
    const garbage = await rejection(McpConnection.open({ url: 'not a url' }));
    expect(garbage.code).to.equal(ErrorCode.INVALID_CONFIG);
    const limits = await rejection(McpConnection.open({ url: taggedWsUrl(uniqueTag()), maxFrameBytes: -1 }));
    expect(limits.code).to.equal(ErrorCode.INVALID_CONFIG);
  });

  it('passes a tool error through as an isError result, not a rejection', async () => {
    const { connection } = await connect();
    const result = await connection.callTool('echo', { text: 1 as unknown as string });
    expect(result.isError).to.equal(true);
    expect(textOf(result.content)).to.match(/validation/i);
  });
});
