/**
 * The values the person gives a prompt's arguments or a resource template's variables, with
 * suggestions from the server's completion (`completion/complete`) as they type: one debounced
 * `Completer` per field (src/connections/completion.ts), the other fields' values sent as
 * `context.arguments`, stale answers dropped. Fires `change` whenever a value or its suggestions
 * change. No DOM.
 */
import { Completer } from '../connections/completion.js';
import type { CompletionRef } from '../../workers/shared/wire.js';
import type { ContextServer } from './context-server.js';

export interface ArgumentSpec {
  name: string;
  title?: string;
  description?: string;
  required: boolean;
}

export interface ArgumentField extends ArgumentSpec {
  value: string;
  /** The server's suggestions for the current value (at most 100, server text). */
  suggestions: readonly string[];
  /** The server has more suggestions than it sent. */
  more: boolean;
}

export interface ArgumentFormOptions {
  /** Quiet time before asking the server. Default 200 ms. */
  debounceMs?: number;
}

/** Longest value of one field. */
export const MAX_ARGUMENT_LENGTH = 4096;

export class ArgumentForm extends EventTarget {
  readonly #fields: ArgumentField[];
  readonly #completers = new Map<string, Completer>();
  readonly #server: ContextServer;
  #closed = false;

  constructor(server: ContextServer, ref: CompletionRef, specs: readonly ArgumentSpec[], options: ArgumentFormOptions = {}) {
    super();
    this.#server = server;
    this.#fields = specs.map((s) => ({ ...s, value: '', suggestions: [], more: false }));
    if (server.offers.completions) {
      for (const spec of specs) this.#completers.set(spec.name, new Completer(server.connection, ref, { ...(options.debounceMs !== undefined && { debounceMs: options.debounceMs }) }));
    }
  }

  get fields(): readonly ArgumentField[] {
    return this.#fields;
  }

  /** Whether the server completes values at all. */
  get completes(): boolean {
    return this.#completers.size > 0;
  }

  /** Sets a field's value and asks for suggestions for it (debounced). */
  set(name: string, value: string): void {
    const field = this.#field(name);
    field.value = value.slice(0, MAX_ARGUMENT_LENGTH);
    this.#changed();
    this.suggest(name);
  }

  /** Asks for suggestions for a field's current value (e.g. when it gets focus). */
  suggest(name: string): void {
    const completer = this.#completers.get(name);
    const field = this.#field(name);
    if (!completer || this.#closed) return;
    const others = Object.fromEntries(this.#fields.filter((f) => f.name !== name && f.value !== '').map((f) => [f.name, f.value]));
    completer.request(name, field.value, Object.keys(others).length > 0 ? { arguments: others } : undefined).then(
      (completion) => {
        if (!completion || this.#closed) return;
        field.suggestions = completion.values.filter((v) => v !== field.value);
        field.more = completion.hasMore === true || (completion.total ?? 0) > completion.values.length;
        this.#changed();
      },
      () => {
        // A server that fails to complete still takes typed values: show no suggestions.
        field.suggestions = [];
        field.more = false;
        this.#changed();
      },
    );
  }

  /** The values given (empty ones left out). */
  values(): Record<string, string> {
    return Object.fromEntries(this.#fields.filter((f) => f.value !== '').map((f) => [f.name, f.value]));
  }

  /** Required fields still empty. */
  missing(): string[] {
    return this.#fields.filter((f) => f.required && f.value.trim() === '').map((f) => f.name);
  }

  /** Drops pending completions. */
  close(): void {
    this.#closed = true;
    for (const c of this.#completers.values()) c.cancel();
  }

  get server(): ContextServer {
    return this.#server;
  }

  #field(name: string): ArgumentField {
    const field = this.#fields.find((f) => f.name === name);
    if (!field) throw new TypeError(`No argument ${name}`);
    return field;
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
