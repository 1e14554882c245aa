/**
 * Nothing is left "sent": every call-start ends with a call-end or an `outcome-unknown` record
 * (with why), and the chain verifies. Two pages of one origin: this test page and an iframe
 * (test/support/pages/gated-calls.html) running the real audit log, gate and connection worker
 * against the demo server — reloaded with a call in flight, or removed mid-burst.
 */
import { expect } from '@esm-bundle/chai';
import { openDB } from 'idb';
import { AuditLog } from '../../src/audit/audit-log.js';
import { GENESIS_HASH, recordHash, toBase64Url, type AuditRecord } from '../../src/audit/record.js';
import { jwkThumbprint } from '../../src/storage/keys.js';
import { taggedWsUrl, uniqueTag } from '../support/env.js';
import { waitFor } from '../support/async.js';
import { callStart, freshDbName, Scope } from './helpers.js';

type PageMessage = { source: 'gated-calls'; type: 'opened' | 'started' | 'settled' | 'error'; reload?: boolean; callId?: string; status?: string; message?: string };

/** An iframe running gated-calls.html, and what it reported so far. */
function secondPage(query: Record<string, string>) {
  const frame = document.createElement('iframe');
  const messages: PageMessage[] = [];
  const onMessage = (event: MessageEvent<PageMessage>) => {
    if (event.source !== frame.contentWindow || event.data?.source !== 'gated-calls') return;
    messages.push(event.data);
  };
  window.addEventListener('message', onMessage);
  frame.src = `/test/support/pages/gated-calls.html?${new URLSearchParams(query)}`;
  document.body.append(frame);
  const errors = () => messages.filter((m) => m.type === 'error').map((m) => m.message);
  return {
    frame,
    messages,
    count: (type: PageMessage['type']) => messages.filter((m) => m.type === type).length,
    errors,
    remove() {
      window.removeEventListener('message', onMessage);
      frame.remove();
    },
  };
}

async function all(log: AuditLog): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const r of log.records()) records.push(r);
  return records;
}

/** Every call-start's callId → the kinds of record that ended it. */
function ends(records: AuditRecord[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of records) if (r.kind === 'call-start') out.set(r.callId, []);
  for (const r of records) if ((r.kind === 'call-end' || r.kind === 'outcome-unknown') && out.has(r.callId)) out.get(r.callId)!.push(r.kind === 'outcome-unknown' ? `unknown:${r.reason}` : 'end');
  return out;
}

const WAIT_MS = 30000;

describe('Reconciliation: calls without an end', function () {
  this.timeout(60000);
  let scope: Scope;
  const pages: { remove(): void }[] = [];
  beforeEach(() => {
    scope = new Scope();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) page.remove();
    await scope.cleanup();
  });

  it('a reload with a call in flight: the reloaded page records outcome-unknown (reload), and the chain verifies', async () => {
    const dbName = freshDbName('reload');
    scope.names.add(dbName);
    const page = secondPage({ db: dbName, url: taggedWsUrl(uniqueTag('reload')), calls: '1', tool: 'count_slowly', args: JSON.stringify({ count: 100, delayMs: 100 }) });
    pages.push(page);
    await waitFor(() => (page.count('started') === 1 ? true : page.errors()[0] ? Promise.reject(new Error(page.errors()[0])) : undefined), 'the call to start', WAIT_MS);
    const callId = page.messages.find((m) => m.type === 'started')?.callId;

    page.frame.contentWindow!.location.reload();
    await waitFor(() => (page.messages.some((m) => m.type === 'opened' && m.reload) ? true : undefined), 'the reloaded page to open its log', WAIT_MS);

    // The reloaded page settles the call on open, or as soon as the replaced document's lock is
    // free. Firefox may instead close that document's sockets as the reload starts: then the page
    // itself records the call as `connection-lost`. Either way it ends once, as unknown (it may
    // have run) — never as "failed", never left "sent".
    const log = await scope.open({ dbName });
    const records = await waitFor(async () => {
      const now = await all(log);
      return now.some((r) => r.kind === 'outcome-unknown') ? now : undefined;
    }, 'the outcome-unknown record', WAIT_MS);
    const unknown = records.filter((r) => r.kind === 'outcome-unknown');
    expect(unknown.map((r) => r.kind === 'outcome-unknown' && r.callId)).to.deep.equal([callId]);
    const [end] = unknown;
    if (end?.kind !== 'outcome-unknown') throw new Error('expected an outcome-unknown record');
    expect(['reload', 'connection-lost']).to.include(end.reason);
    if (end.reason === 'reload') expect(end.startSeq).to.equal(records.find((r) => r.kind === 'call-start')!.seq);
    // The record names the call's own agent, not the page that reconciled it.
    expect(end.agent.id).to.equal('second-page');
    expect([...ends(records).values()]).to.deep.equal([[`unknown:${end.reason}`]]);
    expect(await log.verify()).to.deep.include({ ok: true, count: records.length });
  });

  it('a writer page closed mid-burst: the other page records outcome-unknown (tab closed) for each call left, exactly once', async () => {
    const dbName = freshDbName('closed');
    // Two logs in this page (two watchers), opened before and during the burst.
    const watcher = await scope.open({ dbName });
    const page = secondPage({
      db: dbName,
      url: taggedWsUrl(uniqueTag('burst')),
      calls: '40',
      tool: 'count_slowly',
      args: JSON.stringify({ count: 10, delayMs: 50 }),
      spacing: '20',
    });
    pages.push(page);
    // Under way: calls started, and some ended in the log itself (a call's end record is written
    // after its result is delivered, so the page's own count of settled calls runs ahead of it).
    await waitFor(
      async () => {
        if (page.errors()[0]) throw new Error(page.errors()[0]);
        if (page.count('started') < 12) return undefined;
        return (await all(watcher)).filter((r) => r.kind === 'call-end').length >= 2 ? true : undefined;
      },
      'the burst to be under way',
      WAIT_MS,
    );
    const late = await scope.open({ dbName });
    // A live page's calls are left alone: opening a log while they run writes nothing for them.
    expect((await all(late)).filter((r) => r.kind === 'outcome-unknown')).to.deep.equal([]);

    page.remove();
    const settled = await waitFor(
      async () => {
        const records = await all(watcher);
        return [...ends(records).values()].every((e) => e.length > 0) ? records : undefined;
      },
      'every started call to have an end or an outcome-unknown record',
      WAIT_MS,
    );
    const outcomes = [...ends(settled).values()];
    expect(outcomes.every((e) => e.length === 1), JSON.stringify(outcomes)).to.equal(true);
    const unknown = outcomes.filter((e) => e[0] === 'unknown:tab-closed').length;
    expect(unknown, 'calls were in flight when the page went').to.be.greaterThan(0);
    expect(outcomes.filter((e) => e[0] === 'end').length, 'calls had ended before').to.be.greaterThan(0);
    expect(unknown + outcomes.filter((e) => e[0] === 'end').length).to.equal(outcomes.length);
    expect(await watcher.verify()).to.deep.include({ ok: true });
  });

  it('a log closed with calls in flight: the next log of the page records outcome-unknown (log closed)', async () => {
    const dbName = freshDbName('log-closed');
    const first = await scope.open({ dbName });
    await first.append(callStart(1));
    await first.append({ kind: 'call-end', callId: 'call-1', server: { url: 'wss://server-1.example/mcp' }, tool: { name: 'tool_1' }, status: 'ok', durationMs: 3 });
    await first.append(callStart(2));
    first.close();
    const second = await scope.open({ dbName });
    const records = await all(second);
    expect(Object.fromEntries(ends(records))).to.deep.equal({ 'call-1': ['end'], 'call-2': ['unknown:log-closed'] });
    expect(await second.verify()).to.deep.include({ ok: true, count: 4 });
  });

  it('upgrading a version-1 database settles its calls without an end (earlier-session), keeping the chain valid', async () => {
    const dbName = freshDbName('upgrade');
    scope.names.add(dbName);
    await writeVersion1Chain(dbName, [
      { kind: 'call-start', callId: 'old-1', server: { url: 'wss://a.example/mcp' }, tool: { name: 'search' } },
      { kind: 'call-end', callId: 'old-1', server: { url: 'wss://a.example/mcp' }, tool: { name: 'search' }, status: 'ok', durationMs: 5 },
      { kind: 'call-start', callId: 'old-2', server: { url: 'wss://a.example/mcp' }, tool: { name: 'delete' } },
    ]);
    const log = await scope.open({ dbName });
    const records = await all(log);
    expect(records.slice(0, 3).map((r) => r.seq)).to.deep.equal([1, 2, 3]);
    expect(Object.fromEntries(ends(records))).to.deep.equal({ 'old-1': ['end'], 'old-2': ['unknown:earlier-session'] });
    expect(await log.verify()).to.deep.include({ ok: true, count: 4 });
    // Version 3: the seals store, and none of the audit store's five unused indexes.
    const raw = await scope.raw(dbName);
    expect([...raw.objectStoreNames]).to.include('seals');
    expect([...raw.transaction('audit').store.indexNames]).to.deep.equal([]);
    raw.close();
    // Once settled, a reopen writes nothing more.
    log.close();
    const again = await scope.open({ dbName });
    expect(await again.count()).to.equal(4);
  });
});

/**
 * A database as version 1 of Toolgate left it: its schema (written out here on purpose, frozen as it
 * was, rather than taken from db.ts), a device key, and a signed chain.
 */
async function writeVersion1Chain(dbName: string, bodies: Record<string, unknown>[]): Promise<void> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: JsonWebKey = { kty: exported.kty!, crv: exported.crv!, x: exported.x!, y: exported.y! };
  const device = jwkThumbprint(publicJwk);
  const records: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (const [i, body] of bodies.entries()) {
    const record = { v: 1, ...body, user: {}, agent: { id: 'v1-page' }, seq: i + 1, ts: Date.now(), device, prevHash } as unknown as AuditRecord;
    record.hash = recordHash(record);
    prevHash = record.hash;
    records.push(record);
  }
  const last = records[records.length - 1]!;
  last.sig = toBase64Url(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(last.hash))));
  const db = await openDB(dbName, 1, {
    upgrade(database) {
      const audit = database.createObjectStore('audit', { keyPath: 'seq' });
      audit.createIndex('ts', 'ts');
      audit.createIndex('kind', 'kind');
      audit.createIndex('server', 'server.url');
      audit.createIndex('tool', 'tool.name');
      audit.createIndex('callId', 'callId');
      database.createObjectStore('keys', { keyPath: 'id' });
      database.createObjectStore('policy');
      database.createObjectStore('pins');
    },
  });
  const tx = db.transaction(['audit', 'keys'], 'readwrite');
  for (const record of records) void tx.objectStore('audit').add(record);
  const createdAt = Date.now();
  void tx.objectStore('keys').put({ id: 'device', thumbprint: device, publicJwk, privateKey: pair.privateKey, publicKey: pair.publicKey, createdAt });
  void tx.objectStore('keys').put({ id: `pub:${device}`, thumbprint: device, publicJwk, createdAt });
  await tx.done;
  db.close();
}
