import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { TgServerActionEvent, type TgServerActionDetail } from '../../events/tg-server-action.js';
import { loadDefinitionDiff, pinKey, type DiffLine, type PinRecord } from '../../gate/pins.js';
import { serverStanding, type Policy } from '../../gate/policy.js';
import type { GatedTool } from '../../gate/tool-gate.js';
import { serverLabel } from '../../runtime/server-spec.js';
import type { ServerState } from '../../runtime/servers.js';
import type { Tool } from '../../../workers/shared/wire.js';
import { renderError, renderProgress, renderResult } from '../shared/result.template.js';
import type { SavedServer } from './saved-servers.js';
import { checkServerUrl, isWebSocketUrl } from './server-url.js';
import { ToolCallController, type PanelCaller, type ToolCallState } from './tool-call.controller.js';
import { styles } from './tg-connections.styles.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { dataProperties, stateProperties } from '../shared/properties.js';

export { CONNECTIONS_PARTS } from './connections-parts.js';

/**
 * The connections manager of `<tg-agent>`: add a server (URL checked as typed: `wss:`/`https:`,
 * or `ws:`/`http:` to localhost; transport auto, WebSocket, Streamable HTTP or legacy SSE;
 * MessagePack over WebSocket), consent before using a server the policy's allow-list does not
 * name, connect/disconnect, sign in (OAuth popup) when a server asks for it, status and last
 * error, and each server's tools with their trust and pin state: a tool whose definition changed
 * is quarantined, and "Review change" shows the diff with a "Re-approve" button.
 *
 * Compact by default: a card shows the server's name, status (`sign in needed` while a server
 * waits for the person's sign-in) and tool count; its tools, URL and transport open with the
 * count's button, and open by themselves when a tool is quarantined. Searching the tools shows
 * the matching tools of every server.
 *
 * Data down, requests up: `<tg-agent>` sets `servers` (its runtime's server states), `tools` (the
 * gate's tools for the person), `pins`, `policy` and `call` (how a panel's call reaches the gate:
 * without it nothing can be called), each replaced when it changes; the person's requests come
 * out as `tg-server-action` events, which `<tg-agent>` carries out (servers added here are kept
 * per tenant and come back after a reload). Keyboard: Enter adds, Escape clears the form or
 * cancels a prompt. Everything a server sends (names, descriptions, errors) is shown as text.
 *
 * @event tg-server-action - The person asked for something: `detail.action` is `add` (`server`),
 *   `remove`, `connect`, `disconnect`, `sign-in` (`popup`), `sign-out`, `consent`, `rebind` (each with
 *   `serverId`) or `accept-definition` (`toolId`).
 *
 * @csspart connections - The wrapper.
 * @csspart add-form - The form that adds a server.
 * @csspart url-input - The server URL field.
 * @csspart url-error - Why the URL cannot be used.
 * @csspart transport-select - Transport: auto, WebSocket, HTTP, SSE.
 * @csspart msgpack-toggle - The MessagePack checkbox (WebSocket only).
 * @csspart add-button - The Add server button.
 * @csspart consent - The prompt before using a server not on the allow-list.
 * @csspart server-card - One server.
 * @csspart status-badge - A server's connection status (`data-status`).
 * @csspart trust-badge - `trusted` or `untrusted`, from the policy.
 * @csspart error - A server's last error (code and message).
 * @csspart gate-error - Why the gate refused a connected server.
 * @csspart rebound - The server's id was first given to another URL: its calls ask.
 * @csspart rebind-button - Accepts that the id now names this server.
 * @csspart connect-button - Connect (or retry) one server.
 * @csspart disconnect-button - Disconnect one server.
 * @csspart sign-in-button - Sign in, when the server asks for OAuth.
 * @csspart sign-out-button - Sign out.
 * @csspart allow-button - Consent to a server the allow-list does not name.
 * @csspart remove-button - Remove a server added here.
 * @csspart tool-list - A server's tools.
 * @csspart tool - One tool.
 * @csspart tool-button - Selects a tool (opens its JSON call panel).
 * @csspart pin-badge - `pinned`, `always allowed` or `quarantined`.
 * @csspart claim-badge - An annotation the server claims (read-only, destructive).
 * @csspart review-button - Shows a quarantined tool's definition change.
 * @csspart diff - The definition diff of a quarantined tool.
 * @csspart reapprove-button - Accepts the changed definition.
 * @csspart call-form - A tool's JSON call panel.
 * @csspart arguments - Its arguments textarea.
 * @csspart call-button - Calls the tool (through the gate, as the person's call).
 * @csspart cancel-button - Cancels the running call.
 * @csspart result - The call's progress, error or result.
 * @csspart tool-search - Searches the tools of every server (name, title, description).
 * @csspart expand-button - Shows or hides a server's tools and details (`aria-expanded`).
 */
export class TgConnections extends LitElement {
  static override styles = styles;

  static override properties = {
    ...dataProperties('servers', 'tools', 'pins', 'policy', 'call'),
    ...stateProperties('_urlError', '_transport', '_urlIsWs', '_consent', '_reviewing', '_expanded', '_query'),
  };

  /** The servers, in order (each a snapshot: replace the array when anything changes). */
  declare servers: readonly ServerState[];
  /** The gate's tools for the person (pin and quarantine state per tool). */
  declare tools: readonly GatedTool[];
  /** The gate's pins (what each tool's definition was accepted as). */
  declare pins: readonly PinRecord[];
  /** The gate's policy: whether a URL is on the allow-list, and trusted. */
  declare policy: Policy | undefined;
  /** Runs a tool panel's call through the gate; unset, nothing can be called. */
  declare call: PanelCaller | undefined;
  declare _urlError: string | undefined;
  declare _transport: NonNullable<SavedServer['transport']>;
  declare _urlIsWs: boolean;
  /** The server waiting for consent: a new one (`server`) or a listed one (`id`). */
  declare _consent: { url: string; server?: SavedServer; id?: string } | undefined;
  /** The quarantined tool whose change is shown: server id + tool name. */
  declare _reviewing: string | undefined;
  /** The servers (ids) whose tools and details are shown. */
  declare _expanded: ReadonlySet<string>;
  /** What the tool search holds (lower case, trimmed). */
  declare _query: string;

  /** The diff of a quarantined tool's change, loaded with the first "Review change" (or why it could not be). */
  #definitionDiff: Awaited<ReturnType<typeof loadDefinitionDiff>> | Error | undefined;
  #diffLoading: Promise<void> | undefined;

  readonly #panels = new ToolCallController(this, {
    call: () => this.call,
    server: (id) => this.servers.find((s) => s.id === id),
  });

  constructor() {
    super();
    this.servers = [];
    this.tools = [];
    this.pins = [];
    this._transport = 'auto';
    this._urlIsWs = false;
    this._expanded = new Set();
    this._query = '';
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('_consent') && this._consent) this.renderRoot.querySelector<HTMLButtonElement>('[part~="consent"] .primary')?.focus();
  }

  protected override render(): TemplateResult {
    const servers = this.servers;
    return html`<section part="connections" class="connections" aria-labelledby="connections-title">
      <h2 id="connections-title">Servers</h2>
      ${this.#renderAddForm()} ${this._consent ? this.#renderConsent(this._consent) : nothing}
      ${servers.length === 0 ? html`<p part="empty" class="muted">No MCP server yet. Add one above.</p>` : nothing}
      ${servers.some((s) => s.tools.length > 0)
        ? html`<input part="tool-search" class="tool-search" type="search" aria-label="Search the servers’ tools" placeholder="Search tools"
            .value=${this._query} @input=${(e: InputEvent) => (this._query = (e.target as HTMLInputElement).value.trim().toLowerCase())} />`
        : nothing}
      ${repeat(
        servers,
        (server) => server.id,
        (server, index) => this.#renderServer(server, index),
      )}
    </section>`;
  }

  #ask(detail: TgServerActionDetail): void {
    this.dispatchEvent(new TgServerActionEvent(detail));
  }

  #standing(url: string, host?: ServerState['host']): { listed: boolean; trusted: boolean } | undefined {
    return this.policy && serverStanding(this.policy, url, host);
  }

  #renderAddForm(): TemplateResult {
    const msgpackAllowed = this._transport === 'websocket' || (this._transport === 'auto' && this._urlIsWs);
    return html`<form
      part="add-form"
      class="add-form"
      novalidate
      aria-label="Add a server"
      @submit=${this.#onAdd}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          this.#resetForm(event.currentTarget as HTMLFormElement);
        }
      }}
    >
      <div class="field url-field">
        <label for="add-url">Server URL</label>
        <input
          id="add-url"
          part="url-input"
          name="url"
          type="url"
          inputmode="url"
          autocomplete="url"
          spellcheck="false"
          placeholder="wss://tools.example/mcp"
          aria-invalid=${this._urlError ? 'true' : 'false'}
          aria-describedby="add-url-error"
          @input=${(event: InputEvent) => {
            const value = (event.target as HTMLInputElement).value;
            this._urlIsWs = isWebSocketUrl(value);
            if (this._urlError) this._urlError = undefined;
          }}
        />
        <p id="add-url-error" part="url-error" class="error" aria-live="polite">${this._urlError ?? ''}</p>
      </div>
      <div class="field">
        <label for="add-transport">Transport</label>
        <select
          id="add-transport"
          part="transport-select"
          name="transport"
          @change=${(event: Event) => (this._transport = (event.target as HTMLSelectElement).value as typeof this._transport)}
        >
          <option value="auto">Auto</option>
          <option value="websocket">WebSocket</option>
          <option value="http">Streamable HTTP</option>
          <option value="sse">HTTP + SSE (legacy)</option>
        </select>
      </div>
      <div class="field check">
        <input id="add-msgpack" part="msgpack-toggle" name="msgpack" type="checkbox" ?disabled=${!msgpackAllowed} aria-describedby="add-msgpack-hint" />
        <label for="add-msgpack">MessagePack</label>
        <span id="add-msgpack-hint" class="hint">WebSocket only; the server decides.</span>
      </div>
      <div class="actions">
        <button part="add-button" class="primary" type="submit">Add server</button>
      </div>
    </form>`;
  }

  #onAdd = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const check = checkServerUrl(String(data.get('url') ?? ''));
    if (!check.ok) {
      this._urlError = check.message;
      form.querySelector<HTMLInputElement>('#add-url')?.focus();
      return;
    }
    const transport = this._transport;
    const server: SavedServer = { url: check.url };
    if (transport !== 'auto') server.transport = transport;
    if (data.get('msgpack') === 'on' && (transport === 'websocket' || (transport === 'auto' && isWebSocketUrl(check.url)))) server.msgpack = true;
    if (this.servers.some((s) => s.spec.url === server.url && (s.spec.transport ?? 'auto') === transport)) {
      this._urlError = 'This server is already in the list.';
      return;
    }
    const standing = this.#standing(server.url);
    this.#resetForm(form);
    if (standing && !standing.listed) {
      this._consent = { url: server.url, server };
      return;
    }
    this.#ask({ action: 'add', server });
  };

  #resetForm(form: HTMLFormElement): void {
    form.reset();
    this._urlError = undefined;
    this._transport = 'auto';
    this._urlIsWs = false;
  }

  #renderConsent(consent: NonNullable<TgConnections['_consent']>): TemplateResult {
    const cancel = () => {
      this._consent = undefined;
      this.renderRoot.querySelector<HTMLInputElement>('#add-url')?.focus();
    };
    const accept = () => {
      this._consent = undefined;
      if (consent.server) this.#ask({ action: 'add', server: { ...consent.server, consented: true } });
      else if (consent.id) this.#ask({ action: 'consent', serverId: consent.id });
    };
    return html`<div
      part="consent"
      class="consent"
      role="alertdialog"
      aria-labelledby="consent-title"
      aria-describedby="consent-text"
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          cancel();
        }
      }}
    >
      <h3 id="consent-title">Use a server your policy does not list?</h3>
      <p id="consent-text">
        <code>${consent.url}</code> is not on the allow-list of this page's policy. Its tools will see the arguments of the calls
        you allow, and what it returns can reach the model. Connect only if you trust it.
      </p>
      <div class="actions">
        <button class="primary" type="button" @click=${accept}>Use this server</button>
        <button class="secondary" type="button" @click=${cancel}>Cancel</button>
      </div>
    </div>`;
  }

  #renderServer(server: ServerState, index: number): TemplateResult {
    const id = `server-${index}`;
    const serverId = server.id;
    const label = serverLabel(server.spec);
    const registration = server.gate;
    const standing = this.#standing(server.spec.url, server.host);
    const open = server.status === 'ready' || server.status === 'connecting' || server.status === 'reconnecting';
    const needsAuth = server.error?.code === ErrorCode.AUTH_REQUIRED && !open;
    const notAllowed = registration?.state === 'failed' && registration.error?.code === ErrorCode.SERVER_NOT_ALLOWED;
    const reboundFrom = this.tools.find((t) => t.serverId === serverId)?.reboundFrom;
    const quarantined = this.tools.some((t) => t.serverId === serverId && t.quarantined);
    const expanded = this._expanded.has(serverId) || quarantined || this._query !== '';
    const status = needsAuth ? 'sign-in' : server.status;
    const toggle = () => {
      const next = new Set(this._expanded);
      if (!next.delete(serverId)) next.add(serverId);
      this._expanded = next;
    };
    return html`<section part="server-card" class="card" aria-labelledby="${id}-title" data-url=${server.spec.url} data-expanded=${expanded ? 'true' : 'false'}>
      <div class="card-head status-line">
        <h3 id="${id}-title" class="server-title">${label}</h3>
        <span aria-live="polite" part="status-badge" class="badge status-${status}" data-status=${status}>${needsAuth ? 'sign in needed' : server.status}</span>
        ${server.tools.length > 0 || server.status === 'ready'
          ? html`<button part="expand-button" class="secondary" type="button" aria-expanded=${expanded ? 'true' : 'false'} aria-controls="${id}-details"
              ?disabled=${quarantined || this._query !== ''} @click=${toggle}>${server.tools.length === 1 ? '1 tool' : `${server.tools.length} tools`}</button>`
          : nothing}
        ${standing
          ? html`<span part="trust-badge" class="badge ${standing.trusted ? 'trusted' : 'untrusted'}" data-trust=${standing.trusted ? 'trusted' : 'untrusted'}
              title=${standing.trusted ? 'The policy trusts this server: its annotations count' : 'Untrusted: its annotations are only claims'}
              >${standing.trusted ? 'trusted' : 'untrusted'}</span
            >`
          : nothing}
        <div class="actions card-actions">
          ${server.local || needsAuth
            ? nothing
            : open
            ? html`<button part="disconnect-button" class="secondary" type="button" @click=${() => this.#ask({ action: 'disconnect', serverId })} aria-describedby="${id}-title">
                Disconnect
              </button>`
            : html`<button part="connect-button" class="secondary" type="button" @click=${() => this.#ask({ action: 'connect', serverId })} aria-describedby="${id}-title">
                ${server.status === 'failed' ? 'Retry' : 'Connect'}
              </button>`}
          ${needsAuth
            ? html`<button
                part="sign-in-button"
                class="primary"
                type="button"
                aria-describedby="${id}-title"
                @click=${() => {
                  // Opened in the click itself: a popup opened after an await is blocked.
                  const popup = window.open('about:blank', '_blank', 'popup,width=500,height=700');
                  this.#ask({ action: 'sign-in', serverId, popup });
                }}
              >
                Sign in
              </button>`
            : nothing}
          ${server.authorizedBy
            ? html`<button part="sign-out-button" class="secondary" type="button" aria-describedby="${id}-title" @click=${() => this.#ask({ action: 'sign-out', serverId })}>
                Sign out
              </button>`
            : nothing}
          ${notAllowed
            ? html`<button
                part="allow-button"
                class="primary"
                type="button"
                aria-describedby="${id}-title"
                @click=${() => (this._consent = { url: server.spec.url, id: serverId })}
              >
                Allow this server…
              </button>`
            : nothing}
          ${server.origin === 'person'
            ? html`<button part="remove-button" class="secondary" type="button" aria-describedby="${id}-title" @click=${() => this.#ask({ action: 'remove', serverId })}>
                Remove
              </button>`
            : nothing}
        </div>
      </div>
      ${expanded
        ? html`${server.spec.name ? html`<p class="url">${server.spec.url}</p>` : nothing}
            <p class="muted transport">
              ${server.local ? 'Provided by this page' : html`${server.spec.transport ?? 'auto'}${server.spec.msgpack ? ' · MessagePack offered' : ''}`}${server.authorizedBy
                ? html` · signed in at <code>${server.authorizedBy}</code>`
                : nothing}
            </p>`
        : nothing}
      ${needsAuth
        ? html`<p part="error" class="muted" data-code=${server.error!.code}>${label} asks you to sign in before it can be used.</p>`
        : server.error
          ? renderError(server.error, 'error')
          : nothing}
      ${registration?.state === 'failed' && registration.error
        ? html`<div class="gate-state"><span class="muted">Gate</span>${renderError(registration.error, 'gate-error')}</div>`
        : nothing}
      ${reboundFrom
        ? html`<p part="rebound" class="warning">
            The id <code>${serverId}</code> was first given to <code>${reboundFrom}</code>. Rules and “Always allow” given for it are not applied here,
            so every call asks.
            <button part="rebind-button" class="secondary" type="button" @click=${() => this.#ask({ action: 'rebind', serverId })}>Use them for this server</button>
          </p>`
        : nothing}
      ${server.problems > 0
        ? html`<p class="muted problems">
            ${server.problems === 1 ? '1 problem' : `${server.problems} problems`} reported${server.lastProblem
              ? html`; last: ${server.lastProblem.code ? html`<code>${server.lastProblem.code}</code> ` : nothing}${server.lastProblem.message}`
              : nothing}
          </p>`
        : nothing}
      <div id="${id}-details" ?hidden=${!expanded}>${expanded && (server.status === 'ready' || server.tools.length > 0) ? this.#renderTools(server, id) : nothing}</div>
    </section>`;
  }

  #renderTools(server: ServerState, id: string): TemplateResult {
    const panels = this.#panels;
    const selected = panels.state(server.id);
    const gated = new Map<string, GatedTool>();
    if (server.gate?.state === 'added') {
      for (const tool of this.tools) if (tool.serverId === server.id) gated.set(tool.tool.name, tool);
    }
    const pins = new Map<string, PinRecord>(this.pins.map((p) => [p.key, p]));
    let panelShown = false;
    const query = this._query;
    const shown = query ? server.tools.filter((t) => [t.name, toolTitle(t), t.description ?? ''].some((text) => text.toLowerCase().includes(query))) : server.tools;
    return html`<h4 id="${id}-tools" class="visually-hidden">Tools of ${serverLabel(server.spec)}</h4>
      ${shown.length === 0
        ? html`<p class="muted">${query ? 'No tool of this server matches.' : 'This server offers no tools.'}</p>`
        : html`<ul part="tool-list" class="tools" aria-labelledby="${id}-tools">
            ${shown.map((tool, toolIndex) => {
              // Plain map, not repeat() keyed by name: an untrusted server may repeat a name.
              const isSelected = selected?.toolName === tool.name;
              const showPanel = isSelected && !panelShown;
              if (showPanel) panelShown = true;
              const gatedTool = gated.get(tool.name);
              const pin = pins.get(pinKey(server.spec.url, tool.name));
              const reviewKey = `${server.id}\n${tool.name}`;
              if (gatedTool?.quarantined) void this.#loadDiff();
              return html`<li part="tool" class="tool" data-tool=${tool.name}>
                <div class="tool-head">
                  <button
                    part="tool-button"
                    class="tool-button"
                    type="button"
                    aria-pressed=${isSelected ? 'true' : 'false'}
                    data-tool=${tool.name}
                    @click=${() => (isSelected ? panels.deselect(server.id) : panels.select(server.id, tool))}
                  >
                    <span class="tool-title">${toolTitle(tool)}</span>${toolTitle(tool) !== tool.name
                      ? html`<code class="tool-name">${tool.name}</code>`
                      : nothing}
                  </button>
                  ${renderPin(gatedTool, pin)} ${renderClaims(tool)}
                  ${gatedTool?.quarantined && pin
                    ? html`<button
                        part="review-button"
                        class="secondary"
                        type="button"
                        aria-expanded=${this._reviewing === reviewKey ? 'true' : 'false'}
                        aria-controls="${id}-review-${toolIndex}"
                        @click=${() => this.#review(reviewKey)}
                      >
                        Review change
                      </button>`
                    : nothing}
                </div>
                ${tool.description ? html`<p class="tool-description">${tool.description}</p>` : nothing}
                ${gatedTool?.quarantined && pin && this._reviewing === reviewKey
                  ? this.#renderReview(gatedTool, pin, `${id}-review-${toolIndex}`)
                  : nothing}
                ${showPanel && selected ? this.#renderCall(server, selected, `${id}-tool-${toolIndex}`) : nothing}
              </li>`;
            })}
          </ul>`}`;
  }

  #review(key: string): void {
    this._reviewing = this._reviewing === key ? undefined : key;
    void this.#loadDiff();
  }

  /** Loads the diff once: in the background as soon as a quarantined tool is shown, so "Review change" opens at once. */
  #loadDiff(): Promise<void> {
    return (this.#diffLoading ??= loadDefinitionDiff()
      .then(
        (diff) => void (this.#definitionDiff = diff),
        (err: unknown) => void (this.#definitionDiff = err instanceof Error ? err : new Error(String(err))),
      )
      .then(() => this.requestUpdate()));
  }

  /** `updateComplete` also waits for the diff, once asked for, to have loaded and rendered. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    return this.#diffLoading ? this.#diffLoading.then(() => super.getUpdateComplete()) : done;
  }

  #renderReview(tool: GatedTool, pin: PinRecord, id: string): TemplateResult {
    const definitionDiff = this.#definitionDiff;
    const diff: DiffLine[] | undefined = typeof definitionDiff === 'function' ? definitionDiff(pin.known.definition, tool.tool) : undefined;
    return html`<div
      id=${id}
      class="review"
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          this._reviewing = undefined;
        }
      }}
    >
      <p>The server changed this tool's definition since it was accepted. Calls are held until you re-approve it.</p>
      ${definitionDiff === undefined
        ? html`<p class="muted" role="status">Loading the change…</p>`
        : diff
        ? html`<pre part="diff" class="diff" role="region" tabindex="0" aria-label="Definition change">${diff.map(
            (line) => html`<span class=${line.kind}>${line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}${line.text}</span>\n`,
          )}</pre>`
        : renderError({ code: ErrorCode.UI_LOAD_FAILED, message: `The change could not be loaded: ${(definitionDiff as Error | undefined)?.message ?? ''}` }, 'diff')}
      <div class="actions">
        <button
          part="reapprove-button"
          class="primary"
          type="button"
          @click=${() => {
            this.#ask({ action: 'accept-definition', toolId: tool.id });
            this._reviewing = undefined;
            // The card opened for the quarantine; it stays open while the person looks at it.
            this._expanded = new Set([...this._expanded, tool.serverId]);
          }}
        >
          Re-approve
        </button>
      </div>
    </div>`;
  }

  #renderCall(server: ServerState, state: ToolCallState, id: string): TemplateResult {
    const panels = this.#panels;
    const call = () => void panels.call(server.id);
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
        @input=${(event: InputEvent) => panels.setArgumentsText(server.id, (event.target as HTMLTextAreaElement).value)}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            call();
          }
        }}
      ></textarea>
      <p id="${id}-hint" class="hint">Ctrl+Enter (⌘+Enter on a Mac) calls the tool.</p>
      <div class="actions">
        <button part="call-button" class="primary" type="submit" ?disabled=${state.running || !this.call || (server.status !== 'ready' && server.status !== 'reconnecting')}>Call</button>
        ${state.running ? html`<button part="cancel-button" class="secondary" type="button" @click=${() => panels.cancel(server.id)}>Cancel</button>` : nothing}
      </div>
      <div part="result" class="result" aria-live="polite">
        ${state.running ? renderProgress(state.toolName, state.progress) : nothing}
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

function renderPin(tool: GatedTool | undefined, pin: PinRecord | undefined): TemplateResult | typeof nothing {
  if (tool?.quarantined) {
    return html`<span part="pin-badge" class="badge pin-quarantined" data-pin="quarantined" title="Its definition changed: calls are held until you re-approve it"
      >quarantined</span
    >`;
  }
  if (!pin || !tool) return nothing;
  const always = pin.alwaysAllow === tool.definitionHash;
  return html`<span part="pin-badge" class="badge pin-pinned" data-pin=${always ? 'always-allowed' : 'pinned'}
    title="Its definition is pinned: a change will be held for review">${always ? 'always allowed' : 'pinned'}</span
  >`;
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
