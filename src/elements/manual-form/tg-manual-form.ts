import { TgManualForm } from './tg-manual-form.component.js';

export * from './tg-manual-form.component.js';

if (!customElements.get('tg-manual-form')) customElements.define('tg-manual-form', TgManualForm);

declare global {
  interface HTMLElementTagNameMap {
    'tg-manual-form': TgManualForm;
  }
}
