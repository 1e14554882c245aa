/** Registers `<tg-elicitation>` (see tg-elicitation.component.ts). */
import { TgElicitation } from './tg-elicitation.component.js';

export { TgElicitation };

if (!customElements.get('tg-elicitation')) customElements.define('tg-elicitation', TgElicitation);

declare global {
  interface HTMLElementTagNameMap {
    'tg-elicitation': TgElicitation;
  }
}
