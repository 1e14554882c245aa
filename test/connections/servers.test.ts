/**
 * Auto-detection against real servers started by the test setup (test/support/servers/): the official
 * SDK over Streamable HTTP in JSON-response and SSE mode, its legacy HTTP+SSE server (2024-11-05
 * transport), and `@modelcontextprotocol/server-everything` when it is installed. Each connection is
 * opened with `transport: 'auto'`, as a page would, and must land on the right era and transport.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import { testEnv } from '../support/env.js';
import { rejection } from '../support/async.js';
import { closedAfterEach } from '../support/cleanup.js';
import { textOf } from '../support/connections.js';

type Coded = Error & { code?: string; data?: unknown };
interface ServersEnv {
  sdkJsonUrl: string;
  sdkSseUrl: string;
  sdkLegacySseUrl: string;
  everythingUrl?: string;
}
const env = () => testEnv() as unknown as ServersEnv;

const open = closedAfterEach<McpConnection>();
async function connect(config: ConnectionConfig): Promise<McpConnection> {
  const connection = await McpConnection.open(config);
  open.push(connection);
  return connection;
}

describe('Auto-detection against real SDK servers', () => {
  const cases = [
    { name: 'Streamable HTTP, JSON responses (stateful)', url: () => env().sdkJsonUrl, server: 'sdk-json', transport: 'http' },
    { name: 'Streamable HTTP, SSE responses (stateless)', url: () => env().sdkSseUrl, server: 'sdk-sse', transport: 'http' },
    { name: 'HTTP+SSE (2024-11-05 transport)', url: () => env().sdkLegacySseUrl, server: 'sdk-legacy-sse', transport: 'sse' },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: legacy era over ${c.transport}; tools/list and tools/call work`, async () => {
      const connection = await connect({ url: c.url(), transport: 'auto' });
      expect(connection.info?.serverInfo.name).to.equal(c.server);
      expect(connection.info?.protocolEra).to.equal('legacy');
      expect(connection.info?.protocolVersion).to.equal('2025-11-25');
      expect(connection.info?.transport).to.equal(c.transport);
      expect((await connection.listTools()).map((t) => t.name).sort()).to.deep.equal(['add', 'echo']);
      expect(textOf((await connection.callTool('echo', { text: 'hi' })).content)).to.equal('echo: hi');
      const sum = await connection.callTool('add', { a: 2, b: 40 });
      expect(sum.structuredContent).to.deep.equal({ sum: 42 });
      expect(connection.status).to.equal('ready');
    });
  }

  it('transport "sse" goes straight to HTTP+SSE; 2024-11-05 is accepted there', async () => {
    const connection = await connect({ url: env().sdkLegacySseUrl, transport: 'sse', protocolVersion: '2024-11-05' });
    expect(connection.info?.transport).to.equal('sse');
    expect(connection.info?.protocolVersion).to.equal('2024-11-05');
    expect(textOf((await connection.callTool('echo', { text: 'old' })).content)).to.equal('echo: old');
  });

  it('transport "http" does not fall back to HTTP+SSE: the refusal is a coded HTTP error', async () => {
    const err = await rejection(connect({ url: env().sdkLegacySseUrl, transport: 'http' }));
    expect(err.code).to.equal(ErrorCode.HTTP_ERROR);
    expect((err.data as { status: number }).status).to.equal(405);
  });

  it('2024-11-05 is refused over Streamable HTTP and WebSocket, "sse" with a ws:// URL, and a modern version over sse', async () => {
    const cases: ConnectionConfig[] = [
      { url: env().sdkJsonUrl, transport: 'http', protocolVersion: '2024-11-05' },
      { url: 'ws://127.0.0.1:1/mcp', protocolVersion: '2024-11-05' },
      { url: 'ws://127.0.0.1:1/mcp', transport: 'sse' },
      { url: env().sdkLegacySseUrl, transport: 'sse', protocolVersion: '2026-07-28' },
    ];
    for (const config of cases) expect((await rejection(connect(config))).code, JSON.stringify(config)).to.equal(ErrorCode.INVALID_CONFIG);
  });

  it('a Streamable HTTP server is not mistaken for HTTP+SSE when forced to sse: coded error, no hang', async () => {
    const err = await rejection(connect({ url: env().sdkJsonUrl, transport: 'sse' }));
    // The SDK answers a GET without a session with 400 (or 405): the SSE stream never opens.
    expect(err.code).to.equal(ErrorCode.HTTP_ERROR);
  });

  it('closing an HTTP+SSE connection aborts the stream; a new one works', async () => {
    const first = await connect({ url: env().sdkLegacySseUrl });
    await first.close();
    expect(first.status).to.equal('closed');
    const second = await connect({ url: env().sdkLegacySseUrl });
    expect(textOf((await second.callTool('echo', { text: 'again' })).content)).to.equal('echo: again');
  });
});

describe('Auto-detection against @modelcontextprotocol/server-everything', () => {
  it('picks legacy Streamable HTTP; lists tools and calls echo and get-sum', async () => {
    const url = env().everythingUrl;
    if (!url) throw new Error('server-everything did not start (test/support/servers/sdk-servers.mjs)');
    const connection = await connect({ url, transport: 'auto' });
    expect(connection.info?.protocolEra).to.equal('legacy');
    expect(connection.info?.transport).to.equal('http');
    expect(connection.info?.serverInfo.name).to.equal('mcp-servers/everything');
    const names = (await connection.listTools()).map((t) => t.name);
    expect(names).to.include.members(['echo', 'get-sum']);
    expect(textOf((await connection.callTool('echo', { message: 'everything' })).content)).to.contain('everything');
    expect(textOf((await connection.callTool('get-sum', { a: 1, b: 2 })).content)).to.contain('3');
  });
});
