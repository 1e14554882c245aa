/**
 * A connection worker that ends without an error event (it closes itself, as a browser ends one under
 * memory pressure) is noticed: pending calls settle with TG_WORKER_FAILED, the status turns `failed`
 * with the code, `close()` resolves. Real workers (the test entry mortal-connection.worker.ts runs
 * the real Connection and can be told to `self.close()`), the real demo server over WebSocket.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection, type ConnectionEventMap } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { taggedWsUrl, uniqueTag } from '../support/env.js';
import { rejection, waitFor } from '../support/async.js';
import { endMortalWorkers, mortalWorker } from '../support/workers/mortal.js';
import { closedAfterEach } from '../support/cleanup.js';

const open = closedAfterEach<McpConnection>();

async function mortal(options: Parameters<typeof McpConnection.open>[1] = {}) {
  const name = uniqueTag('mortal');
  const connection = await McpConnection.open({ url: taggedWsUrl(name) }, { createWorker: mortalWorker(name), ...options });
  open.push(connection);
  const statuses: ConnectionEventMap['status']['detail'][] = [];
  connection.addEventListener('status', (e) => statuses.push(e.detail));
  return { connection, name, statuses };
}

describe('McpConnection: a worker that ends silently', function () {
  // Bounded waits only; no timing is asserted. Detection takes about two ping timeouts.
  this.timeout(30000);

  it('settles every pending call with TG_WORKER_FAILED, reports `failed` with the code, and close() resolves', async () => {
    const { connection, name, statuses } = await mortal();
    expect(connection.status).to.equal('ready');
    // Two long calls in flight (100 × 100 ms each: far longer than detection takes).
    const first = rejection(connection.callTool('count_slowly', { count: 100, delayMs: 100 }));
    const second = rejection(connection.callTool('count_slowly', { count: 100, delayMs: 100 }));
    // Both reached the worker: it is answering pings meanwhile (a working worker is never taken for dead).
    expect((await connection.diagnostics()).inFlight).to.equal(2);

    endMortalWorkers(name);
    const [a, b] = await Promise.all([first, second]);
    expect(a.code).to.equal(ErrorCode.WORKER_FAILED);
    expect(b.code).to.equal(ErrorCode.WORKER_FAILED);
    expect(a.message).to.match(/stopped answering/);
    expect(connection.status).to.equal('failed');
    const failed = statuses.find((s) => s.status === 'failed');
    expect((failed?.error as { code?: string } | undefined)?.code).to.equal(ErrorCode.WORKER_FAILED);

    // Later calls fail at once with the same code; close() resolves instead of waiting for a dead worker.
    expect((await rejection(connection.listTools())).code).to.equal(ErrorCode.WORKER_FAILED);
    await connection.close();
  });

  it('notices an idle worker that ended, without any call', async () => {
    const { connection, name } = await mortal({ liveness: { idleIntervalMs: 200, timeoutMs: 300 } });
    endMortalWorkers(name);
    await waitFor(() => (connection.status === 'failed' ? true : undefined), 'the idle connection to fail', 20000);
    expect((await rejection(connection.callTool('echo', { text: 'x' }))).code).to.equal(ErrorCode.WORKER_FAILED);
  });

  it('fails a call made on a worker that ended while idle (the call itself prompts a ping)', async () => {
    // Idle pings are 15 s apart by default: the call must not wait for the next one.
    const { connection, name } = await mortal();
    endMortalWorkers(name);
    const err = await rejection(connection.callTool('echo', { text: 'anyone there?' }));
    expect(err.code).to.equal(ErrorCode.WORKER_FAILED);
    expect(connection.status).to.equal('failed');
  });

  it('resolves close() when the worker ended before it', async () => {
    const { connection, name } = await mortal();
    endMortalWorkers(name);
    await connection.close();
    // Ended as a failure (the goodbye got no answer) or closed: either way nothing hangs.
    expect(['failed', 'closed']).to.include(connection.status);
  });

  it('never takes a busy worker for dead, even with pings far more often than the call lasts', async () => {
    const { connection, statuses } = await mortal({ liveness: { busyIntervalMs: 50, timeoutMs: 300 } });
    const result = await connection.callTool('count_slowly', { count: 20, delayMs: 100 });
    expect(result.isError ?? false).to.equal(false);
    expect(connection.status).to.equal('ready');
    expect(statuses.some((s) => s.status === 'failed')).to.equal(false);
  });

  it('refuses invalid liveness options with ERR_INVALID_ARG_TYPE', async () => {
    for (const liveness of [{ timeoutMs: 0 }, { busyIntervalMs: 1.5 }, 'often'] as never[]) {
      const err = await rejection(McpConnection.open({ url: taggedWsUrl(uniqueTag()) }, { liveness }));
      expect((err as { code?: string }).code, JSON.stringify(liveness)).to.equal('ERR_INVALID_ARG_TYPE');
    }
  });
});
