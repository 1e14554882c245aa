import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { GatedTool } from '../../gate/tool-gate.js';
import type { FormField, FormValue } from '../../llm/manual.js';
import { ManualFormController, pointerOf, type Segments } from './manual-form.controller.js';
import { fieldAria } from './field-aria.js';
import { TgManualSubmitEvent } from '../../events/tg-manual-submit.js';
import { styles } from './tg-manual-form.styles.js';

/** An id for a field's control, from its value path (unique within this shadow root). */
const idOf = (segments: Segments) => `f${pointerOf(segments).replace(/[^a-zA-Z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;

/**
 * The manual provider's form: the person picks one of the tools the gate shows them and fills a
 * form generated from its `inputSchema` (strings, numbers, integers, booleans, enums, nested
 * objects, arrays; anything else as JSON text). Required fields are marked, defaults prefilled,
 * descriptions shown as text (they come from an untrusted server), and validation errors
 * (`TG_FORM_INVALID`) shown next to their field. A valid submit fires `tg-manual-submit`, which
 * `<tg-agent>` turns into a call through the gate.
 *
 * @event tg-manual-submit - The person submitted valid values. `detail: { toolId, args }`.
 *
 * @csspart form - The form.
 * @csspart tool-picker - The tool `<select>`.
 * @csspart tool-description - The picked tool's description.
 * @csspart field - One field (label, control, description, error).
 * @csspart field-error - A field's validation error.
 * @csspart form-error - The summary of a failed submit (role `alert`), with its code.
 * @csspart submit-button - The Run button.
 *
 * @cssproperty --tg-color-accent - Buttons and focus rings (and every other `--tg-*` of `<tg-agent>`).
 */
export class TgManualForm extends LitElement {
  static override styles = styles;

  static override properties = {
    tools: { attribute: false },
    busy: { type: Boolean, reflect: true },
  };

  /** The tools to offer: `gate.tools({ kind: 'person' })`. */
  declare tools: readonly GatedTool[];
  /** A call is running: the Run button is disabled. */
  declare busy: boolean;

  readonly #state = new ManualFormController(this);

  constructor() {
    super();
    this.tools = [];
    this.busy = false;
  }

  /** The controller (picked tool, values, errors), for hosts and tests. */
  get state(): ManualFormController {
    return this.#state;
  }

  /** Picks a tool by its gate id (what the picker does). */
  selectTool(toolId: string | undefined): void {
    this.#state.select(this.tools.find((t) => t.id === toolId));
  }

  /** Validates and, when valid, fires `tg-manual-submit`. Returns whether it fired. */
  submit(): boolean {
    if (this.busy) return false;
    const call = this.#state.submit();
    if (!call) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return false;
    }
    this.dispatchEvent(new TgManualSubmitEvent(call));
    return true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('tools')) this.#state.syncTools(this.tools);
  }

  protected override render(): TemplateResult {
    const tool = this.#state.tool;
    const form = this.#state.form;
    const byServer = new Map<string, GatedTool[]>();
    for (const t of this.tools) byServer.set(t.serverId, [...(byServer.get(t.serverId) ?? []), t]);
    const error = this.#state.error;
    const general = this.#state.errors.filter((e) => e.path === '');
    return html`<form
      part="form"
      class="manual"
      novalidate
      aria-label="Run a tool"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        this.submit();
      }}
    >
      <div class="field" part="field">
        <label for="tool">Tool</label>
        <select
          id="tool"
          part="tool-picker"
          aria-describedby=${tool?.tool.description ? 'tool-description' : nothing}
          @change=${(event: Event) => this.selectTool((event.target as HTMLSelectElement).value || undefined)}
        >
          <option value="" ?selected=${!tool}>${this.tools.length === 0 ? 'No tools available' : 'Choose a tool…'}</option>
          ${[...byServer].map(
            ([server, tools]) => html`<optgroup label=${server}>
              ${tools.map(
                (t) =>
                  html`<option value=${t.id} ?selected=${tool?.id === t.id}>
                    ${t.tool.title && t.tool.title !== t.tool.name ? `${t.tool.title} (${t.displayName ?? t.tool.name})` : (t.displayName ?? t.tool.name)}${t.quarantined
                      ? ' — changed, needs approval'
                      : ''}
                  </option>`,
              )}
            </optgroup>`,
          )}
        </select>
        ${tool?.tool.description ? html`<p id="tool-description" part="tool-description" class="description">${tool.tool.description}</p>` : nothing}
      </div>
      ${form
        ? html`${form.fields.length === 0 ? html`<p class="muted">This tool takes no arguments.</p>` : nothing}
          ${form.fields.map((f) => this.#field(f, [f.key]))}`
        : nothing}
      ${error
        ? html`<div part="form-error" class="form-error" role="alert" data-code=${error.code ?? ''}>
            ${error.code ? html`<code class="code">${error.code}</code>` : nothing}
            <span>${general.length > 0 ? general.map((e) => e.message).join('; ') : 'Some values are not valid; see the marked fields.'}</span>
          </div>`
        : nothing}
      <div class="actions">
        <button part="submit-button" class="primary" type="submit" ?disabled=${!tool || this.busy}>Run</button>
      </div>
    </form>`;
  }

  #field(f: FormField, segments: Segments, label = f.label): TemplateResult {
    const id = idOf(segments);
    const value = this.#state.get(segments);
    const err = this.#state.errorAt(segments);
    const describedBy = [f.description ? `${id}-desc` : '', err ? `${id}-err` : ''].filter(Boolean).join(' ');
    const aria = fieldAria({ required: f.required, invalid: err !== undefined, describedBy });
    const required = f.required ? html`<span class="required" aria-hidden="true">*</span>` : nothing;
    const description = f.description ? html`<p id="${id}-desc" class="description">${f.description}</p>` : nothing;
    const error = err ? html`<p id="${id}-err" part="field-error" class="field-error" data-path=${err.path}>${err.message}</p>` : nothing;
    const set = (v: FormValue) => this.#state.set(segments, v);
    switch (f.kind) {
      case 'object':
        return html`<fieldset part="field" class="group" data-field=${pointerOf(segments)}>
          <legend>${label}${required}</legend>
          ${description} ${f.fields.map((child) => this.#field(child, [...segments, child.key]))} ${error}
        </fieldset>`;
      case 'array': {
        const items = Array.isArray(value) ? value : [];
        return html`<fieldset part="field" class="group" data-field=${pointerOf(segments)}>
          <legend>${label}${required}</legend>
          ${description}
          ${items.map(
            (_item, i) => html`<div class="item">
              ${this.#field(f.item, [...segments, i], `${label} ${i + 1}`)}
              <button type="button" class="secondary" @click=${() => this.#state.removeItem(segments, i)} aria-label="Remove ${label} ${i + 1}">Remove</button>
            </div>`,
          )}
          <div class="actions">
            <button
              type="button"
              class="secondary"
              ?disabled=${f.maxItems !== undefined && items.length >= f.maxItems}
              @click=${() => this.#state.addItem(segments, f.item)}
            >
              Add ${label}
            </button>
          </div>
          ${error}
        </fieldset>`;
      }
      case 'boolean':
        return html`<div part="field" class="field check" data-field=${pointerOf(segments)}>
          <input
            id=${id}
            type="checkbox"
            .checked=${value === true}
            ${fieldAria({ invalid: err !== undefined, describedBy })}
            @change=${(e: Event) => set((e.target as HTMLInputElement).checked)}
          />
          <label for=${id}>${label}${required}</label>
          ${description} ${error}
        </div>`;
      case 'enum':
        return html`<div part="field" class="field" data-field=${pointerOf(segments)}>
          <label for=${id}>${label}${required}</label>
          <select
            id=${id}
            ${aria}
            @change=${(e: Event) => {
              const index = (e.target as HTMLSelectElement).value;
              set(index === '' ? undefined : (f.options[Number(index)]?.value as FormValue));
            }}
          >
            <option value="" ?selected=${value === undefined}>${f.required ? 'Choose…' : '(none)'}</option>
            ${f.options.map((o, i) => html`<option value=${String(i)} ?selected=${value !== undefined && JSON.stringify(o.value) === JSON.stringify(value)}>${o.label}</option>`)}
          </select>
          ${description} ${error}
        </div>`;
      case 'number':
      case 'integer':
        return html`<div part="field" class="field" data-field=${pointerOf(segments)}>
          <label for=${id}>${label}${required}</label>
          <input
            id=${id}
            type="number"
            inputmode=${f.kind === 'integer' ? 'numeric' : 'decimal'}
            step=${f.kind === 'integer' ? '1' : 'any'}
            min=${f.minimum ?? nothing}
            max=${f.maximum ?? nothing}
            .value=${value === undefined || value === null ? '' : String(value)}
            ${aria}
            @input=${(e: Event) => set((e.target as HTMLInputElement).value)}
          />
          ${description} ${error}
        </div>`;
      case 'json':
        return html`<div part="field" class="field" data-field=${pointerOf(segments)}>
          <label for=${id}>${label}${required} <span class="muted">(JSON: ${f.reason})</span></label>
          <textarea
            id=${id}
            spellcheck="false"
            .value=${typeof value === 'string' ? value : JSON.stringify(value ?? '')}
            ${aria}
            @input=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}
          ></textarea>
          ${description} ${error}
        </div>`;
      case 'string': {
        const long = f.maxLength === undefined ? false : f.maxLength > 500;
        const common = {
          value: typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value),
          onInput: (e: Event) => set((e.target as HTMLInputElement | HTMLTextAreaElement).value),
        };
        return html`<div part="field" class="field" data-field=${pointerOf(segments)}>
          <label for=${id}>${label}${required}</label>
          ${long
            ? html`<textarea
                id=${id}
                maxlength=${f.maxLength ?? nothing}
                .value=${common.value}
                ${aria}
                @input=${common.onInput}
              ></textarea>`
            : html`<input
                id=${id}
                type=${f.format === 'email' ? 'email' : f.format === 'uri' ? 'url' : 'text'}
                maxlength=${f.maxLength ?? nothing}
                .value=${common.value}
                ${aria}
                @input=${common.onInput}
              />`}
          ${description} ${error}
        </div>`;
      }
    }
  }
}
