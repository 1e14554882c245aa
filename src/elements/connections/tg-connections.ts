import { TgConnections } from './tg-connections.component.js';

export * from './tg-connections.component.js';

if (!customElements.get('tg-connections')) customElements.define('tg-connections', TgConnections);

declare global {
  interface HTMLElementTagNameMap {
    'tg-connections': TgConnections;
  }
}
