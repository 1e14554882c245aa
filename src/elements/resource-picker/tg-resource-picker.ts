/** Registers `<tg-resource-picker>` (see tg-resource-picker.component.ts). */
import { TgResourcePicker } from './tg-resource-picker.component.js';

export { TgResourcePicker };

if (!customElements.get('tg-resource-picker')) customElements.define('tg-resource-picker', TgResourcePicker);

declare global {
  interface HTMLElementTagNameMap {
    'tg-resource-picker': TgResourcePicker;
  }
}
