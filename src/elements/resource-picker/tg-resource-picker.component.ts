import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { ArgumentForm } from '../../context/argument-form.js';
import { listResources, searchResources, type ResourceEntry } from '../../context/catalog.js';
import type { ComposerContext } from '../../context/composer-context.js';
import type { ContextServer } from '../../context/context-server.js';
import { expandTemplate } from '../../context/uri-template.js';
import { TgPickerCloseEvent } from '../../events/tg-picker-close.js';
import { PickerController } from '../shared/picker.controller.js';
import { argumentFields, listingErrors } from '../shared/picker.template.js';
import { styles } from './tg-resource-picker.styles.js';
import { dataProperties, stateProperties } from '../shared/properties.js';

type TemplateEntry = Extract<ResourceEntry, { kind: 'template' }>;

/** Names a template across listings (each listing makes new entries). */
const templateKey = (entry: TemplateEntry) => `${entry.server.id} ${entry.template.uriTemplate}`;

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
    ...dataProperties('servers', 'composer'),
    ...stateProperties('_query'),
  };

  /** The servers whose resources are offered. */
  declare servers: readonly ContextServer[];
  /** Where an attached resource goes (the next message's context). */
  declare composer: ComposerContext | undefined;
  declare protected _query: string;
  /** The resources, and the form of the template being filled (by `templateKey`). */
  readonly #listing = new PickerController<ResourceEntry, string>(this, { servers: () => this.servers, list: listResources });

  constructor() {
    super();
    this.servers = [];
    this.composer = undefined;
    this._query = '';
  }

  /** Lists again (e.g. after a server's resources changed). */
  refresh(): Promise<void> {
    return this.#listing.refresh();
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  }

  #close(reason: 'added' | 'dismissed'): void {
    this.#listing.closeForm();
    this.dispatchEvent(new TgPickerCloseEvent({ picker: 'resources', reason }));
  }

  async #attach(server: ContextServer, uri: string, title: string | undefined): Promise<void> {
    if (!this.composer) return;
    const attached = this.composer.attachResource(server, uri, title === undefined ? {} : { title });
    this.#close('added');
    await attached;
  }

  /** Opens the template's form, or closes it when it is the one open. */
  #toggleTemplate(entry: TemplateEntry): void {
    const key = templateKey(entry);
    if (this.#listing.openKey === key) return this.#listing.closeForm();
    void this.#listing.openForm(key, new ArgumentForm(entry.server, { type: 'ref/resource', uri: entry.template.uriTemplate }, entry.variables.map((name) => ({ name, required: true }))));
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.#close('dismissed');
    }
  }

  protected override render(): TemplateResult {
    const { entries, errors, loading } = this.#listing;
    const shown = searchResources(entries, this._query);
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
      ${loading && entries.length === 0 ? html`<p class="muted" role="status">Listing resources…</p>` : nothing}
      ${!loading && shown.length === 0
        ? html`<p class="muted" role="status">${entries.length === 0 ? 'No connected server offers resources.' : 'No resource matches.'}</p>`
        : nothing}
      ${servers.map(
        (server) => html`<div class="server" role="group" aria-label=${`Resources of ${server.label}`}>
          <h3>${server.label}</h3>
          <ul>
            ${shown.filter((e) => e.server === server).map((e) => (e.kind === 'resource' ? this.#renderResource(e) : this.#renderTemplate(e)))}
          </ul>
        </div>`,
      )}
      ${listingErrors(errors)}
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
    const form = this.#listing.openKey === templateKey(entry) ? this.#listing.form : undefined;
    return html`<li>
      <button type="button" class="option" aria-expanded=${form ? 'true' : 'false'} @click=${() => this.#toggleTemplate(entry)}>
        <span class="title">${t.title ?? t.name}</span>
        <code class="uri">${t.uriTemplate}</code>
        ${t.description ? html`<span class="muted">${t.description}</span>` : nothing}
      </button>
      ${form ? this.#renderTemplateForm(entry, form) : nothing}
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
      ${argumentFields(form)}
      <p class="muted">Will attach <code>${uri}</code></p>
      <button type="submit" class="primary" ?disabled=${missing.length > 0}>Attach</button>
    </form>`;
  }
}
