import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ArgumentForm } from '../../context/argument-form.js';
import { listPrompts, searchPrompts, type PromptEntry } from '../../context/catalog.js';
import type { ComposerContext } from '../../context/composer-context.js';
import type { ContextServer } from '../../context/context-server.js';
import { TgPickerCloseEvent } from '../../events/tg-picker-close.js';
import { argumentFields, listingErrors } from '../shared/picker.template.js';
import { PickerController } from '../shared/picker.controller.js';
import { styles } from './tg-prompt-menu.styles.js';
import { dataProperties, stateProperties } from '../shared/properties.js';

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
    ...dataProperties('servers', 'composer'),
    query: {},
    ...stateProperties('_active'),
  };

  declare servers: readonly ContextServer[];
  declare composer: ComposerContext | undefined;
  /** What follows the `/` in the person's message. */
  declare query: string;
  declare protected _active: number;
  /** The prompts, and the form of the chosen one. */
  readonly #listing = new PickerController<PromptEntry, PromptEntry>(this, { servers: () => this.servers, list: listPrompts });

  constructor() {
    super();
    this.servers = [];
    this.composer = undefined;
    this.query = '';
    this._active = 0;
  }

  /** The prompts matching `query`. */
  get options(): PromptEntry[] {
    return searchPrompts(this.#listing.entries, this.query);
  }

  /** Whether a prompt's arguments are being asked for. */
  get choosing(): boolean {
    return this.#listing.form !== undefined;
  }

  /** Lists again (e.g. after a server's prompts changed). */
  refresh(): Promise<void> {
    return this.#listing.refresh();
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
    this.#listing.closeForm();
    this.dispatchEvent(new TgPickerCloseEvent({ picker: 'prompts', reason: 'dismissed' }));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('query')) this._active = 0;
  }

  async #choose(entry: PromptEntry): Promise<void> {
    const args = entry.prompt.arguments ?? [];
    if (args.length === 0) return this.#run(entry, {});
    const form = new ArgumentForm(
      entry.server,
      { type: 'ref/prompt', name: entry.prompt.name },
      args.map((a) => ({ name: a.name, required: a.required === true, ...(a.title !== undefined && { title: a.title }), ...(a.description !== undefined && { description: a.description }) })),
    );
    await this.#listing.openForm(entry, form);
  }

  async #run(entry: PromptEntry, args: Record<string, string>): Promise<void> {
    this.#listing.closeForm();
    const added = this.composer?.addPrompt(entry.server, entry.prompt.name, args, entry.prompt.title === undefined ? {} : { title: entry.prompt.title });
    this.dispatchEvent(new TgPickerCloseEvent({ picker: 'prompts', reason: 'added' }));
    await added;
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.dismiss();
    } else if (!this.choosing && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      this.move(event.key === 'ArrowDown' ? 1 : -1);
    } else if (!this.choosing && event.key === 'Enter') {
      event.preventDefault();
      this.choose();
    }
  }

  protected override render(): TemplateResult {
    const { openKey: chosen, form } = this.#listing;
    return html`<section part="prompt-menu" class="menu" @keydown=${this.#onKeydown}>
      ${chosen && form ? this.#renderForm(chosen, form) : this.#renderList()}
    </section>`;
  }

  #renderList(): TemplateResult {
    const { entries, errors, loading } = this.#listing;
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
        : html`<p class="muted">${loading ? 'Listing prompts…' : entries.length === 0 ? 'No connected server offers prompts.' : 'No prompt matches.'}</p>`}
      <p class="visually-hidden" role="status">${active ? `${matches.length} prompts; ${active.prompt.title ?? active.prompt.name} from ${active.server.label}` : ''}</p>
      ${listingErrors(errors)}`;
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
      ${argumentFields(form)}
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${missing.length > 0}>Add to message</button>
        <button type="button" class="secondary" @click=${() => this.dismiss()}>Cancel</button>
      </div>
    </form>`;
  }
}
