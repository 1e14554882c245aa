/**
 * <tg-connections> inside <tg-agent>, against the demo MCP server with real workers: adding a
 * server by keyboard (URL checked inline), consent for a server the allow-list does not name,
 * connect/disconnect, persistence per tenant across a reload, removal, trust and pin state with
 * a quarantined tool's review and re-approval, and axe on each state.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgConnections } from '../../../src/elements/connections/tg-connections.js';
import { savedServersKey } from '../../../src/elements/connections/saved-servers.js';
import { checkServerUrl } from '../../../src/elements/connections/server-url.js';
import type { Policy } from '../../../src/gate/policy.js';
import { pinKey } from '../../../src/gate/pins.js';
import { deleteToolgateDb, openToolgateDb, toolgateDbName } from '../../../src/storage/db.js';
import { taggedHttpUrl, taggedWsUrl, uniqueTag } from '../../support/env.js';

const WAIT = { timeout: 15000 };
const TRUST_DEMO: Policy = { version: 1, servers: [{ url: 'ws://127.0.0.1:*', trusted: true }, { url: 'http://127.0.0.1:*' }] };
const ELSEWHERE_ONLY: Policy = { version: 1, servers: [{ url: 'wss://tools.example/*' }] };

const tenants: string[] = [];
function tenant(): string {
  const t = `test-${crypto.randomUUID()}`;
  tenants.push(t);
  return t;
}

function cx(el: TgAgent): ShadowRoot {
  const connections = el.shadowRoot!.querySelector<TgConnections>('tg-connections');
  if (!connections?.shadowRoot) throw new Error('no <tg-connections>');
  return connections.shadowRoot;
}
const part = <T extends Element = HTMLElement>(el: TgAgent, name: string) => cx(el).querySelector<T>(`[part~="${name}"]`);
const cards = (el: TgAgent) => [...cx(el).querySelectorAll<HTMLElement>('[part~="server-card"]')];
const status = (card: Element | undefined) => card?.querySelector('[part~="status-badge"]')?.getAttribute('data-status');

async function settle(el: TgAgent): Promise<void> {
  await el.updateComplete;
  await el.shadowRoot!.querySelector<TgConnections>('tg-connections')!.updateComplete;
}

/** Types into the URL field, picks the transport, and presses Enter — all with real key events. */
async function addByKeyboard(el: TgAgent, url: string, options: { transport?: string; msgpack?: boolean } = {}): Promise<void> {
  const select = part<HTMLSelectElement>(el, 'transport-select')!;
  if (options.transport) {
    select.value = options.transport;
    select.dispatchEvent(new Event('change'));
    await settle(el);
  }
  const input = part<HTMLInputElement>(el, 'url-input')!;
  input.focus();
  await sendKeys({ type: url });
  await settle(el);
  if (options.msgpack) {
    const box = part<HTMLInputElement>(el, 'msgpack-toggle')!;
    expect(box.disabled, 'MessagePack offered for WebSocket').to.equal(false);
    box.focus();
    await sendKeys({ press: ' ' });
    input.focus();
  }
  await sendKeys({ press: 'Enter' });
  await settle(el);
}

async function ready(el: TgAgent, count: number): Promise<void> {
  await waitUntil(
    () => el.connections.length === count && el.connections.every((s) => s.status === 'ready' && s.tools.length > 0),
    `${count} server(s) ready`,
    WAIT,
  );
  await settle(el);
}

describe('<tg-connections>', function () {
  this.timeout(60000);
  afterEach(async () => {
    fixtureCleanup();
    for (const t of tenants.splice(0)) {
      localStorage.removeItem(savedServersKey(t));
      await deleteToolgateDb(toolgateDbName(t));
    }
  });

  it('checks URLs: wss/https anywhere, ws/http only to loopback', () => {
    expect(checkServerUrl('wss://tools.example/mcp').ok).to.equal(true);
    expect(checkServerUrl('https://tools.example/mcp').ok).to.equal(true);
    expect(checkServerUrl('ws://127.0.0.1:8080/mcp').ok).to.equal(true);
    expect(checkServerUrl('http://localhost/mcp').ok).to.equal(true);
    expect(checkServerUrl('http://[::1]:3000/').ok).to.equal(true);
    expect(checkServerUrl('ws://tools.example/mcp').ok).to.equal(false);
    expect(checkServerUrl('http://127.0.0.1.evil.example/').ok).to.equal(false);
    expect(checkServerUrl('javascript:alert(1)').ok).to.equal(false);
    expect(checkServerUrl('wss://user:pw@tools.example/').ok).to.equal(false);
    expect(checkServerUrl('').ok).to.equal(false);
  });

  it('adds a server by keyboard (Enter), connects it over WebSocket with MessagePack, keeps it across a reload, removes it', async () => {
    const t = tenant();
    const url = taggedWsUrl(uniqueTag('cx'));
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${t} .policy=${TRUST_DEMO}></tg-agent>`);
    await settle(el);
    expect(part(el, 'empty')).to.not.equal(null);
    await expect(el).to.be.accessible();

    await addByKeyboard(el, url, { transport: 'websocket', msgpack: true });
    await ready(el, 1);
    expect(el.connections[0]!.spec).to.include({ url, transport: 'websocket', msgpack: true });
    const [card] = cards(el);
    expect(status(card)).to.equal('ready');
    expect(card!.querySelector('[part~="trust-badge"]')?.getAttribute('data-trust')).to.equal('trusted');
    // Compact: the tool count, and the tools once expanded; a search shows the matching tools.
    expect(card!.querySelectorAll('[part~="tool"]').length).to.equal(0);
    const expand = card!.querySelector<HTMLButtonElement>('[part~="expand-button"]')!;
    expect(expand.getAttribute('aria-expanded')).to.equal('false');
    expand.click();
    await waitUntil(() => card!.querySelectorAll('[part~="tool"]').length > 3, 'tools shown', WAIT);
    expect(expand.textContent?.trim()).to.equal(`${card!.querySelectorAll('[part~="tool"]').length} tools`);
    const search = cx(el).querySelector<HTMLInputElement>('[part~="tool-search"]')!;
    search.value = 'delete';
    search.dispatchEvent(new InputEvent('input'));
    await waitUntil(() => card!.querySelectorAll('[part~="tool"]').length === 1, 'one tool matches', WAIT);
    expect(card!.querySelector('[part~="tool"]')?.getAttribute('data-tool')).to.equal('delete_note');
    search.value = '';
    search.dispatchEvent(new InputEvent('input'));
    expect(part<HTMLInputElement>(el, 'url-input')!.value, 'form cleared').to.equal('');
    await expect(el).to.be.accessible();

    // "Reload": a new element for the same tenant gets the server back from storage.
    el.remove();
    const again = await fixture<TgAgent>(html`<tg-agent tenant=${t} .policy=${TRUST_DEMO}></tg-agent>`);
    await ready(again, 1);
    expect(again.connections[0]!.spec).to.include({ url, transport: 'websocket', msgpack: true });

    part<HTMLButtonElement>(again, 'remove-button')!.click();
    await waitUntil(() => again.connections.length === 0, 'removed', WAIT);
    expect(JSON.parse(localStorage.getItem(savedServersKey(t)) ?? 'null')).to.deep.equal([]);
  });

  it('shows why a URL cannot be used, inline; Escape clears the form', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}></tg-agent>`);
    await settle(el);
    await addByKeyboard(el, 'ws://tools.example/mcp');
    const input = part<HTMLInputElement>(el, 'url-input')!;
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(part(el, 'url-error')!.textContent).to.contain('wss:');
    expect(el.connections).to.have.length(0);
    expect(cx(el).activeElement).to.equal(input);
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await settle(el);
    expect(input.value).to.equal('');
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    expect(part(el, 'url-error')!.textContent).to.equal('');
  });

  it('offers MessagePack only for WebSocket', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}></tg-agent>`);
    await settle(el);
    const box = part<HTMLInputElement>(el, 'msgpack-toggle')!;
    expect(box.disabled, 'auto without a URL').to.equal(true);
    const select = part<HTMLSelectElement>(el, 'transport-select')!;
    select.value = 'http';
    select.dispatchEvent(new Event('change'));
    await settle(el);
    expect(box.disabled).to.equal(true);
    select.value = 'websocket';
    select.dispatchEvent(new Event('change'));
    await settle(el);
    expect(box.disabled).to.equal(false);
  });

  it('asks before using a server the allow-list does not name; Cancel adds nothing, consent connects it through the gate', async () => {
    const url = taggedHttpUrl(uniqueTag('consent'));
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${ELSEWHERE_ONLY}></tg-agent>`);
    await el.ready;
    await settle(el);
    await addByKeyboard(el, url, { transport: 'http' });
    const prompt = part(el, 'consent')!;
    expect(prompt, 'consent prompt').to.not.equal(null);
    expect(prompt.textContent).to.contain(url);
    expect(cx(el).activeElement?.textContent?.trim()).to.equal('Use this server');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await settle(el);
    expect(part(el, 'consent')).to.equal(null);
    expect(el.connections).to.have.length(0);

    await addByKeyboard(el, url, { transport: 'http' });
    (cx(el).activeElement as HTMLButtonElement).click();
    await ready(el, 1);
    await waitUntil(() => el.gate?.tools({ kind: 'person' }).some((tool) => tool.tool.name === 'echo'), 'tools behind the gate', WAIT);
    await settle(el);
    expect(part(el, 'gate-error')).to.equal(null);
    expect(part(el, 'trust-badge')?.getAttribute('data-trust')).to.equal('untrusted');
  });

  it('lets the person allow a declared server the gate refused', async () => {
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${ELSEWHERE_ONLY}><tg-server url=${taggedWsUrl(uniqueTag('declared'))}></tg-server></tg-agent>`,
    );
    await ready(el, 1);
    await waitUntil(() => part(el, 'gate-error'), 'gate refused', WAIT);
    expect(part(el, 'gate-error')!.getAttribute('data-code')).to.equal('TG_SERVER_NOT_ALLOWED');
    expect(part(el, 'remove-button'), 'declared servers are not removable here').to.equal(null);
    await expect(el).to.be.accessible();
    part<HTMLButtonElement>(el, 'allow-button')!.click();
    await settle(el);
    (cx(el).querySelector<HTMLButtonElement>('[part~="consent"] .primary'))!.click();
    await waitUntil(() => (el.gate?.tools({ kind: 'person' }).length ?? 0) > 0, 'allowed', WAIT);
    await settle(el);
    expect(part(el, 'gate-error')).to.equal(null);
  });

  it('disconnects and reconnects one server', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(uniqueTag('dc'))}></tg-server></tg-agent>`);
    await ready(el, 1);
    part<HTMLButtonElement>(el, 'disconnect-button')!.click();
    await waitUntil(() => el.connections[0]?.status === 'closed', 'closed', WAIT);
    await settle(el);
    expect(status(cards(el)[0])).to.equal('closed');
    el.connect(); // "connect all" leaves a server the person disconnected alone
    await settle(el);
    expect(el.connections[0]?.status).to.equal('closed');
    part<HTMLButtonElement>(el, 'connect-button')!.click();
    await ready(el, 1);
    expect(status(cards(el)[0])).to.equal('ready');
  });

  it('shows pin state; a changed tool is quarantined, its diff reviewed, and re-approved', async () => {
    const t = tenant();
    const url = taggedWsUrl(uniqueTag('pin'));
    // The definition accepted earlier said something else: the listed echo is a change.
    const db = await openToolgateDb(toolgateDbName(t));
    const key = pinKey(url, 'echo');
    const before = { name: 'echo', description: 'Echoes text (the old, accepted definition).', inputSchema: { type: 'object' } };
    await db.put('pins', { key, serverUrl: url, toolName: 'echo', known: { hash: 'old', definition: before, since: 1 } }, key);
    db.close();

    const el = await fixture<TgAgent>(html`<tg-agent tenant=${t} .policy=${TRUST_DEMO}><tg-server url=${url}></tg-server></tg-agent>`);
    await ready(el, 1);
    await waitUntil(() => cx(el).querySelector('[part~="tool"][data-tool="echo"] [data-pin="quarantined"]'), 'echo quarantined', WAIT);
    const other = cx(el).querySelector('[part~="tool"]:not([data-tool="echo"]) [part~="pin-badge"]');
    expect(other?.getAttribute('data-pin'), 'other tools are pinned on first sight').to.equal('pinned');
    const echo = cx(el).querySelector('[part~="tool"][data-tool="echo"]')!;
    const review = echo.querySelector<HTMLButtonElement>('[part~="review-button"]')!;
    expect(review.getAttribute('aria-expanded')).to.equal('false');
    review.click();
    await settle(el);
    expect(review.getAttribute('aria-expanded')).to.equal('true');
    const diff = echo.querySelector('[part~="diff"]')!;
    expect(diff.querySelector('.removed')?.textContent).to.contain('the old, accepted definition');
    expect(diff.querySelector('.added')).to.not.equal(null);
    await expect(el).to.be.accessible();
    echo.querySelector<HTMLButtonElement>('[part~="reapprove-button"]')!.click();
    await waitUntil(() => echo.querySelector('[part~="pin-badge"]')?.getAttribute('data-pin') === 'pinned', 'pinned again', WAIT);
    expect(el.gate?.quarantined()).to.deep.equal([]);
    expect(echo.querySelector('[part~="diff"]')).to.equal(null);
  });
});
