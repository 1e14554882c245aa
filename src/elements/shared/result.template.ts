/**
 * Templates shared by `<tg-agent>` (tool chips) and `<tg-connections>` (tool panels): coded
 * errors, call progress and tool results. Everything here is server data, so text bindings only.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { CodedError } from '../../runtime/coded-error.js';
import type { Progress } from '../../../workers/shared/wire.js';
import type { ResultPart, ResultView } from '../agent/result-view.js';

export function renderError(error: CodedError, part: string): TemplateResult {
  return html`<p part=${part} class="error" data-code=${error.code ?? ''}>
    ${error.code ? html`<code class="code">${error.code}</code>` : nothing}<span class="message">${error.message}</span>
  </p>`;
}

export function renderProgress(toolName: string, progress: Progress | undefined): TemplateResult {
  if (!progress) return html`<p part="progress" class="progress muted">Calling ${toolName}…</p>`;
  const total = typeof progress.total === 'number' && progress.total > 0 ? progress.total : undefined;
  return html`<div part="progress" class="progress">
    ${total !== undefined
      ? html`<progress max=${total} .value=${Math.min(progress.progress, total)} aria-label="Progress of ${toolName}"></progress>`
      : nothing}
    <span class="muted">${progress.progress}${total !== undefined ? ` of ${total}` : ''}${progress.message ? ` — ${progress.message}` : ''}</span>
  </div>`;
}

/** What a result's links may do: attach the linked resource to the person's next message (read from the same server). */
export interface ResultActions {
  attachLink?: (link: Extract<ResultPart, { kind: 'link' }>) => void;
}

export function renderResult(view: ResultView, actions: ResultActions = {}): TemplateResult {
  return html`<div class="result-body ${view.isError ? 'is-error' : ''}" data-is-error=${view.isError ? 'true' : 'false'}>
    <p class="result-label">${view.isError ? 'The tool reported an error' : 'Result'}</p>
    ${view.parts.length === 0 ? html`<p class="notice">(no content)</p>` : view.parts.map((part) => renderPart(part, actions))}
    ${view.structured !== undefined
      ? html`<details>
          <summary>Structured content</summary>
          <pre>${view.structured}</pre>
        </details>`
      : nothing}
  </div>`;
}

function renderPart(part: ResultPart, actions: ResultActions): TemplateResult {
  switch (part.kind) {
    case 'text':
      return html`<div class="text-block">${part.text}</div>`;
    case 'image':
      return html`<img src=${part.src} alt=${part.alt} />`;
    case 'audio':
      return html`<audio controls preload="metadata" src=${part.src} aria-label=${part.label}></audio>`;
    case 'link':
      // Shown as text only: the URI is the server's, and following it could leak or fetch anything.
      // Attaching reads it from the same server, through the person's context (labelled, bounded).
      return html`<p class="link">
        Link (not opened): ${part.name} <code>${part.uri}</code>${part.mimeType ? html` <span class="muted">(${part.mimeType})</span>` : nothing}${part.description
          ? html`<br /><span class="muted">${part.description}</span>`
          : nothing}
        ${actions.attachLink
          ? html`<button type="button" part="attach-link" class="secondary" @click=${() => actions.attachLink!(part)}>Attach to message</button>`
          : nothing}
      </p>`;
    case 'resource':
      return html`<div class="resource">
        <p class="muted">Resource <code>${part.uri}</code>${part.mimeType ? ` (${part.mimeType})` : ''}</p>
        <div class="text-block">${part.text}</div>
      </div>`;
    case 'notice':
      return html`<p class="notice">${part.text}</p>`;
  }
}
