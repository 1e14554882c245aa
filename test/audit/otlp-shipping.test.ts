/**
 * Durable OTLP shipping against a local OTLP/HTTP receiver that checks every request against the
 * OpenTelemetry protos (test/support/servers/otlp-receiver.mjs), fails the first requests, answers
 * 429 with Retry-After and goes away for a while: every record arrives exactly once and in order
 * across a page reload and a change of the shipping page, and the cursor survives. The pages are
 * iframes of this origin (test/support/pages/otlp-shipping.html) running the real log and shipper.
 */
import { expect } from '@esm-bundle/chai';
import { AuditLog } from '../../src/audit/audit-log.js';
import { forwardToOtlp, type OtlpShipper, type OtlpShippingStatus } from '../../src/audit/otlp-shipper.js';
import { callTraceContext } from '../../src/audit/otlp.js';
import { openToolgateDb } from '../../src/storage/db.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { testEnv, uniqueTag } from '../support/env.js';
import { waitFor } from '../support/async.js';
import { callStart, freshDbName, Scope } from './helpers.js';

interface Received {
  records: { uid: string; seq: number; traceId?: string; spanId?: string; eventName: string; attributes: Record<string, unknown> }[];
  requests: { status: number; headers: Record<string, string>; count: number; at: number }[];
  invalid: string[][];
}

const control = async <T>(path: string, body?: unknown): Promise<T> =>
  (await fetch(`${testEnv().otlpControlUrl}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) })).json() as Promise<T>;
const received = (tag: string) => control<Received>(`/__otlp/${tag}`);

type PageMessage = { source: 'otlp-page'; type: 'opened' | 'status' | 'appended' | 'error'; reload?: boolean; status?: OtlpShippingStatus; to?: number; message?: string };

function shippingPage(query: Record<string, string>) {
  const frame = document.createElement('iframe');
  const messages: PageMessage[] = [];
  const onMessage = (event: MessageEvent<PageMessage>) => {
    if (event.source === frame.contentWindow && event.data?.source === 'otlp-page') messages.push(event.data);
  };
  window.addEventListener('message', onMessage);
  frame.src = `/test/support/pages/otlp-shipping.html?${new URLSearchParams(query)}`;
  document.body.append(frame);
  const last = (type: PageMessage['type']) => [...messages].reverse().find((m) => m.type === type);
  return {
    frame,
    messages,
    last,
    append: (from: number, count: number) => frame.contentWindow!.postMessage({ type: 'append', from, count }, '*'),
    failure: () => messages.find((m) => m.type === 'error')?.message,
    remove() {
      window.removeEventListener('message', onMessage);
      frame.remove();
    },
  };
}

/** Waits until the receiver holds `count` records, failing early if a page reported an error. */
async function receivedCount(tag: string, count: number, pages: { failure(): string | undefined }[]): Promise<Received> {
  return waitFor(
    async () => {
      const failure = pages.map((p) => p.failure()).find(Boolean);
      if (failure) throw new Error(failure);
      const state = await received(tag);
      return state.records.length >= count ? state : undefined;
    },
    `${count} records at the collector`,
    45000,
  );
}

/** The log's head, its records and the stored cursor, read from this page. */
async function stored(dbName: string, url: string) {
  const log = await AuditLog.open({ dbName });
  const head = await log.head();
  log.close();
  const db = await openToolgateDb(dbName);
  const cursor = await db.get('otlp', url);
  db.close();
  return { head, cursor };
}

function expectExactlyOnceInOrder(state: Received, headSeq: number): void {
  expect(state.invalid, 'every request follows the OTLP JSON encoding').to.deep.equal([]);
  const uids = state.records.map((r) => r.uid);
  expect(new Set(uids).size, 'no record twice').to.equal(uids.length);
  expect(state.records.map((r) => r.seq)).to.deep.equal(Array.from({ length: headSeq }, (_, i) => i + 1));
}

describe('Durable OTLP shipping', function () {
  this.timeout(90000);
  let scope: Scope;
  const pages: { remove(): void }[] = [];
  const shippers: OtlpShipper[] = [];
  beforeEach(() => {
    scope = new Scope();
  });
  afterEach(async () => {
    for (const s of shippers.splice(0)) s.stop();
    for (const page of pages.splice(0)) page.remove();
    await scope.cleanup();
  });

  it('delivers every record exactly once and in order through failures, 429 + Retry-After, an outage and a reload; the cursor survives', async () => {
    const tag = uniqueTag('otlp');
    const dbName = freshDbName('otlp');
    scope.names.add(dbName);
    const url = `${testEnv().otlpUrl}/t/${tag}/v1/logs`;
    await control(`/__otlp/${tag}/script`, { failFirst: 2, failStatus: 503, tooMany: 1, retryAfter: '1' });

    const page = shippingPage({ db: dbName, url, count: '10' });
    pages.push(page);
    await receivedCount(tag, 20, [page]);

    // The collector goes away; the page records more meanwhile; then it reloads while they wait.
    await control('/__otlp/down', { ms: 3000 });
    page.append(10, 10);
    await waitFor(() => (page.last('appended')?.to === 20 ? true : undefined), 'the page to record more', 20000);
    await waitFor(() => (page.last('status')?.status?.state === 'retrying' ? true : undefined), 'the page to retry', 20000);
    page.frame.contentWindow!.location.reload();
    await waitFor(() => (page.messages.some((m) => m.type === 'opened' && m.reload) ? true : undefined), 'the reloaded page', 20000);

    const state = await receivedCount(tag, 40, [page]);
    const { head, cursor } = await stored(dbName, url);
    expect(head?.seq).to.equal(40);
    expectExactlyOnceInOrder(state, 40);
    // The cursor is the collector's acknowledgment of the last record.
    expect(cursor).to.deep.include({ ackedSeq: 40, ackedHash: head!.hash });

    // What the collector answered: two failures, a 429 — honoured: nothing sent before it said — then successes.
    const statuses = state.requests.map((r) => r.status);
    expect(statuses.slice(0, 3)).to.deep.equal([503, 503, 429]);
    expect(statuses.slice(3).every((s) => s === 200)).to.equal(true);
    expect(state.requests[3]!.at - state.requests[2]!.at, 'waited for Retry-After: 1').to.be.at.least(950);
    // The host's headers go with every request.
    expect(state.requests.every((r) => r.headers['authorization'] === 'Bearer host-token')).to.equal(true);

    // The records of one tool call share a trace and a span; two calls do not.
    const byCall = new Map<string, Set<string>>();
    for (const r of state.records) {
      const callId = r.attributes['toolgate.call.id'] as string;
      byCall.set(callId, (byCall.get(callId) ?? new Set()).add(`${r.traceId}/${r.spanId}`));
    }
    expect([...byCall.values()].every((ids) => ids.size === 1)).to.equal(true);
    expect(new Set([...byCall.values()].map((ids) => [...ids][0])).size).to.equal(byCall.size);
    const someCall = [...byCall.keys()][0]!;
    const { traceId, spanId } = callTraceContext(someCall);
    expect([...byCall.get(someCall)!][0]).to.equal(`${traceId}/${spanId}`);
  });

  it('is shipped by one page at a time: when the shipping page goes, another takes over from the cursor', async () => {
    const tag = uniqueTag('otlp-tabs');
    const dbName = freshDbName('otlp-tabs');
    scope.names.add(dbName);
    const url = `${testEnv().otlpUrl}/t/${tag}/v1/logs`;
    const first = shippingPage({ db: dbName, url, count: '5' });
    pages.push(first);
    await receivedCount(tag, 10, [first]);
    const second = shippingPage({ db: dbName, url, count: '0' });
    pages.push(second);
    await waitFor(() => second.last('opened'), 'the second page');
    expect(second.last('opened')?.status?.state, 'the second page stands by').to.equal('standby');

    await control('/__otlp/down', { ms: 2000 });
    first.append(5, 5);
    await waitFor(() => (first.last('appended')?.to === 10 ? true : undefined), 'more records', 20000);
    first.remove(); // the shipping page closes while the collector is away
    await waitFor(() => (second.last('status')?.status?.state !== undefined && second.last('status')!.status!.state !== 'standby' ? true : undefined), 'the second page to take over', 20000);

    const state = await receivedCount(tag, 20, [second]);
    const { head, cursor } = await stored(dbName, url);
    expect(head?.seq).to.equal(20);
    expectExactlyOnceInOrder(state, 20);
    expect(cursor?.ackedSeq).to.equal(20);
  });

  it('skips what the collector refuses as bad data (coded, not resent) and ships the rest', async () => {
    const tag = uniqueTag('otlp-400');
    const url = `${testEnv().otlpUrl}/t/${tag}/v1/logs`;
    await control(`/__otlp/${tag}/script`, { rejectNext: 1 });
    const log = await scope.open({ dbName: freshDbName('otlp-400') });
    await log.append(callStart(1));
    await log.append(callStart(2));
    const shipper = forwardToOtlp(log, { url, retry: { baseDelayMs: 50, maxDelayMs: 200 } });
    shippers.push(shipper);
    await waitFor(() => (shipper.status.rejected === 2 ? true : undefined), 'the refusal', 20000);
    expect(shipper.status.error?.code).to.equal(ErrorCode.AUDIT_EXPORT_REJECTED);
    await log.append(callStart(3));
    const state = await receivedCount(tag, 1, []);
    expect(state.records.map((r) => r.seq)).to.deep.equal([3]);
    expect(state.requests.map((r) => r.status)).to.deep.equal([400, 200]);
    await waitFor(() => (shipper.status.state === 'idle' && shipper.status.ackedSeq === 3 ? true : undefined), 'idle');
  });

  it('says it lags (coded) when the collector stays unreachable, and stops on a status OTLP forbids retrying', async () => {
    const tag = uniqueTag('otlp-lag');
    const url = `${testEnv().otlpUrl}/t/${tag}/v1/logs`;
    await control(`/__otlp/${tag}/script`, { failFirst: 1000, failStatus: 503 });
    const log = await scope.open({ dbName: freshDbName('otlp-lag') });
    await log.append(callStart(1));
    const shipper = forwardToOtlp(log, { url, retry: { baseDelayMs: 20, maxDelayMs: 50 }, unreachableAfterMs: 200 });
    shippers.push(shipper);
    await waitFor(() => (shipper.status.lagging ? true : undefined), 'lagging', 20000);
    expect(shipper.status.error?.code).to.equal(ErrorCode.AUDIT_EXPORT_BACKLOG);
    expect(shipper.status.backlog).to.equal(1);
    shipper.stop();

    const stopTag = uniqueTag('otlp-401');
    await control(`/__otlp/${stopTag}/script`, { failFirst: 1, failStatus: 401 });
    const stopping = forwardToOtlp(log, { url: `${testEnv().otlpUrl}/t/${stopTag}/v1/logs`, retry: { baseDelayMs: 20, maxDelayMs: 50 } });
    shippers.push(stopping);
    await waitFor(() => (stopping.status.state === 'stopped' ? true : undefined), 'stopped', 20000);
    expect(stopping.status.error).to.deep.include({ code: ErrorCode.AUDIT_EXPORT_FAILED });
    expect((await received(stopTag)).requests.length, 'not retried by itself').to.equal(1);
    stopping.resume(); // e.g. after the host refreshed its credentials
    await waitFor(() => (stopping.status.state === 'idle' && stopping.status.ackedSeq === 1 ? true : undefined), 'resumed', 20000);
  });
});
