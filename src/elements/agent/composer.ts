/**
 * `<tg-agent>`'s composer: the message field, what is attached to the next message (chips of the
 * runtime's `composer`: resources, prompts' messages, each with its server), the resource picker
 * (Attach) and the `/` prompt menu. The behaviour is the runtime's (src/context/): this reads its
 * state and renders it; the picker and the menu load on first use.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { slashQuery } from '../../context/catalog.js';
import type { ContextServer } from '../../context/context-server.js';
import type { TgPickerCloseEvent } from '../../events/tg-picker-close.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { TgPromptMenu } from '../prompt-menu/tg-prompt-menu.component.js';
import { WITHHELD_WHY } from './conversation.template.js';

export interface ComposerState {
  busy: boolean;
  ready: boolean;
  send(text: string): void;
}

export class ComposerController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #runtime: () => Runtime | undefined;
  #pickerOpen = false;
  /** What follows `/` at the start of the message, while the menu is open. */
  #slash: string | undefined;
  #servers: readonly ContextServer[] = [];

  constructor(host: ReactiveControllerHost & HTMLElement, runtime: () => Runtime | undefined) {
    this.#host = host;
    this.#runtime = runtime;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#pickerOpen = false;
    this.#slash = undefined;
  }

  render(state: ComposerState): TemplateResult {
    const runtime = this.#runtime();
    const composer = runtime?.composer;
    const servers = (this.#servers = sameServers(this.#servers, runtime?.contextServers() ?? []));
    const resources = servers.some((s) => s.offers.resources);
    const prompts = servers.some((s) => s.offers.prompts);
    const items = composer?.items ?? [];
    const waiting = items.some((i) => i.state !== 'ready');
    // Said before sending, not only on the sent turn: the person can remove it or pick another model.
    const withheld = (serverId: string) => runtime !== undefined && !runtime.agent.contentReachesModel(serverId);
    const input = () => this.#host.shadowRoot?.querySelector<HTMLTextAreaElement>('[part~="input"]');
    const menu = () => this.#host.shadowRoot?.querySelector<TgPromptMenu>('tg-prompt-menu');
    const send = (form: HTMLFormElement) => {
      const field = form.querySelector('textarea')!;
      const text = field.value.trim();
      if ((!text && items.length === 0) || state.busy || waiting) return;
      field.value = '';
      this.#slash = undefined;
      state.send(text);
    };
    const onInput = (event: Event) => {
      const query = prompts ? slashQuery((event.target as HTMLTextAreaElement).value) : undefined;
      if (query !== undefined) void import('../prompt-menu/tg-prompt-menu.js');
      if (query !== this.#slash) {
        this.#slash = query;
        this.#host.requestUpdate();
      }
    };
    const onKey = (event: KeyboardEvent) => {
      const open = this.#slash !== undefined ? menu() : undefined;
      if (open && !open.choosing && ['ArrowDown', 'ArrowUp', 'Enter', 'Escape'].includes(event.key) && !event.shiftKey) {
        event.preventDefault();
        if (event.key === 'Escape') open.dismiss();
        else if (event.key === 'Enter') open.choose();
        else open.move(event.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      send((event.target as HTMLTextAreaElement).form!);
    };
    const onClose = (event: TgPickerCloseEvent) => {
      const field = input();
      if (event.detail.picker === 'prompts') {
        if (event.detail.reason === 'added' && field) field.value = '';
        this.#slash = undefined;
      } else this.#pickerOpen = false;
      this.#host.requestUpdate();
      field?.focus();
    };
    const togglePicker = () => {
      if (!this.#pickerOpen) void import('../resource-picker/tg-resource-picker.js');
      this.#pickerOpen = !this.#pickerOpen;
      this.#host.requestUpdate();
    };
    return html`<form part="composer" class="composer" @submit=${(e: SubmitEvent) => (e.preventDefault(), send(e.currentTarget as HTMLFormElement))} @tg-picker-close=${onClose}>
      ${items.length > 0
        ? html`<ul part="context-chips" class="context-chips" aria-label="Attached to your next message">
            ${items.map(
              (item) => html`<li part="context-chip" class="context-chip" data-state=${item.state} data-kind=${item.kind} data-withheld=${withheld(item.server.id) ? 'true' : 'false'}>
                <span class="muted">${item.kind === 'prompt' ? '/' : ''}${item.server.label}</span>
                <span>${item.title ?? item.name}</span>
                ${withheld(item.server.id)
                  ? html`<span class="badge">will be withheld from the model</span><span part="withheld-reason" class="muted">${WITHHELD_WHY['data-flow']}</span>`
                  : nothing}
                ${item.state === 'loading' ? html`<span class="muted" role="status">reading…</span>` : nothing}
                ${item.updated ? html`<span class="badge">updated</span>` : nothing}
                ${item.error ? html`<span class="error" data-code=${item.error.code ?? ''}>${item.error.message}</span>` : nothing}
                <button type="button" class="secondary" aria-label="Remove ${item.title ?? item.name}" @click=${() => composer?.remove(item.key)}>×</button>
              </li>`,
            )}
          </ul>`
        : nothing}
      ${this.#slash !== undefined && composer
        ? html`<tg-prompt-menu part="prompt-menu" .servers=${servers} .composer=${composer} .query=${this.#slash}></tg-prompt-menu>`
        : nothing}
      ${this.#pickerOpen && composer ? html`<tg-resource-picker part="resource-picker" .servers=${servers} .composer=${composer}></tg-resource-picker>` : nothing}
      <label for="message">Message</label>
      <textarea id="message" part="input" rows="2" aria-describedby="message-hint" @keydown=${onKey} @input=${onInput}></textarea>
      <p id="message-hint" class="hint">Enter sends; Shift+Enter starts a new line.${prompts ? ' Type / for the servers’ prompts.' : ''}</p>
      <div class="actions">
        ${resources
          ? html`<button part="attach-button" class="secondary" type="button" aria-expanded=${this.#pickerOpen ? 'true' : 'false'} @click=${togglePicker}>Attach</button>`
          : nothing}
        <button part="send-button" class="primary" type="submit" ?disabled=${state.busy || !state.ready || waiting}>Send</button>
      </div>
    </form>`;
  }

  /** A result's `resource_link`, attached through the same path as the picker (read from the server whose tool returned it). */
  attachLink(toolId: string, uri: string, title: string): void {
    const runtime = this.#runtime();
    const serverId = runtime?.gate.tools({ kind: 'person' }).find((t) => t.id === toolId)?.serverId;
    const server = runtime?.contextServers().find((s) => s.id === serverId);
    if (runtime && server) void runtime.composer.attachResource(server, uri, { title });
  }
}

/** The previous array while the servers are the same objects, so the picker and the menu do not list again. */
function sameServers(previous: readonly ContextServer[], next: readonly ContextServer[]): readonly ContextServer[] {
  return previous.length === next.length && previous.every((s, i) => s === next[i]) ? previous : next;
}
