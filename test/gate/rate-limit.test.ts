/** Token buckets per server and per tool, with an injected clock. */
import { expect } from '@esm-bundle/chai';
import type { Policy } from '../../src/gate/policy.js';
import { RateLimiter, TokenBucket } from '../../src/gate/rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst of `capacity`, then refills over time', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 1, () => now);
    expect(bucket.take()).to.equal(true);
    expect(bucket.take()).to.equal(true);
    expect(bucket.take()).to.equal(false);
    expect(bucket.retryAfterMs).to.equal(1000);
    now = 500;
    expect(bucket.take()).to.equal(false);
    expect(bucket.retryAfterMs).to.equal(500);
    now = 1000;
    expect(bucket.take()).to.equal(true);
    now = 60_000;
    expect(bucket.tokens).to.equal(2); // never more than capacity
  });
  it('never refills at rate 0', () => {
    const bucket = new TokenBucket(1, 0, () => 0);
    bucket.take();
    expect(bucket.retryAfterMs).to.equal(Number.POSITIVE_INFINITY);
  });
});

describe('RateLimiter', () => {
  const server = { id: 'notes', url: 'wss://notes.example/mcp' };
  const other = { id: 'other', url: 'wss://other.example/mcp' };
  const policy: Policy = {
    version: 1,
    rateLimits: [
      { id: 'per-server', server: 'notes', capacity: 3, refillPerSecond: 1 },
      { id: 'deletes', server: '*', tool: 'delete_*', capacity: 1, refillPerSecond: 0.1 },
    ],
  };

  it('applies every matching bucket; per-tool buckets are separate per tool', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take(policy, server, 'delete_note')).to.deep.equal({ ok: true });
    expect(limiter.take(policy, server, 'delete_note')).to.deep.equal({ ok: false, limit: 'deletes', retryAfterMs: 10_000 });
    expect(limiter.take(policy, server, 'delete_tag')).to.deep.equal({ ok: true }); // its own bucket
    expect(limiter.take(policy, server, 'search')).to.deep.equal({ ok: true });
    expect(limiter.take(policy, server, 'search')).to.deep.include({ ok: false, limit: 'per-server' });
    // another server has no per-server limit and its own delete bucket
    expect(limiter.take(policy, other, 'delete_note')).to.deep.equal({ ok: true });
    now = 1000;
    expect(limiter.take(policy, server, 'search')).to.deep.equal({ ok: true });
  });

  it('takes all or nothing: a refused call costs no token', () => {
    const limiter = new RateLimiter(() => 0);
    const p: Policy = { version: 1, rateLimits: [{ server: '*', capacity: 2, refillPerSecond: 0 }, { server: '*', tool: 'x', capacity: 1, refillPerSecond: 0 }] };
    expect(limiter.take(p, server, 'x').ok).to.equal(true);
    expect(limiter.take(p, server, 'x').ok).to.equal(false); // tool bucket empty; server bucket untouched
    expect(limiter.take(p, server, 'y').ok).to.equal(true); // server bucket still had one
    expect(limiter.take(p, server, 'y').ok).to.equal(false);
  });

  it('reset() starts every bucket full again', () => {
    const limiter = new RateLimiter(() => 0);
    const p: Policy = { version: 1, rateLimits: [{ capacity: 1, refillPerSecond: 0 }] };
    limiter.take(p, server, 'a');
    expect(limiter.take(p, server, 'a').ok).to.equal(false);
    limiter.reset();
    expect(limiter.take(p, server, 'a').ok).to.equal(true);
  });
});
