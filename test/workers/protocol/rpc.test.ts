import { rejection } from '../../support/async.js';
import { expect } from '@esm-bundle/chai';
import { RpcEngine } from '../../../workers/protocol/rpc.js';
import { ErrorCode, TgError } from '../../../workers/shared/errors.js';
import { InMemoryTransport, ScriptedPeer, tick } from '../../support/in-memory-transport.js';

function setup(options: { defaultTimeoutMs?: number } = {}) {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  const rpc = new RpcEngine(clientEnd, options);
  const peer = new ScriptedPeer(serverEnd);
  const problems: TgError[] = [];
  rpc.onerror = (error) => problems.push(error);
  return { rpc, peer, problems, clientEnd, serverEnd };
}


describe('RpcEngine', () => {
  it('correlates concurrent responses by id, whatever their order', async () => {
    const { rpc, peer } = setup();
    const held: { id: string | number; n: unknown }[] = [];
    peer.on('double', (params, id) => {
      held.push({ id, n: params?.n });
      return undefined;
    });
    const calls = [1, 2, 3].map((n) => rpc.request('double', { n }));
    await tick();
    for (const { id, n } of [...held].reverse()) peer.reply(id, { value: (n as number) * 2 });
    expect((await Promise.all(calls)).map((r) => r.value)).to.deep.equal([2, 4, 6]);
    expect(new Set(held.map((h) => h.id)).size).to.equal(3);
  });

  it('rejects a JSON-RPC error with TG_RPC_ERROR carrying the code and data', async () => {
    const { rpc, peer } = setup();
    peer.on('fail', (_, id) => {
      peer.send({ jsonrpc: '2.0', id, error: { code: -32602, message: 'bad params', data: { field: 'x' } } });
      return undefined;
    });
    const err = await rejection(rpc.request('fail'));
    expect(err.code).to.equal(ErrorCode.RPC_ERROR);
    expect(err.rpcCode).to.equal(-32602);
    expect(err.data).to.deep.equal({ field: 'x' });
  });

  it('times out with TG_TIMEOUT and sends notifications/cancelled', async () => {
    const { rpc, peer } = setup();
    peer.on('slow', () => undefined);
    const err = await rejection(rpc.request('slow', {}, { timeoutMs: 30 }));
    expect(err.code).to.equal(ErrorCode.TIMEOUT);
    await tick();
    expect(peer.notifications).to.deep.equal([
      { method: 'notifications/cancelled', params: { requestId: peer.requests[0]!.id, reason: 'timeout' } },
    ]);
  });

  it('never sends notifications/cancelled for a request marked not cancellable', async () => {
    const { rpc, peer } = setup();
    peer.on('initialize', () => undefined);
    const err = await rejection(rpc.request('initialize', {}, { timeoutMs: 20, cancellable: false }));
    expect(err.code).to.equal(ErrorCode.TIMEOUT);
    await tick(10);
    expect(peer.notifications).to.have.length(0);
  });

  it('cancels on abort with TG_CANCELLED, tells the server, and ignores the late response quietly', async () => {
    const { rpc, peer, problems } = setup();
    peer.on('slow', () => undefined);
    const controller = new AbortController();
    const pending = rpc.request('slow', {}, { signal: controller.signal });
    await tick();
    controller.abort('user pressed stop');
    const err = await rejection(pending);
    expect(err.code).to.equal(ErrorCode.CANCELLED);
    await tick();
    const id = peer.requests[0]!.id;
    expect(peer.notifications[0]).to.deep.equal({
      method: 'notifications/cancelled',
      params: { requestId: id, reason: 'user pressed stop' },
    });
    peer.reply(id, { late: true });
    await tick();
    expect(problems).to.have.length(0);
  });

  it('rejects at once when the signal is already aborted, sending nothing', async () => {
    const { rpc, peer } = setup();
    const err = await rejection(rpc.request('x', {}, { signal: AbortSignal.abort() }));
    expect(err.code).to.equal(ErrorCode.CANCELLED);
    await tick();
    expect(peer.requests).to.have.length(0);
  });

  it('delivers increasing progress, ignores stale values, and progress resets the idle timeout', async () => {
    const { rpc, peer } = setup();
    peer.on('work', () => undefined);
    const seen: number[] = [];
    const pending = rpc.request('work', { job: 1 }, { timeoutMs: 60, onProgress: (p) => seen.push(p.progress) });
    await tick();
    const request = peer.requests[0]!;
    const token = (request.params?._meta as { progressToken: unknown }).progressToken;
    expect(request.params?.job).to.equal(1);
    const send = (progress: number) =>
      peer.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress, total: 4 } });
    for (const progress of [1, 2, 3, 4]) {
      send(progress);
      send(progress - 1); // stale: not delivered
      await tick(40); // 4 × 40 ms > 60 ms: only progress keeps the request alive
    }
    peer.reply(request.id, { done: true });
    expect(await pending).to.deep.equal({ done: true });
    expect(seen).to.deep.equal([1, 2, 3, 4]);
  });

  it('enforces the hard maximum even while progress keeps coming', async () => {
    const { rpc, peer } = setup();
    peer.on('work', () => undefined);
    const pending = rpc.request('work', {}, { timeoutMs: 50, maxTotalTimeoutMs: 120, onProgress: () => {} });
    await tick();
    const token = (peer.requests[0]!.params?._meta as { progressToken: unknown }).progressToken;
    let progress = 0;
    const pump = setInterval(
      () => peer.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: ++progress } }),
      20,
    );
    try {
      const err = await rejection(pending);
      expect(err.code).to.equal(ErrorCode.TIMEOUT);
      expect((err.data as { timeoutMs: number }).timeoutMs).to.equal(120);
    } finally {
      clearInterval(pump);
    }
  });

  it('answers ping, and unknown methods with -32601', async () => {
    const { peer } = setup();
    peer.send({ jsonrpc: '2.0', id: 'p1', method: 'ping' });
    peer.send({ jsonrpc: '2.0', id: 'p2', method: 'no/such' });
    await tick();
    const byId = (a: unknown, b: unknown) => String((a as { id: string }).id).localeCompare(String((b as { id: string }).id));
    expect([...peer.responses].sort(byId)).to.deep.equal([
      { jsonrpc: '2.0', id: 'p1', result: {} },
      { jsonrpc: '2.0', id: 'p2', error: { code: -32601, message: 'Method not found: no/such' } },
    ]);
  });

  it('rejects every pending request with TG_CONNECTION_CLOSED when the transport drops', async () => {
    const { rpc, peer, clientEnd } = setup();
    peer.on('a', () => undefined).on('b', () => undefined);
    let closedWith: TgError | undefined | 'not called' = 'not called';
    rpc.onclose = (reason) => (closedWith = reason);
    const calls = [rpc.request('a'), rpc.request('b')].map(rejection);
    await tick();
    const reason = new TgError(ErrorCode.CONNECTION_CLOSED, 'socket dropped');
    clientEnd.drop(reason);
    const errors = await Promise.all(calls);
    expect(errors.map((e) => e.code)).to.deep.equal([ErrorCode.CONNECTION_CLOSED, ErrorCode.CONNECTION_CLOSED]);
    expect(errors[0]!.cause).to.equal(reason);
    expect(closedWith).to.equal(reason);
    expect((await rejection(rpc.request('c'))).code).to.equal(ErrorCode.CONNECTION_CLOSED);
  });

  it('reports and counts malformed frames and unknown response ids, and keeps working', async () => {
    const { rpc, peer, problems, clientEnd } = setup();
    peer.on('echo', (params) => params);
    for (const raw of ['text', [1], { jsonrpc: '1.0', id: 1, result: {} }, { jsonrpc: '2.0', id: {}, method: 'x' }, { jsonrpc: '2.0' }]) {
      clientEnd.deliver(raw);
    }
    peer.reply(999, {});
    await tick();
    clientEnd.onerror?.(new TgError(ErrorCode.FRAME_TOO_LARGE, 'too big'));
    expect(problems.map((p) => p.code)).to.deep.equal([
      ...Array(5).fill(ErrorCode.PROTOCOL_ERROR),
      ErrorCode.PROTOCOL_ERROR,
      ErrorCode.FRAME_TOO_LARGE,
    ]);
    expect(rpc.stats).to.deep.equal({ invalidFrames: 6, unknownResponses: 1 });
    expect(await rpc.request('echo', { still: 'alive' })).to.deep.equal({ still: 'alive' });
  });

  it('rejects a request whose send fails, with the transport error', async () => {
    const { rpc, clientEnd } = setup();
    clientEnd.send = () => Promise.reject(new TgError(ErrorCode.FRAME_TOO_LARGE, 'too big'));
    expect((await rejection(rpc.request('x'))).code).to.equal(ErrorCode.FRAME_TOO_LARGE);
  });
});
