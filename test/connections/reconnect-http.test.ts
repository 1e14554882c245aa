/**
 * Resumption of a Streamable HTTP (2025 era) response stream that breaks more than once: the client
 * resumes with GET + Last-Event-ID, keeps the last id it saw across a resumption that brought nothing
 * new, and gets the answer without the request being sent again.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { rejection, waitFor } from '../support/async.js';
import { uniqueTag } from '../support/env.js';
import { badUrl, fromBad, textOf } from '../support/connections.js';

describe('Streamable HTTP resumption across repeated disconnects', () => {
  it('keeps Last-Event-ID across a resumption that ends empty, gets the answer, and never re-sends the call', async () => {
    const tag = uniqueTag('resume');
    const connection = await McpConnection.open({ url: badUrl('/mcp', { tag }), transport: 'http' });
    try {
      const result = await connection.callTool('resume', {});
      expect(textOf(result.content)).to.equal('resumed');
      const { lastEventIds } = await fromBad<{ lastEventIds: string[] }>('/resumes', tag);
      expect(lastEventIds).to.have.length(3);
      const [first, second, third] = lastEventIds.map((id) => id.split(':')[1]);
      // The empty resumption did not lose the id: the next GET asks from the same place.
      expect([first, second, third]).to.deep.equal(['1', '1', '2']);
      expect(new Set(lastEventIds.map((id) => id.split(':')[0])).size).to.equal(1);
      expect((await fromBad<{ calls: number }>('/calls', tag, { tool: 'resume' })).calls).to.equal(1);
      expect(connection.status).to.equal('ready');
    } finally {
      await connection.close();
    }
  });

  it('re-initializes at most once per session expiry: a server that always answers 404 gets one new initialize, shared by concurrent calls, then TG_SESSION_EXPIRED', async () => {
    const tag = uniqueTag('expiring');
    const connection = await McpConnection.open({ url: badUrl('/expiring/mcp', { tag }), transport: 'http' });
    try {
      expect((await fromBad<{ initializes: number }>('/initializes', tag)).initializes).to.equal(1);
      const errors = await Promise.all([1, 2, 3].map((n) => rejection(connection.callTool('echo', { text: String(n) }))));
      for (const err of errors) expect(err.code).to.equal(ErrorCode.SESSION_EXPIRED);
      const after = (await fromBad<{ initializes: number }>('/initializes', tag)).initializes;
      // One re-initialize per expiry: at most one for the three concurrent calls (they may share it)…
      expect(after).to.be.within(2, 4);
      // …and a later call triggers at most one more, never a loop.
      expect((await rejection(connection.listTools())).code).to.equal(ErrorCode.SESSION_EXPIRED);
      expect((await fromBad<{ initializes: number }>('/initializes', tag)).initializes).to.equal(after + 1);
    } finally {
      await connection.close();
    }
  });
});

describe('Reconnection over HTTP+SSE', () => {
  it('after a reconnect the tools are listed again and tools-changed fires because the list changed', async () => {
    const tag = uniqueTag('grows');
    const connection = await McpConnection.open({ url: badUrl('/sse/grows', { tag }), reconnect: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 3 } });
    try {
      expect(connection.info?.transport).to.equal('sse');
      expect((await connection.listTools()).map((t) => t.name)).to.include('extra_1');
      const changed = new Promise<string[]>((resolve) =>
        connection.addEventListener('tools-changed', (event) => resolve(event.detail.tools.map((t) => t.name)), { once: true }),
      );
      const statuses: string[] = [];
      connection.addEventListener('status', (event) => statuses.push(event.detail.status));
      expect((await rejection(connection.callTool('cut_stream', {}))).code).to.equal(ErrorCode.CONNECTION_CLOSED);
      const names = await changed;
      expect(names).to.include('extra_2').and.not.include('extra_1');
      expect(connection.tools.map((t) => t.name)).to.deep.equal(names);
      await waitFor(() => (connection.status === 'ready' ? true : undefined), 'ready');
      expect(statuses).to.deep.equal(['reconnecting', 'ready']);
    } finally {
      await connection.close();
    }
  });
});
