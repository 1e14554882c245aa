import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { checkField, fieldsOf, type Field } from './elicitation-form.js';
import type { PendingElicitation } from '../../runtime/pending-elicitation.js';
import type { ElicitationResult, JsonObject } from '../../../workers/shared/wire.js';
import { styles } from './tg-elicitation.styles.js';
import { dataProperties, stateProperties } from '../shared/properties.js';

/** How a sensitive field is named to the person. */
const REASON_TEXT: Record<string, string> = {
  password: 'a password',
  secret: 'a secret',
  token: 'a token or API key',
  card: 'payment card details',
  'one-time-code': 'a one-time code',
};

/** The full URL split around the first occurrence of the registrable domain inside its host. */
function splitUrl(url: string, host: string, domain: string): [string, string, string] {
  const hostAt = url.indexOf(host);
  const at = hostAt < 0 ? -1 : hostAt + host.lastIndexOf(domain);
  if (at < hostAt || !domain) return [url, '', ''];
  return [url.slice(0, at), domain, url.slice(at + domain.length)];
}

/**
 * A server's elicitation, inline in the conversation like an approval card, naming the server.
 *
 * - Form mode: a form generated from the (flat) `requestedSchema`; Accept checks every field and
 *   shows clear messages before anything is sent (the worker checks again).
 * - URL mode: the message, the FULL URL as text with its registrable domain highlighted, a warning
 *   for internationalized (`xn--`) hosts, and "Open <domain>", which opens the URL in a new
 *   `noopener,noreferrer` tab only on that click. The URL is never fetched or embedded.
 *
 * All server text is rendered as Lit text. Focus moves to the card when it appears (role
 * `alertdialog`); Escape cancels.
 *
 * @csspart elicitation-card - The card.
 * @csspart url - The full URL (URL mode).
 * @csspart domain - The highlighted registrable domain.
 * @csspart punycode-warning - The internationalized-address warning.
 * @csspart form - The generated form (form mode).
 * @csspart accept-button - Accept (form) or "Open <domain>" (URL).
 * @csspart decline-button - Decline.
 * @csspart cancel-button - Cancel.
 * @csspart refused - Why a form asking for secrets was declined (the default; see `elicitation.sensitiveFields`).
 * @csspart dismiss-button - Takes a refused request's card away.
 * @csspart sensitive-warning - The warning above a form whose sensitive fields the policy allows.
 */
export class TgElicitation extends LitElement {
  static override styles = styles;

  static override properties = {
    ...dataProperties('pending', 'error'),
    ...stateProperties('_errors'),
  };

  /** The elicitation to show (from `<tg-agent>`'s connections, or your own `onElicit`). */
  declare pending: PendingElicitation | undefined;
  /** An error to show on the card (e.g. the worker refused the answer). */
  declare error: { code?: string; message: string } | undefined;
  declare protected _errors: Map<string, string>;
  #fields: Field[] = [];
  /** Sensitive field name → what it asks for (from the worker's check). */
  #sensitive = new Map<string, string>();

  constructor() {
    super();
    this._errors = new Map();
  }

  get card(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.card');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('pending')) {
      const request = this.pending?.request;
      this.#fields = request?.mode === 'form' ? fieldsOf(request.requestedSchema) : [];
      this.#sensitive = new Map(request?.mode === 'form' ? (request.sensitive ?? []).map((f) => [f.name, REASON_TEXT[f.reason] ?? f.reason]) : []);
      this._errors = new Map();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('pending') && this.pending) this.card?.focus();
  }

  #answer(result: ElicitationResult): void {
    this.pending?.respond(result);
  }

  #onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    this.#answer({ action: 'cancel' });
  };

  #open(url: string): void {
    // Only on this click, never before: no prefetch, no embedding, no opener or referrer.
    window.open(url, '_blank', 'noopener,noreferrer');
    this.#answer({ action: 'accept' });
  }

  #submit(event: Event): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const content: JsonObject = {};
    const errors = new Map<string, string>();
    for (const field of this.#fields) {
      const input = form.elements.namedItem(field.name) as HTMLInputElement | HTMLSelectElement | null;
      const raw = field.kind === 'boolean' ? (input as HTMLInputElement | null)?.checked === true : (input?.value ?? '');
      const { value, error } = checkField(field, raw);
      if (error) errors.set(field.name, error);
      else if (value !== undefined) content[field.name] = value;
    }
    this._errors = errors;
    if (errors.size > 0) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    this.#answer({ action: 'accept', content });
  }

  protected override render(): TemplateResult | typeof nothing {
    const pending = this.pending;
    if (!pending) return nothing;
    const request = pending.request;
    return html`<div
      part="elicitation-card"
      class="card"
      role="alertdialog"
      aria-labelledby="title"
      aria-describedby="message"
      tabindex="-1"
      @keydown=${this.#onKeydown}
    >
      <h2 id="title">${request.mode === 'url' ? 'A server asks you to open a page' : 'A server asks for information'}</h2>
      <p class="meta">From server <strong>${pending.serverName}</strong></p>
      <p id="message">${request.message}</p>
      ${this.error
        ? html`<p class="error" role="alert">${this.error.code ? html`<code>${this.error.code}</code> ` : nothing}${this.error.message}</p>`
        : nothing}
      ${pending.refused ? this.#renderRefused(pending.serverName) : request.mode === 'url' ? this.#renderUrl(request) : this.#renderForm(pending.serverName)}
    </div>`;
  }

  /** A form that asked for secrets, declined by policy: what was asked, and why it was refused. */
  #renderRefused(server: string): TemplateResult {
    const asked = [...this.#sensitive].map(([name, what]) => html`<li><code>${name}</code>: ${what}</li>`);
    return html`<div part="refused" class="warning" role="note">
        <p><strong>${server}</strong> asked for something it must not ask for in a form, so Toolgate declined the request and sent nothing.</p>
        <ul>${asked}</ul>
        <p class="hint">Servers must never ask for passwords, secrets, tokens, card numbers or one-time codes this way (MCP specification, elicitation). If you expected this, sign in on the service's own page instead.</p>
      </div>
      <div part="actions" class="actions">
        <button part="dismiss-button" type="button" @click=${() => this.pending?.dismiss()}>Dismiss</button>
      </div>`;
  }

  #renderUrl(request: Extract<PendingElicitation['request'], { mode: 'url' }>): TemplateResult {
    const [before, domain, after] = splitUrl(request.url, request.host, request.domain);
    return html`<p part="url" class="url">${before}${domain ? html`<mark part="domain" class="domain">${domain}</mark>` : nothing}${after}</p>
      ${request.punycode
        ? html`<p part="punycode-warning" class="warning" role="note">
            Warning: this address uses internationalized characters that can imitate another site (<code>${request.host}</code>).
          </p>`
        : nothing}
      <p class="hint">Nothing is loaded until you choose to open it; it opens in a new tab.</p>
      <div part="actions" class="actions">
        <button part="accept-button" type="button" @click=${() => this.#open(request.url)}>Open ${request.domain}</button>
        <button part="decline-button" class="secondary" type="button" @click=${() => this.#answer({ action: 'decline' })}>Decline</button>
        <button part="cancel-button" class="secondary" type="button" @click=${() => this.#answer({ action: 'cancel' })}>Cancel</button>
      </div>`;
  }

  #renderForm(server: string): TemplateResult {
    const sensitive = [...this.#sensitive.values()];
    return html`${sensitive.length > 0
        ? html`<p part="sensitive-warning" class="warning" role="note">
            Warning: <strong>${server}</strong> asks for ${[...new Set(sensitive)].join(', ')} in this form, which servers must not do.
            Your host allows it; only answer if you trust this server, and never reuse a password here.
          </p>`
        : nothing}<form part="form" novalidate autocomplete="off" @submit=${(e: Event) => this.#submit(e)}>
      ${this.#fields.map((field) => this.#renderField(field))}
      <div part="actions" class="actions">
        <button part="accept-button" type="submit">Accept</button>
        <button part="decline-button" class="secondary" type="button" @click=${() => this.#answer({ action: 'decline' })}>Decline</button>
        <button part="cancel-button" class="secondary" type="button" @click=${() => this.#answer({ action: 'cancel' })}>Cancel</button>
      </div>
    </form>`;
  }

  #renderField(field: Field): TemplateResult {
    const id = `f-${field.name}`;
    const error = this._errors.get(field.name);
    const describedBy = [field.description ? `${id}-d` : '', error ? `${id}-e` : ''].filter(Boolean).join(' ');
    const label = html`<label for=${id}>${field.label}${field.required ? html` <span aria-hidden="true">*</span>` : nothing}</label>`;
    const def = field.default;
    let control: TemplateResult;
    if (field.kind === 'boolean') {
      control = html`<input id=${id} name=${field.name} type="checkbox" .checked=${def === true} aria-describedby=${describedBy || nothing} />`;
    } else if (field.kind === 'choice') {
      control = html`<select id=${id} name=${field.name} ?required=${field.required} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${describedBy || nothing}>
        <option value="" ?selected=${def === undefined}>—</option>
        ${field.options.map((o) => html`<option value=${o.value} ?selected=${def === o.value}>${o.label}</option>`)}
      </select>`;
    } else {
      // A sensitive field is masked and never prefilled: a server's "default" password is bait.
      const masked = this.#sensitive.has(field.name);
      const type = masked
        ? 'password'
        : field.kind !== 'string' ? 'number' : field.format === 'email' ? 'email' : field.format === 'uri' ? 'url' : field.format === 'date' ? 'date' : 'text';
      control = html`<input
        id=${id}
        name=${field.name}
        type=${type}
        autocomplete=${masked ? 'off' : nothing}
        step=${field.kind === 'integer' ? '1' : field.kind === 'number' ? 'any' : nothing}
        .value=${def === undefined || masked ? '' : String(def)}
        ?required=${field.required}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${describedBy || nothing}
      />`;
    }
    return html`<div class="field ${field.kind === 'boolean' ? 'checkbox' : ''}">
      ${field.kind === 'boolean' ? html`${control}${label}` : html`${label}${control}`}
      ${field.description ? html`<span id="${id}-d" class="hint">${field.description}</span>` : nothing}
      ${error ? html`<span id="${id}-e" class="error" role="alert">${error}</span>` : nothing}
    </div>`;
  }
}
