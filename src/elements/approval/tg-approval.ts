import { TgApproval } from './tg-approval.component.js';

export * from './tg-approval.component.js';

if (!customElements.get('tg-approval')) customElements.define('tg-approval', TgApproval);

declare global {
  interface HTMLElementTagNameMap {
    'tg-approval': TgApproval;
  }
}
