/** The reconnection policy's arithmetic and checks (workers/reconnect.ts), without I/O. */
import { expect } from '@esm-bundle/chai';
import { DEFAULT_RECONNECT, LinkGate, fullJitterDelay, reconnectPolicy } from '../../workers/reconnect.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { rejection } from '../support/async.js';

describe('reconnect policy', () => {
  it('full jitter: the delay is drawn from [0, min(cap, base·2^(n-1))), so the ceiling doubles and stops at the cap', () => {
    const policy = { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 10 };
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => fullJitterDelay(n, policy, () => 0.999999) + 1);
    expect(ceilings).to.deep.equal([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    for (let n = 1; n <= 8; n++) expect(fullJitterDelay(n, policy, () => 0)).to.equal(0);
    // A huge attempt number neither overflows nor passes the cap.
    expect(fullJitterDelay(10_000, policy, () => 0.5)).to.equal(15_000);
    const drawn = Array.from({ length: 200 }, () => fullJitterDelay(3, policy));
    expect(Math.min(...drawn)).to.be.at.least(0);
    expect(Math.max(...drawn)).to.be.below(2000);
    expect(new Set(drawn).size, 'spread out, not one value for everybody').to.be.greaterThan(50);
  });

  it('config: default on, false off, partial objects filled in, nonsense refused with TG_INVALID_CONFIG', () => {
    expect(reconnectPolicy(undefined)).to.deep.equal(DEFAULT_RECONNECT);
    expect(reconnectPolicy(true)).to.deep.equal(DEFAULT_RECONNECT);
    expect(reconnectPolicy(false)).to.equal(undefined);
    expect(reconnectPolicy({ maxAttempts: 2 })).to.deep.equal({ ...DEFAULT_RECONNECT, maxAttempts: 2 });
    for (const bad of [{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { baseDelayMs: -1 }, { baseDelayMs: 1000, maxDelayMs: 10 }, { maxAttempts: 1e9 }, 'yes']) {
      let code: string | undefined;
      try {
        reconnectPolicy(bad as never);
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      expect(code, JSON.stringify(bad)).to.equal(ErrorCode.INVALID_CONFIG);
    }
  });

  it('the link gate: waiters pass when it is up, are released when it comes back, rejected when it is gone, and time out', async () => {
    const gate = new LinkGate();
    await gate.wait(10, 'x'); // up: no wait
    gate.markDown();
    const released = gate.wait(5000, 'x');
    gate.markUp();
    await released;
    gate.markDown();
    const gone = rejection(gate.wait(5000, 'x'));
    gate.markGone(Object.assign(new Error('gone'), { code: ErrorCode.RECONNECT_FAILED }));
    expect((await gone).code).to.equal(ErrorCode.RECONNECT_FAILED);
    gate.markDown();
    expect((await rejection(gate.wait(20, 'The request'))).code).to.equal(ErrorCode.TIMEOUT);
  });
});
