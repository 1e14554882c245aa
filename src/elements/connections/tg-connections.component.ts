import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Gate } from '../../gate/gate.js';
import { definitionDiff, pinKey, type DiffLine, type PinRecord } from '../../gate/pins.js';
import type { GatedTool } from '../../gate/tool-gate.js';
import type { CodedError } from '../agent/connection-types.js';
import type { Tool } from '../../../workers/shared/wire.js';
import type { ServerState } from '../agent/connections.controller.js';
import type { ToolCallState } from '../agent/tool-call.controller.js';
import { serverLabel } from '../server/server-config.js';
import { renderError, renderProgress, renderResult } from '../shared/result.template.js';
import type { ResultView } from '../agent/result-view.js';
import type { SavedServer } from './saved-servers.js';
import { checkServerUrl, isWebSocketUrl } from './server-url.js';
import { styles } from './tg-connections.styles.js';
import { ErrorCode } from '../../../workers/shared/errors.js';

/** The gate's side of one server, as `<tg-agent>` reports it. */
export interface ServerRegistration {
  gateId: string;
  state: 'adding' | 'added' | 'failed';
  error?: CodedError;
}

/** The tool panel of one server (the JSON arguments form); `<tg-agent>`'s `ToolCallController` fits. */
export interface ToolPanels {
  state(serverKey: string): (ToolCallState & { result?: ResultView }) | undefined;
  select(serverKey: string, tool: Pick<Tool, 'name' | 'inputSchema'>): void;
  deselect(serverKey: string): void;
  setArgumentsText(serverKey: string, text: string): void;
  call(serverKey: string): Promise<void>;
  cancel(serverKey: string): void;
}

/**
 * What `<tg-connections>` manages: `<tg-agent>` hands itself over through this interface, so the
 * element renders and the agent (its controllers) acts.
 */
export interface ConnectionsManager {
  readonly servers: readonly ServerState[];
  readonly gate: Gate | undefined;
  readonly panels: ToolPanels;
  registration(key: string): ServerRegistration | undefined;
  /** Added through this element (so it can be removed here). */
  isSaved(key: string): boolean;
  add(server: SavedServer): void;
  remove(key: string): void;
  connect(key: string): void;
  disconnect(key: string): void;
  /** Reconnects sending the person through OAuth in `popup` (opened in the click, so no blocker stops it). */
  signIn(key: string, popup: Window | null): void;
  /** Signs out, when the connection can (the worker forgets its tokens). */
  signOut?(key: string): void;
  /** The person agrees to use a server the policy's allow-list does not name. */
  consent(key: string): void;
}

/**
 * The connections manager of `<tg-agent>`: add a server (URL checked as typed: `wss:`/`https:`,
 * or `ws:`/`http:` to localhost; transport auto, WebSocket, Streamable HTTP or legacy SSE;
 * MessagePack over WebSocket), consent before using a server the policy's allow-list does not
 * name, connect/disconnect, sign in (OAuth popup) when a server asks for it, status and last
 * error, and each server's tools with their trust and pin state: a tool whose definition changed
 * is quarantined, and "Review change" shows the diff with a "Re-approve" button.
 *
 * `<tg-agent>` renders it and sets `manager`; servers added here are kept per tenant and come
 * back after a reload. Keyboard: Enter adds, Escape clears the form or cancels a prompt.
 * Everything a server sends (names, descriptions, errors) is shown as text.
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
 */
export class TgConnections extends LitElement {
  static override styles = styles;

  static override properties = {
    manager: { attribute: false },
    revision: { attribute: false },
    // `attribute: false` also keeps internal state out of the manifest's attributes.
    _urlError: { state: true, attribute: false },
    _transport: { state: true, attribute: false },
    _urlIsWs: { state: true, attribute: false },
    _consent: { state: true, attribute: false },
    _reviewing: { state: true, attribute: false },
  };

  /** Set by `<tg-agent>`. */
  declare manager: ConnectionsManager | undefined;
  /** Bumped by `<tg-agent>` when anything it manages changed, so this element re-renders. */
  declare revision: number;
  declare _urlError: string | undefined;
  declare _transport: NonNullable<SavedServer['transport']>;
  declare _urlIsWs: boolean;
  /** The server waiting for consent: a new one (`server`) or a listed one (`key`). */
  declare _consent: { url: string; server?: SavedServer; key?: string } | undefined;
  /** The quarantined tool whose change is shown: `serverKey` + tool name. */
  declare _reviewing: string | undefined;

  constructor() {
    super();
    this.revision = 0;
    this._transport = 'auto';
    this._urlIsWs = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('_consent') && this._consent) this.renderRoot.querySelector<HTMLButtonElement>('[part~="consent"] .primary')?.focus();
  }

  protected override render(): TemplateResult {
    const manager = this.manager;
    const servers = manager?.servers ?? [];
    return html`<section part="connections" class="connections" aria-labelledby="connections-title">
      <h2 id="connections-title">Servers</h2>
      ${this.#renderAddForm()} ${this._consent ? this.#renderConsent(this._consent) : nothing}
      ${servers.length === 0 ? html`<p part="empty" class="muted">No MCP server yet. Add one above.</p>` : nothing}
      ${manager
        ? repeat(
            servers,
            (server) => server.key,
            (server, index) => this.#renderServer(manager, server, index),
          )
        : nothing}
    </section>`;
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
        <button part="add-button" class="primary" type="submit" ?disabled=${!this.manager}>Add server</button>
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
    if (this.manager?.servers.some((s) => s.spec.url === server.url && (s.spec.transport ?? 'auto') === transport)) {
      this._urlError = 'This server is already in the list.';
      return;
    }
    const standing = this.manager?.gate?.serverStanding(server.url);
    this.#resetForm(form);
    if (standing && !standing.listed) {
      this._consent = { url: server.url, server };
      return;
    }
    this.manager?.add(server);
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
      if (consent.server) this.manager?.add({ ...consent.server, consented: true });
      else if (consent.key) this.manager?.consent(consent.key);
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

  #renderServer(manager: ConnectionsManager, server: ServerState, index: number): TemplateResult {
    const id = `server-${index}`;
    const label = serverLabel(server.spec);
    const registration = manager.registration(server.key);
    const standing = manager.gate?.serverStanding(server.spec.url);
    const open = server.status === 'ready' || server.status === 'connecting';
    const needsAuth = server.error?.code === ErrorCode.AUTH_REQUIRED && !open;
    const notAllowed = registration?.state === 'failed' && registration.error?.code === ErrorCode.SERVER_NOT_ALLOWED;
    const signOut = manager.signOut && server.authorizedBy ? manager.signOut.bind(manager) : undefined;
    return html`<section part="server-card" class="card" aria-labelledby="${id}-title" data-url=${server.spec.url}>
      <h3 id="${id}-title" class="server-title">${label}</h3>
      ${server.spec.name ? html`<p class="url">${server.spec.url}</p>` : nothing}
      <p class="muted transport">
        ${server.spec.transport ?? 'auto'}${server.spec.msgpack ? ' · MessagePack offered' : ''}${server.authorizedBy
          ? html` · signed in at <code>${server.authorizedBy}</code>`
          : nothing}
      </p>
      <div class="status-line" aria-live="polite">
        <span class="muted">Status</span>
        <span part="status-badge" class="badge status-${server.status}" data-status=${server.status}>${server.status}</span>
        ${standing
          ? html`<span part="trust-badge" class="badge ${standing.trusted ? 'trusted' : 'untrusted'}" data-trust=${standing.trusted ? 'trusted' : 'untrusted'}
              title=${standing.trusted ? 'The policy trusts this server: its annotations count' : 'Untrusted: its annotations are only claims'}
              >${standing.trusted ? 'trusted' : 'untrusted'}</span
            >`
          : nothing}
      </div>
      ${server.error ? renderError(server.error, 'error') : nothing}
      ${registration?.state === 'failed' && registration.error
        ? html`<div class="gate-state"><span class="muted">Gate</span>${renderError(registration.error, 'gate-error')}</div>`
        : nothing}
      ${server.problems > 0
        ? html`<p class="muted problems">
            ${server.problems === 1 ? '1 problem' : `${server.problems} problems`} reported${server.lastProblem
              ? html`; last: ${server.lastProblem.code ? html`<code>${server.lastProblem.code}</code> ` : nothing}${server.lastProblem.message}`
              : nothing}
          </p>`
        : nothing}
      <div class="actions">
        ${open
          ? html`<button part="disconnect-button" class="secondary" type="button" @click=${() => manager.disconnect(server.key)} aria-describedby="${id}-title">
              Disconnect
            </button>`
          : html`<button part="connect-button" class="secondary" type="button" @click=${() => manager.connect(server.key)} aria-describedby="${id}-title">
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
                manager.signIn(server.key, popup);
              }}
            >
              Sign in
            </button>`
          : nothing}
        ${signOut
          ? html`<button part="sign-out-button" class="secondary" type="button" aria-describedby="${id}-title" @click=${() => signOut(server.key)}>Sign out</button>`
          : nothing}
        ${notAllowed
          ? html`<button
              part="allow-button"
              class="primary"
              type="button"
              aria-describedby="${id}-title"
              @click=${() => (this._consent = { url: server.spec.url, key: server.key })}
            >
              Allow this server…
            </button>`
          : nothing}
        ${manager.isSaved(server.key)
          ? html`<button part="remove-button" class="secondary" type="button" aria-describedby="${id}-title" @click=${() => manager.remove(server.key)}>
              Remove
            </button>`
          : nothing}
      </div>
      ${server.status === 'ready' || server.tools.length > 0 ? this.#renderTools(manager, server, registration, id) : nothing}
    </section>`;
  }

  #renderTools(manager: ConnectionsManager, server: ServerState, registration: ServerRegistration | undefined, id: string): TemplateResult {
    const panels = manager.panels;
    const selected = panels.state(server.key);
    const gate = manager.gate;
    const gated = new Map<string, GatedTool>();
    if (gate && registration?.state === 'added') {
      for (const tool of gate.tools({ kind: 'person' })) if (tool.serverId === registration.gateId) gated.set(tool.tool.name, tool);
    }
    const pins = new Map<string, PinRecord>((gate?.pins() ?? []).map((p) => [p.key, p]));
    let panelShown = false;
    return html`<h4 id="${id}-tools">Tools (${server.tools.length})</h4>
      ${server.tools.length === 0
        ? html`<p class="muted">This server offers no tools.</p>`
        : html`<ul part="tool-list" class="tools" aria-labelledby="${id}-tools">
            ${server.tools.map((tool, toolIndex) => {
              // Plain map, not repeat() keyed by name: an untrusted server may repeat a name.
              const isSelected = selected?.toolName === tool.name;
              const showPanel = isSelected && !panelShown;
              if (showPanel) panelShown = true;
              const gatedTool = gated.get(tool.name);
              const pin = pins.get(pinKey(server.spec.url, tool.name));
              const reviewKey = `${server.key}\n${tool.name}`;
              return html`<li part="tool" class="tool" data-tool=${tool.name}>
                <div class="tool-head">
                  <button
                    part="tool-button"
                    class="tool-button"
                    type="button"
                    aria-pressed=${isSelected ? 'true' : 'false'}
                    data-tool=${tool.name}
                    @click=${() => (isSelected ? panels.deselect(server.key) : panels.select(server.key, tool))}
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
                        @click=${() => (this._reviewing = this._reviewing === reviewKey ? undefined : reviewKey)}
                      >
                        Review change
                      </button>`
                    : nothing}
                </div>
                ${tool.description ? html`<p class="tool-description">${tool.description}</p>` : nothing}
                ${gatedTool?.quarantined && pin && this._reviewing === reviewKey
                  ? this.#renderReview(gate!, gatedTool, definitionDiff(pin.known.definition, gatedTool.tool), `${id}-review-${toolIndex}`)
                  : nothing}
                ${showPanel && selected ? this.#renderCall(server, selected, `${id}-tool-${toolIndex}`, panels) : nothing}
              </li>`;
            })}
          </ul>`}`;
  }

  #renderReview(gate: Gate, tool: GatedTool, diff: DiffLine[], id: string): TemplateResult {
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
      <pre part="diff" class="diff" role="region" tabindex="0" aria-label="Definition change">${diff.map(
        (line) => html`<span class=${line.kind}>${line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}${line.text}</span>\n`,
      )}</pre>
      <div class="actions">
        <button
          part="reapprove-button"
          class="primary"
          type="button"
          @click=${async () => {
            await gate.acceptDefinition(tool.id);
            this._reviewing = undefined;
          }}
        >
          Re-approve
        </button>
      </div>
    </div>`;
  }

  #renderCall(server: ServerState, state: ToolCallState, id: string, panels: ToolPanels): TemplateResult {
    const call = () => void panels.call(server.key);
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
        @input=${(event: InputEvent) => panels.setArgumentsText(server.key, (event.target as HTMLTextAreaElement).value)}
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
        ${state.running ? html`<button part="cancel-button" class="secondary" type="button" @click=${() => panels.cancel(server.key)}>Cancel</button>` : nothing}
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
