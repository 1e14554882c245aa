/**
 * Frameworks (React 19, Vue, Svelte 5) set properties on `<tg-server>` and `<tg-provider>`, and may
 * attach them before Lit has reflected them to attributes: the agent must read what was set, not an
 * empty `url` (Svelte 5 showed TG_INVALID_CONFIG "url is missing" first).
 */
import { expect } from '@esm-bundle/chai';
import '../../../src/index.js';
import { parseProviderAttributes } from '../../../src/elements/provider/provider-config.js';
import { deleteToolgateDb, toolgateDbName } from '../../../src/storage/db.js';
import { testEnv } from '../../support/env.js';

const TENANT = 'pending-attributes';

describe('<tg-server> and <tg-provider> properties not reflected yet', () => {
  let agent: HTMLElementTagNameMap['tg-agent'] | undefined;
  afterEach(async () => {
    agent?.remove();
    agent = undefined;
    await deleteToolgateDb(toolgateDbName(TENANT)).catch(() => {});
  });

  it('an open agent reads a server added by properties before Lit reflects them (no TG_INVALID_CONFIG first)', async () => {
    const open = document.createElement('tg-agent');
    agent = open;
    open.tenant = TENANT;
    document.body.append(open);
    await open.ready;
    const errors: string[] = [];
    open.addEventListener('tg-connection-status', (e) => {
      if (e.detail.error) errors.push(`${e.detail.error.code} ${e.detail.error.message}`);
    });
    const server = document.createElement('tg-server');
    server.url = testEnv().wsUrl;
    server.name = 'Set by a framework';
    server.maxFrameBytes = 2048;
    open.append(server);
    expect(server.hasAttribute('url'), 'not reflected yet').to.equal(false);
    // The agent's MutationObserver reads the new child before the child's first update reflects its
    // properties; by the end of that update both have run.
    await server.updateComplete;
    expect(errors, 'no status carried an error').to.deep.equal([]);
    const [state] = open.connections;
    expect(state?.error, 'no TG_INVALID_CONFIG').to.equal(undefined);
    expect(state?.spec).to.deep.equal({ url: testEnv().wsUrl, name: 'Set by a framework', maxFrameBytes: 2048 });
  });

  it('a boolean property wins over its attribute, both ways', () => {
    const server = document.createElement('tg-server');
    server.url = 'wss://tools.example/mcp';
    server.msgpack = true;
    expect(server.declaration.spec.msgpack).to.equal(true);
    server.setAttribute('msgpack', '');
    server.msgpack = false;
    expect(server.declaration.spec.msgpack, 'false although the attribute is still there').to.equal(undefined);
  });

  it('a provider reads its properties the same way', () => {
    const provider = document.createElement('tg-provider');
    provider.baseUrl = 'http://127.0.0.1:11434/v1';
    provider.model = 'llama3.2';
    const values: Record<string, string> = { 'base-url': 'http://127.0.0.1:11434/v1', model: 'llama3.2' };
    const expected = parseProviderAttributes({ getAttribute: (name) => values[name] ?? null, hasAttribute: (name) => name in values });
    expect(provider.declaration.key).to.equal(expected.key);
    expect(provider.declaration.title).to.equal(expected.title);
    expect(provider.declaration.configError).to.equal(undefined);
  });
});
