/**
 * The HTTP+SSE transport (2024-11-05) over an injected fetch (no server): the endpoint event and its
 * same-origin rule, message events, POST failures, the end of the stream, and close().
 */
import { rejection } from '../../support/async.js';
import { expect } from '@esm-bundle/chai';
import { RpcEngine } from '../../../workers/protocol/rpc.js';
import { ErrorCode, type TgError } from '../../../workers/shared/errors.js';
import { LegacySseTransport } from '../../../workers/transports/legacy-sse.js';

const SSE_URL = 'http://127.0.0.1:9/app/sse';

/** A server stream the test writes to, and every request the transport made. */
function fakeServer(options: { getStatus?: number; postStatus?: number; contentType?: string } = {}) {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const requests: { method: string; url: string; body?: string; headers: Record<string, string>; signal: AbortSignal; redirect?: string }[] = [];
  const fn: typeof fetch = async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const signal = init!.signal!;
    requests.push({ method: init?.method ?? 'GET', url: String(input), body: init?.body as string | undefined, headers, signal, redirect: init?.redirect });
    if ((init?.method ?? 'GET') === 'GET') {
      signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      return new Response(body, { status: options.getStatus ?? 200, headers: { 'content-type': options.contentType ?? 'text/event-stream' } });
    }
    return new Response('Accepted', { status: options.postStatus ?? 202 });
  };
  return {
    fn,
    requests,
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}


describe('LegacySseTransport', () => {
  it('GETs the stream, resolves a relative endpoint, POSTs there and delivers message events', async () => {
    const server = fakeServer();
    const transport = new LegacySseTransport({ url: SSE_URL, fetch: server.fn });
    const rpc = new RpcEngine(transport);
    const started = transport.start();
    server.write('event: endpoint\ndata: messages?sessionId=abc\n\n');
    await started;
    expect(server.requests[0]).to.include({ method: 'GET', url: SSE_URL });
    expect(server.requests[0]!.headers.accept).to.equal('text/event-stream');
    expect(transport.endpoint).to.equal('http://127.0.0.1:9/app/messages?sessionId=abc');

    const answer = rpc.request('tools/list');
    await new Promise((r) => setTimeout(r, 0));
    const post = server.requests[1]!;
    expect(post).to.include({ method: 'POST', url: 'http://127.0.0.1:9/app/messages?sessionId=abc', redirect: 'error' });
    expect(post.headers['content-type']).to.equal('application/json');
    const id = (JSON.parse(post.body!) as { id: number }).id;
    server.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, result: { tools: [] } })}\n\n`);
    expect(await answer).to.deep.equal({ tools: [] });
    await rpc.close();
  });

  it('refuses a cross-origin endpoint and aborts the stream', async () => {
    const server = fakeServer();
    const transport = new LegacySseTransport({ url: SSE_URL, fetch: server.fn });
    const started = transport.start();
    server.write('event: endpoint\ndata: //127.0.0.1:10/messages\n\n');
    const err = await rejection(started);
    expect(err.code).to.equal(ErrorCode.CROSS_ORIGIN_ENDPOINT);
    expect(err.data).to.deep.equal({ endpoint: 'http://127.0.0.1:10/messages', origin: 'http://127.0.0.1:9' });
    expect(server.requests[0]!.signal.aborted).to.equal(true);
    expect(server.requests).to.have.length(1); // nothing was posted anywhere
  });

  it('keeps the first endpoint: a later endpoint event naming another URI is ignored and reported', async () => {
    const server = fakeServer();
    const transport = new LegacySseTransport({ url: SSE_URL, fetch: server.fn });
    const errors: TgError[] = [];
    transport.onerror = (e) => errors.push(e);
    const started = transport.start();
    server.write('event: endpoint\ndata: /a\n\n');
    await started;
    server.write('event: endpoint\ndata: /b\n\n');
    await new Promise((r) => setTimeout(r, 10));
    expect(transport.endpoint).to.equal('http://127.0.0.1:9/a');
    expect(errors.map((e) => e.code)).to.deep.equal([ErrorCode.PROTOCOL_ERROR]);
    await transport.close();
  });

  it('fails start with coded errors: HTTP status, wrong content type, no endpoint in time, stream ended first', async () => {
    expect((await rejection(new LegacySseTransport({ url: SSE_URL, fetch: fakeServer({ getStatus: 404 }).fn }).start())).code).to.equal(
      ErrorCode.HTTP_ERROR,
    );
    expect(
      (await rejection(new LegacySseTransport({ url: SSE_URL, fetch: fakeServer({ contentType: 'application/json' }).fn }).start())).code,
    ).to.equal(ErrorCode.PROTOCOL_ERROR);
    const silent = fakeServer();
    const timedOut = await rejection(new LegacySseTransport({ url: SSE_URL, fetch: silent.fn, endpointTimeoutMs: 50 }).start());
    expect(timedOut.code).to.equal(ErrorCode.CONNECTION_FAILED);
    expect(silent.requests[0]!.signal.aborted).to.equal(true);
    const ending = fakeServer();
    const start = new LegacySseTransport({ url: SSE_URL, fetch: ending.fn }).start();
    ending.write(': hello\n\n');
    ending.end();
    expect((await rejection(start)).code).to.equal(ErrorCode.CONNECTION_FAILED);
  });

  it('rejects a request whose POST fails with TG_HTTP_ERROR; the stream ending closes with a reason', async () => {
    const server = fakeServer({ postStatus: 500 });
    const transport = new LegacySseTransport({ url: SSE_URL, fetch: server.fn });
    const rpc = new RpcEngine(transport);
    const closed: { reason?: TgError }[] = [];
    rpc.onclose = (reason) => void closed.push(reason ? { reason } : {});
    const started = transport.start();
    server.write('event: endpoint\ndata: /messages\n\n');
    await started;
    const err = await rejection(rpc.request('tools/call', { name: 'x', arguments: {} }));
    expect(err.code).to.equal(ErrorCode.HTTP_ERROR);
    expect((err.data as { status: number }).status).to.equal(500);
    server.end();
    await new Promise((r) => setTimeout(r, 10));
    expect(closed.map((c) => c.reason?.code)).to.deep.equal([ErrorCode.CONNECTION_CLOSED]);
  });

  it('close() aborts the stream and reports a requested close', async () => {
    const server = fakeServer();
    const transport = new LegacySseTransport({ url: SSE_URL, fetch: server.fn });
    const closed: { reason?: TgError }[] = [];
    transport.onclose = (reason) => void closed.push(reason ? { reason } : {});
    const started = transport.start();
    server.write('event: endpoint\ndata: /messages\n\n');
    await started;
    await transport.close();
    expect(server.requests[0]!.signal.aborted).to.equal(true);
    expect(closed).to.deep.equal([{}]);
    expect((await rejection(transport.send({ jsonrpc: '2.0', method: 'x' }))).code).to.equal(ErrorCode.CONNECTION_CLOSED);
  });
});
