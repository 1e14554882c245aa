/**
 * A burst of records committed together is stored as chunk rows (database version 4, see
 * src/audit/chunks.ts and src/audit/inflight.ts): reads, counts, retention, reconciliation and
 * tamper detection see the same chain as with one row per record, and a version-3 database keeps
 * verifying after the upgrade.
 */
import { expect } from '@esm-bundle/chai';
import { openDB } from 'idb';
import { CHUNK_MIN, CHUNK_RECORDS } from '../../src/audit/chunks.js';
import { AUDIT_FORMAT_VERSION, GENESIS_HASH, recordHash, toBase64Url, type AuditInput, type AuditRecord } from '../../src/audit/record.js';
import { jwkThumbprint } from '../../src/storage/keys.js';
import { callStart, freshDbName, Scope } from './helpers.js';

const end = (i: number): AuditInput => ({ kind: 'call-end', callId: `call-${i}`, server: { url: `wss://server-${i % 3}.example/mcp` }, tool: { name: `tool_${i % 5}` }, status: 'ok', durationMs: 2 });
/** More than two chunks' worth, so a burst has a partial last chunk. */
const BURST = CHUNK_RECORDS * 2 + 10;

describe('Audit chunk rows (bursts)', function () {
  this.timeout(30000);
  const scope = Scope.perTest();

  async function burstLog(label: string) {
    const dbName = freshDbName(label);
    const log = await scope.open({ dbName });
    await log.append(callStart(0)); // alone in its commit: a row of its own
    const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => log.append(callStart(i + 1))));
    await log.append(end(0));
    const raw = await scope.raw(dbName);
    return { log, raw, burst, dbName };
  }

  it('stores a burst as chunk rows and a lone record as a row, and reads them back as one chain', async () => {
    const { log, raw, burst } = await burstLog('chunks');
    expect(burst.map((r) => r.seq)).to.deep.equal(Array.from({ length: BURST }, (_, i) => i + 2));
    const chunks = await raw.getAll('auditChunks');
    expect(chunks.map((c) => [c.from, c.to])).to.deep.equal([
      [2, CHUNK_RECORDS + 1],
      [CHUNK_RECORDS + 2, 2 * CHUNK_RECORDS + 1],
      [2 * CHUNK_RECORDS + 2, BURST + 1],
    ]);
    expect((await raw.getAll('audit')).map((r) => r.seq)).to.deep.equal([1, BURST + 2]);
    expect(await log.count()).to.equal(BURST + 2);
    expect(await log.head()).to.deep.equal({ seq: BURST + 2, hash: (await log.get(BURST + 2))!.hash });
    // A range across rows and chunk boundaries, and a limited one.
    const across = await log.range(CHUNK_RECORDS - 2, CHUNK_RECORDS + 5);
    expect(across.map((r) => r.seq)).to.deep.equal(Array.from({ length: 8 }, (_, i) => CHUNK_RECORDS - 2 + i));
    expect(across.map((r) => r.hash)).to.deep.equal(burst.slice(CHUNK_RECORDS - 4, CHUNK_RECORDS + 4).map((r) => r.hash));
    expect((await log.range(1, BURST + 2, 5)).map((r) => r.seq)).to.deep.equal([1, 2, 3, 4, 5]);
    const all: number[] = [];
    for await (const r of log.records({ batchSize: 50 })) all.push(r.seq);
    expect(all).to.deep.equal(Array.from({ length: BURST + 2 }, (_, i) => i + 1));
    expect(await log.verify()).to.deep.include({ ok: true, count: BURST + 2 });
  });

  it('a commit below CHUNK_MIN records stays one row per record', async () => {
    const dbName = freshDbName('small');
    const log = await scope.open({ dbName });
    await Promise.all(Array.from({ length: CHUNK_MIN - 1 }, (_, i) => log.append(callStart(i + 1))));
    const raw = await scope.raw(dbName);
    expect(await raw.count('audit')).to.equal(CHUNK_MIN - 1);
    expect(await raw.count('auditChunks')).to.equal(0);
    expect(await raw.count('inflight')).to.equal(CHUNK_MIN - 1);
  });

  it('finds a record edited inside a chunk row, and a chunk row deleted', async () => {
    const { log, raw } = await burstLog('chunk-tamper');
    const [chunk] = await raw.getAll('auditChunks');
    const edited = { ...chunk!, records: chunk!.records.map((r) => (r.seq === 7 ? ({ ...r, args: { i: 6, query: 'something else' } } as AuditRecord) : r)) };
    await raw.put('auditChunks', edited);
    expect(await log.verify()).to.deep.include({ ok: false, seq: 7, reason: 'edited' });
    await raw.put('auditChunks', chunk!);
    expect(await log.verify()).to.deep.include({ ok: true });
    const second = (await raw.getAll('auditChunks'))[1]!;
    await raw.delete('auditChunks', [second.to, second.from]);
    expect(await log.verify()).to.deep.include({ ok: false, seq: second.from, reason: 'deleted' });
  });

  it('retention through the middle of a chunk keeps its later records, and the chain verifies', async () => {
    const { log, raw } = await burstLog('chunk-prune');
    const keep = BURST - CHUNK_RECORDS / 2; // the first kept record is inside the second chunk
    const removed = await log.prune({ maxRecords: keep });
    const head = (await log.head())!.seq;
    const first = (await log.range(1, head, 1))[0]!;
    expect(removed).to.equal(first.seq - 1);
    const straddled = (await raw.getAll('auditChunks'))[0]!;
    expect(straddled.from).to.equal(first.seq);
    expect(straddled.records[0]!.seq).to.equal(first.seq);
    expect(await log.count()).to.equal(head - first.seq + 1);
    expect(await log.verify()).to.deep.include({ ok: true, count: head - first.seq + 1 });
  });

  it('keeps a burst\'s calls in flight as chunk rows: ends remove them, and a closed log\'s are settled exactly once', async () => {
    const { log, raw, dbName } = await burstLog('chunk-inflight');
    // call-0 was a row of its own and has ended; the burst's calls are in chunk rows.
    expect(await raw.count('inflight')).to.equal(0);
    const rows = await raw.getAll('inflightChunks');
    expect(rows.flatMap((row) => row.calls.map((c) => c.callId)).sort()).to.deep.equal(Array.from({ length: BURST }, (_, i) => `call-${i + 1}`).sort());
    // Ending every call of the first chunk row deletes it; ending one of the second rewrites it.
    const firstRow = rows.find((row) => row.key === 2)!;
    await Promise.all(firstRow.calls.map((c) => log.append({ ...end(0), callId: c.callId })));
    await log.append(end(CHUNK_RECORDS + 1));
    const left = await raw.getAll('inflightChunks');
    expect(left.map((row) => row.key)).to.not.include(2);
    expect(left.reduce((n, row) => n + row.calls.length, 0)).to.equal(BURST - CHUNK_RECORDS - 1);
    // A call started and ended in one commit leaves nothing behind.
    await Promise.all([log.append(callStart(9000)), log.append(end(9000))]);
    expect(await raw.get('inflight', 'call-9000')).to.equal(undefined);
    log.close();
    const next = await scope.open({ dbName });
    const unknown: string[] = [];
    for await (const r of next.records()) if (r.kind === 'outcome-unknown') unknown.push(`${r.callId}:${r.reason}`);
    expect(unknown).to.have.length(BURST - CHUNK_RECORDS - 1);
    expect(new Set(unknown).size).to.equal(unknown.length);
    expect(unknown.every((u) => u.endsWith(':log-closed'))).to.equal(true);
    expect(await raw.count('inflightChunks')).to.equal(0);
    expect(await next.verify()).to.deep.include({ ok: true });
    const settled = await next.count();
    next.close();
    const again = await scope.open({ dbName });
    expect(await again.count(), 'settled once: a reopen writes nothing').to.equal(settled);
  });

  it('upgrading a version-3 database keeps its rows: the chain verifies, its call in flight is settled, and new bursts go to chunks', async () => {
    const dbName = freshDbName('upgrade-v3');
    scope.names.add(dbName);
    await writeVersion3Chain(dbName);
    const log = await scope.open({ dbName });
    await Promise.all(Array.from({ length: CHUNK_MIN }, (_, i) => log.append(callStart(100 + i))));
    const raw = await scope.raw(dbName);
    expect([...raw.objectStoreNames]).to.include.members(['auditChunks', 'inflightChunks']);
    expect(await raw.count('audit')).to.equal(4); // three version-3 records and the outcome-unknown
    expect(await raw.count('auditChunks')).to.equal(1);
    const records: AuditRecord[] = [];
    for await (const r of log.records()) records.push(r);
    expect(records.find((r) => r.kind === 'outcome-unknown')).to.deep.include({ callId: 'v3-open', reason: 'earlier-session' });
    expect(await log.verify()).to.deep.include({ ok: true, count: 4 + CHUNK_MIN });
  });
});

/**
 * A database as version 3 of Toolgate left it: its schema written out here (frozen, not taken from
 * db.ts), a device key, three records (one call ended, one in flight of no live page) and a seal.
 */
async function writeVersion3Chain(dbName: string): Promise<void> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: JsonWebKey = { kty: exported.kty!, crv: exported.crv!, x: exported.x!, y: exported.y! };
  const device = jwkThumbprint(publicJwk);
  const server = { url: 'wss://a.example/mcp' };
  const bodies = [
    { kind: 'call-start', callId: 'v3-done', server, tool: { name: 'search' }, redactions: { count: 0, kinds: [] } },
    { kind: 'call-end', callId: 'v3-done', server, tool: { name: 'search' }, status: 'ok', durationMs: 5, redactions: { count: 0, kinds: [] } },
    { kind: 'call-start', callId: 'v3-open', server, tool: { name: 'delete' }, redactions: { count: 0, kinds: [] } },
  ];
  const records: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (const [i, body] of bodies.entries()) {
    const record = { v: AUDIT_FORMAT_VERSION, ...body, user: {}, agent: { id: 'v3-page' }, seq: i + 1, ts: Date.now(), device, prevHash } as unknown as AuditRecord;
    record.hash = recordHash(record);
    prevHash = record.hash;
    records.push(record);
  }
  const last = records[records.length - 1]!;
  const sig = toBase64Url(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(last.hash))));
  const db = await openDB(dbName, 3, {
    upgrade(database) {
      database.createObjectStore('audit', { keyPath: 'seq' });
      database.createObjectStore('keys', { keyPath: 'id' });
      database.createObjectStore('policy');
      database.createObjectStore('pins');
      database.createObjectStore('inflight', { keyPath: 'callId' }).createIndex('instance', 'instance');
      database.createObjectStore('otlp', { keyPath: 'id' });
      database.createObjectStore('seals', { keyPath: 'seq' });
    },
  });
  const tx = db.transaction(['audit', 'keys', 'seals', 'inflight'], 'readwrite');
  for (const record of records) void tx.objectStore('audit').add(record);
  void tx.objectStore('seals').put({ seq: last.seq, hash: last.hash, sig });
  void tx.objectStore('inflight').put({ callId: 'v3-open', instance: '', startSeq: 3, server, tool: { name: 'delete' }, ts: Date.now() });
  const createdAt = Date.now();
  void tx.objectStore('keys').put({ id: 'device', thumbprint: device, publicJwk, privateKey: pair.privateKey, publicKey: pair.publicKey, createdAt });
  void tx.objectStore('keys').put({ id: `pub:${device}`, thumbprint: device, publicJwk, createdAt });
  await tx.done;
  db.close();
}
