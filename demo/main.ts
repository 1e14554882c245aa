import '../src/index.js';
// Until src/index.ts exports it:
import type { Policy } from '../src/gate/policy.js';

/**
 * The demo's policy: the JSON connection's server is trusted (its read-only tools run without a
 * card), the MessagePack connection's (same server, other host name) is listed but not trusted,
 * and `delete_note` always asks, whoever proposes it.
 */
const policy: Policy = {
  version: 1,
  servers: [
    { url: 'ws://127.0.0.1:8787/*', trusted: true, labels: ['local'] },
    { url: 'ws://localhost:8787/*', labels: ['local'] },
  ],
  tools: [{ id: 'ask-before-delete', server: '*', tool: 'delete_note', action: 'ask' }],
};

const agent = document.querySelector('tg-agent')!;
agent.policy = policy;

// Optional model: ?llm=<OpenAI-compatible base URL>&model=<name> (no key: use a local server).
const params = new URLSearchParams(location.search);
const llm = params.get('llm');
if (llm) {
  const provider = document.createElement('tg-provider');
  provider.setAttribute('kind', 'openai');
  provider.setAttribute('base-url', llm);
  provider.setAttribute('model', params.get('model') ?? 'default');
  agent.prepend(provider);
}

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
