/**
 * A field control's ARIA state, set as one binding: `aria-required`, `aria-invalid`, and
 * `aria-describedby` (its description and error, removed when it has neither). Every control of
 * the manual form states them the same way, so the form's screen-reader output has one source.
 */
import { nothing } from 'lit';
import { Directive, PartType, directive, type ElementPart, type PartInfo } from 'lit/directive.js';

export interface FieldAriaState {
  /** Unset: no `aria-required` (a checkbox is never required). */
  required?: boolean;
  invalid: boolean;
  /** Ids of the description and error, space-separated; empty for none. */
  describedBy: string;
}

class FieldAriaDirective extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('fieldAria() goes on an element: <input ${fieldAria(…)}>');
  }

  render(_state: FieldAriaState): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [state]: [FieldAriaState]): typeof nothing {
    const set = (name: string, value: string | undefined) => (value === undefined || value === '' ? part.element.removeAttribute(name) : part.element.setAttribute(name, value));
    set('aria-required', state.required === undefined ? undefined : String(state.required));
    set('aria-invalid', String(state.invalid));
    set('aria-describedby', state.describedBy);
    return nothing;
  }
}

export const fieldAria = directive(FieldAriaDirective);
