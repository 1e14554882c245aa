import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { verifyJsonl } from '../../../src/audit/export.js';
import { GENESIS_HASH, recordHash, type AuditInput, type AuditRecord } from '../../../src/audit/record.js';
import { MemoryAuditSource } from '../../../src/audit/source.js';
import '../../../src/elements/audit-log/tg-audit-log.js';
import type { TgAuditLog } from '../../../src/elements/audit-log/tg-audit-log.js';
import { callStart, freshDbName, Scope } from '../../audit/helpers.js';

const rows = (el: TgAuditLog) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="row"][data-seq]')];
const seqsShown = (el: TgAuditLog) => rows(el).map((r) => Number(r.dataset['seq']));

/** A hash-chained (unsigned) log of `n` records in memory: the viewer's input without 100,000 IndexedDB writes. */
function memoryChain(n: number): MemoryAuditSource {
  const records: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  const t0 = Date.now() - n * 1000;
  for (let seq = 1; seq <= n; seq++) {
    const { user: _u, agent: _a, ...body } = callStart(seq) as Extract<AuditInput, { kind: 'call-start' }>;
    const record = { v: 1, ...body, user: { id: 'u' }, agent: { id: 'a' }, seq, ts: t0 + seq * 1000, device: 'd', prevHash } as AuditRecord;
    record.hash = recordHash(record);
    prevHash = record.hash;
    records.push(record);
  }
  return new MemoryAuditSource(records);
}

async function render(log: AuditLog | MemoryAuditSource): Promise<TgAuditLog> {
  const el = await fixture<TgAuditLog>(html`<tg-audit-log style="--tg-audit-list-height: 400px" .log=${log}></tg-audit-log>`);
  await el.loaded;
  await el.updateComplete;
  await waitUntil(() => rows(el).length > 0 || el.visibleRecords.length === 0, 'rows rendered');
  return el;
}

function mixed(i: number): AuditInput {
  const server = { url: i % 2 ? 'wss://alpha.example/mcp' : 'wss://beta.example/mcp' };
  const tool = { name: i % 3 ? 'search' : 'delete_file' };
  if (i % 5 === 0) return { kind: 'decision', callId: `c${i}`, server, tool, decision: { outcome: i % 10 === 0 ? 'deny' : 'allow', by: 'rule', rule: 'r1' } };
  return { kind: 'call-start', callId: `c${i}`, server, tool, args: { note: i === 7 ? 'needle in a haystack' : `n${i}` } };
}

describe('<tg-audit-log>', () => {
  // The virtualizer resizes rows inside a ResizeObserver callback; browsers report that benign
  // "loop completed with undelivered notifications" as a window error, which mocha would count.
  let previousOnError: OnErrorEventHandler;
  before(() => {
    previousOnError = window.onerror;
    window.onerror = (message, ...rest) =>
      String(message).includes('ResizeObserver loop') ? true : (previousOnError?.call(window, message, ...rest) ?? false);
  });
  after(() => {
    window.onerror = previousOnError;
  });
  const scope = Scope.perTest();

  it('renders 100,000 records with only a screenful of rows in the DOM', async function () {
    this.timeout(60000);
    // The IndexedDB-backed open time on 100,000 records is measured by bench/audit-bench.mjs.
    const el = await render(memoryChain(100000));
    expect(el.visibleRecords.length).to.equal(100000);
    expect(el.shadowRoot!.querySelector('.count')!.textContent).to.contain('100000 records');
    const shown = rows(el).length;
    expect(shown).to.be.greaterThan(5);
    expect(shown).to.be.lessThan(80);
    // Newest first.
    expect(seqsShown(el)[0]).to.equal(100000);
    // Scrolling to the end brings the oldest rows in, still only a screenful.
    const scroller = el.shadowRoot!.querySelector('lit-virtualizer')!;
    await waitUntil(
      () => {
        // The virtualizer estimates the height of unseen rows and corrects it as it measures, so
        // keep asking for the last row until it is there.
        scroller.element(99999)?.scrollIntoView({ block: 'end' });
        return seqsShown(el).includes(1);
      },
      'oldest row rendered after scrolling',
      { timeout: 10000, interval: 200 },
    );
    expect(rows(el).length).to.be.lessThan(80);
    // Search over all 100,000.
    el.filter = { text: 'question 99999' };
    await waitUntil(() => el.visibleRecords.length === 1, 'search over 100,000', { timeout: 20000 });
    expect(el.visibleRecords[0]!.seq).to.equal(99999);
  });

  it('filters by kind, server, tool, decision, time and text, from the form', async () => {
    const log = await scope.open({ dbName: freshDbName('filters') });
    for (let i = 1; i <= 30; i++) await log.append(mixed(i));
    const el = await render(log);
    const root = el.shadowRoot!;
    const choose = async (name: string, value: string) => {
      const select = root.querySelector<HTMLSelectElement>(`select[name="${name}"]`)!;
      select.value = value;
      select.dispatchEvent(new Event('change'));
      await new Promise((r) => setTimeout(r, 0));
      await el.updateComplete;
    };
    await choose('kind', 'decision');
    expect(el.visibleRecords.length).to.equal(6);
    await choose('decision', 'deny');
    expect(el.visibleRecords.map((r) => r.seq)).to.deep.equal([30, 20, 10]);
    await choose('decision', '');
    await choose('kind', '');
    await choose('server', 'wss://alpha.example/mcp');
    expect(el.visibleRecords.every((r) => 'server' in r && r.server?.url === 'wss://alpha.example/mcp')).to.equal(true);
    expect(el.visibleRecords.length).to.equal(15);
    await choose('tool', 'delete_file');
    expect(el.visibleRecords.map((r) => r.seq)).to.deep.equal([27, 21, 15, 9, 3]);
    await choose('tool', '');
    await choose('server', '');

    const search = root.querySelector<HTMLInputElement>('input[name="text"]')!;
    search.value = 'NEEDLE';
    search.dispatchEvent(new Event('input'));
    await waitUntil(() => el.visibleRecords.length === 1, 'search applied');
    expect(el.visibleRecords[0]!.seq).to.equal(7);
    await el.updateComplete;
    await waitUntil(() => seqsShown(el).join() === '7');

    const newest = Math.max(...(await log.range(1, 30)).map((r) => r.ts));
    el.filter = { since: newest + 1 };
    await new Promise((r) => setTimeout(r, 0));
    expect(el.visibleRecords.length).to.equal(0);
    el.filter = { until: Date.now() + 1000, since: 0 };
    await new Promise((r) => setTimeout(r, 0));
    expect(el.visibleRecords.length).to.equal(30);
  });

  it('shows live updates and a detail view with server strings as text', async () => {
    const log = await scope.open({ dbName: freshDbName('live') });
    await log.append(callStart(1));
    const el = await render(log);
    const evil = '<img src=x onerror=alert(1)>';
    await log.append({ kind: 'call-start', callId: 'x', server: { url: 'wss://evil.example/mcp' }, tool: { name: evil } });
    await waitUntil(() => seqsShown(el)[0] === 2, 'live row at the top');
    const row = rows(el)[0]!;
    expect(row.textContent).to.contain(evil);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    row.click();
    await el.updateComplete;
    const detail = el.shadowRoot!.querySelector('[part="detail"]')!;
    expect(detail.querySelector('h3')!.textContent).to.contain('Record 2');
    expect(detail.querySelector('pre')!.textContent).to.contain(evil);
    expect(detail.querySelector('img')).to.equal(null);
  });

  it('moves between rows with the keyboard and opens details with Enter', async () => {
    const log = await scope.open({ dbName: freshDbName('keys') });
    for (let i = 1; i <= 5; i++) await log.append(callStart(i));
    const el = await render(log);
    const first = rows(el)[0]!;
    expect(first.tabIndex).to.equal(0);
    first.focus();
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }));
    await waitUntil(() => (el.shadowRoot!.activeElement as HTMLElement | null)?.dataset['seq'] === '4', 'focus moved to the next row', { timeout: 5000 });
    (el.shadowRoot!.activeElement as HTMLElement).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="detail"] h3')!.textContent).to.contain('Record 4');
  });

  it('verifies the chain and shows where it broke', async () => {
    const dbName = freshDbName('verify');
    const log = await scope.open({ dbName });
    for (let i = 1; i <= 6; i++) await log.append(callStart(i));
    const el = await render(log);
    const status = el.shadowRoot!.querySelector('[part="verify-result"]')!;
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="verify-button"]')!;
    const events: unknown[] = [];
    el.addEventListener('tg-audit-verify', (e) => events.push(e.detail));
    button.click();
    await waitUntil(() => status.textContent!.includes('Chain verified'), 'verified');
    expect(status.textContent).to.contain('6 records');
    expect(events).to.have.length(1);

    const raw = await scope.raw(dbName);
    const r = (await raw.get('audit', 4))!;
    await raw.put('audit', { ...r, ts: r.ts + 1 });
    button.click();
    await waitUntil(() => status.textContent!.includes('broken'), 'broken');
    expect(status.textContent).to.contain('record 4: edited');
  });

  it('tells a pending tail (format 3, not yet sealed) from a broken chain', async () => {
    // A format-3 chain whose seal has not come (an export of another page's live log, say).
    const chain = memoryChain(3).records.map((r) => ({ ...r, v: 3 }) as AuditRecord);
    let prevHash = GENESIS_HASH;
    for (const record of chain) {
      record.prevHash = prevHash;
      record.hash = recordHash(record);
      prevHash = record.hash;
    }
    const el = await render(new MemoryAuditSource(chain));
    const status = el.shadowRoot!.querySelector('[part="verify-result"]')!;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="verify-button"]')!.click();
    await waitUntil(() => status.textContent!.includes('Chain verified'), 'verified');
    expect(status.classList.contains('broken')).to.equal(false);
    expect(status.textContent).to.contain('Records 1–3 (3) await their signature');
    expect(status.textContent).to.contain('not yet vouched for');
  });

  it('exports JSONL that verifies', async () => {
    const log = await scope.open({ dbName: freshDbName('export') });
    for (let i = 1; i <= 12; i++) await log.append(mixed(i));
    const el = await render(log);
    let detail: { blob: Blob; filename: string } | undefined;
    el.addEventListener('tg-audit-export', (e) => {
      e.preventDefault(); // no download in the test
      detail = e.detail;
    });
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="export-button"]')!.click();
    await waitUntil(() => detail !== undefined, 'export event');
    expect(detail!.filename).to.match(/^toolgate-audit-.*\.jsonl$/);
    const text = await detail!.blob.text();
    expect(text.trim().split('\n')).to.have.length(13);
    expect(await verifyJsonl(text)).to.deep.include({ ok: true, count: 12 });
  });

  it('shows a banner when storage fails, and clears it when the log recovers', async () => {
    const dbName = freshDbName('banner');
    const log = await scope.open({ dbName, recovery: false });
    await log.append(callStart(1));
    const el = await render(log);
    expect(el.shadowRoot!.querySelector('[part="banner"]')).to.equal(null);
    await new Promise((resolve) => (indexedDB.deleteDatabase(dbName).onsuccess = resolve));
    await el.updateComplete;
    const banner = el.shadowRoot!.querySelector('[part="banner"]')!;
    expect(banner.getAttribute('role')).to.equal('alert');
    expect(banner.textContent).to.contain('TG_STORAGE_FAILED');
    expect(banner.textContent).to.contain('Tool calls are stopped');

    expect(await log.retry()).to.equal(true);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="banner"]')).to.equal(null);
    await waitUntil(() => rows(el).some((r) => r.textContent?.includes('storage unavailable from')), 'the outage record shown');
  });

  it('shows a call whose end is unknown as "outcome unknown — may have run", and exports it verifiably', async () => {
    const dbName = freshDbName('unknown');
    const first = await scope.open({ dbName });
    await first.append(callStart(1));
    first.close(); // the call never ended
    const log = await scope.open({ dbName });
    const el = await render(log);
    const row = rows(el).find((r) => r.textContent?.includes('outcome-unknown'));
    expect(row?.textContent).to.contain('outcome unknown — may have run (the audit log was closed)');
    const start = rows(el).find((r) => r.textContent?.includes('call-start'));
    expect(start?.textContent).to.contain('sent');

    let text = '';
    el.addEventListener('tg-audit-export', (e) => {
      e.preventDefault();
      void e.detail.blob.text().then((t) => (text = t));
    });
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="export-button"]')!.click();
    await waitUntil(() => text !== '', 'export');
    expect(text).to.contain('"kind":"outcome-unknown"');
    expect(await verifyJsonl(text)).to.deep.include({ ok: true, count: 2 });
  });

  it('is accessible', async function () {
    this.timeout(30000);
    const log = await scope.open({ dbName: freshDbName('a11y') });
    for (let i = 1; i <= 12; i++) await log.append(mixed(i));
    const el = await render(log);
    await expect(el).to.be.accessible();
    rows(el)[0]!.click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});
