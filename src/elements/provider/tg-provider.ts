import { TgProvider } from './tg-provider.component.js';

export * from './tg-provider.component.js';

if (!customElements.get('tg-provider')) customElements.define('tg-provider', TgProvider);

declare global {
  interface HTMLElementTagNameMap {
    'tg-provider': TgProvider;
  }
}
