import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { TgConnectionStatusEvent } from '../../events/tg-connection-status.js';
import { declareServer, parseServerAttributes, serverLabel, SERVER_ATTRIBUTES, type ServerSpec } from '../server/server-config.js';
import type { CodedError, Tool } from './connection-types.js';
import { ConnectionsController, type ServerState } from './connections.controller.js';
import type { ResultPart, ResultView } from './result-view.js';
import { ToolCallController, type ToolCallState } from './tool-call.controller.js';
import { styles } from './tg-agent.styles.js';

/**
 * The Toolgate agent element. For now: connects to the declared MCP servers (one Web Worker
 * each), shows each connection's status and tools, and lets the person call a tool with JSON
 * arguments and see the result.
 *
 * Servers come from `<tg-server>` children, or from the `servers` property, which wins when set.
 * Everything a server sends is untrusted and rendered as text (images only as raster `data:`
 * URLs; links are never fetched).
 *
 * @example
 * ```html
 * <tg-agent>
 *   <tg-server url="wss://tools.example/mcp" msgpack></tg-server>
 * </tg-agent>
 * ```
 *
 * @event tg-connection-status - A server's connection status changed. `detail: { url, name?, status, error? }`.
 *
 * @csspart base - The wrapper around all server cards.
 * @csspart empty - The message shown when no server is configured.
 * @csspart server-card - One server: name, URL, status, tools.
 * @csspart status-badge - The status of a connection: `connecting`, `ready`, `closed` or `failed`.
 * @csspart error - A connection error (code and message).
 * @csspart tool-list - The list of a server's tools.
 * @csspart tool - One tool in the list.
 * @csspart tool-button - The button that selects a tool.
 * @csspart claim-badge - A `readOnlyHint`/`destructiveHint` badge (the server's claim, not verified).
 * @csspart call-form - The arguments form of the selected tool.
 * @csspart arguments - The JSON arguments textarea.
 * @csspart call-button - The Call button.
 * @csspart cancel-button - The Cancel button, while a call runs.
 * @csspart progress - The progress of the call in flight.
 * @csspart result - The live region holding the call's result or error.
 * @csspart call-error - An error thrown by the call (with its code).
 *
 * @cssproperty --tg-font-family - Text font.
 * @cssproperty --tg-mono-font-family - Font of arguments, results and codes.
 * @cssproperty --tg-font-size - Base font size.
 * @cssproperty --tg-radius - Corner radius of cards and controls.
 * @cssproperty --tg-space - Spacing between and inside cards.
 * @cssproperty --tg-color-bg - Background.
 * @cssproperty --tg-color-fg - Text colour.
 * @cssproperty --tg-color-muted - Secondary text.
 * @cssproperty --tg-color-surface - Background of tools and neutral badges.
 * @cssproperty --tg-color-border - Borders.
 * @cssproperty --tg-color-accent - Primary buttons, focus rings, the selected tool.
 * @cssproperty --tg-color-accent-fg - Text on the accent colour.
 * @cssproperty --tg-color-ok - `ready` and read-only badges (text).
 * @cssproperty --tg-color-ok-bg - `ready` and read-only badges (background).
 * @cssproperty --tg-color-warn - `connecting` badge (text).
 * @cssproperty --tg-color-warn-bg - `connecting` badge (background).
 * @cssproperty --tg-color-error - Errors and destructive badges (text).
 * @cssproperty --tg-color-error-bg - Errors and destructive badges (background).
 */
export class TgAgent extends LitElement {
  static override styles = styles;

  static override properties = {
    servers: { attribute: false },
  };

  /**
   * The servers to connect to. When set, it wins over `<tg-server>` children; set `undefined`
   * to go back to them. Assign a new array to change it (mutating in place is not observed).
   */
  declare servers: ServerSpec[] | undefined;

  readonly #connections = new ConnectionsController(this, {
    onStatusChange: (server) => this.#announceStatus(server),
  });

  readonly #calls = new ToolCallController(this, this.#connections);

  /** Children are read from attributes, so markup and (reflected) property changes both show up here. */
  readonly #observer = new MutationObserver(() => this.#syncServers());

  /** Every declared server and its state (status, error, tools, connection), in order. */
  get connections(): readonly ServerState[] {
    return this.#connections.servers;
  }

  /** Opens every server that is not open (also retries failed ones). Done on insertion into the DOM. */
  connect(): void {
    this.#connections.connect();
  }

  /** Closes every connection; they stay closed until `connect()` or re-insertion into the DOM. */
  disconnect(): Promise<void> {
    return this.#connections.disconnect();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#observer.observe(this, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: [...SERVER_ATTRIBUTES],
    });
    this.#syncServers();
  }

  override disconnectedCallback(): void {
    this.#observer.disconnect();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('servers') && this.isConnected) this.#syncServers();
  }

  #syncServers(): void {
    const declarations = this.servers
      ? this.servers.map((spec) => declareServer(spec))
      : Array.from(this.querySelectorAll(':scope > tg-server'), (element) => parseServerAttributes(element));
    this.#connections.setServers(declarations);
  }

  #announceStatus(server: ServerState): void {
    const { spec, status, error } = server;
    const detail: TgConnectionStatusEvent['detail'] = { url: spec.url, status };
    if (spec.name) detail.name = spec.name;
    if (error && (status === 'failed' || status === 'closed')) detail.error = { ...error };
    this.dispatchEvent(new TgConnectionStatusEvent(detail));
  }

  protected override render(): TemplateResult {
    const servers = this.#connections.servers;
    return html`<div part="base" class="base">
      ${servers.length === 0
        ? html`<p part="empty" class="muted">No MCP server configured. Add a <code>&lt;tg-server url="wss://…"&gt;</code> child.</p>`
        : nothing}
      ${repeat(
        servers,
        (server) => server.key,
        (server, index) => this.#renderServer(server, index),
      )}
    </div>`;
  }

  #renderServer(server: ServerState, index: number): TemplateResult {
    const id = `server-${index}`;
    const label = serverLabel(server.spec);
    return html`<section part="server-card" class="card" aria-labelledby="${id}-title" data-url=${server.spec.url}>
      <h2 id="${id}-title">${label}</h2>
      ${server.spec.name ? html`<p class="url">${server.spec.url}</p>` : nothing}
      <div class="status-line" aria-live="polite">
        <span class="muted">Status</span>
        <span part="status-badge" class="badge status-${server.status}" data-status=${server.status}>${server.status}</span>
        ${server.error ? renderError(server.error, 'error') : nothing}
      </div>
      ${server.problems > 0
        ? html`<p class="muted problems">
            ${server.problems === 1 ? '1 problem' : `${server.problems} problems`} reported${server.lastProblem
              ? html`; last: ${server.lastProblem.code ? html`<code>${server.lastProblem.code}</code> ` : nothing}${server.lastProblem.message}`
              : nothing}
          </p>`
        : nothing}
      ${server.status === 'ready' || server.tools.length > 0 ? this.#renderTools(server, id) : nothing}
    </section>`;
  }

  #renderTools(server: ServerState, id: string): TemplateResult {
    const selected = this.#calls.state(server.key);
    let panelShown = false;
    return html`<h3 id="${id}-tools">Tools (${server.tools.length})</h3>
      ${server.tools.length === 0
        ? html`<p class="muted">This server offers no tools.</p>`
        : html`<ul part="tool-list" class="tools" aria-labelledby="${id}-tools">
            ${server.tools.map((tool, toolIndex) => {
                // Plain map, not repeat() keyed by name: an untrusted server may repeat a name.
                const isSelected = selected?.toolName === tool.name;
                const showPanel = isSelected && !panelShown;
                if (showPanel) panelShown = true;
                return html`<li part="tool" class="tool">
                  <div class="tool-head">
                    <button
                      part="tool-button"
                      class="tool-button"
                      type="button"
                      aria-pressed=${isSelected ? 'true' : 'false'}
                      data-tool=${tool.name}
                      @click=${() => (isSelected ? this.#calls.deselect(server.key) : this.#calls.select(server.key, tool))}
                    >
                      <span class="tool-title">${toolTitle(tool)}</span>${toolTitle(tool) !== tool.name
                        ? html`<code class="tool-name">${tool.name}</code>`
                        : nothing}
                    </button>
                    ${renderClaims(tool)}
                  </div>
                  ${tool.description ? html`<p class="tool-description">${tool.description}</p>` : nothing}
                  ${showPanel && selected ? this.#renderCall(server, selected, `${id}-tool-${toolIndex}`) : nothing}
                </li>`;
              })}
          </ul>`}`;
  }

  #renderCall(server: ServerState, state: ToolCallState, id: string): TemplateResult {
    const call = () => void this.#calls.call(server.key);
    return html`<form
      part="call-form"
      class="call"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        call();
      }}
    >
      <label for="${id}-args">Arguments for ${state.toolName} (JSON object)</label>
      <textarea
        id="${id}-args"
        part="arguments"
        spellcheck="false"
        autocomplete="off"
        aria-describedby="${id}-hint"
        .value=${state.argumentsText}
        @input=${(event: InputEvent) => this.#calls.setArgumentsText(server.key, (event.target as HTMLTextAreaElement).value)}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            call();
          }
        }}
      ></textarea>
      <p id="${id}-hint" class="hint">Ctrl+Enter (⌘+Enter on a Mac) calls the tool.</p>
      <div class="actions">
        <button part="call-button" class="primary" type="submit" ?disabled=${state.running || server.status !== 'ready'}>Call</button>
        ${state.running
          ? html`<button part="cancel-button" class="secondary" type="button" @click=${() => this.#calls.cancel(server.key)}>Cancel</button>`
          : nothing}
      </div>
      <div part="result" class="result" aria-live="polite">
        ${state.running ? renderProgress(state, id) : nothing}
        ${state.error ? renderError(state.error, 'call-error') : nothing}
        ${state.result ? renderResult(state.result) : nothing}
      </div>
    </form>`;
  }
}

/** The name a person sees: `title`, then `annotations.title`, then `name`. */
function toolTitle(tool: Tool): string {
  return tool.title || tool.annotations?.title || tool.name;
}

function renderClaims(tool: Tool): TemplateResult | typeof nothing {
  const { readOnlyHint, destructiveHint } = tool.annotations ?? {};
  if (readOnlyHint !== true && destructiveHint !== true) return nothing;
  const why = "The server says so; Toolgate has not verified it";
  return html`${readOnlyHint === true
    ? html`<span part="claim-badge" class="badge claim-read-only" title=${why} data-claim="read-only">read-only (server's claim)</span>`
    : nothing}${destructiveHint === true
    ? html`<span part="claim-badge" class="badge claim-destructive" title=${why} data-claim="destructive">destructive (server's claim)</span>`
    : nothing}`;
}

function renderError(error: CodedError, part: string): TemplateResult {
  return html`<p part=${part} class="error" data-code=${error.code ?? ''}>
    ${error.code ? html`<code class="code">${error.code}</code>` : nothing}<span class="message">${error.message}</span>
  </p>`;
}

function renderProgress(state: ToolCallState, id: string): TemplateResult {
  const p = state.progress;
  if (!p) return html`<p part="progress" class="progress muted">Calling ${state.toolName}…</p>`;
  const total = typeof p.total === 'number' && p.total > 0 ? p.total : undefined;
  return html`<div part="progress" class="progress">
    ${total !== undefined
      ? html`<progress id="${id}-progress" max=${total} .value=${Math.min(p.progress, total)} aria-label="Progress of ${state.toolName}"></progress>`
      : nothing}
    <span class="muted">${p.progress}${total !== undefined ? ` of ${total}` : ''}${p.message ? ` — ${p.message}` : ''}</span>
  </div>`;
}

function renderResult(view: ResultView): TemplateResult {
  return html`<div class="result-body ${view.isError ? 'is-error' : ''}" data-is-error=${view.isError ? 'true' : 'false'}>
    <p class="result-label">${view.isError ? 'The tool reported an error' : 'Result'}</p>
    ${view.parts.length === 0 ? html`<p class="notice">(no content)</p>` : view.parts.map(renderPart)}
    ${view.structured !== undefined
      ? html`<details>
          <summary>Structured content</summary>
          <pre>${view.structured}</pre>
        </details>`
      : nothing}
  </div>`;
}

function renderPart(part: ResultPart): TemplateResult {
  switch (part.kind) {
    case 'text':
      return html`<div class="text-block">${part.text}</div>`;
    case 'image':
      return html`<img src=${part.src} alt=${part.alt} />`;
    case 'audio':
      return html`<audio controls preload="metadata" src=${part.src} aria-label=${part.label}></audio>`;
    case 'link':
      // Shown as text only: the URI is the server's, and following it could leak or fetch anything.
      return html`<p class="link">
        Link (not opened): ${part.name} <code>${part.uri}</code>${part.mimeType ? html` <span class="muted">(${part.mimeType})</span>` : nothing}${part.description
          ? html`<br /><span class="muted">${part.description}</span>`
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
