/**
 * Elements an element defines on first use: `defined(tag, load)` says whether `tag` is defined and,
 * if not, loads its module once and asks the host to render again when it is. The host renders such
 * an element only once defined, so the page never holds one that is not upgraded yet; `settled()`
 * lets the host's `updateComplete` wait for the modules still loading.
 */
export class LazyElements {
  readonly #loading = new Map<string, Promise<unknown>>();
  readonly #host: { requestUpdate(): void };

  constructor(host: { requestUpdate(): void }) {
    this.#host = host;
  }

  defined(tag: string, load: () => Promise<unknown>): boolean {
    if (customElements.get(tag)) return true;
    if (!this.#loading.has(tag)) {
      const loading = load().then(
        () => this.#host.requestUpdate(),
        () => void this.#loading.delete(tag), // a chunk that failed to load is tried again on the next render
      );
      this.#loading.set(tag, loading);
    }
    return false;
  }

  /** Whether any module was asked for; settles when all have loaded (or failed). */
  get asked(): boolean {
    return this.#loading.size > 0;
  }

  settled(): Promise<unknown> {
    return Promise.all(this.#loading.values());
  }
}
