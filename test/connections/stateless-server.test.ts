/**
 * A 2026-07-28 stateless server (test/support/servers/stateless-2026.mjs: the SDK's low-level Server
 * behind a stateless Streamable HTTP binding that validates headers against the body) completes the
 * auto-detection matrix of servers.test.ts: the client must pick the modern era over HTTP, send the
 * per-request `_meta` and the routing headers the server checks, and a client pinned to a legacy
 * version must get the server's coded answer, not a hang.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import { testEnv, uniqueTag } from '../support/env.js';
import { rejection } from '../support/async.js';
import { closedAfterEach } from '../support/cleanup.js';
import { textOf } from '../support/connections.js';

const statelessUrl = () => (testEnv() as unknown as { statelessUrl: string }).statelessUrl;

const open = closedAfterEach<McpConnection>();
async function connect(config: Partial<ConnectionConfig> & { tag?: string } = {}) {
  const { tag = uniqueTag('stateless'), ...rest } = config;
  const url = new URL(statelessUrl());
  url.searchParams.set('tag', tag);
  const connection = await McpConnection.open({ url: url.href, transport: 'auto', ...rest });
  open.push(connection);
  return { connection, tag };
}

interface Seen {
  method: string;
  meta: Record<string, unknown> | null;
  headers: Record<string, string>;
}
async function seen(tag: string): Promise<Seen> {
  return (await (await fetch(new URL(`/__seen?tag=${tag}`, statelessUrl()))).json()) as Seen;
}

describe('Auto-detection against a 2026-07-28 stateless server', () => {
  it('declares the MCP Apps extension in every request\'s client capabilities only when the page renders views (apps)', async () => {
    const ui = 'io.modelcontextprotocol/ui';
    const capabilities = async (apps: boolean) => {
      const { connection, tag } = await connect({ apps });
      await connection.listTools();
      return (await seen(tag)).meta?.['io.modelcontextprotocol/clientCapabilities'] as { extensions?: Record<string, unknown> } | undefined;
    };
    expect((await capabilities(true))?.extensions?.[ui]).to.deep.equal({ mimeTypes: ['text/html;profile=mcp-app'] });
    expect((await capabilities(false))?.extensions).to.equal(undefined);
  });

  it('picks the modern era over Streamable HTTP from server/discover; tools/list and tools/call work', async () => {
    const { connection } = await connect();
    expect(connection.info?.protocolEra).to.equal('modern');
    expect(connection.info?.protocolVersion).to.equal('2026-07-28');
    expect(connection.info?.transport).to.equal('http');
    expect(connection.info?.serverInfo.name).to.equal('stateless-2026');
    expect((await connection.listTools()).map((t) => t.name).sort()).to.deep.equal(['add', 'echo', 'forecast']);
    expect(textOf((await connection.callTool('echo', { text: 'now' })).content)).to.equal('echo: now');
    expect((await connection.callTool('add', { a: 2, b: 40 })).structuredContent).to.deep.equal({ sum: 42 });
    expect(connection.status).to.equal('ready');
  });

  it('every request carries the per-request _meta and headers that match its body (the server rejects a mismatch with -32020)', async () => {
    const { connection, tag } = await connect({ clientInfo: { name: 'stateless-test', version: '9' } });
    await connection.listTools();
    // `region` is marked x-mcp-header: the server refuses the call unless Mcp-Param-Region matches.
    expect(textOf((await connection.callTool('forecast', { region: 'eu-west' })).content)).to.equal('sunny in eu-west');
    const last = await seen(tag);
    expect(last.method).to.equal('tools/call');
    expect(last.meta?.['io.modelcontextprotocol/protocolVersion']).to.equal('2026-07-28');
    expect(last.meta?.['io.modelcontextprotocol/clientInfo']).to.deep.equal({ name: 'stateless-test', version: '9' });
    expect(last.meta?.['io.modelcontextprotocol/clientCapabilities']).to.be.an('object');
    expect(last.headers).to.include({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'forecast', 'mcp-param-region': 'eu-west' });
    // A value that is not header-safe goes base64; the server decodes it and still finds a match.
    expect(textOf((await connection.callTool('forecast', { region: ' zürich ' })).content)).to.equal('sunny in  zürich ');
    expect((await seen(tag)).headers['mcp-param-region']).to.match(/^=\?base64\?.+\?=$/);
  });

  it('the server really validates: a hand-made request whose Mcp-Name does not match its body gets 400 and -32020', async () => {
    const response = await fetch(statelessUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'add' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } }),
    });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).to.equal(-32020);
  });

  it('a client pinned to a legacy version gets the server\'s coded refusal of initialize, naming the versions it speaks', async () => {
    const err = await rejection(connect({ protocolVersion: '2025-11-25' }));
    expect(err.code).to.equal(ErrorCode.RPC_ERROR);
    expect(err.rpcCode).to.equal(-32022);
    expect((err.data as { supported: string[] }).supported).to.deep.equal(['2026-07-28']);
  });
});
