import { TgServer } from './tg-server.component.js';

export * from './tg-server.component.js';
export * from './server-config.js';

if (!customElements.get('tg-server')) customElements.define('tg-server', TgServer);

declare global {
  interface HTMLElementTagNameMap {
    'tg-server': TgServer;
  }
}
