/**
 * `<tg-agent>`'s toolbar and audit panel (`renderTop`) and its conversation section: the entries (the person's text, the model's Markdown, a
 * chip per tool call whoever proposed it, coded errors), the approval and elicitation cards, Stop,
 * and the composer or the manual form; and the audit section. Server data and the model's text
 * are untrusted: text bindings only, and Markdown through the sanitizer.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AssistantEntry, ContextItem, ConversationEntry, ToolCallEntry } from '../../agent/conversation.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { TgManualSubmitEvent } from '../../events/tg-manual-submit.js';
import type { ApprovalQueue, ApprovalRequest } from '../../gate/approvals.js';
import type { GatedTool } from '../../gate/tool-gate.js';
import type { PendingElicitation } from '../../runtime/pending-elicitation.js';
import type { CodedError } from '../../runtime/coded-error.js';
import { renderError, renderResult } from '../shared/result.template.js';
import type { JsonObject } from '../../../workers/shared/wire.js';
import type { MarkdownView } from './markdown-view.js';
import { describeResult } from './result-view.js';

/** What the conversation section shows, and what it does on the person's input. */
export interface ConversationView {
  entries: readonly ConversationEntry[];
  markdown: MarkdownView;
  approvals: readonly ApprovalRequest[];
  queue: ApprovalQueue | undefined;
  elicitations: readonly PendingElicitation[];
  /** Cards that could not be loaded (`TG_UI_LOAD_FAILED`): what waited for them was refused. */
  loadErrors: readonly CodedError[];
  /** A turn runs. */
  busy: boolean;
  /** The runtime is open. */
  ready: boolean;
  /** No model: the manual form instead of the composer. */
  manual: boolean;
  /** The tools of the manual form. */
  tools: readonly GatedTool[];
  /** The message form with its attachments (composer.ts). */
  composer: TemplateResult;
  /** A tool's title and its server's name, as the person reads them (the id when unknown). */
  describeTool(toolId: string): { title: string; server?: string };
  /** Attach a result's `resource_link` to the next message. */
  attachLink(entry: ToolCallEntry, uri: string, title: string): void;
  /** The MCP App view under a tool call, if its tool has one (app-views.controller.ts). */
  appView(entry: ToolCallEntry): TemplateResult | typeof nothing;
  /** What views set as context for the person's next message. */
  viewNotes: TemplateResult | typeof nothing;
  runTool(toolId: string, args: JsonObject): void;
  stop(): void;
}

export function renderConversation(view: ConversationView): TemplateResult {
  // A call whose approval is pending waits for the person: it is not running, and Stop is not what they need.
  const asked = new Set(view.approvals.map((a) => callKey(a.toolId, a.args)));
  const waiting = (entry: ToolCallEntry) => entry.status === 'running' && asked.has(callKey(entry.toolId, entry.args));
  const streaming = view.entries.some((e) => e.kind === 'assistant' && e.status === 'streaming');
  return html`<section part="conversation" class="card conversation" aria-labelledby="conversation-title">
    <h2 id="conversation-title">${view.manual ? 'Tool calls' : 'Conversation'}</h2>
    <div class="log" role="log" aria-live="polite" aria-busy=${streaming ? 'true' : 'false'} aria-label="Conversation">
      <ol part="messages" class="messages">
        ${repeat(view.entries, (entry) => entry.id, (entry) => renderEntry(entry, view, waiting))}
      </ol>
    </div>
    ${view.approvals.length > 0
      ? html`<div part="approvals" class="approvals">
          ${repeat(view.approvals, (r) => r.id, (r) => html`<tg-approval part="approval" .queue=${view.queue} .request=${r}></tg-approval>`)}
        </div>`
      : nothing}
    ${view.elicitations.length > 0
      ? html`<div part="elicitations" class="approvals">
          ${repeat(view.elicitations, (p) => p.id, (p) => html`<tg-elicitation part="elicitation" .pending=${p}></tg-elicitation>`)}
        </div>`
      : nothing}
    ${view.loadErrors.map((error) => html`<div role="alert">${renderError(error, 'card-error')}</div>`)}
    ${view.busy && asked.size === 0
      ? html`<div class="actions">
          <button part="stop-button" class="secondary" type="button" @click=${() => view.stop()}>Stop</button>
          <span class="muted" role="status">Working…</span>
        </div>`
      : nothing}
    ${view.viewNotes}
    ${view.manual
      ? html`<tg-manual-form
          part="manual-form"
          .tools=${view.tools}
          ?busy=${view.busy || !view.ready}
          @tg-manual-submit=${(event: TgManualSubmitEvent) => view.runTool(event.detail.toolId, event.detail.args)}
        ></tg-manual-form>`
      : view.composer}
  </section>`;
}

const callKey = (toolId: string, args: JsonObject) => `${toolId}\n${JSON.stringify(args)}`;

/** The top of `<tg-agent>`: why it cannot work (if so), the toolbar, and the audit log when open. */
export interface TopView {
  errors: readonly CodedError[];
  /** The audit log's banners (storage, shipping). */
  banners: TemplateResult | typeof nothing;
  audit: AuditLog | undefined;
  /** The model picker, when there is a choice. */
  picker: TemplateResult | typeof nothing;
  /** The audit log's toggle is shown (`no-audit` hides it). */
  auditShown: boolean;
  auditOpen: boolean;
  toggleAudit(): void;
}

/**
 * Errors and the audit log's banners, then a toolbar — the model picker and the audit log's
 * toggle, so the log is one click away without scrolling — and the log itself, opened right
 * under the toolbar.
 */
export function renderTop(view: TopView): TemplateResult {
  const open = view.auditShown && view.auditOpen;
  const onClick = () => {
    // The viewer (virtualizer, verify, export) loads when first opened, not with the first paint.
    if (!open) void import('../audit-log/tg-audit-log.js');
    view.toggleAudit();
  };
  return html`${view.errors.map((error) => html`<div role="alert">${renderError(error, 'agent-error')}</div>`)}
    ${view.banners}
    ${view.picker !== nothing || view.auditShown
      ? html`<div part="toolbar" class="toolbar" role="toolbar" aria-label="Agent">
          ${view.picker}
          ${view.auditShown
            ? html`<button part="audit-toggle" class="secondary" type="button" aria-expanded=${open ? 'true' : 'false'} aria-controls="audit-panel" @click=${onClick}>
                ${open ? 'Hide audit log' : 'Show audit log'}
              </button>`
            : nothing}
        </div>`
      : nothing}
    ${view.auditShown
      ? html`<section part="audit" class="audit" id="audit-panel" aria-label="Audit log" ?hidden=${!open}>
          ${open && view.audit ? html`<tg-audit-log part="audit-log" .log=${view.audit}></tg-audit-log>` : nothing}
        </section>`
      : nothing}`;
}

function proposedBy(p: ToolCallEntry['proposer']): string {
  return p.kind === 'person' ? 'You ran' : p.kind === 'app' ? `The view of ${p.tool} called` : p.kind === 'webmcp' ? 'The browser’s agent called' : 'The model called';
}

/** Why part of the person's context did not reach the model, in their words. */
export const WITHHELD_WHY: Record<NonNullable<ContextItem['withheldBy']>, string> = {
  'data-flow': 'The data-flow policy does not let this server’s content reach this model.',
  audience: 'The parts addressed to you only were not sent to the model.',
};

const CHIP_STATUS: Record<ToolCallEntry['status'] | 'waiting', string> = {
  waiting: 'waiting for you',
  running: 'running',
  ok: 'done',
  'tool-error': 'tool error',
  refused: 'refused',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function renderEntry(entry: ConversationEntry, view: ConversationView, waiting: (entry: ToolCallEntry) => boolean): TemplateResult | typeof nothing {
  switch (entry.kind) {
    case 'user':
      return html`<li part="user-message" class="msg user">
        <span class="who">You</span>
        ${entry.context?.length
          ? html`<ul class="context-chips" aria-label="Attached">
              ${entry.context.map(
                (item) => html`<li part="context-chip" class="context-chip" data-kind=${item.kind} data-withheld=${item.withheld ? 'true' : 'false'}>
                  <span class="muted">${item.kind === 'prompt' ? `/${item.role}` : 'resource'}</span><span>${item.title ?? item.name}</span>
                  ${item.withheld
                    ? html`<span class="badge">${item.withheldBy === 'audience' ? 'partly withheld' : 'withheld from the model'}</span
                        ><span part="withheld-reason" class="muted">${WITHHELD_WHY[item.withheldBy ?? 'data-flow']}</span>`
                    : nothing}
                </li>`,
              )}
            </ul>`
          : nothing}
        ${entry.text ? html`<div class="text">${entry.text}</div>` : nothing}
      </li>`;
    case 'assistant':
      // A model step that only called tools has no text: no empty bubble (its calls follow).
      if (entry.text === '' && (entry.status === 'done' || entry.status === 'streaming')) return nothing;
      return renderAssistant(entry, view.markdown);
    case 'tool-call':
      return renderChip(entry, view, waiting(entry));
    case 'error':
      return html`<li part="error-entry" class="msg error-entry" data-code=${entry.code}>
        <code class="code">${entry.code}</code><span class="message">${entry.message}</span>
      </li>`;
  }
}

function renderAssistant(entry: AssistantEntry, markdown: MarkdownView): TemplateResult {
  // The model's output is untrusted: Markdown goes through the sanitizer and the image/link gate
  // (src/markdown/render.ts) and is inserted as a node, never as an HTML string.
  return html`<li part="assistant-message" class="msg assistant" data-status=${entry.status}>
    <span class="who">Assistant</span>
    ${markdown.render(entry.id, entry.text)}${entry.status === 'streaming' ? html`<span class="cursor" aria-hidden="true">▍</span>` : nothing}
    ${entry.status === 'stopped' ? html`<p class="muted">(stopped)</p>` : nothing}
  </li>`;
}

function renderChip(entry: ToolCallEntry, view: ConversationView, waiting: boolean): TemplateResult {
  const outcome = entry.outcome;
  const p = entry.progress;
  const total = p && typeof p.total === 'number' && p.total > 0 ? p.total : undefined;
  const status = waiting ? 'waiting' : entry.status;
  const { title, server } = view.describeTool(entry.toolId);
  return html`<li part="tool-chip" class="msg chip status-${status}" data-tool=${entry.toolId} data-status=${status}>
    <div class="chip-head">
      <span class="muted">${proposedBy(entry.proposer)}</span>
      <span class="chip-name" title=${entry.toolId}>${title}</span>
      ${server ? html`<span class="muted chip-server">on ${server}</span>` : nothing}
      <span part="chip-status" class="badge chip-status" role="status">${CHIP_STATUS[status]}</span>
    </div>
    ${Object.keys(entry.args).length > 0
      ? html`<details class="chip-args">
          <summary>Arguments</summary>
          <pre>${JSON.stringify(entry.args, null, 2)}</pre>
        </details>`
      : nothing}
    ${entry.status === 'running' && p
      ? html`<div class="progress">
          ${total !== undefined ? html`<progress max=${total} .value=${Math.min(p.progress, total)} aria-label="Progress of ${title}"></progress>` : nothing}
          <span class="muted">${p.progress}${total !== undefined ? ` of ${total}` : ''}${p.message ? ` — ${p.message}` : ''}</span>
        </div>`
      : nothing}
    ${outcome
      ? html`<div part="tool-result" class="tool-result">
          ${'result' in outcome
            ? renderResult(describeResult(outcome.result, { toolName: title }), { attachLink: (link) => view.attachLink(entry, link.uri, link.name) })
            : html`<p class="error" data-code=${outcome.error.code}><code class="code">${outcome.error.code}</code><span class="message">${outcome.error.message}</span></p>`}
        </div>`
      : nothing}
    ${view.appView(entry)}
  </li>`;
}
