import type { CodedError } from '../../runtime/coded-error.js';
import { ErrorCode } from '../../../workers/shared/errors.js';

/**
 * Elements an element defines on first use: `defined(tag, load)` says whether `tag` is defined and,
 * if not, loads its module once and asks the host to render again when it is. The host renders such
 * an element only once defined, so the page never holds one that is not upgraded yet; `settled()`
 * lets the host's `updateComplete` wait for the modules still loading.
 *
 * A module that fails to load (a deploy that removed the chunk, a network error) is a coded error
 * (`TG_UI_LOAD_FAILED`, `failure(tag)`) the host shows in the element's place; `shown()` also hands
 * it what waited for the element, to refuse, so nothing waits on an element that will never come.
 * The next render that needs the element tries again.
 */
export class LazyElements {
  readonly #loading = new Map<string, Promise<unknown>>();
  readonly #failed = new Map<string, CodedError>();
  /** What `shown()` last saw waiting for each element, and what was refused when its module failed. */
  readonly #waiting = new Map<string, readonly object[]>();
  readonly #refused = new WeakSet<object>();
  readonly #host: { requestUpdate(): void };

  constructor(host: { requestUpdate(): void }) {
    this.#host = host;
  }

  /** Whether `tag` is defined; if not, its module loads (once; after a failure, only when `shown()` has something new for it). */
  defined(tag: string, load: () => Promise<unknown>, failed?: (error: CodedError) => void): boolean {
    if (customElements.get(tag)) return true;
    if (!this.#loading.has(tag) && !this.#failed.has(tag)) {
      const loaded = () => {
        this.#loading.delete(tag);
        this.#host.requestUpdate();
      };
      const loading = load().then(loaded, (err: unknown) => {
        const error = { code: ErrorCode.UI_LOAD_FAILED, message: `<${tag}> could not be loaded: ${err instanceof Error ? err.message : String(err)}` };
        this.#failed.set(tag, error);
        for (const item of this.#waiting.get(tag) ?? []) this.#refused.add(item);
        failed?.(error);
        loaded();
      });
      this.#loading.set(tag, loading);
    }
    return false;
  }

  /**
   * `items` once `tag` is defined (loading it for the first item), none before. If its module
   * fails to load, `refuse(error)` ends what waits for it; a new item tries the module again.
   */
  shown<T extends object>(items: readonly T[], tag: string, load: () => Promise<unknown>, refuse: (error: CodedError) => void): readonly T[] {
    this.#waiting.set(tag, items);
    if (items.length === 0) return [];
    if (this.#failed.has(tag) && items.some((item) => !this.#refused.has(item))) this.#failed.delete(tag);
    return this.defined(tag, load, refuse) ? items : [];
  }

  /** Why `tag` could not be loaded the last time it was tried, if it could not. */
  failure(tag: string): CodedError | undefined {
    return this.#failed.get(tag);
  }

  /** Whether any module is loading; settles when all have loaded (or failed). */
  get asked(): boolean {
    return this.#loading.size > 0;
  }

  settled(): Promise<unknown> {
    return Promise.all(this.#loading.values());
  }
}
