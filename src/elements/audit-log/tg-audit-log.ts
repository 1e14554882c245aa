import { TgAuditLog } from './tg-audit-log.component.js';

export * from './tg-audit-log.component.js';

if (!customElements.get('tg-audit-log')) customElements.define('tg-audit-log', TgAuditLog);

declare global {
  interface HTMLElementTagNameMap {
    'tg-audit-log': TgAuditLog;
  }
}
