/**
 * As-you-type completion for one prompt argument or resource-template variable. Keystrokes are
 * debounced (the spec asks clients to, server/utilities/completion.mdx), and only the latest
 * request's answer is delivered: a slower answer to an older value resolves `null`, so a dropdown
 * never flickers back to stale suggestions. The worker already bounds the answer; it is checked
 * again here because this is what the UI renders.
 */
import { invalidArgument } from '../../workers/shared/errors.js';
import type { Completion, CompletionArgument, CompletionContext, CompletionRef } from '../../workers/shared/wire.js';

/** Anything that completes, e.g. an `McpConnection`. */
export interface CompletionSource {
  complete(ref: CompletionRef, argument: CompletionArgument, context?: CompletionContext): Promise<Completion>;
}

export interface CompleterOptions {
  /** Quiet time after the last `request()` before asking the server. Default 200 ms. */
  debounceMs?: number;
}

export const MAX_COMPLETIONS = 100;

export class Completer {
  readonly #source: CompletionSource;
  readonly #ref: CompletionRef;
  readonly #debounceMs: number;
  /** Number of the latest request; an answer to any other is stale. */
  #latest = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Settles the request still waiting out its debounce, if any (with `null` when superseded). */
  #waiting: ((value: null) => void) | undefined;

  constructor(source: CompletionSource, ref: CompletionRef, options: CompleterOptions = {}) {
    const debounceMs = options.debounceMs ?? 200;
    if (!Number.isFinite(debounceMs) || debounceMs < 0) throw invalidArgument('options.debounceMs', 'a non-negative number');
    this.#source = source;
    this.#ref = ref;
    this.#debounceMs = debounceMs;
  }

  /**
   * Suggestions for `value` of argument `name`. Resolves `null` if a later `request()` or `cancel()`
   * superseded this one; rejects only with the latest request's error.
   */
  request(name: string, value: string, context?: CompletionContext): Promise<Completion | null> {
    if (typeof name !== 'string') throw invalidArgument('name', 'a string');
    if (typeof value !== 'string') throw invalidArgument('value', 'a string');
    const seq = this.#supersede();
    return new Promise<Completion | null>((resolve, reject) => {
      this.#waiting = resolve;
      this.#timer = setTimeout(() => {
        this.#waiting = undefined;
        this.#source.complete(this.#ref, { name, value }, context).then(
          (completion) => resolve(seq === this.#latest ? bounded(completion) : null),
          (err: unknown) => (seq === this.#latest ? reject(err) : resolve(null)),
        );
      }, this.#debounceMs);
    });
  }

  /** Drops whatever is pending: its promise resolves `null`. */
  cancel(): void {
    this.#supersede();
  }

  #supersede(): number {
    clearTimeout(this.#timer);
    this.#waiting?.(null);
    this.#waiting = undefined;
    return ++this.#latest;
  }
}

function bounded(completion: Completion): Completion {
  const values = (Array.isArray(completion.values) ? completion.values : []).filter((v): v is string => typeof v === 'string').slice(0, MAX_COMPLETIONS);
  const result: Completion = { values };
  if (typeof completion.total === 'number') result.total = completion.total;
  if (typeof completion.hasMore === 'boolean') result.hasMore = completion.hasMore;
  return result;
}
