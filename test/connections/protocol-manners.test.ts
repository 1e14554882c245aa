/**
 * Protocol manners against servers that misbehave on purpose (test/support/servers/misbehaving.mjs):
 * an SSE stream that answers `retry: 0` and closes is reopened no sooner than a growing floor; an
 * `initialize` answered 503 or 429 is asked again after `Retry-After`, a bounded number of times;
 * a `tools/call` answered 503 is never re-sent. Gaps are read from the server's clock.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { rejection, waitFor } from '../support/async.js';
import { uniqueTag } from '../support/env.js';
import { badUrl, fromBad } from '../support/connections.js';

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('protocol manners', function () {
  this.timeout(30_000);

  for (const mode of ['bare', 'primed'] as const) {
    it(`reopens an SSE stream that answers retry: 0 and closes (${mode}) no sooner than a floor of 1 s that grows`, async () => {
      const tag = uniqueTag(`spin-${mode}`);
      const connection = await McpConnection.open({ url: badUrl('/spin/mcp', { tag, mode }), transport: 'http', protocolVersion: '2025-11-25' });
      try {
        const opened = await waitFor(async () => {
          const { opened } = await fromBad<{ opened: number[] }>('/spins', tag);
          return opened.length >= 4 ? opened : undefined;
        }, 'four GETs of the event stream', 20_000);
        const [first, second, third] = gaps(opened);
        expect(first, 'first reopen').to.be.at.least(1000);
        expect(second, 'second reopen').to.be.at.least(2000);
        expect(third, 'third reopen').to.be.at.least(4000);
        expect(connection.status).to.equal('ready');
      } finally {
        await connection.close();
      }
    });
  }

  for (const status of [503, 429]) {
    it(`retries an initialize answered ${status} after its Retry-After, and connects`, async () => {
      const tag = uniqueTag(`busy-${status}`);
      const connection = await McpConnection.open({
        url: badUrl('/busy/mcp', { tag, status: String(status), times: '1', retryAfter: '1' }),
        transport: 'http',
        protocolVersion: '2025-11-25',
      });
      try {
        expect(connection.status).to.equal('ready');
        const { initializes } = await fromBad<{ initializes: number[] }>('/busy-log', tag);
        expect(initializes).to.have.length(2);
        expect(gaps(initializes)[0], 'waited Retry-After: 1').to.be.at.least(1000);
      } finally {
        await connection.close();
      }
    });
  }

  it('asks a busy server at most three times (Retry-After absent), then fails with its status', async () => {
    const tag = uniqueTag('busy-forever');
    const err = await rejection(McpConnection.open({ url: badUrl('/busy/mcp', { tag, times: '99' }), transport: 'http', protocolVersion: '2025-11-25' }));
    expect(err.code).to.equal(ErrorCode.HTTP_ERROR);
    expect((err.data as { status?: number }).status).to.equal(503);
    expect((await fromBad<{ initializes: number[] }>('/busy-log', tag)).initializes).to.have.length(3);
  });

  it('does not wait out a Retry-After longer than the bound: fails at once, saying when to come back', async () => {
    const tag = uniqueTag('busy-long');
    const err = await rejection(McpConnection.open({ url: badUrl('/busy/mcp', { tag, retryAfter: '3600' }), transport: 'http', protocolVersion: '2025-11-25' }));
    expect(err.code).to.equal(ErrorCode.HTTP_ERROR);
    expect(err.data).to.deep.include({ status: 503, retryAfterMs: 3_600_000 });
    expect((await fromBad<{ initializes: number[] }>('/busy-log', tag)).initializes).to.have.length(1);
  });

  it('never re-sends a tools/call answered 503', async () => {
    const tag = uniqueTag('busy-call');
    const connection = await McpConnection.open({ url: badUrl('/busy/mcp', { tag, times: '0', retryAfter: '0' }), transport: 'http', protocolVersion: '2025-11-25' });
    try {
      const err = await rejection(connection.callTool('echo', { text: 'once' }));
      expect(err.code).to.equal(ErrorCode.HTTP_ERROR);
      expect((await fromBad<{ calls: number }>('/busy-log', tag)).calls).to.equal(1);
    } finally {
      await connection.close();
    }
  });
});
