/**
 * `<tg-agent>`'s banners about its audit log: storage that cannot be written (calls are refused;
 * Retry asks the log to try now — it also retries by itself, with a backoff) and shipping to the
 * collector that lags or stopped (Resume, when stopped). The state is the runtime's
 * (`runtime.audit.health`, `runtime.otlp.status`); these only show it and forward the buttons.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AuditHealth } from '../../audit/audit-log.js';
import type { OtlpShippingStatus } from '../../audit/otlp-shipper.js';

export interface AuditBannersView {
  health: AuditHealth | undefined;
  /** A Retry the person asked for is under way. */
  retrying: boolean;
  retry(): void;
  shipping: OtlpShippingStatus | undefined;
  resume(): void;
}

export function renderAuditBanners(view: AuditBannersView): TemplateResult {
  const { health, shipping } = view;
  return html`${health?.state === 'failed'
    ? html`<div part="audit-banner" class="error banner" role="alert">
        <code class="code">${health.error.code}</code>The audit log cannot be written, so tool calls are refused: ${health.error.message}
        <button part="audit-retry" type="button" ?disabled=${view.retrying} @click=${() => view.retry()}>${view.retrying ? 'Retrying…' : 'Retry'}</button>
      </div>`
    : nothing}
  ${shipping?.error && (shipping.lagging || shipping.state === 'stopped')
    ? html`<div part="export-banner" class="error banner" role="status">
        <code class="code">${shipping.error.code}</code>The audit log is not reaching the collector (${shipping.backlog} records wait; none are lost):
        ${shipping.error.message}
        ${shipping.state === 'stopped' ? html`<button part="export-resume" type="button" @click=${() => view.resume()}>Resume</button>` : nothing}
      </div>`
    : nothing}`;
}
