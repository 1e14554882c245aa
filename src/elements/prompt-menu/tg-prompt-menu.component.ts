import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ArgumentForm } from '../../context/argument-form.js';
import { listPrompts, searchPrompts, type ListingError, type PromptEntry } from '../../context/catalog.js';
import type { ComposerContext } from '../../context/composer-context.js';
import type { ContextServer } from '../../context/context-server.js';
import { TgPickerCloseEvent } from '../../events/tg-picker-close.js';
import { styles } from './tg-prompt-menu.styles.js';

/**
 * The `/` command: while the person's message starts with `/`, the connected servers' prompts
 * that match what follows are offered, namespaced `/<server>:<prompt>`. Choosing one asks for its
 * arguments (with the server's completion, debounced), then runs it (`prompts/get`) and puts its
 * messages in the person's next message through the composer's context, labelled with the server
 * (the gate sanitises them and applies the server's data-flow rules, as for its results).
 *
 * `<tg-agent>` keeps typing in its message field and forwards ArrowUp/ArrowDown (`move()`),
 * Enter (`choose()`) and Escape (`dismiss()`); the list is also a listbox of its own for pointer
 * and keyboard use. Prompt titles and descriptions are server text, rendered as text.
 *
 * @event tg-picker-close - A prompt's messages were added, or the person dismissed the menu.
 * @csspart prompt-menu - The menu.
 * @csspart prompt-option - One prompt.
 * @csspart prompt-form - The arguments of the chosen prompt.
 * @csspart suggestion - One completion suggestion.
 */
export class TgPromptMenu extends LitElement {
  static override styles = styles;

  static override properties = {
    servers: { attribute: false },
    composer: { attribute: false },
    query: {},
    _entries: { state: true },
    _errors: { state: true },
    _active: { state: true },
    _chosen: { state: true },
    _loading: { state: true },
    _version: { state: true },
  };

  declare servers: readonly ContextServer[];
  declare composer: ComposerContext | undefined;
  /** What follows the `/` in the person's message. */
  declare query: string;
  declare protected _entries: readonly PromptEntry[];
  declare protected _errors: readonly ListingError[];
  declare protected _active: number;
  declare protected _chosen: PromptEntry | undefined;
  declare protected _loading: boolean;
  declare protected _version: number;
  #form: ArgumentForm | undefined;
  #listed = 0;

  constructor() {
    super();
    this.servers = [];
    this.composer = undefined;
    this.query = '';
    this._entries = [];
    this._errors = [];
    this._active = 0;
    this._chosen = undefined;
    this._loading = false;
    this._version = 0;
  }

  /** The prompts matching `query`. */
  get options(): PromptEntry[] {
    return searchPrompts(this._entries, this.query);
  }

  /** Whether a prompt's arguments are being asked for. */
  get choosing(): boolean {
    return this._chosen !== undefined;
  }

  async refresh(): Promise<void> {
    const run = ++this.#listed;
    this._loading = true;
    const listing = await listPrompts(this.servers);
    if (run !== this.#listed) return;
    this._entries = listing.entries;
    this._errors = listing.errors;
    this._loading = false;
  }

  /** Moves the active option (ArrowDown: 1, ArrowUp: -1), wrapping around. */
  move(delta: number): void {
    const n = this.options.length;
    if (n > 0) this._active = (((this._active + delta) % n) + n) % n;
  }

  /** Chooses the active option (Enter). */
  choose(): void {
    const entry = this.options[this._active];
    if (entry) void this.#choose(entry);
  }

  dismiss(): void {
    this.#reset();
    this.dispatchEvent(new TgPickerCloseEvent({ picker: 'prompts', reason: 'dismissed' }));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#form?.close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('servers')) void this.refresh();
    if (changed.has('query')) this._active = 0;
  }

  #reset(): void {
    this.#form?.close();
    this.#form = undefined;
    this._chosen = undefined;
  }

  async #choose(entry: PromptEntry): Promise<void> {
    const args = entry.prompt.arguments ?? [];
    if (args.length === 0) return this.#run(entry, {});
    this.#form?.close();
    const form = new ArgumentForm(
      entry.server,
      { type: 'ref/prompt', name: entry.prompt.name },
      args.map((a) => ({ name: a.name, required: a.required === true, ...(a.title !== undefined && { title: a.title }), ...(a.description !== undefined && { description: a.description }) })),
    );
    form.addEventListener('change', () => this._version++);
    this.#form = form;
    this._chosen = entry;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('.prompt-form input')?.focus();
  }

  async #run(entry: PromptEntry, args: Record<string, string>): Promise<void> {
    this.#reset();
    const added = this.composer?.addPrompt(entry.server, entry.prompt.name, args, entry.prompt.title === undefined ? {} : { title: entry.prompt.title });
    this.dispatchEvent(new TgPickerCloseEvent({ picker: 'prompts', reason: 'added' }));
    await added;
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.dismiss();
    } else if (!this._chosen && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      this.move(event.key === 'ArrowDown' ? 1 : -1);
    } else if (!this._chosen && event.key === 'Enter') {
      event.preventDefault();
      this.choose();
    }
  }

  protected override render(): TemplateResult {
    return html`<section part="prompt-menu" class="menu" @keydown=${this.#onKeydown}>
      ${this._chosen && this.#form ? this.#renderForm(this._chosen, this.#form) : this.#renderList()}
    </section>`;
  }

  #renderList(): TemplateResult {
    const matches = this.options;
    const active = matches[this._active];
    return html`<p class="muted head">Prompts of the connected servers${this.query ? html` matching <code>/${this.query}</code>` : nothing}</p>
      ${matches.length > 0
        ? html`<ul role="listbox" tabindex="0" aria-label="Prompts" aria-activedescendant=${`prompt-${this._active}`}>
            ${matches.map(
              (entry, i) => html`<li
                id=${`prompt-${i}`}
                role="option"
                part="prompt-option"
                class="option"
                aria-selected=${i === this._active ? 'true' : 'false'}
                @click=${() => void this.#choose(entry)}
                @mousemove=${() => (this._active = i)}
              >
                <span class="title">${entry.prompt.title ?? entry.prompt.name}</span>
                <code class="command">/${entry.command}</code>
                <span class="muted">${entry.server.label}${entry.prompt.description ? html` — ${entry.prompt.description}` : nothing}</span>
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">${this._loading ? 'Listing prompts…' : this._entries.length === 0 ? 'No connected server offers prompts.' : 'No prompt matches.'}</p>`}
      <p class="visually-hidden" role="status">${active ? `${matches.length} prompts; ${active.prompt.title ?? active.prompt.name} from ${active.server.label}` : ''}</p>
      ${this._errors.map((e) => html`<p class="error" role="alert">${e.server.label}: <code class="code">${e.error.code ?? ''}</code> ${e.error.message}</p>`)}`;
  }

  #renderForm(entry: PromptEntry, form: ArgumentForm): TemplateResult {
    const missing = form.missing();
    return html`<form
      part="prompt-form"
      class="prompt-form"
      aria-label=${`Arguments of ${entry.prompt.title ?? entry.prompt.name}`}
      @submit=${(e: Event) => {
        e.preventDefault();
        if (missing.length === 0) void this.#run(entry, form.values());
      }}
    >
      <p><span class="title">${entry.prompt.title ?? entry.prompt.name}</span> <code class="command">/${entry.command}</code></p>
      ${form.fields.map((field) => {
        const id = `arg-${field.name}`;
        return html`<div class="field">
          <label for=${id}>${field.title ?? field.name}${field.required ? ' (required)' : ''}</label>
          ${field.description ? html`<span class="muted" id=${`${id}-hint`}>${field.description}</span>` : nothing}
          <input
            id=${id}
            name=${field.name}
            autocomplete="off"
            aria-describedby=${field.description ? `${id}-hint` : nothing}
            .value=${field.value}
            @input=${(e: Event) => form.set(field.name, (e.target as HTMLInputElement).value)}
            @focus=${() => form.suggest(field.name)}
          />
          ${field.suggestions.length > 0
            ? html`<div class="suggestions" role="group" aria-label=${`Suggestions for ${field.title ?? field.name}`}>
                ${field.suggestions.slice(0, 12).map((s) => html`<button type="button" part="suggestion" class="suggestion" @click=${() => form.set(field.name, s)}>${s}</button>`)}
              </div>`
            : nothing}
        </div>`;
      })}
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${missing.length > 0}>Add to message</button>
        <button type="button" class="secondary" @click=${() => this.dismiss()}>Cancel</button>
      </div>
    </form>`;
  }
}
