/**
 * Keeps an `AuditLog`'s records in memory for `<tg-audit-log>`: loads the newest batch first (so
 * the first screen shows at once), then the older ones in batches, follows live appends (this
 * page and other tabs), drops what retention removed, and keeps the filtered, newest-first view.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AuditAppendEvent, AuditHealth, AuditHealthEvent } from '../../audit/audit-log.js';
import type { AuditSource } from '../../audit/source.js';
import { matchesFilter, type AuditFilter } from '../../audit/filter.js';
import { recordServer, recordTool, type AuditRecord } from '../../audit/record.js';

/** The first screen: a few screenfuls of the newest records, one small `getAll` (≈ 1 ms per 100). */
const FIRST_BATCH = 150;
/** Older records, newest first, after the first screen painted. */
const BATCH = 5000;

/** Resolves after the next frame: the first screen paints before older records are read. */
const afterPaint = () =>
  new Promise<void>((resolve) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => setTimeout(resolve, 0)) : setTimeout(resolve, 0)));

export class AuditRecordsController implements ReactiveController {
  /** Loaded records, ascending seq. */
  #all: AuditRecord[] = [];
  /** Filtered, newest first: what the list shows. */
  view: AuditRecord[] = [];
  servers = new Set<string>();
  tools = new Set<string>();
  health: AuditHealth = { state: 'ok' };
  loading = false;
  loadError: { code?: string; message: string } | undefined;
  #filter: AuditFilter = {};
  #log: AuditSource | undefined;
  #generation = 0;
  #viewDirty = false;
  #firstScreen!: Promise<void>;
  #loaded!: Promise<void>;
  #resolveFirst!: () => void;
  #resolveLoaded!: () => void;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
    this.#resetPromises();
  }

  /** Resolves once the newest records are loaded (the first screen can render). */
  get firstScreen(): Promise<void> {
    return this.#firstScreen;
  }
  /** Resolves once every record is loaded. */
  get loaded(): Promise<void> {
    return this.#loaded;
  }
  get total(): number {
    return this.#all.length;
  }

  get filter(): AuditFilter {
    return this.#filter;
  }
  set filter(filter: AuditFilter) {
    this.#filter = filter;
    this.#rebuild();
  }

  #resetPromises(): void {
    this.#firstScreen = new Promise((r) => (this.#resolveFirst = r));
    this.#loaded = new Promise((r) => (this.#resolveLoaded = r));
  }

  readonly #onAppend = (event: AuditAppendEvent) => {
    const last = this.#all[this.#all.length - 1]?.seq ?? 0;
    const fresh = event.records.filter((r) => r.seq > last);
    if (fresh.length === 0) return;
    for (const r of fresh) this.#index(r);
    this.#all.push(...fresh);
    let pruned = false;
    for (const r of fresh) {
      if (r.kind === 'checkpoint') {
        const keepFrom = this.#all.findIndex((x) => x.seq > r.prunedThrough);
        if (keepFrom > 0) {
          this.#all.splice(0, keepFrom);
          pruned = true;
        }
      }
    }
    if (pruned) this.#rebuild();
    else {
      const matching = fresh.filter((r) => matchesFilter(r, this.#filter)).reverse();
      if (matching.length) this.view = [...matching, ...this.view];
      this.host.requestUpdate();
    }
  };

  readonly #onHealth = (event: AuditHealthEvent) => {
    const recovered = this.health.state === 'failed' && event.health.state === 'ok';
    this.health = event.health;
    // Storage came back, perhaps as a new database (deleted meanwhile): read what is there now.
    if (recovered && this.#log) this.#reload(this.#log);
    this.host.requestUpdate();
  };

  setLog(log: AuditSource | undefined): void {
    if (log === this.#log) return;
    this.#detach();
    this.#log = log;
    this.#reload(log);
  }

  #reload(log: AuditSource | undefined): void {
    this.#all = [];
    this.view = [];
    this.servers = new Set();
    this.tools = new Set();
    this.loadError = undefined;
    this.#resetPromises();
    if (log) {
      this.health = log.health;
      this.#detach(); // attach once, also when reloading
      this.#attach();
      void this.#load(log, ++this.#generation);
    } else {
      this.health = { state: 'ok' };
      this.#resolveFirst();
      this.#resolveLoaded();
    }
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.#attach();
  }
  hostDisconnected(): void {
    this.#detach();
  }

  #attach(): void {
    this.#log?.addEventListener('append', this.#onAppend);
    this.#log?.addEventListener('health', this.#onHealth);
  }
  #detach(): void {
    this.#log?.removeEventListener('append', this.#onAppend);
    this.#log?.removeEventListener('health', this.#onHealth);
  }

  #index(record: AuditRecord): void {
    const server = recordServer(record);
    if (server !== undefined) this.servers.add(server);
    const tool = recordTool(record);
    if (tool !== undefined) this.tools.add(tool);
  }

  async #load(log: AuditSource, generation: number): Promise<void> {
    this.loading = true;
    try {
      const head = await log.head();
      if (!head) return;
      const newest = await log.range(Math.max(0, head.seq - FIRST_BATCH + 1), head.seq);
      if (generation !== this.#generation) return;
      this.#prepend(newest);
      this.#resolveFirst();
      // Older records, newest first, in batches, each shown as it arrives (the list grows
      // downwards while the first screen stays put). Nothing is verified on open.
      await afterPaint();
      let upTo = (newest[0]?.seq ?? head.seq + 1) - 1;
      while (upTo >= 0 && generation === this.#generation) {
        const batch = await log.range(Math.max(0, upTo - BATCH + 1), upTo);
        if (generation !== this.#generation) return;
        // Retention may have removed the rest: the range is empty and nothing older is left.
        if (batch.length === 0) break;
        this.#prepend(batch);
        upTo = batch[0]!.seq - 1;
      }
    } catch (err) {
      this.loadError = { message: err instanceof Error ? err.message : String(err) };
      const code = (err as { code?: unknown })?.code;
      if (typeof code === 'string') this.loadError.code = code;
    } finally {
      if (generation === this.#generation) {
        this.loading = false;
        this.#resolveFirst();
        this.#resolveLoaded();
        this.host.requestUpdate();
      }
    }
  }

  #prepend(records: AuditRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) this.#index(r);
    const firstKnown = this.#all[0]?.seq ?? Infinity;
    this.#all = records.filter((r) => r.seq < firstKnown).concat(this.#all);
    this.#rebuild();
  }

  #rebuild(): void {
    // Coalesce several rebuilds in one task (load batches, typing in the search box).
    if (this.#viewDirty) return;
    this.#viewDirty = true;
    queueMicrotask(() => {
      this.#viewDirty = false;
      const out: AuditRecord[] = [];
      const filter = this.#filter;
      const empty = Object.values(filter).every((v) => v === undefined || v === '');
      for (let i = this.#all.length - 1; i >= 0; i--) {
        const r = this.#all[i]!;
        if (empty || matchesFilter(r, filter)) out.push(r);
      }
      this.view = out;
      this.host.requestUpdate();
    });
  }
}
