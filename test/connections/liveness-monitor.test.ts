/**
 * The DOM-free pieces behind worker liveness: the ping monitor (driven with a ping function that
 * answers or not, no worker) and the restart schedule of a lost worker.
 */
import { expect } from '@esm-bundle/chai';
import { LivenessMonitor } from '../../src/connections/liveness.js';
import { isWorkerLoss, WorkerRestarts } from '../../src/connections/worker-restarts.js';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import { waitFor } from '../support/async.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { busyIntervalMs: 20, idleIntervalMs: 40, timeoutMs: 60 };

describe('LivenessMonitor', () => {
  const monitors: LivenessMonitor[] = [];
  afterEach(() => monitors.splice(0).forEach((m) => m.stop()));

  /** A peer that answers pings until `silence()`; counts the pings it got. */
  function peer() {
    const state = { answering: true, pings: 0, lost: undefined as number | undefined };
    const ping = () => {
      state.pings++;
      return state.answering ? Promise.resolve(true) : new Promise<never>(() => {});
    };
    return { state, ping };
  }

  it('reports a peer lost after two unanswered pings, once', async () => {
    const { state, ping } = peer();
    let calls = 0;
    const monitor = new LivenessMonitor(ping, (silentMs) => ((state.lost = silentMs), calls++), FAST);
    monitors.push(monitor);
    await waitFor(() => (state.pings >= 3 ? true : undefined), 'a few answered pings');
    expect(state.lost).to.equal(undefined);
    state.answering = false;
    await waitFor(() => state.lost, 'the loss to be reported', 5000);
    expect(state.lost).to.be.a('number');
    const pingsAtLoss = state.pings;
    await sleep(200);
    expect(calls).to.equal(1);
    expect(state.pings, 'no pings after the loss').to.equal(pingsAtLoss);
  });

  it('sets no deadline before the first answer (the worker may still be loading its script)', async () => {
    let answer!: () => void;
    let pings = 0;
    let lost = false;
    const monitor = new LivenessMonitor(
      () => {
        pings++;
        return pings === 1 ? new Promise<void>((resolve) => (answer = resolve)) : Promise.resolve();
      },
      () => (lost = true),
      FAST,
    );
    monitors.push(monitor);
    await sleep(300); // five timeouts' worth
    expect(lost).to.equal(false);
    expect(pings).to.equal(1);
    answer();
    await waitFor(() => (pings >= 3 ? true : undefined), 'regular pings after the first answer');
    expect(lost).to.equal(false);
  });

  it('a late answer clears the miss: one slow ping is not a loss', async () => {
    let pings = 0;
    let lost = false;
    const monitor = new LivenessMonitor(
      () => {
        pings++;
        // The third ping is answered after its deadline (but before the next one's).
        return pings === 3 ? sleep(FAST.timeoutMs + 20) : Promise.resolve();
      },
      () => (lost = true),
      FAST,
    );
    monitors.push(monitor);
    await waitFor(() => (pings >= 8 ? true : undefined), 'pings past the slow one', 5000);
    expect(lost).to.equal(false);
  });

  it('pings at once when a call starts after a long quiet spell', async () => {
    const { state, ping } = peer();
    const monitor = new LivenessMonitor(ping, () => {}, { busyIntervalMs: 20, idleIntervalMs: 60_000, timeoutMs: 1000 });
    monitors.push(monitor);
    await waitFor(() => (state.pings === 1 ? true : undefined), 'the first ping');
    await sleep(50);
    expect(state.pings, 'idle: the next ping is a minute away').to.equal(1);
    const done = monitor.busy();
    await waitFor(() => (state.pings >= 3 ? true : undefined), 'busy pings', 2000);
    done();
  });
});

describe('WorkerRestarts', () => {
  it('schedules restarts with growing, bounded, jittered delays, and stops after maxAttempts', async () => {
    const restarts = new WorkerRestarts({ baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 3 });
    const seen: { attempt: number; delayMs: number }[] = [];
    for (let i = 0; i < 3; i++) {
      let ran = false;
      const next = restarts.schedule(() => (ran = true));
      expect(next, `attempt ${i + 1}`).to.not.equal(undefined);
      seen.push(next!);
      await waitFor(() => (ran ? true : undefined), 'the restart to run');
    }
    expect(seen.map((s) => s.attempt)).to.deep.equal([1, 2, 3]);
    for (const s of seen) expect(s.delayMs).to.be.within(0, 4);
    expect(restarts.schedule(() => {})).to.equal(undefined);
  });

  it('does nothing when the connection asked for no reconnects', () => {
    expect(new WorkerRestarts(false).schedule(() => {})).to.equal(undefined);
  });

  it('cancels a scheduled restart', async () => {
    const restarts = new WorkerRestarts({ baseDelayMs: 10, maxDelayMs: 10, maxAttempts: 2 });
    let ran = false;
    restarts.schedule(() => (ran = true));
    expect(restarts.scheduled).to.equal(true);
    restarts.cancel();
    await sleep(40);
    expect(ran).to.equal(false);
    expect(restarts.scheduled).to.equal(false);
  });

  it('restarts only for a lost worker', () => {
    expect(isWorkerLoss(new TgError(ErrorCode.WORKER_FAILED, 'gone'))).to.equal(true);
    expect(isWorkerLoss(new TgError(ErrorCode.RECONNECT_FAILED, 'server gone'))).to.equal(false);
    expect(isWorkerLoss(undefined)).to.equal(false);
  });
});
