/** Registers `<tg-prompt-menu>` (see tg-prompt-menu.component.ts). */
import { TgPromptMenu } from './tg-prompt-menu.component.js';

export { TgPromptMenu };

if (!customElements.get('tg-prompt-menu')) customElements.define('tg-prompt-menu', TgPromptMenu);

declare global {
  interface HTMLElementTagNameMap {
    'tg-prompt-menu': TgPromptMenu;
  }
}
