/**
 * DOM-free: the registry under faults, with fake connections and a real gate over an in-memory
 * audit sink. A lost worker (`TG_WORKER_FAILED`) gets a new connection after the server's own
 * reconnect backoff, and none when `reconnect` is false; servers the gate refused for want of
 * storage go behind it again when `retryRefused` says the reason has gone.
 */
import { expect } from '@esm-bundle/chai';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import type { ServerRegistry } from '../../src/runtime/servers.js';
import { isStorageFailure } from '../../src/storage/errors.js';
import { fakeRegistry } from '../support/fake-registry.js';
import { waitFor } from '../support/async.js';
import { closedAfterEach } from '../support/cleanup.js';

const registries = closedAfterEach<ServerRegistry>();

async function setup() {
  const { registry, gate, audit, opened } = await fakeRegistry();
  registries.push(registry);
  const behindGate = () => gate.tools({ kind: 'person' }).some((t) => t.id === 'a__echo');
  return { registry, gate, audit, opened, behindGate };
}

const lost = () => new TgError(ErrorCode.WORKER_FAILED, 'The connection worker stopped answering');

describe('ServerRegistry under faults', function () {
  this.timeout(10000);

  it('replaces a lost worker after the reconnect backoff: failed with the code meanwhile, still behind the gate, a call waits for the new one', async () => {
    const { registry, gate, opened, behindGate } = await setup();
    registry.set([{ spec: { url: 'wss://a/', reconnect: { baseDelayMs: 100, maxDelayMs: 200 } } }]);
    await waitFor(() => (behindGate() ? true : undefined), 'the server behind the gate', 5000);

    opened[0]!.emitStatus('failed', lost());
    expect(registry.list[0]).to.deep.include({ status: 'failed' });
    expect(registry.list[0]!.error?.code).to.equal(ErrorCode.WORKER_FAILED);
    // Its tools stay known (not TG_TOOL_UNKNOWN); a call made now waits for the new worker.
    expect(behindGate()).to.equal(true);
    const call = gate.call({ toolId: 'a__echo', args: { text: 'during the restart' }, proposer: { kind: 'person' } });

    await waitFor(() => (opened.length === 2 && registry.list[0]!.status === 'ready' ? true : undefined), 'a new connection', 5000);
    expect(registry.list[0]!.error).to.equal(undefined);
    expect((await call).status).to.equal('ok');
    expect(opened[0]!.calls).to.have.length(0);
    expect(opened[1]!.calls.map((c) => c.args)).to.deep.equal([{ text: 'during the restart' }]);
  });

  it('answers a call with TG_NOT_CONNECTED, not TG_TOOL_UNKNOWN, when the new worker takes longer than the wait', async () => {
    const { registry, gate, opened } = await fakeRegistry({ reconnectWaitMs: 50 });
    registries.push(registry);
    registry.set([{ spec: { url: 'wss://a/', reconnect: { baseDelayMs: 5000, maxDelayMs: 5000 } } }]);
    await waitFor(() => (registry.list[0]?.gate?.state === 'added' ? true : undefined), 'the server behind the gate', 5000);
    opened[0]!.emitStatus('failed', lost());
    const outcome = await gate.call({ toolId: 'a__echo', args: {}, proposer: { kind: 'person' } });
    expect(outcome.status).to.equal('failed');
    expect('error' in outcome && outcome.error.code).to.equal(ErrorCode.NOT_CONNECTED);
    expect('error' in outcome && outcome.error.message).to.match(/lost its connection worker/);
  });

  it('does not replace a lost worker with `reconnect: false`, nor a server that failed for another reason, nor a held one', async () => {
    const { registry, opened } = await setup();
    registry.set([
      { spec: { url: 'wss://a/', reconnect: false } },
      { spec: { url: 'wss://b/', reconnect: { baseDelayMs: 10, maxDelayMs: 10 } } },
      { spec: { url: 'wss://c/', reconnect: { baseDelayMs: 10, maxDelayMs: 10 } } },
    ]);
    await waitFor(() => (registry.list.every((s) => s.gate?.state === 'added') ? true : undefined), 'every server behind the gate', 5000);
    const [a, b, c] = opened;
    a!.emitStatus('failed', lost());
    b!.emitStatus('failed', new TgError(ErrorCode.CONNECTION_CLOSED, 'The server went away'));
    await registry.disconnectServer(registry.list[2]!.id);
    c!.emitStatus('failed', lost());
    // Long past the backoff (10 ms): nothing was reopened.
    await new Promise((r) => setTimeout(r, 200));
    expect(opened).to.have.length(3);
    expect(registry.list.map((s) => s.status)).to.deep.equal(['failed', 'failed', 'closed']);
    // None of them waits for a worker that is not coming: out of the gate.
    expect(registry.list.map((s) => s.gate)).to.deep.equal([undefined, undefined, undefined]);
  });

  it('puts servers the gate refused for want of storage behind it once told the storage is back', async () => {
    const { registry, gate, behindGate } = await setup();
    // The gate refuses servers while its storage is full (with IndexedDB: pins and ids cannot be written).
    let full = true;
    const addServer = gate.addServer.bind(gate);
    gate.addServer = (...args) => (full ? Promise.reject(new TgError(ErrorCode.STORAGE_QUOTA, 'Gate storage is full')) : addServer(...args));
    registry.set([{ spec: { url: 'wss://a/' } }]);
    await waitFor(() => (registry.list[0]!.gate?.state === 'failed' ? true : undefined), 'the gate to refuse the server', 5000);
    expect(registry.list[0]!.gate?.error?.code).to.equal(ErrorCode.STORAGE_QUOTA);

    // Not the reason that went away: nothing changes.
    registry.retryRefused((error) => error?.code === ErrorCode.SERVER_NOT_ALLOWED);
    expect(registry.list[0]!.gate?.state).to.equal('failed');

    full = false;
    registry.retryRefused(isStorageFailure);
    await waitFor(() => (behindGate() ? true : undefined), 'the server behind the gate', 5000);
    expect(registry.list[0]!.gate?.state).to.equal('added');
  });
});
