/**
 * What a composer picker (`<tg-prompt-menu>`, `<tg-resource-picker>`) works on: a listing across
 * the connected servers, and the one argument form it has open. The listing is made again whenever
 * the host's servers change; the newest listing wins, so a slow answer for servers since replaced
 * is dropped; a server that fails keeps its error beside the others' entries. The form is closed
 * (its completion requests dropped) when another opens or the host leaves the page.
 */
import type { ReactiveController, ReactiveElement } from 'lit';
import type { ArgumentForm } from '../../context/argument-form.js';
import type { Listing, ListingError } from '../../context/catalog.js';
import type { ContextServer } from '../../context/context-server.js';

export interface PickerOptions<T> {
  /** The host's servers; a new array lists again. */
  servers: () => readonly ContextServer[];
  list: (servers: readonly ContextServer[]) => Promise<Listing<T>>;
}

/** `T`: a listed entry; `K`: what names the entry whose form is open. */
export class PickerController<T, K> implements ReactiveController {
  entries: readonly T[] = [];
  errors: readonly ListingError[] = [];
  loading = false;
  readonly #host: ReactiveElement;
  readonly #options: PickerOptions<T>;
  #listedFor: readonly ContextServer[] | undefined;
  #run = 0;
  #open: { key: K; form: ArgumentForm } | undefined;

  constructor(host: ReactiveElement, options: PickerOptions<T>) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Lists again (e.g. after a server's list changed). */
  async refresh(): Promise<void> {
    const run = ++this.#run;
    this.#listedFor = this.#options.servers();
    this.loading = true;
    this.#host.requestUpdate();
    const listing = await this.#options.list(this.#listedFor);
    if (run !== this.#run) return;
    this.entries = listing.entries;
    this.errors = listing.errors;
    this.loading = false;
    this.#host.requestUpdate();
  }

  /** What the open form is for, if one is open. */
  get openKey(): K | undefined {
    return this.#open?.key;
  }

  get form(): ArgumentForm | undefined {
    return this.#open?.form;
  }

  /** Opens `form` for `key` in place of any other; the host renders again on its every change, and focus goes to its first field. */
  openForm(key: K, form: ArgumentForm): Promise<void> {
    this.closeForm();
    form.addEventListener('change', () => this.#host.requestUpdate());
    this.#open = { key, form };
    this.#host.requestUpdate();
    return this.#host.updateComplete.then(() => (this.#host.renderRoot as ParentNode).querySelector<HTMLElement>('form input')?.focus());
  }

  closeForm(): void {
    this.#open?.form.close();
    this.#open = undefined;
    this.#host.requestUpdate();
  }

  hostUpdate(): void {
    if (this.#options.servers() !== this.#listedFor) void this.refresh();
  }

  hostDisconnected(): void {
    this.closeForm();
  }
}
