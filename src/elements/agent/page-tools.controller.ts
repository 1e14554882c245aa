/**
 * `<tg-agent>`'s page tools (src/page/, where the behaviour is): the host may register its tools
 * before the runtime is open, or while the element is out of the document; they are kept here and
 * registered with every runtime the element opens (server "This page", behind the gate). With
 * `tool-forms`, the page's `<form toolname>` elements are page tools too; with `webmcp`, the
 * runtime's WebMCP bridge is switched on (`offer`, `publish`). No rendering.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { nameTaken, toolFromDefinition, type PageToolDefinition, type RegisterToolOptions } from '../../page/page-tools.js';
import type { Runtime } from '../../runtime/runtime.js';

export interface PageToolsConfig {
  /** Follow the document's `<form toolname>` elements. */
  toolForms: boolean;
  /** The WebMCP bridge's directions: `offer`, `publish`. */
  webmcp: readonly string[];
}

interface Registration {
  definition: PageToolDefinition;
  options: RegisterToolOptions;
  /** Unregisters it from the open runtime. */
  dispose: (() => void) | undefined;
}

export class PageToolsController implements ReactiveController {
  readonly #config: () => PageToolsConfig;
  readonly #registered = new Map<string, Registration>();
  #runtime: Runtime | undefined;
  #stopForms: (() => void) | undefined;
  #bridge: { close(): void } | undefined;
  #applied = '';

  constructor(host: ReactiveControllerHost, config: () => PageToolsConfig) {
    this.#config = config;
    host.addController(this);
  }

  /** See `TgAgent.registerTool`. Checked at once (`TG_PAGE_TOOL_INVALID`), whether or not the runtime is open. */
  registerTool(definition: PageToolDefinition, options: RegisterToolOptions = {}): () => void {
    const { name } = toolFromDefinition(definition);
    if (this.#registered.has(name)) throw nameTaken(name);
    if (options.signal?.aborted) return () => {};
    const registration: Registration = { definition, options, dispose: undefined };
    this.#registered.set(name, registration);
    const dispose = () => {
      options.signal?.removeEventListener('abort', dispose);
      if (this.#registered.get(name) !== registration) return;
      this.#registered.delete(name);
      registration.dispose?.();
    };
    options.signal?.addEventListener('abort', dispose, { once: true });
    if (this.#runtime) this.#register(this.#runtime, registration);
    return dispose;
  }

  /** The runtime opened: everything registered so far joins it. */
  opened(runtime: Runtime): void {
    this.#runtime = runtime;
    for (const registration of this.#registered.values()) this.#register(runtime, registration);
    this.#applied = '';
    this.apply();
  }

  /** Follows the element's `tool-forms` and `webmcp`. */
  apply(): void {
    const config = this.#config();
    const forms = config.toolForms && typeof document === 'object';
    if (forms && !this.#stopForms) this.#stopForms = this.#watchForms();
    if (!forms) this.#stop('forms');
    const runtime = this.#runtime;
    const key = [...config.webmcp].sort().join(' ');
    if (!runtime || key === this.#applied) return;
    this.#applied = key;
    this.#stop('bridge');
    const offer = config.webmcp.includes('offer');
    const publish = config.webmcp.includes('publish');
    if (offer || publish) this.#bridge = runtime.bridgeWebMcp({ offer, publish, onError: (err) => console.warn('Toolgate: a tool was not published on document.modelContext:', err) });
  }

  hostDisconnected(): void {
    this.#runtime = undefined;
    for (const registration of this.#registered.values()) registration.dispose = undefined;
    this.#stop('forms');
    this.#stop('bridge');
  }

  /** Follows the `<form toolname>` elements once their module has loaded (it is not in the first paint); stopping before that cancels it. */
  #watchForms(): () => void {
    let stop: (() => void) | undefined;
    let stopped = false;
    import('../../page/form-tools.js').then(
      ({ watchToolForms }) => void (stopped || (stop = watchToolForms(document, this))),
      (err: unknown) => console.warn('Toolgate: the page’s tool forms could not be followed:', err instanceof Error ? err.message : err),
    );
    return () => {
      stopped = true;
      stop?.();
    };
  }

  #register(runtime: Runtime, registration: Registration): void {
    // Checked when registered here; a name the runtime has from its own `registerTool` is the host's clash to see.
    try {
      registration.dispose = runtime.registerTool(registration.definition, registration.options);
    } catch (err) {
      console.warn(`Toolgate: the page tool "${registration.definition.name}" was not registered:`, err instanceof Error ? err.message : err);
    }
  }

  #stop(what: 'forms' | 'bridge'): void {
    if (what === 'forms') {
      this.#stopForms?.();
      this.#stopForms = undefined;
    } else {
      this.#bridge?.close();
      this.#bridge = undefined;
    }
  }
}
