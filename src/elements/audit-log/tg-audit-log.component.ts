import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import type { AuditSource } from '../../audit/source.js';
import { exportJsonl } from '../../audit/export.js';
import type { AuditFilter } from '../../audit/filter.js';
import { AUDIT_KINDS, recordDecision, recordServer, recordTool, type AuditKind, type AuditRecord } from '../../audit/record.js';
import type { PendingTail, VerifyResult } from '../../audit/verify.js';
import { AuditRecordsController } from './audit-records.controller.js';
import { TgAuditExportEvent } from '../../events/tg-audit-export.js';
import { TgAuditVerifyEvent } from '../../events/tg-audit-verify.js';
import { styles } from './tg-audit-log.styles.js';
import { dataProperties, stateProperties } from '../shared/properties.js';

/** `YYYY-MM-DD HH:MM:SS` in UTC: sortable, unambiguous, the same for every reviewer. */
const formatTime = (ts: number) => new Date(ts).toISOString().replace('T', ' ').slice(0, 19);

/** The verify line's note on a pending tail (records after the last signature, format 3). */
function pendingNote(pending: PendingTail | undefined): string {
  if (!pending) return '';
  const which = pending.count === 1 ? `Record ${pending.from} awaits its signature` : `Records ${pending.from}–${pending.to} (${pending.count}) await their signature`;
  return ` ${which}: linked to the chain, not yet vouched for (another page still writing, or one that closed before it signed).`;
}

/** Why a call's outcome is unknown, in words (record.ts `OutcomeUnknownReason`). */
const OUTCOME_UNKNOWN_WHY: Record<string, string> = {
  reload: 'the page was reloaded',
  'tab-closed': 'the page that sent it went away',
  'log-closed': 'the audit log was closed',
  'worker-lost': 'the connection worker was lost',
  'connection-lost': 'the connection closed while it ran',
  'storage-failed': 'its end could not be stored',
  'earlier-session': 'left open by an earlier version',
};

function summary(record: AuditRecord): string {
  switch (record.kind) {
    case 'connect':
      return record.status;
    case 'auth':
      return record.event;
    case 'tool-request':
      return `by ${record.proposer}`;
    case 'decision':
      return `${record.decision.outcome} by ${record.decision.by}${record.decision.rule ? ` (${record.decision.rule})` : ''}${record.decision.person ? ` (${record.decision.person})` : ''}`;
    case 'call-start':
      return 'sent';
    case 'call-end':
      return `${record.status}, ${record.durationMs} ms${record.error ? `, ${record.error.code}` : ''}`;
    case 'outcome-unknown':
      return `outcome unknown — may have run (${OUTCOME_UNKNOWN_WHY[record.reason] ?? record.reason})`;
    case 'policy-change':
      return 'policy changed';
    case 'pin-change':
      return record.change;
    case 'view-request':
      return `${record.method} from the view: ${record.outcome}${record.error ? `, ${record.error.code}` : ''}`;
    case 'error':
      return `${record.error.code}: ${record.error.message}`;
    case 'storage-unavailable':
      return `storage unavailable from ${formatTime(record.from)} to ${formatTime(record.to)} (${record.error.code}); nothing ran meanwhile`;
    case 'checkpoint':
      return `retention removed ${record.removed} (through ${record.prunedThrough})`;
  }
}

/** `datetime-local` value (local time) → epoch ms, or undefined. */
const parseLocal = (value: string) => {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * Review of the audit log: a virtualized table of every record (newest first; only a screenful
 * of rows is in the DOM, even at 100,000 records), filters, text search, a detail view per
 * record, live updates (this page and other tabs), Verify and Export (JSONL). When the log's
 * storage failed, a banner says so. Every server-supplied string is rendered as text.
 *
 * Keyboard: Tab to the table, then ↑/↓, Page Up/Down, Home/End move between rows; Enter or
 * Space opens the row's details; Escape closes them.
 *
 * @example
 * ```js
 * const log = await AuditLog.open({ tenant: 'acme' });
 * document.querySelector('tg-audit-log').log = log;
 * ```
 *
 * @event tg-audit-verify - Verify finished. `detail`: `VerifyResult` (`ok`, or the first broken link `seq` and `reason`).
 * @event tg-audit-export - An export is ready. `detail: { blob, filename }`. Cancelable: `preventDefault()` stops the download.
 *
 * @csspart banner - The storage-failure banner (role `alert`).
 * @csspart toolbar - Verify, Export, record count.
 * @csspart verify-button - The Verify button.
 * @csspart export-button - The Export button.
 * @csspart verify-result - The verification result (role `status`).
 * @csspart filters - The filter form.
 * @csspart table - The table (header row and rows).
 * @csspart header-row - The column headers.
 * @csspart row - One record's row.
 * @csspart detail - The detail view of the selected record.
 *
 * @cssproperty --tg-font-family - Text font.
 * @cssproperty --tg-mono-font-family - Font of hashes and JSON.
 * @cssproperty --tg-font-size - Base font size.
 * @cssproperty --tg-radius - Corner radius.
 * @cssproperty --tg-space - Spacing.
 * @cssproperty --tg-color-bg - Background.
 * @cssproperty --tg-color-fg - Text colour.
 * @cssproperty --tg-color-muted - Secondary text.
 * @cssproperty --tg-color-surface - Header row, hovered/selected row, detail view.
 * @cssproperty --tg-color-border - Borders.
 * @cssproperty --tg-color-accent - Buttons and focus rings.
 * @cssproperty --tg-color-accent-fg - Text on the accent colour.
 * @cssproperty --tg-color-ok - A chain that verifies.
 * @cssproperty --tg-color-error - Denials, broken chains, the failure banner (text).
 * @cssproperty --tg-color-error-bg - The failure banner (background).
 * @cssproperty --tg-audit-row-height - Height of a row (default 2rem).
 * @cssproperty --tg-audit-list-height - Height of the scrolling list (default 24rem).
 */
export class TgAuditLog extends LitElement {
  static override styles = styles;

  static override properties = {
    ...dataProperties('log'),
    ...stateProperties('_selected', '_active', '_verifying', '_verifyResult', '_exporting', '_actionError'),
  };

  /** The log to show: an `AuditLog`, or a `MemoryAuditSource` (e.g. an export opened for review). */
  declare log: AuditSource | undefined;
  declare _selected: AuditRecord | undefined;
  declare _active: number;
  declare _verifying: boolean;
  declare _verifyResult: VerifyResult | undefined;
  declare _exporting: boolean;
  declare _actionError: string | undefined;

  readonly #records = new AuditRecordsController(this);
  #searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this._active = 0;
    this._verifying = false;
    this._exporting = false;
  }

  /** Resolves when the newest records are loaded and can render. */
  get firstScreen(): Promise<void> {
    return this.#records.firstScreen;
  }
  /** Resolves when every record is loaded (filters and search then cover the whole log). */
  get loaded(): Promise<void> {
    return this.#records.loaded;
  }
  /** The records the list shows now (filtered, newest first). */
  get visibleRecords(): readonly AuditRecord[] {
    return this.#records.view;
  }
  /** The current filter. Set it to filter from script (the form follows). */
  get filter(): AuditFilter {
    return this.#records.filter;
  }
  set filter(filter: AuditFilter) {
    this.#records.filter = { ...filter };
    this._active = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('log')) {
      this.#records.setLog(this.log);
      this._selected = undefined;
      this._verifyResult = undefined;
    }
  }

  /** Verifies the whole stored chain and shows the result (also returned and sent as `tg-audit-verify`). */
  verify(): Promise<VerifyResult | undefined> {
    return this.#act('_verifying', 'Verify', async (log) => {
      const result = await log.verify();
      this._verifyResult = result;
      this.dispatchEvent(new TgAuditVerifyEvent(result));
      return result;
    });
  }

  /** Exports the log as JSONL; downloads it unless a `tg-audit-export` listener prevents that. */
  export(): Promise<Blob | undefined> {
    return this.#act('_exporting', 'Export', async (log) => {
      const blob = await new Response(exportJsonl(log)).blob();
      const typed = new Blob([blob], { type: 'application/x-ndjson' });
      const filename = `toolgate-audit-${log.dbName.replace(/[^A-Za-z0-9_-]+/g, '-')}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
      const event = new TgAuditExportEvent({ blob: typed, filename });
      if (this.dispatchEvent(event)) {
        const url = URL.createObjectURL(typed);
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      }
      return typed;
    });
  }

  /** Runs a toolbar action with its busy flag set; a failure shows as the action's error instead of throwing. */
  async #act<T>(busy: '_verifying' | '_exporting', what: string, run: (log: AuditSource) => Promise<T>): Promise<T | undefined> {
    const log = this.log;
    if (!log) return undefined;
    this[busy] = true;
    this._actionError = undefined;
    try {
      return await run(log);
    } catch (err) {
      this._actionError = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
      return undefined;
    } finally {
      this[busy] = false;
    }
  }

  /** A filter `<select>` on one exact field: "Any", then `options` (values from the log are shown as text). */
  #filterSelect(label: string, key: 'kind' | 'server' | 'tool' | 'decision', options: readonly string[]): TemplateResult {
    const current = this.#records.filter[key];
    return html`<label>${label}
      <select name=${key} @change=${(e: Event) => this.#setFilter({ [key]: (e.target as HTMLSelectElement).value || undefined })}>
        <option value="" ?selected=${!current}>Any</option>
        ${options.map((o) => html`<option .value=${o} ?selected=${current === o}>${o}</option>`)}
      </select>
    </label>`;
  }

  #setFilter(patch: Partial<AuditFilter>): void {
    const next: AuditFilter = { ...this.#records.filter, ...patch };
    for (const key of Object.keys(next) as (keyof AuditFilter)[]) if (next[key] === undefined || next[key] === '') delete next[key];
    this.filter = next;
  }

  #onSearch(event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#setFilter({ text }), 150);
  }

  #open(record: AuditRecord, index: number): void {
    this._selected = record;
    this._active = index;
  }

  #onKeydown(event: KeyboardEvent): void {
    const count = this.#records.view.length;
    if (count === 0) return;
    const page = Math.max(1, Math.floor((this.renderRoot.querySelector('lit-virtualizer')?.clientHeight ?? 320) / 32) - 1);
    let next = this._active;
    switch (event.key) {
      case 'ArrowDown': next++; break;
      case 'ArrowUp': next--; break;
      case 'PageDown': next += page; break;
      case 'PageUp': next -= page; break;
      case 'Home': next = 0; break;
      case 'End': next = count - 1; break;
      case 'Enter':
      case ' ': {
        const record = this.#records.view[this._active];
        if (record) this.#open(record, this._active);
        event.preventDefault();
        return;
      }
      case 'Escape':
        this._selected = undefined;
        return;
      default:
        return;
    }
    event.preventDefault();
    void this.#focusRow(Math.min(count - 1, Math.max(0, next)));
  }

  async #focusRow(index: number): Promise<void> {
    this._active = index;
    const virtualizer = this.renderRoot.querySelector<LitVirtualizer>('lit-virtualizer');
    virtualizer?.element(index)?.scrollIntoView({ block: 'nearest' });
    // The row may only exist after the virtualizer has laid out the new scroll position.
    for (let frame = 0; frame < 10; frame++) {
      await this.updateComplete;
      const row = this.renderRoot.querySelector<HTMLElement>(`[role="row"][data-index="${index}"]`);
      if (row) {
        row.focus();
        return;
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  protected override render(): TemplateResult {
    const records = this.#records;
    const health = records.health;
    const view = records.view;
    const filter = records.filter;
    return html`
      ${health.state === 'failed'
        ? html`<p part="banner" class="banner" role="alert">
            Audit storage failed (<code>${health.error.code}</code>): ${health.error.message}.
            ${this.log?.failMode === 'open' ? 'Tool calls continue without an audit record.' : 'Tool calls are stopped until it works again.'}
          </p>`
        : nothing}
      <div part="toolbar" class="toolbar">
        <button part="verify-button" type="button" ?disabled=${!this.log || this._verifying} @click=${() => void this.verify()}>
          ${this._verifying ? 'Verifying…' : 'Verify'}
        </button>
        <button part="export-button" type="button" ?disabled=${!this.log || this._exporting} @click=${() => void this.export()}>
          ${this._exporting ? 'Exporting…' : 'Export'}
        </button>
        <span class="count" aria-live="polite">
          ${view.length === records.total ? `${records.total} records` : `${view.length} of ${records.total} records`}${records.loading ? ' (loading…)' : ''}
        </span>
      </div>
      <p part="verify-result" role="status" class="verify-result ${this._verifyResult ? (this._verifyResult.ok ? 'ok' : 'broken') : ''}">
        ${this._verifyResult
          ? this._verifyResult.ok
            ? `Chain verified: ${this._verifyResult.count} records, ${this._verifyResult.signatures} signatures, intact.${pendingNote(this._verifyResult.pending)}`
            : `Chain broken at record ${this._verifyResult.seq}: ${this._verifyResult.reason}. ${this._verifyResult.message}`
          : nothing}
        ${this._actionError ?? nothing}
        ${records.loadError ? `Could not read the log: ${records.loadError.message}` : nothing}
      </p>
      <form part="filters" class="filters" role="search" aria-label="Filter audit records" @submit=${(e: Event) => e.preventDefault()}>
        <label>Search
          <input name="text" type="search" .value=${filter.text ?? ''} @input=${this.#onSearch} />
        </label>
        ${this.#filterSelect('Kind', 'kind', AUDIT_KINDS)} ${this.#filterSelect('Server', 'server', [...records.servers].sort())}
        ${this.#filterSelect('Tool', 'tool', [...records.tools].sort())} ${this.#filterSelect('Decision', 'decision', ['allow', 'deny'])}
        <label>From
          <input name="since" type="datetime-local" step="1" @change=${(e: Event) => this.#setFilter({ since: parseLocal((e.target as HTMLInputElement).value) })} />
        </label>
        <label>To
          <input name="until" type="datetime-local" step="1" @change=${(e: Event) => this.#setFilter({ until: parseLocal((e.target as HTMLInputElement).value) })} />
        </label>
      </form>
      <div part="table" class="table" role="table" aria-label="Audit records" aria-rowcount=${view.length + 1}>
        <div role="rowgroup">
          <div part="header-row" class="row head" role="row" aria-rowindex="1">
            <span role="columnheader">Seq</span>
            <span role="columnheader">Time (UTC)</span>
            <span role="columnheader">Kind</span>
            <span role="columnheader">Server</span>
            <span role="columnheader">Tool</span>
            <span role="columnheader">Decision</span>
            <span role="columnheader">Summary</span>
          </div>
        </div>
        <lit-virtualizer
          class="body"
          role="rowgroup"
          scroller
          .items=${view}
          .keyFunction=${(r: AuditRecord) => r.seq}
          .renderItem=${(r: AuditRecord, i: number) => this.#renderRow(r, i)}
          @keydown=${this.#onKeydown}
        ></lit-virtualizer>
      </div>
      ${this._selected ? this.#renderDetail(this._selected) : nothing}
    `;
  }

  #renderRow(record: AuditRecord, index: number): TemplateResult {
    const decision = recordDecision(record);
    return html`<div
      part="row"
      class="row"
      role="row"
      data-seq=${record.seq}
      data-index=${index}
      aria-rowindex=${index + 2}
      aria-selected=${this._selected?.seq === record.seq ? 'true' : 'false'}
      tabindex=${index === this._active ? '0' : '-1'}
      @click=${() => this.#open(record, index)}
    >
      <span role="cell" class="mono">${record.seq}</span>
      <span role="cell">${formatTime(record.ts)}</span>
      <span role="cell">${record.kind}</span>
      <span role="cell" title=${recordServer(record) ?? ''}>${recordServer(record) ?? ''}</span>
      <span role="cell">${recordTool(record) ?? ''}</span>
      <span role="cell" class=${decision === 'deny' ? 'deny' : ''}>${decision ?? ''}</span>
      <span role="cell">${summary(record)}</span>
    </div>`;
  }

  #renderDetail(record: AuditRecord): TemplateResult {
    const fields: [string, string | undefined][] = [
      ['Seq', String(record.seq)],
      ['Time (UTC)', formatTime(record.ts)],
      ['Kind', record.kind],
      ['User', [record.user.id, record.user.sub && `sub ${record.user.sub}`, record.user.iss && `iss ${record.user.iss}`].filter(Boolean).join(', ') || undefined],
      ['Agent', record.agent.name ? `${record.agent.name} (${record.agent.id})` : record.agent.id],
      ['Device', record.device],
      ['Server', recordServer(record)],
      ['Tool', recordTool(record)],
      ['Call', record.callId],
      ['Hash', record.hash],
      ['Previous hash', record.prevHash],
      ['Signature', record.sig ? 'signed by the device key' : 'covered by the next signed record'],
    ];
    return html`<section part="detail" class="detail" aria-labelledby="detail-title">
      <h3 id="detail-title">Record ${record.seq}: ${record.kind}</h3>
      <dl>
        ${fields.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd class=${k.includes('ash') || k === 'Device' ? 'mono' : ''}>${v}</dd>`)}
      </dl>
      <pre tabindex="0" role="region" aria-label="Record JSON">${JSON.stringify(record, null, 2)}</pre>
      <button type="button" @click=${() => this.#closeDetail()}>Close</button>
    </section>`;
  }

  #closeDetail(): void {
    this._selected = undefined;
    void this.#focusRow(this._active);
  }
}
