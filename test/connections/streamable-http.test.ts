/**
 * MCP over Streamable HTTP from a real worker to the demo server (the official SDK's
 * StreamableHTTPServerTransport, stateful sessions, SSE responses).
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import { control, taggedHttpUrl, taggedWsUrl, testEnv, uniqueTag } from '../support/env.js';
import { rejection, waitFor } from '../support/async.js';
import { closedAfterEach } from '../support/cleanup.js';
import { countToThree, textOf } from '../support/connections.js';

type Coded = Error & { code?: string; data?: unknown };

const open = closedAfterEach<McpConnection>();
async function connect(options: Partial<ConnectionConfig> & { tag?: string } = {}) {
  const { tag = uniqueTag('http'), ...config } = options;
  const connection = await McpConnection.open({ url: taggedHttpUrl(tag), ...config });
  open.push(connection);
  return { connection, tag };
}

const sessions = (tag: string) => control<{ open: number }>(`/__test/http-sessions?tag=${tag}`);

describe('McpConnection over Streamable HTTP', () => {
  it('initializes a session, lists every tool across pages and calls tools', async () => {
    const { connection, tag } = await connect();
    expect(connection.info?.serverInfo.name).to.equal('toolgate-demo');
    expect(connection.info?.codec).to.equal('json');
    // The demo server is a 2025 (legacy) server: the modern probe fails over to initialize.
    expect(connection.info?.protocolEra).to.equal('legacy');
    expect(connection.info?.protocolVersion).to.equal('2025-11-25');
    expect(await sessions(tag)).to.deep.equal({ open: 1 });
    const names = (await connection.listTools()).map((t) => t.name);
    expect(names.length).to.be.at.least(12);
    expect(new Set(names).size).to.equal(names.length);
    expect(textOf((await connection.callTool('echo', { text: 'over http' })).content)).to.contain('over http');
    const chart = await connection.callTool('render_chart', {});
    expect(chart.content.some((b) => b.type === 'image' && b.mimeType === 'image/png')).to.equal(true);
  });

  it('delivers progress from an SSE response before the result', async () => {
    const seen = await countToThree((await connect()).connection);
    expect(seen.map((p) => p.progress)).to.deep.equal([1, 2, 3]);
  });

  it('cancels from the page: TG_CANCELLED, and the server sees notifications/cancelled', async () => {
    const { connection, tag } = await connect();
    const controller = new AbortController();
    const err = await rejection(
      connection.callTool('count_slowly', { count: 100, delayMs: 50 }, { signal: controller.signal, onProgress: () => controller.abort('stop') }),
    );
    expect(err.code).to.equal(ErrorCode.CANCELLED);
    const record = await waitFor(async () => (await control<{ reason: string }[]>(`/__test/cancellations?tag=${tag}`))[0], 'cancellation');
    expect(record.reason).to.equal('stop');
  });

  it('re-initializes once when the server forgets the session (404) and the call still succeeds', async () => {
    const { connection, tag } = await connect();
    expect(await control(`/__test/expire-sessions?tag=${tag}`, { method: 'POST' })).to.deep.equal({ expired: 1 });
    expect(await sessions(tag)).to.deep.equal({ open: 0 });
    expect(textOf((await connection.callTool('echo', { text: 'again' })).content)).to.contain('again');
    expect(await sessions(tag)).to.deep.equal({ open: 1 });
  });

  it('ends the session with DELETE on close', async () => {
    const { connection, tag } = await connect();
    expect(await sessions(tag)).to.deep.equal({ open: 1 });
    await connection.close();
    expect(await sessions(tag)).to.deep.equal({ open: 0 });
    expect(connection.status).to.equal('closed');
  });

  it('gives TG_NETWORK_ERROR (with the CORS hint) when the server cannot be reached', async () => {
    const err = await rejection(McpConnection.open({ url: 'http://127.0.0.1:1/mcp' }));
    expect(err.code).to.equal(ErrorCode.NETWORK_ERROR);
    expect(err.message).to.match(/CORS/);
  });

  it('gives TG_CORS_BLOCKED when the server is reachable but its answer lacks CORS headers', async () => {
    const url = new URL(taggedHttpUrl(uniqueTag()));
    url.pathname = '/no-such-endpoint'; // the demo server answers 404 without CORS headers here
    const err = await rejection(McpConnection.open({ url: url.href }));
    expect(err.code).to.equal(ErrorCode.CORS_BLOCKED);
  });

  it('gives TG_HTTP_ERROR for an HTTP error status that is not a JSON-RPC answer', async () => {
    const url = new URL(taggedHttpUrl(uniqueTag()));
    url.pathname = '/__test/not-an-mcp-endpoint'; // 404 with CORS headers
    const err = await rejection(McpConnection.open({ url: url.href }));
    expect(err.code).to.equal(ErrorCode.HTTP_ERROR);
    expect((err.data as { status: number }).status).to.equal(404);
  });

  it('with a pinned legacy protocolVersion, skips detection and offers that version', async () => {
    const { connection } = await connect({ protocolVersion: '2025-06-18' });
    expect(connection.info?.protocolEra).to.equal('legacy');
    expect(connection.info?.protocolVersion).to.equal('2025-06-18');
  });

  it('refuses an unknown protocolVersion, and a modern one over WebSocket, with TG_INVALID_CONFIG', async () => {
    expect((await rejection(connect({ protocolVersion: '1999-01-01' }))).code).to.equal(ErrorCode.INVALID_CONFIG);
    const ws = McpConnection.open({ url: testEnv().wsUrl, protocolVersion: '2026-07-28' });
    expect((await rejection(ws)).code).to.equal(ErrorCode.INVALID_CONFIG);
  });
});

describe('Resources and prompts', () => {
  for (const [transport, url] of [
    ['Streamable HTTP', () => taggedHttpUrl(uniqueTag('rp'))],
    ['WebSocket', () => taggedWsUrl(uniqueTag('rp'))],
  ] as const) {
    it(`lists and reads resources, lists and gets prompts over ${transport}`, async () => {
      const connection = await McpConnection.open({ url: url() });
      open.push(connection);
      const resources = await connection.listResources();
      expect(resources.map((r) => r.uri)).to.include('notes://index');
      const read = await connection.readResource('notes://index');
      const first = read.contents[0] as { text?: string };
      expect(first.text).to.match(/note-1/);
      const prompts = await connection.listPrompts();
      expect(prompts.map((p) => p.name)).to.include('summarize_note');
      const prompt = await connection.getPrompt('summarize_note', { id: 'note-1' });
      expect(JSON.stringify(prompt.messages)).to.contain('Summarize this note');
      const missing = await rejection(connection.readResource('notes://nope'));
      expect(missing.code).to.equal(ErrorCode.RPC_ERROR);
    });
  }
});
