import '../src/index.js';
import type { Policy } from '../src/index.js';
import config from 'virtual:toolgate-demo-config';

/**
 * The demo page: one `<tg-agent>` and the local demo MCP server reached twice, each connection in
 * its own Web Worker. The URLs come from the dev server (vite.config.ts), so the demo runs on any
 * port (`TG_DEMO_MCP_PORT`, 0 in the e2e test).
 */

const wsUrl = new URL(config.mcp.wsUrl);
/** The same server under another host name: the policy tells the two apart by URL. */
const msgpackUrl = `ws://localhost:${wsUrl.port}${wsUrl.pathname}`;

/** The role the demo person holds; `create_note` needs `editor`, so it is hidden (see the page text). */
const DEMO_ROLES = ['reader'];

/**
 * The demo's policy:
 * - the JSON connection's server is trusted (its read-only tools run without a card) and its output
 *   may go to any model;
 * - the MessagePack connection's (same server, other host name) is listed but not trusted, so every
 *   call asks, and its output may only go to a model labelled `local` — the person's own calls
 *   there are withheld from any model (data-flow control);
 * - `delete_note` always asks, whoever proposes it;
 * - `create_note` is visible only to `editor`s;
 * - the OAuth-protected server is trusted once the person has signed in to it;
 * - the MCP App server is listed but not trusted: its view's calls (the counter's +2) ask first.
 */
const policy: Policy = {
  version: 1,
  servers: [
    { url: `ws://127.0.0.1:${wsUrl.port}/*`, trusted: true, labels: ['*'] },
    { url: `ws://localhost:${wsUrl.port}/*`, labels: ['local'] },
    { url: `${new URL(config.oauth.httpUrl).origin}/*`, trusted: true, labels: ['*'] },
    { url: `${new URL(config.apps.httpUrl).origin}/*` },
  ],
  tools: [
    { id: 'ask-before-delete', server: '*', tool: 'delete_note', action: 'ask' },
    { id: 'demo-app', server: '*', tool: 'show_counter', action: 'allow' },
  ],
  roles: { editor: ['*/create_note'] },
};

const agent = document.querySelector('tg-agent')!;
agent.policy = policy;
// MCP App views run in the sandbox proxy (public/mcp-app-sandbox.html) on another host.
agent.setAttribute('apps-sandbox-origin', config.apps.sandboxUrl);
agent.roles = DEMO_ROLES;

// Set as a property (it wins over <tg-server> children) because the OAuth options are an object.
agent.servers = [
  { name: 'Demo (JSON)', url: config.mcp.wsUrl },
  { name: 'Demo (MessagePack)', url: msgpackUrl, msgpack: true },
  {
    name: 'Notes (OAuth)',
    url: config.oauth.httpUrl,
    transport: 'http',
    // `development`: the local authorization server is plain http on a loopback host.
    oauth: { redirectUri: new URL('/oauth-callback.html', location.href).href, development: true, clientName: 'Toolgate demo' },
  },
  { name: 'Counter (MCP App)', url: config.apps.httpUrl, transport: 'http' },
];

// The page's own tool: server "This page", behind the same gate as the MCP servers (it asks, and is audited).
agent.registerTool({
  name: 'show_banner',
  title: 'Show a banner on this page',
  description: 'Shows a short message in a banner at the top of the demo page.',
  inputSchema: { type: 'object', properties: { text: { type: 'string', maxLength: 200 } }, required: ['text'], additionalProperties: false },
  annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  execute: ({ text }) => {
    const banner = document.querySelector<HTMLElement>('#page-banner');
    if (banner) {
      banner.textContent = String(text);
      banner.hidden = false;
    }
    return `The banner now says: ${String(text)}`;
  },
});

// Show the real URLs in the explanatory text.
for (const element of document.querySelectorAll<HTMLElement>('[data-demo-url]')) {
  const which = element.dataset.demoUrl;
  element.textContent =
    which === 'json' ? config.mcp.wsUrl : which === 'msgpack' ? msgpackUrl : which === 'http' ? config.mcp.httpUrl : which === 'oauth' ? config.oauth.httpUrl : which === 'issuer' ? config.oauth.issuer : which === 'apps' ? config.apps.httpUrl : which === 'sandbox' ? config.apps.sandboxUrl : '';
}

// A model: TG_LLM_BASE_URL for the dev server, or ?llm=<base URL>&model=<name>, with the other
// <tg-provider> attributes a host page would set: &kind=anthropic (default openai), &label=<data-flow
// label> (default by host: `local` on loopback), &media=images (what an OpenAI-compatible model takes).
const params = new URLSearchParams(location.search);
const llm = params.get('llm') ? { baseUrl: params.get('llm')!, model: params.get('model') ?? 'default', apiKey: undefined } : config.llm;
if (llm) {
  const provider = document.createElement('tg-provider');
  const attributes = { kind: params.get('kind') ?? 'openai', 'base-url': llm.baseUrl, model: llm.model, 'api-key': llm.apiKey, label: params.get('label'), media: params.get('media') };
  for (const [name, value] of Object.entries(attributes)) if (value) provider.setAttribute(name, value);
  agent.prepend(provider);
  // The intro says what this page is now: a model proposes, the person still picks tools by hand too.
  const mode = document.querySelector('#demo-mode');
  const host = URL.canParse(llm.baseUrl) ? new URL(llm.baseUrl).host : llm.baseUrl;
  if (mode) mode.textContent = `with a model (${llm.model} at ${host}): it proposes tool calls, or you pick a tool and fill in its form, and every call passes`;
}

// The scenes of the page (index.html): quarantine, role-hidden tools, data-flow withholding.

/**
 * The demo server's control (out of band, not an MCP call, so it is no tool call in the
 * conversation): daily_tip gets a new description on every open connection.
 */
document.querySelector('#simulate-change')?.addEventListener('click', () => {
  void fetch(new URL('/__demo/change-tool', config.mcp.httpUrl), { method: 'POST' });
});

/** Tools the servers offer that the gate hides from this person (roles). */
function renderHiddenTools(): void {
  const list = document.querySelector('#hidden-tools');
  const gate = agent.gate;
  if (!list || !gate) return;
  const visible = gate.tools({ kind: 'person' });
  const registered = new Set(visible.map((t) => t.serverUrl));
  const shown = new Set(visible.map((t) => `${t.serverUrl} ${t.tool.name}`));
  const hidden = agent.connections
    .filter((s) => s.status === 'ready' && registered.has(s.spec.url))
    .flatMap((s) => s.tools.filter((t) => !shown.has(`${s.spec.url} ${t.name}`)).map((t) => `${t.name} on ${s.spec.name ?? s.spec.url}`));
  list.replaceChildren(
    ...(hidden.length > 0 ? hidden : ['(none yet: waiting for the servers)']).map((text) => Object.assign(document.createElement('li'), { textContent: text })),
  );
}
void agent.ready.then(() => {
  agent.gate?.addEventListener('change', renderHiddenTools);
  renderHiddenTools();
});
document.addEventListener('tg-connection-status', renderHiddenTools);

/** Results the data-flow policy kept from the model (the person still sees them in full). */
document.addEventListener('tg-tool-call', (event) => {
  const { entry, phase } = event.detail;
  if (phase !== 'end' || !entry.outcome || !('withheld' in entry.outcome) || !entry.outcome.withheld) return;
  const item = document.createElement('li');
  item.textContent = `${entry.toolId}: shown to you, withheld from any model`;
  document.querySelector('#withheld')?.append(item);
});

// Log what a host page would watch.
document.addEventListener('tg-connection-status', (event) => {
  const { url, status, error } = event.detail;
  console.info(`[toolgate] ${url}: ${status}${error ? ` (${error.code ?? 'error'}: ${error.message})` : ''}`);
});
document.addEventListener('tg-tool-request', (event) => {
  console.info(`[toolgate] approval needed: ${event.detail.request.displayName} (${event.detail.request.reason})`);
});
document.addEventListener('tg-tool-call', (event) => {
  if (event.detail.phase === 'end') console.info(`[toolgate] ${event.detail.entry.toolId}: ${event.detail.entry.status}`);
});
