/**
 * The `<tg-provider>` children of `<tg-agent>` (read from their attributes, kept while those stay
 * the same) and the person's choice among them in the model picker: one of them, or no model at
 * all (the person picks tools). `renderProviderPicker` is the picker.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { LlmProvider } from '../../llm/types.js';
import type { CodedError } from '../../runtime/coded-error.js';
import { parseProviderAttributes, type ProviderDeclaration } from '../provider/provider-config.js';
import { TgProvider } from '../provider/tg-provider.component.js';

export class ProvidersController implements ReactiveController {
  readonly #host: ReactiveControllerHost & Element;
  readonly #changed: () => void;
  #declared: ProviderDeclaration[] = [];
  /** An index into `declared`, or -1 for no model. */
  #choice = 0;

  constructor(host: ReactiveControllerHost & Element, changed: () => void) {
    this.#host = host;
    this.#changed = changed;
    host.addController(this);
  }

  hostConnected(): void {
    this.sync();
  }

  /** The `<tg-provider>` children as last read. */
  get declared(): readonly ProviderDeclaration[] {
    return this.#declared;
  }

  /** Why `<tg-provider>` children cannot be used (`TG_INVALID_CONFIG`), shown unless the host set a provider. */
  get configErrors(): CodedError[] {
    return this.#declared.flatMap((d) => (d.configError ? [d.configError] : []));
  }

  get choice(): number {
    return this.#choice;
  }

  /** The chosen child's provider, if one is chosen and valid. */
  get provider(): LlmProvider | undefined {
    return this.#declared[this.#choice]?.provider;
  }

  /** Reads the children again; a change applies from the next turn. */
  sync(): void {
    const next = [...this.#host.querySelectorAll(':scope > tg-provider')].map((element) => (element instanceof TgProvider ? element.declaration : parseProviderAttributes(element)));
    const keys = (list: ProviderDeclaration[]) => list.map((d) => d.key).join('\n');
    if (keys(next) === keys(this.#declared)) return;
    this.#declared = next;
    if (this.#choice >= next.length) this.#choice = 0;
    this.#changed();
  }

  choose(choice: number): void {
    this.#choice = choice;
    this.#changed();
  }
}

/** The model picker: each valid `<tg-provider>` child, and "no model" (the person picks tools). */
export function renderProviderPicker(providers: ProvidersController, busy: boolean): TemplateResult | typeof nothing {
  if (providers.declared.length === 0) return nothing;
  return html`<label part="provider-picker" class="provider-picker">
    <span>Model</span>
    <select ?disabled=${busy} @change=${(e: Event) => providers.choose(Number((e.target as HTMLSelectElement).value))}>
      ${providers.declared.map((d, i) => (d.provider ? html`<option value=${i} ?selected=${i === providers.choice}>${d.title}</option>` : nothing))}
      <option value="-1" ?selected=${providers.choice < 0}>No model: pick tools yourself</option>
    </select>
  </label>`;
}
