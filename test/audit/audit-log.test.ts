import { expect } from '@esm-bundle/chai';
import { AuditLog, AuditHealthEvent, SEAL_EVERY_RECORDS } from '../../src/audit/audit-log.js';
import { verifyChain } from '../../src/audit/verify.js';
import { storageError } from '../../src/storage/errors.js';
import { GENESIS_HASH, recordHash, type AuditRecord } from '../../src/audit/record.js';
import { jwkThumbprint } from '../../src/storage/keys.js';
import { callStart, freshDbName, Scope } from './helpers.js';
import { ErrorCode } from '../../workers/shared/errors.js';

describe('AuditLog', () => {
  const scope = Scope.perTest();

  it('appends records with identities, links them into a chain and verifies it', async () => {
    const dbName = freshDbName('append');
    const log = await scope.open({ dbName, user: { id: 'u-1', sub: 'alice', iss: 'https://idp.example' }, agent: { id: 'agent-1', name: 'Helper' } });
    const a = await log.append({ kind: 'connect', server: { url: 'wss://a.example/mcp' }, status: 'ready' });
    const b = await log.append({ kind: 'tool-request', callId: 'c1', server: { url: 'wss://a.example/mcp' }, tool: { name: 'search' }, args: { q: 'mail bob@example.com' }, proposer: 'llm:openai' });
    const c = await log.append({ kind: 'decision', callId: 'c1', server: { url: 'wss://a.example/mcp' }, tool: { name: 'search' }, decision: { outcome: 'allow', by: 'person', person: 'alice' } });
    expect([a.seq, b.seq, c.seq]).to.deep.equal([1, 2, 3]);
    expect(a.prevHash).to.equal(GENESIS_HASH);
    expect(b.prevHash).to.equal(a.hash);
    expect(c.prevHash).to.equal(b.hash);
    expect(recordHash(b)).to.equal(b.hash);
    expect(b.user).to.deep.equal({ id: 'u-1', sub: 'alice', iss: 'https://idp.example' });
    expect(b.agent).to.deep.equal({ id: 'agent-1', name: 'Helper' });
    expect(b.device).to.equal(log.device);
    // Arguments are redacted before they are recorded.
    expect(b.kind === 'tool-request' && b.args).to.deep.equal({ q: 'mail [REDACTED:email]' });
    // Signed off the critical path: the seal comes later (see 'seals' below).
    expect(a.sig).to.equal(undefined);

    expect(await log.count()).to.equal(3);
    expect((await log.get(2))?.hash).to.equal(b.hash);
    const all: AuditRecord[] = [];
    for await (const r of log.records({ batchSize: 2 })) all.push(r);
    expect(all.map((r) => r.seq)).to.deep.equal([1, 2, 3]);
    const verified = await log.verify();
    expect(verified).to.deep.include({ ok: true, count: 3, firstSeq: 1, lastSeq: 3, headHash: c.hash });
    expect(verified.ok && verified.pending, 'verify seals this page\'s head first').to.equal(undefined);
    expect((await log.get(3))?.sig, 'the seal reads back as the head\'s sig').to.be.a('string');
  });

  it('keeps a non-extractable device key per database and names it by its RFC 7638 thumbprint', async () => {
    const dbName = freshDbName('device');
    const first = await scope.open({ dbName });
    const keys = await first.publicKeys();
    expect(Object.keys(keys)).to.deep.equal([first.device]);
    expect(jwkThumbprint(keys[first.device]!)).to.equal(first.device);
    first.close();
    const again = await scope.open({ dbName });
    expect(again.device).to.equal(first.device);
    const raw = await scope.raw(dbName);
    const stored = await raw.get('keys', 'device');
    expect(stored?.privateKey?.extractable).to.equal(false);
    const other = await scope.open({ dbName: freshDbName('device-other') });
    expect(other.device).not.to.equal(first.device);
  });

  it('rejects invalid input without touching the chain', async () => {
    const log = await scope.open({ dbName: freshDbName('invalid') });
    for (const bad of [{ kind: 'nope' }, { kind: 'call-start', callId: 'x' }, { kind: 'checkpoint' }]) {
      const err = await log.append(bad as never).then(() => null, (e: unknown) => e);
      expect((err as { code?: string })?.code, JSON.stringify(bad)).to.equal(ErrorCode.AUDIT_INVALID_RECORD);
    }
    const nan = await log.append(callStart(1, { args: { n: Number.NaN } })).then(() => null, (e: unknown) => e);
    expect((nan as { code?: string })?.code).to.equal(ErrorCode.AUDIT_INVALID_RECORD);
    expect(log.health.state).to.equal('ok');
    expect((await log.append(callStart(2))).seq).to.equal(1);
  });

  it('group-commits concurrent appends: one transaction and one signature for a burst (signing: "batch")', async () => {
    const dbName = freshDbName('group');
    const log = await scope.open({ dbName, signing: 'batch' });
    await log.append(callStart(0));
    const records = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(callStart(i + 1))));
    expect(records.map((r) => r.seq)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 2));
    const signed = records.filter((r) => r.sig);
    expect(signed.length).to.equal(1);
    expect(signed[0]!.seq).to.equal(201);
    expect(await log.verify()).to.deep.include({ ok: true, count: 201 });
  });

  it('is write-ahead: a resolved append is already readable through another connection', async () => {
    const dbName = freshDbName('wal');
    const log = await scope.open({ dbName });
    const raw = await scope.raw(dbName);
    for (let i = 0; i < 5; i++) {
      const record = await log.append(callStart(i));
      expect((await raw.get('audit', record.seq))?.hash).to.equal(record.hash);
    }
  });

  it('reads its own writes: a read issued after un-awaited appends sees them', async () => {
    const log = await scope.open({ dbName: freshDbName('ryw') });
    const appended = [log.append(callStart(1)), log.append(callStart(2), { defer: true })];
    // Not awaited: the read itself waits for the appends made before it.
    const read = await log.range(1, 10);
    expect(read.map((r) => r.seq)).to.deep.equal([1, 2]);
    expect((await Promise.all(appended)).map((r) => r.hash)).to.deep.equal(read.map((r) => r.hash));
  });

  it('commits a deferred record (alone, or in the next write-ahead record\'s transaction), in order and signed at the end', async () => {
    const dbName = freshDbName('defer');
    const log = await scope.open({ dbName, signing: 'batch' });
    const raw = await scope.raw(dbName);
    // Alone: nothing else comes, it still commits (and is the signed end of its batch).
    const alone = await log.append(callStart(1), { defer: true });
    expect((await raw.get('audit', alone.seq))?.hash).to.equal(alone.hash);
    expect(alone.sig).to.be.a('string');
    // With company: a call-end nobody awaits, then the next call's write-ahead record.
    const end = log.append(callStart(2), { defer: true });
    const next = await log.append(callStart(3));
    const ended = await end;
    expect([ended.seq, next.seq]).to.deep.equal([2, 3]);
    expect(next.prevHash).to.equal(ended.hash);
    expect(ended.sig, 'one transaction: only its last record is signed').to.equal(undefined);
    expect(next.sig).to.be.a('string');
    expect(await log.verify()).to.deep.include({ ok: true, count: 3 });
  });

  it('hands the lock from a writer idling with it to another writer, and both chain on the real head', async () => {
    const dbName = freshDbName('handover');
    const a = await scope.open({ dbName, agent: { id: 'A' } });
    const b = await scope.open({ dbName, agent: { id: 'B' } });
    for (let round = 0; round < 5; round++) {
      await a.append(callStart(round * 2));
      await b.append(callStart(round * 2 + 1));
    }
    const all = await a.range(1, 100);
    expect(all.map((r) => r.agent.id)).to.deep.equal(['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A', 'B']);
    expect(await b.verify()).to.deep.include({ ok: true, count: 10 });
  });

  it('signs every record with signing: "every"', async () => {
    const log = await scope.open({ dbName: freshDbName('every'), signing: 'every' });
    const records = await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(callStart(i))));
    expect(records.every((r) => typeof r.sig === 'string')).to.equal(true);
    expect(await log.verify()).to.deep.include({ ok: true, signatures: 20 });
  });

  describe('tamper detection', () => {
    async function chainOf(n: number) {
      const dbName = freshDbName('tamper');
      // Format 2's rule (signing: 'batch'): appended one by one, every record is signed. The seals
      // of format 3 have their own tamper tests below.
      const log = await scope.open({ dbName, signing: 'batch' });
      for (let i = 1; i <= n; i++) await log.append(callStart(i));
      const raw = await scope.raw(dbName);
      return { log, raw };
    }

    it('finds an edited record (hash no longer matches)', async () => {
      const { log, raw } = await chainOf(8);
      const r = (await raw.get('audit', 5))!;
      await raw.put('audit', { ...r, args: { i: 5, query: 'something else' } } as AuditRecord);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 5, reason: 'edited' });
    });

    it('finds an edited record whose hash was recomputed (the next link breaks there)', async () => {
      const { log, raw } = await chainOf(8);
      const r = (await raw.get('audit', 5))! as AuditRecord;
      const edited = { ...r, args: { i: 5, query: 'rewritten' } } as AuditRecord;
      delete edited.sig;
      edited.hash = recordHash(edited);
      await raw.put('audit', edited);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 5, reason: 'edited' });
    });

    it('finds a deleted record', async () => {
      const { log, raw } = await chainOf(8);
      await raw.delete('audit', 4);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 4, reason: 'deleted' });
    });

    it('finds deleted records at the start (no checkpoint vouches for them)', async () => {
      const { log, raw } = await chainOf(6);
      await raw.delete('audit', IDBKeyRange.upperBound(2));
      expect(await log.verify()).to.deep.include({ ok: false, seq: 1, reason: 'deleted' });
    });

    it('finds reordered (renumbered) records', async () => {
      const { log, raw } = await chainOf(8);
      const five = (await raw.get('audit', 5))!;
      const six = (await raw.get('audit', 6))!;
      await raw.put('audit', { ...six, seq: 5 } as AuditRecord);
      await raw.put('audit', { ...five, seq: 6 } as AuditRecord);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 5, reason: 'reordered' });
    });

    it('finds a forged signature, and a re-hashed last record the device never signed', async () => {
      const { log, raw } = await chainOf(8);
      const three = (await raw.get('audit', 3))!;
      const other = (await raw.get('audit', 4))!;
      await raw.put('audit', { ...three, sig: other.sig } as AuditRecord);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 3, reason: 'forged-signature' });

      await raw.put('audit', three);
      const last = (await raw.get('audit', 8))! as AuditRecord;
      const rewritten = { ...last, args: { i: 8, query: 'rewritten' } } as AuditRecord;
      rewritten.hash = recordHash(rewritten);
      await raw.put('audit', rewritten);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 8, reason: 'forged-signature' });
    });

    it('finds format-2 records appended by someone without the key (unsigned tail)', async () => {
      const { log, raw } = await chainOf(3);
      const head = (await raw.get('audit', 3))!;
      // Format 2 signed every batch, so its unsigned tail is a break (format 3's is pending, below).
      const forged = { ...head, v: 2, seq: 4, prevHash: head.hash, callId: 'forged' } as AuditRecord;
      delete forged.sig;
      forged.hash = recordHash(forged);
      await raw.add('audit', forged);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 4, reason: 'unsigned-tail' });
    });

    it('refuses a signature by a device that is not trusted', async () => {
      const { log } = await chainOf(2);
      expect(await log.verify({ trustedDevices: ['someone-else'] })).to.deep.include({ ok: false, seq: 1, reason: 'unknown-key' });
      expect(await log.verify({ trustedDevices: [log.device] })).to.deep.include({ ok: true });
    });
  });

  describe('seals (format 3: signatures off the critical path)', () => {
    /** A chain written by the default writer, sealed (verify seals first), with raw access. */
    async function sealedChain(n: number) {
      const dbName = freshDbName('seal');
      const log = await scope.open({ dbName });
      await Promise.all(Array.from({ length: n }, (_, i) => log.append(callStart(i + 1))));
      await log.seal();
      const raw = await scope.raw(dbName);
      // One seal, normally; a slow machine may add one of SEAL_EVERY_MS on an earlier head.
      const signed = (await raw.getAll('seals')).length;
      return { log, raw, signed };
    }
    /** Appends a record to the stored chain as someone without the key would: re-hashed, unsigned. */
    async function appendForged(raw: Awaited<ReturnType<typeof sealedChain>>['raw'], v: number) {
      const head = (await raw.getAll('audit')).at(-1)!;
      const forged = { ...head, v, seq: head.seq + 1, prevHash: head.hash, callId: 'forged' } as AuditRecord;
      delete forged.sig;
      forged.hash = recordHash(forged);
      await raw.add('audit', forged);
      return forged;
    }

    it('commits a write-ahead record unsigned and seals the writer\'s head when its session ends', async () => {
      const dbName = freshDbName('seal-basic');
      const log = await scope.open({ dbName });
      const raw = await scope.raw(dbName);
      const records = [];
      for (let i = 1; i <= 4; i++) records.push(await log.append(callStart(i)));
      expect(records.every((r) => r.sig === undefined), 'no signature on the append\'s path').to.equal(true);
      // Read without the log's seal-first: while the writer still holds its session, the tail is pending.
      const keys = await log.publicKeys();
      const before = await verifyChain(await raw.getAll('audit'), { keys });
      expect(before).to.deep.include({ ok: true, count: 4, signatures: 0, pending: { from: 1, to: 4, count: 4 } });
      await log.seal();
      const seals = await raw.getAll('seals');
      // One seal, at the head (a slow machine may add one of SEAL_EVERY_MS on an earlier head).
      expect(seals.map((seal) => [seal.seq, seal.hash]).at(-1)).to.deep.equal([4, records[3]!.hash]);
      for (const seal of seals) expect(seal.hash).to.equal(records[seal.seq - 1]!.hash);
      const verified = await log.verify();
      expect(verified).to.deep.include({ ok: true, count: 4, signatures: seals.length });
      expect(verified.ok && verified.pending).to.equal(undefined);
    });

    it('seals every SEAL_EVERY_RECORDS records while a burst goes on, riding in later transactions', async function () {
      this.timeout(20000);
      const dbName = freshDbName('seal-burst');
      const log = await scope.open({ dbName, maxBatch: 100 });
      const raw = await scope.raw(dbName);
      const n = SEAL_EVERY_RECORDS * 4;
      await Promise.all(Array.from({ length: n }, (_, i) => log.append(callStart(i))));
      await log.seal();
      const seals = await raw.getAll('seals');
      expect(seals.length, 'a seal during the burst and one at its end').to.be.at.least(2);
      expect(seals.at(-1)!.seq).to.equal(n);
      expect(await log.verify()).to.deep.include({ ok: true, count: n, signatures: seals.length });
    });

    it('seals on close: a log closed right after an append leaves its chain signed', async () => {
      const dbName = freshDbName('seal-close');
      const log = await scope.open({ dbName });
      // Not a call-start: a call left in flight would get an outcome-unknown record on reopen.
      const record = await log.append({ kind: 'connect', server: { url: 'wss://a.example/mcp' }, status: 'ready' });
      log.close();
      const raw = await scope.raw(dbName);
      // close() cannot wait; the writer's last transaction stores the seal. Bounded wait for it.
      for (let i = 0; i < 200 && !(await raw.get('seals', record.seq)); i++) await new Promise((r) => setTimeout(r, 10));
      expect((await raw.get('seals', record.seq))?.hash).to.equal(record.hash);
      const again = await scope.open({ dbName });
      const verified = await again.verify();
      expect(verified).to.deep.include({ ok: true, count: 1, signatures: 1 });
      expect(verified.ok && verified.pending).to.equal(undefined);
    });

    it('reports a forged format-3 tail as pending (never as signed), and a format-2 one as broken', async () => {
      const { log, raw, signed } = await sealedChain(3);
      const forged = await appendForged(raw, 3);
      // Another page (a live one, or one gone before it sealed) looks the same: a range nothing vouches for.
      expect(await log.verify()).to.deep.include({ ok: true, count: 4, signatures: signed, pending: { from: forged.seq, to: forged.seq, count: 1 } });
      // This page's next seal covers only the head it computed: the forged record is never vouched for.
      await raw.delete('audit', forged.seq);
      await log.append(callStart(9));
      await log.seal();
      expect(await log.verify()).to.deep.include({ ok: true, count: 4, signatures: signed + 1 });
      await appendForged(raw, 2);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 5, reason: 'unsigned-tail' });
    });

    it('finds a forged tail that claims a signature, a sealed record rewritten, and a seal moved', async () => {
      const { log, raw } = await sealedChain(3);
      const seal = (await raw.get('seals', 3))!;
      const forged = await appendForged(raw, 3);
      await raw.put('seals', { seq: forged.seq, hash: forged.hash, sig: seal.sig });
      expect(await log.verify()).to.deep.include({ ok: false, seq: 4, reason: 'forged-signature' });
      await raw.delete('seals', 4);
      await raw.delete('audit', 4);

      const head = (await raw.get('audit', 3))! as AuditRecord;
      const rewritten = { ...head, args: { i: 3, query: 'rewritten' } } as AuditRecord;
      rewritten.hash = recordHash(rewritten);
      await raw.put('audit', rewritten);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 3, reason: 'forged-signature' });
      await raw.put('audit', head);

      await raw.delete('seals', 3);
      await raw.put('seals', { ...seal, seq: 2 });
      expect(await log.verify()).to.deep.include({ ok: false, seq: 2, reason: 'forged-signature' });
    });

    it('shows a stripped seal as a pending tail, not as intact', async () => {
      const { log, raw } = await sealedChain(3);
      await raw.clear('seals');
      expect(await log.verify()).to.deep.include({ ok: true, count: 3, signatures: 0, pending: { from: 1, to: 3, count: 3 } });
    });
  });

  it('interleaves two writers on one database into one valid chain', async () => {
    const dbName = freshDbName('two');
    const a = await scope.open({ dbName, agent: { id: 'A' } });
    const b = await scope.open({ dbName, agent: { id: 'B' } });
    expect(a.device).to.equal(b.device);
    const writes: Promise<AuditRecord>[] = [];
    for (let i = 0; i < 150; i++) {
      writes.push(a.append(callStart(i)));
      writes.push(b.append(callStart(i)));
      if (i % 10 === 0) await Promise.resolve(); // let bursts split into several batches per writer
    }
    const records = await Promise.all(writes);
    const seqs = records.map((r) => r.seq).sort((x, y) => x - y);
    expect(seqs).to.deep.equal(Array.from({ length: 300 }, (_, i) => i + 1));
    const result = await a.verify();
    expect(result).to.deep.include({ ok: true, count: 300 });
    const agents = new Set<string>();
    for await (const r of a.records()) agents.add(r.agent.id);
    expect([...agents].sort()).to.deep.equal(['A', 'B']);
  });

  it('interleaves two pages (iframes) writing at once into one valid chain', async function () {
    this.timeout(20000);
    const dbName = freshDbName('pages');
    scope.names.add(dbName);
    const moduleUrl = new URL('../../src/audit/audit-log.ts', import.meta.url).href;
    const page = (id: string) =>
      new Promise<number>((resolve, reject) => {
        const frame = document.createElement('iframe');
        const onMessage = (event: MessageEvent<{ id: string; ok: boolean; n?: number; error?: string }>) => {
          if (event.data?.id !== id) return;
          window.removeEventListener('message', onMessage);
          frame.remove();
          if (event.data.ok) resolve(event.data.n!);
          else reject(new Error(event.data.error));
        };
        window.addEventListener('message', onMessage);
        frame.srcdoc = `<script type="module">
          import { AuditLog } from ${JSON.stringify(moduleUrl)};
          try {
            const log = await AuditLog.open({ dbName: ${JSON.stringify(dbName)}, agent: { id: ${JSON.stringify(id)} } });
            const writes = [];
            for (let i = 0; i < 100; i++) {
              writes.push(log.append({ kind: 'call-start', callId: ${JSON.stringify(id)} + i, server: { url: 'wss://x/mcp' }, tool: { name: 't' } }));
              if (i % 7 === 0) await new Promise((r) => setTimeout(r, 0));
            }
            await Promise.all(writes);
            log.close();
            parent.postMessage({ id: ${JSON.stringify(id)}, ok: true, n: writes.length }, '*');
          } catch (e) {
            parent.postMessage({ id: ${JSON.stringify(id)}, ok: false, error: String(e && e.stack || e) }, '*');
          }
        </script>`;
        document.body.append(frame);
      });
    const counts = await Promise.all([page('page-1'), page('page-2')]);
    expect(counts).to.deep.equal([100, 100]);
    const log = await scope.open({ dbName });
    // The pages closed with their 200 calls "in flight": opening the log settles each as outcome-unknown.
    expect(await log.verify()).to.deep.include({ ok: true, count: 400 });
    const agents = new Map<string, number>();
    const unknown = new Set<string>();
    for await (const r of log.records()) {
      if (r.kind === 'call-start') agents.set(r.agent.id, (agents.get(r.agent.id) ?? 0) + 1);
      if (r.kind === 'outcome-unknown') unknown.add(`${r.agent.id}:${r.callId}`);
    }
    expect(Object.fromEntries(agents)).to.deep.equal({ 'page-1': 100, 'page-2': 100 });
    expect(unknown.size).to.equal(200);
  });

  describe('storage failure', () => {
    it('fails loud when another connection deletes the database: coded rejection, health, event, calls blocked', async () => {
      const dbName = freshDbName('fail');
      // No automatic recovery here: the failed state is what is under test (recovery has its own tests).
      const log = await scope.open({ dbName, recovery: false });
      await log.append(callStart(1));
      const events: AuditHealthEvent[] = [];
      log.addEventListener('health', (e) => events.push(e));

      // A real failure: deleting the database sends `versionchange` to our connection.
      const deleted = new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase(dbName);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      });
      await deleted;

      expect(log.health.state).to.equal('failed');
      expect(log.health.state === 'failed' && log.health.error.code).to.equal(ErrorCode.STORAGE_FAILED);
      expect(events.length).to.equal(1);
      expect(log.writable).to.equal(false);
      const err = await log.append(callStart(2)).then(() => null, (e: unknown) => e as { code?: string; message?: string });
      expect(err?.code).to.equal('TG_STORAGE_FAILED');
      expect(() => log.assertCallsAllowed()).to.throw().with.property('code', 'TG_STORAGE_FAILED');
      log.failMode = 'open';
      expect(() => log.assertCallsAllowed()).not.to.throw();
      expect(() => log.assertWritable()).to.throw().with.property('code', 'TG_STORAGE_FAILED');
    });

    it('rejects appends queued when the connection breaks (nothing silently dropped)', async () => {
      const dbName = freshDbName('fail-queued');
      const log = await scope.open({ dbName, recovery: false });
      const pending = Array.from({ length: 20 }, (_, i) => log.append(callStart(i)).then(() => 'ok', (e: { code?: string }) => e.code));
      indexedDB.deleteDatabase(dbName);
      const more = Array.from({ length: 20 }, (_, i) => log.append(callStart(i)).then(() => 'ok', (e: { code?: string }) => e.code));
      const outcomes = await Promise.all([...pending, ...more]);
      for (const outcome of outcomes) expect(['ok', 'TG_STORAGE_FAILED']).to.include(outcome);
      expect(outcomes.filter((o) => o === 'TG_STORAGE_FAILED').length).to.be.greaterThan(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(log.health.state).to.equal('failed');
    });

    it('maps a quota error to TG_STORAGE_QUOTA and anything else to TG_STORAGE_FAILED', () => {
      expect(storageError(new DOMException('full', 'QuotaExceededError'), 'append').code).to.equal('TG_STORAGE_QUOTA');
      expect(storageError(new DOMException('closing', 'InvalidStateError'), 'append').code).to.equal('TG_STORAGE_FAILED');
    });

    it('refuses appends after close with TG_AUDIT_CLOSED', async () => {
      const log = await scope.open({ dbName: freshDbName('closed') });
      log.close();
      const err = await log.append(callStart(1)).then(() => null, (e: { code?: string }) => e);
      expect(err?.code).to.equal('TG_AUDIT_CLOSED');
    });
  });

  describe('retention', () => {
    it('prunes by count with a checkpoint, and the rest still verifies', async () => {
      const dbName = freshDbName('retain');
      const log = await scope.open({ dbName });
      for (let i = 1; i <= 50; i++) await log.append(callStart(i));
      expect(await log.prune({ maxRecords: 20 })).to.equal(30);
      expect(await log.count()).to.equal(21);
      const checkpoint = await log.get(51);
      expect(checkpoint).to.deep.include({ kind: 'checkpoint', prunedThrough: 30, removed: 30 });
      expect(await log.verify()).to.deep.include({ ok: true, firstSeq: 31, lastSeq: 51 });

      for (let i = 51; i <= 60; i++) await log.append(callStart(i));
      // 31…61 are there; the last 20 (42…61) stay, plus the new checkpoint.
      expect(await log.prune({ maxRecords: 20 })).to.equal(11);
      expect(await log.count()).to.equal(21);
      expect(await log.verify()).to.deep.include({ ok: true, firstSeq: 42, lastSeq: 62 });

      // Removing more than the checkpoint vouches for is still caught.
      const raw = await scope.raw(dbName);
      await raw.delete('audit', 42);
      expect(await log.verify()).to.deep.include({ ok: false, seq: 42, reason: 'deleted' });
    });

    it('prunes by age, and automatically with the retention option', async () => {
      const dbName = freshDbName('retain-age');
      const log = await scope.open({ dbName, retention: { maxRecords: 30, every: 10 } });
      for (let i = 1; i <= 5; i++) await log.append(callStart(i));
      await new Promise((r) => setTimeout(r, 600));
      for (let i = 6; i <= 8; i++) await log.append(callStart(i));
      // Cut halfway between records 5 and 6, measured from now: robust to a slow, loaded machine.
      const [fifth, sixth] = [await log.get(5), await log.get(6)];
      const maxAgeMs = Date.now() - (fifth!.ts + sixth!.ts) / 2;
      expect(await log.prune({ maxAgeMs })).to.equal(5);
      expect(await log.verify()).to.deep.include({ ok: true, firstSeq: 6 });

      await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(callStart(i))));
      // The automatic pass runs after the commit; wait for its checkpoint.
      for (let i = 0; i < 50 && (await log.count()) > 31; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await log.count()).to.be.at.most(31);
      expect(await log.verify()).to.deep.include({ ok: true });
    });
  });
});
