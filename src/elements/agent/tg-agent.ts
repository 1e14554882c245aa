import '../server/tg-server.js';
import '../provider/tg-provider.js';
import { TgAgent } from './tg-agent.component.js';

export * from './tg-agent.component.js';

if (!customElements.get('tg-agent')) customElements.define('tg-agent', TgAgent);

declare global {
  interface HTMLElementTagNameMap {
    'tg-agent': TgAgent;
  }
}
