/**
 * A small WebMCP polyfill for tests: `document.modelContext` as the W3C WebML draft specifies the
 * producer half (registerTool's checks, `signal`, `exposedTo`, a `toolchange` event queued as a
 * task) and as Chrome ships the consumer half (`getTools()`, `executeTool(tool, inputJson,
 * { signal })` resolving with the result as JSON text, or null when interrupted).
 *
 * One document plays every party: `visibleTo(origin)` applies the draft's "tool is visible to an
 * origin" steps (same origin as the owner, or listed in `exposedTo`), so a test can check that
 * `exposedTo` was honoured without frames of other origins.
 */
export interface PolyfillTool {
  name: string;
  title: string | null;
  description: string;
  /** The stringified schema, as the draft keeps it ("" when none). */
  inputSchema: string;
  annotations: { readOnlyHint: boolean; untrustedContentHint: boolean };
  exposedTo: string[];
  owner: string;
}

interface Entry extends PolyfillTool {
  execute: (input: object) => unknown;
}

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

const domError = (name: string, message: string) => new DOMException(message, name);

function trustworthy(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname));
}

export class ModelContextPolyfill extends EventTarget {
  ontoolchange: ((event: Event) => void) | null = null;
  /** Every execute call, in order (what the page's tool code received). */
  readonly executed: { name: string; input: unknown }[] = [];
  readonly #tools = new Map<string, Entry>();
  readonly #origin: string;

  constructor(origin = location.origin) {
    super();
    this.#origin = origin;
  }

  registerTool(tool: { name: string; title?: string; description: string; inputSchema?: object; annotations?: { readOnlyHint?: boolean; untrustedContentHint?: boolean }; execute: (input: object) => unknown }, options: { signal?: AbortSignal; exposedTo?: string[] } = {}): Promise<void> {
    const name = tool?.name;
    if (typeof name !== 'string' || !NAME.test(name)) return Promise.reject(domError('InvalidStateError', `bad tool name ${String(name)}`));
    if (this.#tools.has(name)) return Promise.reject(domError('InvalidStateError', `a tool named ${name} is already registered`));
    if (typeof tool.description !== 'string' || tool.description === '') return Promise.reject(domError('InvalidStateError', 'empty description'));
    let inputSchema = '';
    if (tool.inputSchema !== undefined) {
      try {
        inputSchema = JSON.stringify(tool.inputSchema);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const exposedTo: string[] = [];
    for (const origin of options.exposedTo ?? []) {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return Promise.reject(domError('SecurityError', `not an origin: ${origin}`));
      }
      if (!trustworthy(url)) return Promise.reject(domError('SecurityError', `not potentially trustworthy: ${origin}`));
      exposedTo.push(url.origin);
    }
    this.#tools.set(name, {
      name,
      title: tool.title ?? null,
      description: tool.description,
      inputSchema,
      annotations: { readOnlyHint: tool.annotations?.readOnlyHint === true, untrustedContentHint: tool.annotations?.untrustedContentHint === true },
      exposedTo,
      owner: this.#origin,
      execute: tool.execute.bind(tool),
    });
    signal?.addEventListener('abort', () => this.#unregister(name), { once: true });
    this.#notify();
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  /** The tools this document may see (its own origin's, and those exposed to it). */
  async getTools(): Promise<PolyfillTool[]> {
    return this.visibleTo(this.#origin);
  }

  /** The draft's "tool is visible to an origin", for a document of `origin`. */
  visibleTo(origin: string): PolyfillTool[] {
    const target = new URL(origin).origin;
    return [...this.#tools.values()]
      .filter((t) => t.owner === target || t.exposedTo.includes(target))
      .map(({ execute: _execute, ...info }) => structuredClone(info));
  }

  async executeTool(tool: { name: string }, inputJson: string, options: { signal?: AbortSignal } = {}): Promise<string | null> {
    const entry = this.#tools.get(tool?.name);
    if (!entry) throw domError('NotFoundError', `no tool ${String(tool?.name)}`);
    const input = JSON.parse(inputJson) as object;
    this.executed.push({ name: entry.name, input });
    const signal = options.signal;
    if (signal?.aborted) return null;
    const result = await Promise.race([
      Promise.resolve(entry.execute(input)),
      new Promise<symbol>((resolve) => signal?.addEventListener('abort', () => resolve(ABORTED), { once: true })),
    ]);
    return result === ABORTED ? null : JSON.stringify(result ?? null);
  }

  #unregister(name: string): void {
    if (this.#tools.delete(name)) this.#notify();
  }

  #notify(): void {
    // The draft queues the event as a task on the WebMCP task source.
    setTimeout(() => {
      const event = new Event('toolchange');
      this.ontoolchange?.(event);
      this.dispatchEvent(event);
    }, 0);
  }
}

const ABORTED = Symbol('aborted');

/** Puts a fresh polyfill on `document.modelContext` (shadowing a native one); `uninstall()` restores what was there. */
export function installModelContext(): { context: ModelContextPolyfill; uninstall(): void } {
  const context = new ModelContextPolyfill();
  const own = Object.getOwnPropertyDescriptor(document, 'modelContext');
  Object.defineProperty(document, 'modelContext', { value: context, configurable: true });
  return {
    context,
    uninstall() {
      if (own) Object.defineProperty(document, 'modelContext', own);
      else delete (document as { modelContext?: unknown }).modelContext;
    },
  };
}
