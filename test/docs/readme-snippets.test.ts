/**
 * The README's embedding snippets work as written: the ```html block (after "## Embed") and the
 * bundler ```js block after it are read from /README.md at test time, their example URLs are
 * pointed at the test servers, and the page built from them loads the agent and connects.
 *
 * Replaced placeholders (keep them stable in the README):
 *   wss://mcp.example.com      → the demo server's WebSocket origin (testEnv().wsUrl)
 *   https://tickets.example.com → the demo server's HTTP origin (testEnv().httpUrl)
 * The `<script src>` line and `import 'toolgate';` are dropped: this file imports the library.
 */
import { expect, fixtureCleanup, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { TgAgent } from '../../src/elements/agent/tg-agent.js';
import { deleteToolgateDb, toolgateDbName } from '../../src/storage/db.js';
import { testEnv } from '../support/env.js';

const WAIT = { timeout: 20000 };

async function readmeBlocks(): Promise<{ html: string; js: string }> {
  const response = await fetch('/README.md');
  expect(response.ok, 'README.md is served').to.equal(true);
  const text = await response.text();
  const embed = text.slice(text.indexOf('## Embed'));
  const html = /```html\n([\s\S]*?)```/.exec(embed)?.[1];
  const js = /```js\n([\s\S]*?)```/.exec(embed)?.[1];
  if (!html || !js) throw new Error('README: the Embed section lost its html or js snippet');
  return { html, js };
}

function pointAtTestServers(code: string): string {
  const ws = new URL(testEnv().wsUrl).origin.replace(/^http/, 'ws');
  const http = new URL(testEnv().httpUrl).origin;
  return code.replaceAll('wss://mcp.example.com', ws).replaceAll('https://tickets.example.com', http);
}

describe('README snippets', function () {
  this.timeout(60000);
  const hosts: HTMLElement[] = [];
  afterEach(async () => {
    fixtureCleanup();
    for (const host of hosts.splice(0)) host.remove();
    for (const tenant of ['acme', undefined]) await deleteToolgateDb(toolgateDbName(tenant)).catch(() => {});
  });

  it('the plain-HTML embed loads the agent and connects its servers', async () => {
    const { html } = await readmeBlocks();
    expect(html).to.contain('wss://mcp.example.com/mcp');
    const host = document.createElement('div');
    hosts.push(host);
    // The snippet is the README's own markup (trusted test input), minus the library's script tag.
    const template = document.createElement('template');
    template.innerHTML = pointAtTestServers(html).replace(/<script[^>]*><\/script>/, '');
    host.append(template.content);
    document.body.append(host);
    const agent = host.querySelector<TgAgent>('tg-agent')!;
    expect(agent).to.be.instanceOf(customElements.get('tg-agent')!);
    await waitUntil(() => agent.connections.length === 2 && agent.connections.every((s) => s.status === 'ready' && s.tools.length > 0), 'both servers ready with tools', WAIT);
    expect(agent.connections.map((s) => s.spec.name)).to.deep.equal(['Notes', 'Tickets']);
    await agent.ready;
    expect(agent.agentStatus).to.equal('ready');
  });

  it('the bundler snippet configures an agent by properties and connects', async () => {
    const { js } = await readmeBlocks();
    expect(js).to.contain("import 'toolgate';");
    const host = document.createElement('div');
    hosts.push(host);
    host.append(document.createElement('tg-agent'));
    document.body.append(host);
    const agent = host.querySelector<TgAgent>('tg-agent')!;
    const statuses: string[] = [];
    agent.addEventListener('tg-connection-status', (e) => statuses.push(e.detail.status));
    const code = pointAtTestServers(js).replace(/^import .*$/m, '');
    // eslint-disable-next-line no-new-func -- the README's code, run as a page would run it
    new Function(code)();
    await waitUntil(() => agent.connections[0]?.status === 'ready' && agent.connections[0].tools.length > 0, 'server ready', WAIT);
    expect(agent.connections[0]!.spec).to.include({ name: 'Notes', msgpack: true });
    expect(statuses).to.include('ready');
    await agent.ready;
    // The snippet's policy is in force: the server is trusted, so its tools are behind the gate.
    await waitUntil(() => (agent.gate?.tools({ kind: 'person' }).length ?? 0) > 0, 'tools behind the gate', WAIT);
    expect(agent.gate?.serverStanding(agent.connections[0]!.spec.url).trusted).to.equal(true);
  });
});
