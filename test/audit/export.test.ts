import { expect } from '@esm-bundle/chai';
import { exportJsonl, parseJsonl, verifyJsonl } from '../../src/audit/export.js';
import { toOtlpLogs, sendOtlpLogs } from '../../src/audit/otlp.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { callStart, freshDbName, Scope } from './helpers.js';

const mutateLine = (text: string, seq: number, fn: (r: Record<string, unknown>) => Record<string, unknown> | null) =>
  text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (r['seq'] !== seq) return [line];
      const out = fn(r);
      return out ? [JSON.stringify(out)] : [];
    })
    .join('\n');

describe('JSONL export', () => {
  const scope = Scope.perTest();

  it('streams a header and every record in cursor batches, and verifies', async () => {
    const log = await scope.open({ dbName: freshDbName('export') });
    for (let i = 0; i < 5; i++) await log.append(callStart(i));
    await Promise.all(Array.from({ length: 95 }, (_, i) => log.append(callStart(i + 5))));
    const reader = exportJsonl(log, { batchSize: 10 }).getReader();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value as Uint8Array<ArrayBuffer>);
    expect(chunks.length).to.equal(11); // header + 10 batches of 10
    const text = new TextDecoder().decode(new Uint8Array(await new Blob(chunks).arrayBuffer()));
    const lines: unknown[] = [];
    for await (const line of parseJsonl(text)) lines.push(line);
    const header = lines[0] as { format: string; keys: Record<string, JsonWebKey>; head: { seq: number } };
    expect(header.format).to.equal('toolgate-audit');
    expect(Object.keys(header.keys)).to.deep.equal([log.device]);
    expect(header.head.seq).to.equal(100);
    expect(lines).to.have.length(101);
    expect(await verifyJsonl(exportJsonl(log))).to.deep.include({ ok: true, count: 100, lastSeq: 100 });
    expect(await verifyJsonl(text, { trustedDevices: [log.device] })).to.deep.include({ ok: true });

    expect(await verifyJsonl(mutateLine(text, 40, (r) => ({ ...r, args: { i: 0 } })))).to.deep.include({ ok: false, seq: 40, reason: 'edited' });
    expect(await verifyJsonl(mutateLine(text, 40, () => null))).to.deep.include({ ok: false, seq: 40, reason: 'deleted' });
    const lines2 = text.trim().split('\n');
    [lines2[40], lines2[41]] = [lines2[41]!, lines2[40]!]; // records 40 and 41 swapped
    expect(await verifyJsonl(lines2.join('\n'))).to.deep.include({ ok: false, seq: 40, reason: 'reordered' });
    // The export sealed the head first; cut off there, the rest is unvouched and shorter than its header says.
    expect(await verifyJsonl(mutateLine(text, 100, () => null))).to.deep.include({ ok: false, seq: 100, reason: 'deleted' });
    const unsigned = mutateLine(text, 100, ({ sig: _sig, ...r }) => r);
    expect(await verifyJsonl(unsigned)).to.deep.include({ ok: true, count: 100 });
    expect(((await verifyJsonl(unsigned)) as { pending?: unknown }).pending, 'a stripped seal: pending, not intact').to.deep.include({ to: 100 });
  });

  it('exports a format-3 log sealed: the seal is the head record\'s sig, no pending tail', async () => {
    const log = await scope.open({ dbName: freshDbName('export-seal') });
    const appended = await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(callStart(i))));
    expect(appended.every((r) => r.sig === undefined)).to.equal(true);
    const text = await new Response(exportJsonl(log)).text();
    const last = JSON.parse(text.trim().split('\n').at(-1)!) as AuditRecord;
    expect([last.seq, last.v, typeof last.sig]).to.deep.equal([10, 3, 'string']);
    const result = await verifyJsonl(text);
    expect(result).to.deep.include({ ok: true, count: 10 });
    expect(result.ok && result.pending).to.equal(undefined);
  });

  it('checks the committed fixtures the Node CLI also checks (same format in both verifiers; format 2 and 3)', async () => {
    const fixture = async (name: string) => (await fetch(new URL(`../cli/fixtures/${name}`, import.meta.url))).text();
    const result = await verifyJsonl(await fixture('audit-export.jsonl'));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(await verifyJsonl(await fixture('audit-export-tampered.jsonl'))).to.deep.include({ ok: false, seq: 9, reason: 'edited' });
    const sealed = await verifyJsonl(await fixture('audit-export-v3.jsonl'));
    expect(sealed.ok, JSON.stringify(sealed)).to.equal(true);
    expect(sealed.ok && sealed.pending).to.equal(undefined);
  });
});

describe('OTLP mapping', () => {
  const record = {
    v: 1,
    seq: 7,
    ts: 1_700_000_000_123,
    kind: 'decision',
    callId: 'c1',
    server: { url: 'wss://a.example/mcp' },
    tool: { name: 'delete_file', definitionHash: 'ff'.repeat(32) },
    decision: { outcome: 'deny', by: 'rule', rule: 'no-deletes' },
    user: { id: 'u1', sub: 'alice' },
    agent: { id: 'a1', name: 'Helper' },
    device: 'dev',
    prevHash: '00'.repeat(32),
    hash: '11'.repeat(32),
    sig: 'c2ln',
  } as AuditRecord;

  it('maps a record to an OTLP/HTTP JSON log record', () => {
    const body = toOtlpLogs([record], { 'deployment.environment': 'test' });
    const resource = body.resourceLogs[0]!.resource.attributes;
    expect(resource).to.deep.include({ key: 'service.name', value: { stringValue: 'toolgate' } });
    expect(resource).to.deep.include({ key: 'deployment.environment', value: { stringValue: 'test' } });
    const log = body.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(log.timeUnixNano).to.equal('1700000000123000000');
    expect(log.severityText).to.equal('WARN');
    expect(log.eventName).to.equal('toolgate.audit.decision');
    expect(JSON.parse(log.body.stringValue)).to.deep.equal(record);
    const attrs = Object.fromEntries(log.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
    expect(attrs).to.include({
      'toolgate.audit.seq': '7',
      'toolgate.audit.kind': 'decision',
      'toolgate.decision': 'deny',
      'toolgate.decision.rule': 'no-deletes',
      'toolgate.tool.name': 'delete_file',
      'server.address': 'wss://a.example/mcp',
      'enduser.id': 'u1',
      'toolgate.agent.name': 'Helper',
    });
  });

  it('POSTs the request and reports an HTTP error with a code', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const ok: typeof fetch = async (url, init) => {
      seen.push({ url: String(url), init: init! });
      return new Response('{}', { status: 200 });
    };
    await sendOtlpLogs([record], { url: 'https://otel.example/v1/logs', headers: { authorization: 'x' }, fetch: ok });
    expect(seen[0]!.url).to.equal('https://otel.example/v1/logs');
    expect(seen[0]!.init.method).to.equal('POST');
    expect(JSON.parse(String(seen[0]!.init.body)).resourceLogs).to.have.length(1);
    const failing: typeof fetch = async () => new Response('no', { status: 503 });
    const err = await sendOtlpLogs([record], { url: 'https://otel.example/v1/logs', fetch: failing }).then(() => null, (e: { code?: string; data?: unknown }) => e);
    expect(err).to.deep.include({ code: 'TG_AUDIT_EXPORT_FAILED', data: { status: 503 } });
  });
});
