/**
 * Bad input from a server (test/support/servers/misbehaving.mjs), over Streamable HTTP and HTTP+SSE:
 * every case gives a coded error, or a reported `problem` for unsolicited junk; the connection and
 * the page survive where the transport allows; a failed `tools/call` is never re-sent.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import { uniqueTag } from '../support/env.js';
import { rejection, waitFor } from '../support/async.js';
import { closedAfterEach } from '../support/cleanup.js';
import { badUrl, fromBad, textOf } from '../support/connections.js';

type Coded = Error & { code?: string; data?: unknown };

const open = closedAfterEach<McpConnection>();

/** Opens a connection to the misbehaving server and records the problems it reports. */
async function connectBad(path: string, options: Partial<ConnectionConfig> = {}) {
  const tag = uniqueTag('bad');
  const connection = await McpConnection.open({ url: badUrl(path, { tag }), transport: 'auto', ...options });
  open.push(connection);
  const problems: Coded[] = [];
  connection.addEventListener('problem', (event) => problems.push(event.detail.error as Coded));
  return { connection, tag, problems };
}

async function callsOf(tag: string, tool: string): Promise<number> {
  return (await fromBad<{ calls: number }>('/calls', tag, { tool })).calls;
}

describe('Bad input over Streamable HTTP', () => {
  const failures = [
    { tool: 'non_json', code: ErrorCode.PROTOCOL_ERROR, what: 'a body that is not JSON' },
    { tool: 'wrong_type', code: ErrorCode.PROTOCOL_ERROR, what: 'a wrong content type' },
    { tool: 'cut_stream', code: ErrorCode.CONNECTION_CLOSED, what: 'an SSE stream that ends mid-event' },
    { tool: 'server_error', code: ErrorCode.HTTP_ERROR, what: 'HTTP 500' },
    { tool: 'stray_id_json', code: ErrorCode.PROTOCOL_ERROR, what: 'a JSON body answering another id' },
  ];
  for (const f of failures) {
    it(`${f.what}: ${f.code}, sent once, and the next call works`, async () => {
      const { connection, tag } = await connectBad('/mcp', { requestTimeoutMs: 5000 });
      expect(connection.info?.transport).to.equal('http');
      expect(connection.info?.protocolVersion).to.equal('2025-06-18');
      const started = Date.now();
      const err = await rejection(connection.callTool(f.tool, {}));
      expect(err.code).to.equal(f.code);
      expect(Date.now() - started, 'fails fast, not by timeout').to.be.below(4000);
      if (f.code === ErrorCode.HTTP_ERROR) expect((err.data as { status: number }).status).to.equal(500);
      expect(textOf((await connection.callTool('echo', { text: 'still here' })).content)).to.equal('echo: still here');
      expect(await callsOf(tag, f.tool), 'a failed tools/call is never re-sent').to.equal(1);
      expect(connection.status).to.equal('ready');
    });
  }

  const strayResponses: { tool: string; title: string; message?: RegExp }[] = [
    { tool: 'stray_id', title: 'a response whose id matches nothing is dropped and reported; the real answer wins', message: /unknown request id "nobody-asked"/ },
    { tool: 'duplicate', title: 'a second response for an already answered id is dropped and reported, never taken as the result' },
  ];
  for (const { tool, title, message } of strayResponses) {
    it(title, async () => {
      const { connection, problems } = await connectBad('/mcp');
      const result = await connection.callTool(tool, {});
      expect(textOf(result.content)).to.equal('first answer');
      const problem = await waitFor(() => problems[0], 'a problem event');
      expect(problem.code).to.equal(ErrorCode.PROTOCOL_ERROR);
      if (message) expect(problem.message).to.match(message);
      expect((await connection.diagnostics()).unknownResponses).to.equal(1);
      expect(textOf((await connection.callTool('echo', { text: 'ok' })).content)).to.equal('echo: ok');
    });
  }
});

describe('Bad input over HTTP+SSE', () => {
  it('detects a 2024-11-05 HTTP+SSE server and accepts its version', async () => {
    const { connection } = await connectBad('/sse/ok');
    expect(connection.info?.transport).to.equal('sse');
    expect(connection.info?.protocolVersion).to.equal('2024-11-05');
    expect((await connection.listTools()).length).to.be.greaterThan(0);
    expect(textOf((await connection.callTool('echo', { text: 'sse' })).content)).to.equal('echo: sse');
  });

  it('refuses a cross-origin endpoint event with TG_CROSS_ORIGIN_ENDPOINT', async () => {
    const err = await rejection(connectBad('/sse/cross-origin'));
    expect(err.code).to.equal(ErrorCode.CROSS_ORIGIN_ENDPOINT);
    expect((err.data as { endpoint: string }).endpoint).to.equal('https://attacker.example/messages');
    // The page is fine: another connection works.
    const { connection } = await connectBad('/sse/ok');
    expect(connection.status).to.equal('ready');
  });

  it('gives up on a stream that never names its endpoint, in bounded time', async () => {
    const started = Date.now();
    const err = await rejection(connectBad('/sse/no-endpoint', { requestTimeoutMs: 800 }));
    expect(err.code).to.equal(ErrorCode.CONNECTION_FAILED);
    expect(Date.now() - started).to.be.below(8000);
  });

  it('a non-JSON message event is reported; the connection goes on', async () => {
    const { connection, problems } = await connectBad('/sse/ok');
    expect(textOf((await connection.callTool('junk', { text: 'x' })).content)).to.equal('echo: x');
    const problem = await waitFor(() => problems[0], 'a problem event');
    expect(problem.code).to.equal(ErrorCode.PROTOCOL_ERROR);
    expect(connection.status).to.equal('ready');
  });

  it('a stream that ends mid-event: the call rejects and is not re-sent; the connection reconnects (new stream, new endpoint)', async () => {
    const { connection, tag } = await connectBad('/sse/ok', { reconnect: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 3 } });
    const statuses: string[] = [];
    connection.addEventListener('status', (event) => statuses.push(event.detail.status));
    const err = await rejection(connection.callTool('cut_stream', {}));
    expect(err.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    await waitFor(() => (statuses.includes('ready') ? true : undefined), 'ready after reconnecting');
    expect(statuses).to.deep.equal(['reconnecting', 'ready']);
    expect(textOf((await connection.callTool('echo', { text: 'again' })).content)).to.equal('echo: again');
    expect(await callsOf(tag, 'cut_stream')).to.equal(1);
  });

  it('with reconnect off, a stream that ends mid-event closes the connection with a coded status; the page survives', async () => {
    const { connection, tag } = await connectBad('/sse/ok', { reconnect: false });
    const failed = new Promise<Coded | undefined>((resolve) =>
      connection.addEventListener('status', (event) => {
        if (event.detail.status === 'failed') resolve(event.detail.error as Coded | undefined);
      }),
    );
    const err = await rejection(connection.callTool('cut_stream', {}));
    expect(err.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    expect((await failed)?.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    expect(connection.status).to.equal('failed');
    expect((await rejection(connection.callTool('echo', {}))).code).to.equal(ErrorCode.CONNECTION_CLOSED);
    expect(await callsOf(tag, 'cut_stream')).to.equal(1);
    const { connection: next } = await connectBad('/sse/ok');
    expect(textOf((await next.callTool('echo', { text: 'new' })).content)).to.equal('echo: new');
  });
});
