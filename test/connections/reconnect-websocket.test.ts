/**
 * Reconnection in a real browser against the demo server: the test hooks cut the WebSocket (as a
 * network drop would: no close frame), cut it right after the server received a given call, or make
 * the server "gone" for a tag. Delays are shrunk through `reconnect` so the tests stay short.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import { control, taggedWsUrl, uniqueTag } from '../support/env.js';
import { rejection, waitFor } from '../support/async.js';
import { closedAfterEach } from '../support/cleanup.js';
import { textOf } from '../support/connections.js';

type StatusDetail = { status: string; error?: Error & { code?: string }; attempt?: number; delayMs?: number };

const FAST = { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 4 };

const open = closedAfterEach<McpConnection>();
async function connect(config: Partial<ConnectionConfig> = {}) {
  const tag = uniqueTag('reconnect');
  const connection = await McpConnection.open({ url: taggedWsUrl(tag), reconnect: FAST, ...config });
  open.push(connection);
  const statuses: StatusDetail[] = [];
  connection.addEventListener('status', (e) => statuses.push(e.detail));
  let toolsChanged = 0;
  connection.addEventListener('tools-changed', () => toolsChanged++);
  return { connection, tag, statuses, toolsChanged: () => toolsChanged };
}

const calls = (tag: string) => control<Record<string, number>>(`/__test/calls?tag=${tag}`);
const untilStatus = (connection: McpConnection, status: string, ms = 10_000) =>
  waitFor(() => (connection.status === status ? status : undefined), `status ${status}`, ms);

describe('Reconnection over WebSocket', () => {
  it('reconnects after a drop: reconnecting (with attempt and delay) → ready; later calls work; unchanged tools are not re-announced', async () => {
    const { connection, tag, statuses, toolsChanged } = await connect();
    await connection.listTools();
    expect(await control(`/__test/drop?tag=${tag}`, { method: 'POST' })).to.deep.equal({ dropped: 1 });
    await waitFor(() => (statuses.some((s) => s.status === 'ready') ? true : undefined), 'ready after the drop');

    const reconnecting = statuses.find((s) => s.status === 'reconnecting');
    expect(reconnecting?.attempt).to.equal(1);
    expect(reconnecting?.delayMs).to.be.within(0, FAST.baseDelayMs);
    expect(reconnecting?.error?.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    expect(statuses.map((s) => s.status)).to.deep.equal(['reconnecting', 'ready']);
    expect(toolsChanged()).to.equal(0);
    // A fresh socket with a fresh initialize; the old one is gone.
    expect((await control<{ open: number }>(`/__test/sockets?tag=${tag}`)).open).to.equal(1);
    expect(textOf((await connection.callTool('echo', { text: 'after the drop' })).content)).to.contain('after the drop');
    expect(connection.status).to.equal('ready');
  });

  it('a call in flight when the link drops rejects with TG_CONNECTION_CLOSED and is not re-sent; the server saw it once', async () => {
    const { connection, tag } = await connect();
    await connection.listTools();
    await control(`/__test/drop-on-call?tag=${tag}&tool=create_note`, { method: 'POST' });
    const err = await rejection(connection.callTool('create_note', { title: 'once', body: 'only once' }));
    expect(err.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    await untilStatus(connection, 'ready');
    expect(textOf((await connection.callTool('echo', { text: 'next' })).content)).to.contain('next');
    expect((await calls(tag)).create_note).to.equal(1);
  });

  it('an idempotent tool of a trusted server (retryIdempotentTools) is sent once more after reconnecting', async () => {
    const { connection, tag } = await connect({ retryIdempotentTools: true });
    const tools = await connection.listTools();
    expect(tools.find((t) => t.name === 'delete_note')?.annotations?.idempotentHint).to.equal(true);
    await control(`/__test/drop-on-call?tag=${tag}&tool=delete_note`, { method: 'POST' });
    const result = await connection.callTool('delete_note', { id: 'note-does-not-exist' });
    expect(textOf(result.content)).to.contain('note-does-not-exist');
    expect((await calls(tag)).delete_note).to.equal(2);
    expect(connection.status).to.equal('ready');
  });

  it('without retryIdempotentTools, even an idempotent tool is not re-sent', async () => {
    const { connection, tag } = await connect();
    await connection.listTools();
    await control(`/__test/drop-on-call?tag=${tag}&tool=delete_note`, { method: 'POST' });
    const err = await rejection(connection.callTool('delete_note', { id: 'note-does-not-exist' }));
    expect(err.code).to.equal(ErrorCode.CONNECTION_CLOSED);
    await untilStatus(connection, 'ready');
    expect((await calls(tag)).delete_note).to.equal(1);
  });

  it('a read issued while reconnecting waits for the link and then succeeds', async () => {
    const { connection, tag, statuses } = await connect({ reconnect: { baseDelayMs: 400, maxDelayMs: 400, maxAttempts: 3 } });
    await control(`/__test/drop?tag=${tag}`, { method: 'POST' });
    await waitFor(() => (connection.status === 'reconnecting' ? true : undefined), 'reconnecting');
    const tools = await connection.listTools();
    expect(tools.map((t) => t.name)).to.include('echo');
    // The status event travels apart from the answer, so it may arrive just after it.
    await waitFor(() => (statuses.some((s) => s.status === 'ready') ? true : undefined), 'the ready status');
    expect(statuses.map((s) => s.status)).to.include.members(['reconnecting', 'ready']);
  });

  it('a server that drops the link again as soon as it is back keeps one attempt budget: failed with TG_RECONNECT_FAILED, never a loop', async () => {
    // A link counts as stable once it stayed up longer than maxDelayMs (5 s here; delays stay ≤ 80 ms).
    const { connection, tag, statuses } = await connect({ reconnect: { baseDelayMs: 20, maxDelayMs: 5000, maxAttempts: 3 } });
    await connection.listTools();
    // Each drop comes right after the link is back.
    for (let drop = 1; drop <= 4 && connection.status !== 'failed'; drop++) {
      await control(`/__test/drop?tag=${tag}`, { method: 'POST' });
      await waitFor(() => (statuses.filter((s) => s.status === 'ready' || s.status === 'failed').length === drop ? true : undefined), `settled after drop ${drop}`);
    }
    const last = statuses.at(-1);
    expect(last?.status).to.equal('failed');
    expect(last?.error?.code).to.equal(ErrorCode.RECONNECT_FAILED);
    // Attempts are numbered across the runs, and the backoff grows with them.
    expect(statuses.filter((s) => s.status === 'reconnecting').map((s) => s.attempt)).to.deep.equal([1, 2, 3]);
    expect(statuses.map((s) => s.status)).to.deep.equal(['reconnecting', 'ready', 'reconnecting', 'ready', 'reconnecting', 'ready', 'failed']);
  });

  it('gives up after the configured attempts when the server is gone: failed with TG_RECONNECT_FAILED; waiting requests reject', async () => {
    const { connection, tag, statuses } = await connect({ reconnect: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 3 } });
    const failed = new Promise<StatusDetail>((resolve) =>
      connection.addEventListener('status', (e) => e.detail.status === 'failed' && resolve(e.detail)),
    );
    try {
      expect(await control(`/__test/refuse?tag=${tag}`, { method: 'POST' })).to.deep.equal({ dropped: 1 });
      const waiting = rejection(connection.listTools());
      const detail = await failed;
      expect(detail.error?.code).to.equal(ErrorCode.RECONNECT_FAILED);
      expect(statuses.filter((s) => s.status === 'reconnecting').map((s) => s.attempt)).to.deep.equal([1, 2, 3]);
      for (const s of statuses.filter((s) => s.status === 'reconnecting')) expect(s.delayMs).to.be.within(0, 50);
      expect((await waiting).code).to.equal(ErrorCode.RECONNECT_FAILED);
      expect((await rejection(connection.callTool('echo', { text: 'x' }))).code).to.equal(ErrorCode.CONNECTION_CLOSED);
    } finally {
      await control(`/__test/accept?tag=${tag}`, { method: 'POST' });
    }
  });

  it('close() while reconnecting stops it: closed, and no socket is opened afterwards', async () => {
    const { connection, tag, statuses } = await connect({ reconnect: { baseDelayMs: 300, maxDelayMs: 300, maxAttempts: 5 } });
    await control(`/__test/drop?tag=${tag}`, { method: 'POST' });
    await waitFor(() => (connection.status === 'reconnecting' ? true : undefined), 'reconnecting');
    await connection.close();
    expect(connection.status).to.equal('closed');
    // Longer than every delay the policy could still have drawn: nothing reconnects.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await control<{ open: number }>(`/__test/sockets?tag=${tag}`)).open).to.equal(0);
    expect(statuses.map((s) => s.status)).to.not.include('ready');
  });

  it('reconnect: false fails the connection at the first drop', async () => {
    const { connection, tag } = await connect({ reconnect: false });
    await control(`/__test/drop?tag=${tag}`, { method: 'POST' });
    await untilStatus(connection, 'failed');
    expect((await control<{ open: number }>(`/__test/sockets?tag=${tag}`)).open).to.equal(0);
  });

  it('refuses an invalid reconnect policy with TG_INVALID_CONFIG', async () => {
    const err = await rejection(McpConnection.open({ url: taggedWsUrl(uniqueTag()), reconnect: { maxAttempts: 0 } }));
    expect(err.code).to.equal(ErrorCode.INVALID_CONFIG);
  });
});
