/**
 * Templates of the composer's pickers (`<tg-prompt-menu>`, `<tg-resource-picker>`; `pickerStyles`
 * styles them): the fields of an argument form with the server's completion suggestions, and the
 * servers that failed to list. Names, titles, descriptions, suggestions and error messages are
 * server text: text bindings only.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ArgumentForm } from '../../context/argument-form.js';
import type { ListingError } from '../../context/catalog.js';

/** Suggestions shown per field at most (the server may send 100). */
export const SHOWN_SUGGESTIONS = 12;

/** A prompt's arguments or a resource template's variables, each with the server's suggestions. */
export function argumentFields(form: ArgumentForm): TemplateResult[] {
  return form.fields.map((field) => {
    const id = `arg-${field.name}`;
    const label = field.title ?? field.name;
    return html`<div class="field">
      <label for=${id}>${label}${field.required ? ' (required)' : ''}</label>
      ${field.description ? html`<span class="muted" id=${`${id}-hint`}>${field.description}</span>` : nothing}
      <input
        id=${id}
        name=${field.name}
        autocomplete="off"
        aria-describedby=${field.description ? `${id}-hint` : nothing}
        .value=${field.value}
        @input=${(e: Event) => form.set(field.name, (e.target as HTMLInputElement).value)}
        @focus=${() => form.suggest(field.name)}
      />
      ${field.suggestions.length > 0
        ? html`<div class="suggestions" role="group" aria-label=${`Suggestions for ${label}`}>
            ${field.suggestions.slice(0, SHOWN_SUGGESTIONS).map((s) => html`<button type="button" part="suggestion" class="suggestion" @click=${() => form.set(field.name, s)}>${s}</button>`)}
            ${field.more || field.suggestions.length > SHOWN_SUGGESTIONS ? html`<span class="muted">…</span>` : nothing}
          </div>`
        : nothing}
    </div>`;
  });
}

/** One alert per server whose listing failed, with its coded error. */
export function listingErrors(errors: readonly ListingError[]): TemplateResult[] {
  return errors.map((e) => html`<p class="error" role="alert">${e.server.label}: <code class="code">${e.error.code ?? ''}</code> ${e.error.message}</p>`);
}
