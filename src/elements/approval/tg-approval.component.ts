import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { ApprovalAnswer, ApprovalQueue, ApprovalRequest } from '../../gate/approvals.js';
import { escapeName, revealHidden } from '../../gate/pins.js';
import type { TaintFinding } from '../../gate/taint.js';
import { styles } from './tg-approval.styles.js';
import { dataProperties, stateProperties } from '../shared/properties.js';

/** Strings longer than this are collapsible (a click shows every character). */
const LONG = 160;
/** Characters of a description shown before "Show all" (the rest is rendered only when asked for). */
const DESCRIPTION_PREVIEW = 600;

/** `HH:MM:SS` local time. */
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** JSON of a string, with invisible and bidi characters shown as `\u{…}` (nothing hidden). */
const quoted = (s: string) => revealHidden(JSON.stringify(s));

/** Spans to highlight, by JSON path of the argument string (`$.body`). */
type Marks = ReadonlyMap<string, readonly TaintFinding[]>;

/** A string as JSON with the tainted spans in `<mark>` (each piece escaped on its own). */
function markedString(value: string, findings: readonly TaintFinding[]): TemplateResult {
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  const parts: (TemplateResult | string)[] = [];
  let at = 0;
  for (const f of sorted) {
    if (f.start < at) continue;
    parts.push(quoted(value.slice(at, f.start)).slice(1, -1));
    parts.push(html`<mark class=${f.kind}>${quoted(value.slice(f.start, f.end)).slice(1, -1)}</mark>`);
    at = f.end;
  }
  parts.push(quoted(value.slice(at)).slice(1, -1));
  return html`"${parts}"`;
}

const childPath = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** Pretty JSON as Lit templates: every value is TEXT; long strings collapse but stay one click away; tainted spans are marked. */
function renderJson(value: unknown, indent = '', path = '$', marks: Marks = new Map()): TemplateResult | string {
  if (typeof value === 'string') {
    const found = marks.get(path);
    if (found) return value.length <= LONG ? markedString(value, found) : html`<details class="long" open><summary>${value.length} characters</summary>${markedString(value, found)}</details>`;
    if (value.length <= LONG) return quoted(value);
    return html`<details class="long"><summary>${quoted(value.slice(0, 80)).slice(0, -1)}… (${value.length} characters, show all)</summary>${quoted(value)}</details>`;
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return html`[\n${value.map((v, i) => html`${inner}${renderJson(v, inner, childPath(path, i), marks)}${i < value.length - 1 ? ',' : ''}\n`)}${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return html`{\n${entries.map(([k, v], i) => html`${inner}${quoted(k)}: ${renderJson(v, inner, childPath(path, k), marks)}${i < entries.length - 1 ? ',' : ''}\n`)}${indent}}`;
}

/** Findings grouped by argument path. */
function marksOf(findings: readonly TaintFinding[] | undefined): Marks {
  const marks = new Map<string, TaintFinding[]>();
  for (const f of findings ?? []) marks.set(f.path, [...(marks.get(f.path) ?? []), f]);
  return marks;
}

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

/** Who asked, in words: a view's request names the tool whose view it is and its server. */
function proposedBy(p: ApprovalRequest['proposer']): string {
  if (p.kind === 'person') return 'proposed by you';
  if (p.kind === 'app') return `requested by the view of ${escapeName(p.tool)} on ${p.serverId}`;
  if (p.kind === 'webmcp') return 'requested by the browser’s own agent (WebMCP)';
  return `proposed by the model (${p.providerLabel})`;
}

/** One sentence per tainted argument: what it carries and where it came from. */
function describeFinding(f: TaintFinding): string {
  const what = f.kind === 'secret' ? `a ${f.category === 'personal' ? 'personal datum' : 'secret'} (${f.secretKind})` : `${f.end - f.start} characters copied`;
  const where = f.crossesServer ? `server ${f.from.serverId} (${f.from.serverUrl}), another server than this one` : `this server (${f.from.serverId})`;
  return `${f.path.replace(/^\$\.?/, '') || 'The arguments'} carries ${what} from the result of ${f.from.tool} on ${where}.`;
}

/**
 * The inline approval card: shown in the conversation before a call runs (or before a result
 * reaches the model), with everything the person needs to decide — the server's origin and
 * whether the policy trusts it, the tool's title and (escaped) name, its annotations labelled as
 * the server's claims, the FULL arguments as pretty JSON (long values collapsible, nothing
 * hidden, invisible characters revealed), the definition diff when the tool changed, the
 * hidden-instruction flags, and why the policy asked.
 *
 * Everything the server (or the model) supplied is rendered as Lit text, never as HTML.
 * Focus moves to the card when it appears; it is an `alertdialog`, so screen readers announce
 * it. Keyboard: Tab between the buttons, Enter/Space to press, Escape denies.
 *
 * @example
 * ```js
 * gate.approvals.addEventListener('change', () => render(html`${gate.approvals.pending.map(
 *   (r) => html`<tg-approval .queue=${gate.approvals} .request=${r}></tg-approval>`)}`, host));
 * ```
 *
 * @csspart approval-card - The card (role `alertdialog`).
 * @csspart flags - The list of hidden-instruction warnings.
 * @csspart data-flow - Where data in the arguments came from (secrets, copies from another server).
 * @csspart description - The tool's description (long ones shortened until "Show all").
 * @csspart show-all-button - Shows the whole of a long description.
 * @csspart diff - The definition diff.
 * @csspart arguments - The arguments (pretty JSON).
 * @csspart actions - The buttons.
 * @csspart allow-once-button - Allow once (or "Share with the model" for a result).
 * @csspart always-button - Always allow this tool.
 * @csspart deny-button - Deny (or "Keep from the model").
 *
 * @cssproperty --tg-font-family - Text font.
 * @cssproperty --tg-mono-font-family - Font of names and JSON.
 * @cssproperty --tg-font-size - Base font size.
 * @cssproperty --tg-radius - Corner radius.
 * @cssproperty --tg-space - Spacing.
 * @cssproperty --tg-color-bg - Background.
 * @cssproperty --tg-color-fg - Text colour.
 * @cssproperty --tg-color-muted - Secondary text.
 * @cssproperty --tg-color-surface - JSON and reason background.
 * @cssproperty --tg-color-border - Borders.
 * @cssproperty --tg-color-accent - Card border, primary button, focus rings.
 * @cssproperty --tg-color-accent-fg - Text on the accent colour.
 * @cssproperty --tg-color-warn - Warnings and the "not trusted" badge (text).
 * @cssproperty --tg-color-warn-bg - Warnings (background).
 * @cssproperty --tg-color-ok - Added diff lines, "trusted" badge.
 * @cssproperty --tg-color-error - Removed diff lines, the Deny button.
 */
export class TgApproval extends LitElement {
  static override styles = styles;

  static override properties = {
    ...dataProperties('request', 'queue'),
    ...stateProperties('_answered', '_showDescription'),
  };

  /** The approval to show (from `gate.approvals.pending`). Untrusted strings inside; rendered as text. */
  declare request: ApprovalRequest | undefined;
  /** Where the answer goes: `gate.approvals`. */
  declare queue: ApprovalQueue | undefined;
  declare _answered: ApprovalAnswer | undefined;
  /** The person asked for the whole of a long description. */
  declare _showDescription: boolean;

  /** Answers the request (what the buttons do). Returns false when it was no longer pending. */
  answer(answer: ApprovalAnswer): boolean {
    if (!this.request || this._answered) return false;
    this._answered = answer;
    return this.queue?.answer(this.request.id, answer) ?? false;
  }

  /** The card element (receives focus). */
  get card(): HTMLElement | null {
    return this.renderRoot.querySelector('[part="approval-card"]');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('request')) {
      this._answered = undefined;
      this._showDescription = false;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Focus moves to the card when a new request appears, so the person (and their screen reader) is there.
    if (changed.has('request') && this.request) this.card?.focus();
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && !this._answered) {
      event.preventDefault();
      this.answer('deny');
    }
  }

  /** Long descriptions show their start; the rest is rendered only once the person asks for it. */
  #renderDescription(description: string): TemplateResult {
    const long = description.length > DESCRIPTION_PREVIEW;
    const shown = long && !this._showDescription ? `${description.slice(0, DESCRIPTION_PREVIEW)}…` : description;
    return html`<div>
      <h3>Description (from the server, unverified)</h3>
      <p part="description" class="description" id="description">${revealHidden(shown)}</p>
      ${long
        ? html`<button part="show-all-button" class="link" aria-expanded=${this._showDescription ? 'true' : 'false'} aria-controls="description" @click=${() => (this._showDescription = !this._showDescription)}>
            ${this._showDescription ? 'Show less' : `Show all (${description.length.toLocaleString('en')} characters)`}
          </button>`
        : nothing}
    </div>`;
  }

  protected override render(): unknown {
    const r = this.request;
    if (!r) return nothing;
    const isResult = r.kind === 'result';
    const label = r.tool.title ? `${r.tool.title} (${r.displayName})` : r.displayName;
    const claimed = (key: keyof typeof r.annotations & string) => (r.annotations.stated.includes(key as never) ? '' : ' (not stated; spec default)');
    const done = this._answered !== undefined;
    return html`
      <section
        part="approval-card"
        class="card"
        role="alertdialog"
        aria-modal="false"
        aria-labelledby="title"
        aria-describedby="reason"
        tabindex="-1"
        @keydown=${this.#onKeydown}
      >
        <h2 id="title">
          ${isResult ? 'Share the result of ' : 'Allow '}<code>${revealHidden(label)}</code>${isResult ? ' with the model?' : '?'}
        </h2>
        <p class="meta">
          Server <code>${r.server.origin}</code> (${r.server.id})
          <span class="badge ${r.server.trusted ? 'trusted' : 'untrusted'}">${r.server.trusted ? 'trusted by your policy' : 'not trusted'}</span>
          · ${proposedBy(r.proposer)}
        </p>
        <p id="reason" class="reason">${r.reason}${r.rule && !r.reason.includes(`"${r.rule}"`) ? html` <span class="meta">(rule: ${r.rule})</span>` : nothing}</p>
        ${r.flags.length > 0
          ? html`<ul part="flags" class="flags" aria-label="Warnings about this tool">
              ${r.flags.map((f) => html`<li>${f.field}: ${f.detail}</li>`)}
            </ul>`
          : nothing}
        ${r.dataFlow && r.dataFlow.length > 0
          ? html`<div part="data-flow" class="flags data-flow" role="note">
              <h3>Data from earlier results</h3>
              <ul>
                ${r.dataFlow.map((f) => html`<li>${describeFinding(f)}</li>`)}
              </ul>
              <p class="meta">The marked parts of the arguments below are that data. This call asks every time, whatever allowed it before.</p>
            </div>`
          : nothing}
        ${r.tool.description !== undefined ? this.#renderDescription(r.tool.description) : nothing}
        <div>
          <h3>Annotations — claims made by the server${r.server.trusted ? '' : ', not verified'}</h3>
          <dl class="claims">
            <div><dt>Read-only</dt><dd>${yesNo(r.annotations.readOnlyHint)}${claimed('readOnlyHint')}</dd></div>
            <div><dt>Destructive</dt><dd>${yesNo(r.annotations.destructiveHint)}${claimed('destructiveHint')}</dd></div>
            <div><dt>Idempotent</dt><dd>${yesNo(r.annotations.idempotentHint)}${claimed('idempotentHint')}</dd></div>
            <div><dt>Open world</dt><dd>${yesNo(r.annotations.openWorldHint)}${claimed('openWorldHint')}</dd></div>
          </dl>
        </div>
        ${r.diff
          ? html`<div>
              <h3 id="diff-title">The tool’s definition changed since it was approved</h3>
              <pre part="diff" class="diff" tabindex="0" aria-labelledby="diff-title">${r.diff.map(
                (line) =>
                  html`<span class=${line.kind}>${line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}${line.text}</span>`,
              )}</pre>
            </div>`
          : nothing}
        <div>
          <h3 id="args-title">Arguments</h3>
          <pre part="arguments" tabindex="0" aria-labelledby="args-title">${renderJson(r.args, '', '$', marksOf(r.dataFlow))}</pre>
        </div>
        ${isResult && r.result
          ? html`<div>
              <h3 id="result-title">Result</h3>
              <pre part="result" tabindex="0" aria-labelledby="result-title">${renderJson(r.result)}</pre>
            </div>`
          : nothing}
        ${r.expiresAt !== undefined ? html`<p class="meta">Denied automatically at ${clock(r.expiresAt)} if nobody answers.</p>` : nothing}
        <div part="actions" class="actions">
          <button part="allow-once-button" class="primary" ?disabled=${done} @click=${() => this.answer('allow-once')}>
            ${isResult ? 'Share with the model' : 'Allow once'}
          </button>
          ${isResult
            ? nothing
            : html`<button part="always-button" ?disabled=${done} @click=${() => this.answer('always')}>Always allow this tool</button>`}
          <button part="deny-button" class="deny" ?disabled=${done} @click=${() => this.answer('deny')}>
            ${isResult ? 'Keep from the model' : 'Deny'}
          </button>
        </div>
        <p role="status" class="meta">${done ? (this._answered === 'deny' ? 'Denied.' : 'Allowed.') : ''}</p>
      </section>
    `;
  }
}
