/** Registers `<tg-app-view>` (see tg-app-view.component.ts). Loaded on demand: the first tool with a view. */
import { TgAppView } from './tg-app-view.component.js';

export { TgAppView };
export type { AppViewSource } from './tg-app-view.component.js';

if (!customElements.get('tg-app-view')) customElements.define('tg-app-view', TgAppView);

declare global {
  interface HTMLElementTagNameMap {
    'tg-app-view': TgAppView;
  }
}
