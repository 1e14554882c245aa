import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ArgumentForm } from '../../context/argument-form.js';
import { listResources, searchResources, type ListingError, type ResourceEntry } from '../../context/catalog.js';
import type { ComposerContext } from '../../context/composer-context.js';
import type { ContextServer } from '../../context/context-server.js';
import { expandTemplate } from '../../context/uri-template.js';
import { TgPickerCloseEvent } from '../../events/tg-picker-close.js';
import { styles } from './tg-resource-picker.styles.js';

type TemplateEntry = Extract<ResourceEntry, { kind: 'template' }>;

/**
 * Picks a resource of the connected servers to attach to the person's next message: the servers'
 * resources and resource templates, searchable; a template's variables are filled with the
 * server's completion (debounced, see `ArgumentForm`). Attaching goes through the composer's
 * context (`ComposerContext.attachResource`), which reads the resource, bounds it and labels it
 * with its server. Everything listed is server text, rendered as text.
 *
 * Escape closes it; focus starts in the search field.
 *
 * @event tg-picker-close - Something was attached, or the person closed the picker.
 * @csspart resource-picker - The panel.
 * @csspart search - The search field.
 * @csspart resource-option - One resource's Attach button.
 * @csspart template-form - A template's variable fields.
 * @csspart suggestion - One completion suggestion.
 */
export class TgResourcePicker extends LitElement {
  static override styles = styles;

  static override properties = {
    servers: { attribute: false },
    composer: { attribute: false },
    _entries: { state: true },
    _errors: { state: true },
    _query: { state: true },
    _loading: { state: true },
    _open: { state: true },
    _version: { state: true },
  };

  /** The servers whose resources are offered. */
  declare servers: readonly ContextServer[];
  /** Where an attached resource goes (the next message's context). */
  declare composer: ComposerContext | undefined;
  declare protected _entries: readonly ResourceEntry[];
  declare protected _errors: readonly ListingError[];
  declare protected _query: string;
  declare protected _loading: boolean;
  /** The template whose form is open, by `server id + uriTemplate`. */
  declare protected _open: string | undefined;
  declare protected _version: number;
  #form: ArgumentForm | undefined;
  #listed = 0;

  constructor() {
    super();
    this.servers = [];
    this.composer = undefined;
    this._entries = [];
    this._errors = [];
    this._query = '';
    this._loading = false;
    this._open = undefined;
    this._version = 0;
  }

  /** Lists again (e.g. after a server's resources changed). */
  async refresh(): Promise<void> {
    const run = ++this.#listed;
    this._loading = true;
    const listing = await listResources(this.servers);
    if (run !== this.#listed) return;
    this._entries = listing.entries;
    this._errors = listing.errors;
    this._loading = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#closeForm();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('servers')) void this.refresh();
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  }

  #close(reason: 'added' | 'dismissed'): void {
    this.#closeForm();
    this.dispatchEvent(new TgPickerCloseEvent({ picker: 'resources', reason }));
  }

  #closeForm(): void {
    this.#form?.close();
    this.#form = undefined;
    this._open = undefined;
  }

  async #attach(server: ContextServer, uri: string, title: string | undefined): Promise<void> {
    if (!this.composer) return;
    const attached = this.composer.attachResource(server, uri, title === undefined ? {} : { title });
    this.#close('added');
    await attached;
  }

  #openTemplate(entry: TemplateEntry): void {
    const key = `${entry.server.id} ${entry.template.uriTemplate}`;
    this.#closeForm();
    if (this._open === key) return;
    const form = new ArgumentForm(entry.server, { type: 'ref/resource', uri: entry.template.uriTemplate }, entry.variables.map((name) => ({ name, required: true })));
    form.addEventListener('change', () => this._version++);
    this.#form = form;
    this._open = key;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('.template-form input')?.focus());
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.#close('dismissed');
    }
  }

  protected override render(): TemplateResult {
    const shown = searchResources(this._entries, this._query);
    const servers = [...new Set(shown.map((e) => e.server))];
    return html`<section part="resource-picker" class="panel" role="dialog" aria-label="Attach a resource" @keydown=${this.#onKeydown}>
      <div class="head">
        <h2>Attach a resource</h2>
        <button type="button" class="secondary" @click=${() => this.#close('dismissed')}>Close</button>
      </div>
      <input
        part="search"
        type="search"
        placeholder="Search resources"
        aria-label="Search resources"
        .value=${this._query}
        @input=${(e: Event) => (this._query = (e.target as HTMLInputElement).value)}
      />
      ${this._loading && this._entries.length === 0 ? html`<p class="muted" role="status">Listing resources…</p>` : nothing}
      ${!this._loading && shown.length === 0
        ? html`<p class="muted" role="status">${this._entries.length === 0 ? 'No connected server offers resources.' : 'No resource matches.'}</p>`
        : nothing}
      ${servers.map(
        (server) => html`<div class="server" role="group" aria-label=${`Resources of ${server.label}`}>
          <h3>${server.label}</h3>
          <ul>
            ${shown.filter((e) => e.server === server).map((e) => (e.kind === 'resource' ? this.#renderResource(e) : this.#renderTemplate(e)))}
          </ul>
        </div>`,
      )}
      ${this._errors.map((e) => html`<p class="error" role="alert">${e.server.label}: <code class="code">${e.error.code ?? ''}</code> ${e.error.message}</p>`)}
    </section>`;
  }

  #renderResource(entry: Extract<ResourceEntry, { kind: 'resource' }>): TemplateResult {
    const r = entry.resource;
    const title = r.title ?? r.name;
    return html`<li>
      <button type="button" part="resource-option" class="option" @click=${() => this.#attach(entry.server, r.uri, title)}>
        <span class="title">${title}</span>
        <code class="uri">${r.uri}</code>
        ${r.description ? html`<span class="muted">${r.description}</span>` : nothing}
      </button>
    </li>`;
  }

  #renderTemplate(entry: TemplateEntry): TemplateResult {
    const t = entry.template;
    const key = `${entry.server.id} ${t.uriTemplate}`;
    const open = this._open === key && this.#form !== undefined;
    return html`<li>
      <button type="button" class="option" aria-expanded=${open ? 'true' : 'false'} @click=${() => this.#openTemplate(entry)}>
        <span class="title">${t.title ?? t.name}</span>
        <code class="uri">${t.uriTemplate}</code>
        ${t.description ? html`<span class="muted">${t.description}</span>` : nothing}
      </button>
      ${open ? this.#renderTemplateForm(entry, this.#form!) : nothing}
    </li>`;
  }

  #renderTemplateForm(entry: TemplateEntry, form: ArgumentForm): TemplateResult {
    const uri = expandTemplate(entry.template.uriTemplate, form.values());
    const missing = form.missing();
    return html`<form
      part="template-form"
      class="template-form"
      @submit=${(e: Event) => {
        e.preventDefault();
        if (missing.length === 0) void this.#attach(entry.server, uri, entry.template.title ?? entry.template.name);
      }}
    >
      ${form.fields.map((field) => {
        const id = `var-${field.name}`;
        return html`<div class="field">
          <label for=${id}>${field.name}</label>
          <input id=${id} name=${field.name} autocomplete="off" .value=${field.value} @input=${(e: Event) => form.set(field.name, (e.target as HTMLInputElement).value)} @focus=${() => form.suggest(field.name)} />
          ${field.suggestions.length > 0
            ? html`<div class="suggestions" role="group" aria-label=${`Suggestions for ${field.name}`}>
                ${field.suggestions.slice(0, 12).map((s) => html`<button type="button" part="suggestion" class="suggestion" @click=${() => form.set(field.name, s)}>${s}</button>`)}
                ${field.more ? html`<span class="muted">…</span>` : nothing}
              </div>`
            : nothing}
        </div>`;
      })}
      <p class="muted">Will attach <code>${uri}</code></p>
      <button type="submit" class="primary" ?disabled=${missing.length > 0}>Attach</button>
    </form>`;
  }
}
