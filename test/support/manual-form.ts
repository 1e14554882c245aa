/**
 * Driving a `<tg-manual-form>` as a person does, for its own tests and for `<tg-agent>`'s manual
 * mode: type into a field, add list items, press Run.
 */
import type { TgManualForm } from '../../src/elements/manual-form/tg-manual-form.js';

const root = (form: TgManualForm) => form.shadowRoot!;

/** The input, textarea or select of the field at JSON pointer `pointer`. */
export const control = (form: TgManualForm, pointer: string) =>
  root(form).querySelector<HTMLInputElement>(`[data-field="${pointer}"] > input, [data-field="${pointer}"] > textarea, [data-field="${pointer}"] > select`);

/** Types `value` into the field at `pointer` (an input event, as a keystroke sends). */
export async function typeInto(form: TgManualForm, pointer: string, value: string): Promise<void> {
  const input = control(form, pointer)!;
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await form.updateComplete;
}

/** Presses the Add button of the list field at `pointer`, `times` times. */
export async function addItems(form: TgManualForm, pointer: string, times: number): Promise<void> {
  const add = root(form).querySelector<HTMLButtonElement>(`[data-field="${pointer}"] > .actions button`)!;
  for (let i = 0; i < times; i++) {
    add.click();
    await form.updateComplete;
  }
}

/** Presses Run. */
export async function submitForm(form: TgManualForm): Promise<void> {
  root(form).querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
  await form.updateComplete;
}
