/** A tiny typed listener registry (no DOM): the element bridges it to `tg-*` DOM events. */
export type Listener<T> = (detail: T) => void;

export class Emitter<M extends object> {
  #listeners = new Map<keyof M, Set<Listener<never>>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  off<K extends keyof M>(type: K, listener: Listener<M[K]>): void {
    this.#listeners.get(type)?.delete(listener as Listener<never>);
  }

  /** Calls every listener; one that throws is reported asynchronously and does not stop the loop. */
  emit<K extends keyof M>(type: K, detail: M[K]): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      try {
        (listener as Listener<M[K]>)(detail);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
