/**
 * Runs in a real browser, driven by bench/audit-bench.mjs: appends records (batched, write-ahead
 * one at a time, per-record transactions), opens the viewer on 100,000 records, and produces the
 * export fixture that test/cli/ checks with the Node CLI.
 */
import { AuditLog } from '../src/audit/audit-log.js';
import { exportJsonl } from '../src/audit/export.js';
import { AUDIT_FORMAT_VERSION, GENESIS_HASH, type AuditInput, type AuditRecord } from '../src/audit/record.js';
import { deleteToolgateDb, openToolgateDb } from '../src/storage/db.js';
import '../src/elements/audit-log/tg-audit-log.js';

const input = (i: number): AuditInput => ({
  kind: i % 4 === 0 ? 'call-end' : 'call-start',
  callId: `call-${i}`,
  server: { url: `wss://server-${i % 3}.example/mcp` },
  tool: { name: `tool_${i % 7}`, definitionHash: 'ab'.repeat(32) },
  ...(i % 4 === 0 ? { status: 'ok', durationMs: 12, result: { sha256: 'cd'.repeat(32), size: 512 } } : { args: { i, query: `question number ${i}` } }),
} as AuditInput);

async function fresh<T>(label: string, fn: (log: AuditLog, dbName: string) => Promise<T>, options: { signing?: 'seal' | 'batch' | 'every' } = {}): Promise<T> {
  const dbName = `bench-${label}-${Date.now()}`;
  const log = await AuditLog.open({ dbName, ...options });
  try {
    return await fn(log, dbName);
  } finally {
    log.close();
    await deleteToolgateDb(dbName);
  }
}

/** records/s for a burst of `n` concurrent appends (group-committed). */
async function batched(n: number, signing: 'seal' | 'batch' | 'every'): Promise<number> {
  return fresh(`batched-${signing}`, async (log) => {
    await log.append(input(0));
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => log.append(input(i + 1))));
    return (n / (performance.now() - t0)) * 1000;
  }, { signing });
}

/** records/s when each append waits for the previous one (a write-ahead record alone in its commit). */
async function sequential(n: number): Promise<number> {
  return fresh('sequential', async (log) => {
    await log.append(input(0));
    const t0 = performance.now();
    for (let i = 1; i <= n; i++) await log.append(input(i));
    return (n / (performance.now() - t0)) * 1000;
  });
}

/** 64 concurrent "calls", each awaiting its write-ahead record, then its outcome, 10 rounds. */
async function concurrentCalls(calls: number, rounds: number): Promise<number> {
  return fresh('calls', async (log) => {
    await log.append(input(0));
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: calls }, async (_, c) => {
        for (let r = 0; r < rounds; r++) {
          await log.append(input(c * 1000 + r * 2 + 1));
          await log.append(input(c * 1000 + r * 2 + 2));
        }
      }),
    );
    return ((calls * rounds * 2) / (performance.now() - t0)) * 1000;
  });
}

/** A stand-in hash for fill records: 64 hex digits, distinct per seq. */
const fakeHash = (seq: number) => seq.toString(16).padStart(64, '0');

async function viewerOpen(n: number): Promise<{ fill: number; newest100: number[]; firstPaint: number; allLoaded: number; rows: number }> {
  return fresh('viewer', async (log, dbName) => {
    // Fill fast: n - 1 records written straight to the store in big transactions (what appends
    // would store, but neither hashed nor signed: the viewer never verifies on open, and hashing
    // 100,000 records would dominate the fill), then one real append on top. The viewer is timed.
    let t0 = performance.now();
    const db = await openToolgateDb(dbName);
    let prevHash = GENESIS_HASH;
    const ts = Date.now();
    for (let from = 1; from < n; from += 10000) {
      const tx = db.transaction('audit', 'readwrite');
      for (let seq = from; seq < Math.min(n, from + 10000); seq++) {
        const record = { v: AUDIT_FORMAT_VERSION, ...input(seq), user: {}, agent: { id: 'bench' }, seq, ts, device: log.device, prevHash, hash: fakeHash(seq) } as unknown as AuditRecord;
        prevHash = record.hash;
        void tx.store.add(record);
      }
      await tx.done;
    }
    db.close();
    await log.append(input(n));
    const fill = performance.now() - t0;
    // The newest 100 records, as a list view reads them: one getAll on the key range.
    const newest100: number[] = [];
    const head = (await log.head())!.seq;
    for (let i = 0; i < 20; i++) {
      t0 = performance.now();
      const got = await log.range(head - 99, head);
      newest100.push(performance.now() - t0);
      if (got.length !== 100) throw new Error(`newest 100: read ${got.length}`);
    }
    t0 = performance.now();
    const el = document.createElement('tg-audit-log');
    el.style.height = '600px';
    el.log = log;
    document.body.append(el);
    await el.updateComplete;
    await el.firstScreen;
    await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    const firstPaint = performance.now() - t0;
    await el.loaded;
    const allLoaded = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
    const rows = el.shadowRoot!.querySelectorAll('[role="row"][data-seq]').length;
    el.remove();
    return { fill, newest100, firstPaint, allLoaded, rows };
  });
}

async function fixture(): Promise<string> {
  const dbName = `fixture-${Date.now()}`;
  const log = await AuditLog.open({ dbName, user: { id: 'user-42', sub: 'alice', iss: 'https://idp.example' }, agent: { id: 'agent-fixture', name: 'Fixture agent' } });
  await log.append({ kind: 'connect', server: { url: 'wss://tools.example/mcp' }, status: 'ready' });
  for (let i = 0; i < 6; i++) await log.append(input(i));
  await log.prune({ maxRecords: 4 });
  await Promise.all([
    log.append({ kind: 'tool-request', callId: 'c9', server: { url: 'wss://tools.example/mcp' }, tool: { name: 'send_mail' }, args: { to: 'bob@example.com', auth: 'Bearer abcdefghijklmnop' }, proposer: 'llm:anthropic' }),
    log.append({ kind: 'decision', callId: 'c9', server: { url: 'wss://tools.example/mcp' }, tool: { name: 'send_mail' }, decision: { outcome: 'deny', by: 'person', person: 'alice', reason: 'not now' } }),
    log.append({ kind: 'error', error: { code: 'TG_TIMEOUT', message: 'tools.example did not answer' } }),
  ]);
  for (let i = 10; i < 14; i++) await log.append(input(i));
  const text = await new Response(exportJsonl(log)).text();
  log.close();
  await deleteToolgateDb(dbName);
  return text;
}

Object.assign(window, {
  auditBench: async () => ({
    batchedSeal: await batched(10000, 'seal'),
    batchedSignBatch: await batched(10000, 'batch'),
    batchedSignEvery: await batched(2000, 'every'),
    sequentialWriteAhead: await sequential(300),
    concurrentCalls64: await concurrentCalls(64, 10),
  }),
  viewerOpen,
  auditFixture: fixture,
});
document.title = 'ready';

/** Where the time of one record goes (µs per record), to tell hashing from IndexedDB from locks. */
async function breakdown(n = 2000): Promise<Record<string, number>> {
  const { recordHash } = await import('../src/audit/record.js');
  const { openDB } = await import('idb');
  const sample = { v: 1, ...input(1), user: {}, agent: { id: 'a' }, seq: 1, ts: Date.now(), device: 'x'.repeat(43), prevHash: '0'.repeat(64) };
  const out: Record<string, number> = {};
  let t0 = performance.now();
  for (let i = 0; i < n; i++) recordHash({ ...sample, seq: i } as never);
  out['hashUs'] = ((performance.now() - t0) / n) * 1000;
  const key = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  t0 = performance.now();
  for (let i = 0; i < 200; i++) await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(String(i)));
  out['signUs'] = ((performance.now() - t0) / 200) * 1000;
  t0 = performance.now();
  for (let i = 0; i < 200; i++) await navigator.locks.request('bench-lock', async () => undefined);
  out['lockUs'] = ((performance.now() - t0) / 200) * 1000;
  const name = `bench-raw-${Date.now()}`;
  const db = await openDB(name, 1, { upgrade: (d) => void d.createObjectStore('s', { keyPath: 'seq' }) });
  t0 = performance.now();
  const tx = db.transaction('s', 'readwrite');
  for (let i = 0; i < n; i++) void tx.store.add({ ...sample, seq: i, hash: 'h'.repeat(64) });
  await tx.done;
  out['addInOneTxUs'] = ((performance.now() - t0) / n) * 1000;
  // The same with the five indexes the audit store had in schema version 1 (unused by any reader).
  const indexedName = `bench-raw-indexed-${Date.now()}`;
  const indexed = await openDB(indexedName, 1, {
    upgrade: (d) => {
      const store = d.createObjectStore('s', { keyPath: 'seq' });
      for (const [index, path] of [['ts', 'ts'], ['kind', 'kind'], ['server', 'server.url'], ['tool', 'tool.name'], ['callId', 'callId']]) store.createIndex(index!, path!);
    },
  });
  t0 = performance.now();
  const itx = indexed.transaction('s', 'readwrite');
  for (let i = 0; i < n; i++) void itx.store.add({ ...sample, seq: i, hash: 'h'.repeat(64) });
  await itx.done;
  out['addInOneTx5IndexesUs'] = ((performance.now() - t0) / n) * 1000;
  indexed.close();
  await deleteToolgateDb(indexedName);
  t0 = performance.now();
  for (let i = n; i < n + 200; i++) await db.add('s', { ...sample, seq: i, hash: 'h'.repeat(64) });
  out['txPerRecordUs'] = ((performance.now() - t0) / 200) * 1000;
  t0 = performance.now();
  await db.getAll('s');
  out['getAllUs'] = ((performance.now() - t0) / (n + 200)) * 1000;
  // The same single-record transaction with each durability hint (the default is the browser's:
  // relaxed in Chromium since 121 and in Firefox; strict waits for the OS to flush).
  for (const durability of ['strict', 'relaxed'] as const) {
    t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      const tx = db.transaction('s', 'readwrite', { durability });
      void tx.store.add({ ...sample, seq: n + 1000 + i + (durability === 'strict' ? 0 : 1000), hash: 'h'.repeat(64) });
      await tx.done;
    }
    out[`txPerRecord_${durability}Us`] = ((performance.now() - t0) / 100) * 1000;
  }
  db.close();
  await deleteToolgateDb(name);
  // What the gate adds per record before it reaches the log: redaction of a call-start, and of a
  // small result (digest + preview) on the return path.
  const { redactAuditInput, auditResult } = await import('../src/audit/redact-record.js');
  t0 = performance.now();
  for (let i = 0; i < n; i++) redactAuditInput(input(i * 4 + 1), {});
  out['redactCallStartUs'] = ((performance.now() - t0) / n) * 1000;
  const echo = { content: [{ type: 'text', text: 'hello from the bench' }], isError: false };
  t0 = performance.now();
  for (let i = 0; i < n; i++) auditResult(echo, {});
  out['auditResultEchoUs'] = ((performance.now() - t0) / n) * 1000;
  // The audit part of one gated call, as the gate appends it: request + decision + write-ahead
  // call-start group-committed and awaited, then the call-end deferred (it joins the next commit).
  for (const signing of ['seal', 'batch'] as const) {
    const samples = await fresh(`gated-${signing}`, async (log) => {
      const times: number[] = [];
      await log.append(input(0));
      for (let i = 0; i < 300; i++) {
        const callId = `gated-${i}`;
        const server = { url: 'wss://server.example/mcp' };
        const tool = { name: 'echo' };
        const start = performance.now();
        await Promise.all([
          log.append({ kind: 'tool-request', callId, server, tool, args: { text: 'hello' }, proposer: 'llm:local' }),
          log.append({ kind: 'decision', callId, server, tool, decision: { outcome: 'allow', by: 'rule', rule: 'allow-all' } }),
          log.append({ kind: 'call-start', callId, server, tool, args: { text: 'hello' } }),
        ]);
        times.push(performance.now() - start);
        void log.append({ kind: 'call-end', callId, server, tool, status: 'ok', durationMs: 1, result: auditResult(echo, {}).info }, { defer: true });
      }
      await log.flush();
      return times;
    }, { signing });
    samples.sort((a, b) => a - b);
    out[`gatedCallWriteAhead_${signing}_p50Us`] = samples[Math.floor(samples.length / 2)]! * 1000;
  }
  return out;
}
Object.assign(window, { auditBreakdown: breakdown });
