/**
 * <tg-agent> in a real browser against the demo MCP server: real workers, real WebSockets.
 * Every fixture is removed after its test, which closes its connections.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgServer } from '../../../src/elements/server/tg-server.js';
import { TgConnectionStatusEvent } from '../../../src/events/events.js';
import { McpConnection } from '../../../src/connections/connection.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { control, taggedWsUrl, testEnv, uniqueTag } from '../../support/env.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root } from '../../support/agent-fixture.js';

/**
 * A server card's calls pass the gate (as the person's calls): the demo server is trusted, so
 * its read-only tools run without an approval card. A fresh tenant (database) per fixture.
 */
/** The shadow root of the agent's `<tg-connections>`, where the server cards are. */
function cx(el: TgAgent): ShadowRoot {
  const connections = root(el).querySelector('tg-connections');
  if (!connections?.shadowRoot) throw new Error('no <tg-connections>');
  return connections.shadowRoot;
}

function cards(el: TgAgent): HTMLElement[] {
  return [...cx(el).querySelectorAll<HTMLElement>('[part~="server-card"]')];
}

function badge(card: Element | undefined): string | undefined {
  return card?.querySelector('[part~="status-badge"]')?.textContent?.trim();
}

async function allReady(el: TgAgent, count = 1): Promise<void> {
  await waitUntil(
    () => el.connections.length === count && el.connections.every((s) => s.status === 'ready' && s.tools.length > 0),
    `${count} server(s) ready with tools`,
    WAIT,
  );
  await el.updateComplete;
  // Cards are compact: open each one's tools.
  for (const expand of cx(el).querySelectorAll<HTMLButtonElement>('[part~="expand-button"][aria-expanded="false"]')) expand.click();
  await root(el).querySelector('tg-connections')?.updateComplete;
}

function toolButton(el: TgAgent, name: string): HTMLButtonElement {
  const button = cx(el).querySelector<HTMLButtonElement>(`button[data-tool="${name}"]`);
  if (!button) throw new Error(`no button for tool ${name}`);
  return button;
}

async function selectTool(el: TgAgent, name: string): Promise<HTMLTextAreaElement> {
  toolButton(el, name).click();
  await el.updateComplete;
  const textarea = cx(el).querySelector<HTMLTextAreaElement>('textarea[part~="arguments"]');
  if (!textarea) throw new Error('no arguments textarea');
  return textarea;
}

function typeArguments(textarea: HTMLTextAreaElement, text: string): void {
  textarea.value = text;
  textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

function resultRegion(el: TgAgent): HTMLElement {
  const region = cx(el).querySelector<HTMLElement>('[part~="result"]');
  if (!region) throw new Error('no result region');
  return region;
}

async function clickCall(el: TgAgent): Promise<void> {
  cx(el).querySelector<HTMLButtonElement>('button[part~="call-button"]')!.click();
  await el.updateComplete;
}

async function openSockets(tag: string): Promise<{ open: number; protocols: string[] }> {
  return control(`/__test/sockets?tag=${encodeURIComponent(tag)}`);
}

/** How many `tools/call` requests of each tool the server received for this tag. */
async function callsSeen(tag: string): Promise<Record<string, number>> {
  return control(`/__test/calls?tag=${encodeURIComponent(tag)}`);
}

describe('<tg-agent>', function () {
  this.timeout(40000);
  afterEach(cleanupAgents);

  it('connects to a <tg-server msgpack> child, reaches ready and lists every tool', async () => {
    const tag = uniqueTag();
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(tag)} msgpack name="Demo"></tg-server></tg-agent>`);
    await allReady(el);
    const [card] = cards(el);
    expect(card?.querySelector('h3')?.textContent).to.equal('Demo');
    expect(badge(card)).to.equal('ready');
    expect((await openSockets(tag)).protocols).to.deep.equal(['mcp.msgpack']);

    // The list must match what the server reports across all its tools/list pages.
    const reference = await McpConnection.open({ url: testEnv().wsUrl });
    const expected = (await reference.listTools()).map((t) => t.name).sort();
    await reference.close();
    expect(expected.length).to.be.at.least(12);
    const shown = [...cx(el).querySelectorAll('[part~="tool-list"] button[data-tool]')].map((b) => b.getAttribute('data-tool')).sort();
    expect(shown).to.deep.equal(expected);

    // Title, then the name; server hints are labelled as claims.
    expect(toolButton(el, 'echo').querySelector('.tool-title')?.textContent).to.equal('Echo');
    const claims = (name: string) =>
      [...toolButton(el, name).closest('li')!.querySelectorAll('[part~="claim-badge"]')].map((b) => b.textContent?.trim());
    expect(claims('search_notes')).to.deep.equal(["read-only (server's claim)"]);
    expect(claims('delete_note')).to.deep.equal(["destructive (server's claim)"]);
  });

  it('fires tg-connection-status (bubbling, composed) as a connection changes', async () => {
    const events: TgConnectionStatusEvent[] = [];
    const url = taggedWsUrl(uniqueTag());
    const wrapper = await fixture<HTMLDivElement>(
      html`<div @tg-connection-status=${(e: TgConnectionStatusEvent) => events.push(e)}>
        <tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${url} name="A"></tg-server></tg-agent>
      </div>`,
    );
    const el = wrapper.querySelector('tg-agent')!;
    await allReady(el);
    expect(events.map((e) => e.detail.status)).to.deep.equal(['connecting', 'ready']);
    for (const event of events) {
      expect(event).to.be.instanceOf(TgConnectionStatusEvent);
      expect(event.type).to.equal('tg-connection-status');
      expect(event.bubbles && event.composed).to.equal(true);
      expect(event.detail).to.include({ url, name: 'A' });
    }
    el.querySelector('tg-server')!.remove();
    await waitUntil(() => events.length === 3, 'closed event', WAIT);
    expect(events[2]?.detail).to.include({ url, status: 'closed' });
  });

  it('calls echo with the typed JSON (Ctrl+Enter) and shows the text as text', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(uniqueTag())} msgpack></tg-server></tg-agent>`);
    await allReady(el);
    const textarea = await selectTool(el, 'echo');
    expect(JSON.parse(textarea.value)).to.deep.equal({ text: '' }); // skeleton from inputSchema
    expect(cx(el).querySelector(`label[for="${textarea.id}"]`), 'the textarea has a label').to.not.equal(null);
    const message = 'hello <b>world</b>\n  second line';
    typeArguments(textarea, JSON.stringify({ text: message }));
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, composed: true }));
    await waitUntil(() => resultRegion(el).querySelector('.text-block'), 'echo result', WAIT);
    const block = resultRegion(el).querySelector<HTMLElement>('.text-block')!;
    expect(block.textContent).to.equal(message);
    expect(block.querySelector('b'), 'server text must not become markup').to.equal(null);
    expect(getComputedStyle(block).whiteSpace).to.equal('pre-wrap');
    expect(resultRegion(el).getAttribute('aria-live')).to.equal('polite');
  });

  it('shows render_chart as an <img> with a data:image/png URL', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(uniqueTag())}></tg-server></tg-agent>`);
    await allReady(el);
    await selectTool(el, 'render_chart');
    await clickCall(el);
    await waitUntil(() => resultRegion(el).querySelector('img'), 'chart image', WAIT);
    const img = resultRegion(el).querySelector('img')!;
    expect(img.getAttribute('src')).to.match(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(img.alt).to.contain('render_chart');
    await img.decode();
    expect([img.naturalWidth, img.naturalHeight]).to.deep.equal([64, 64]);
  });

  it('shows a coded error for invalid JSON and makes no call', async () => {
    const tag = uniqueTag();
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(tag)}></tg-server></tg-agent>`);
    await allReady(el);
    const textarea = await selectTool(el, 'echo');
    for (const text of ['{"text": ', '["not", "an", "object"]']) {
      typeArguments(textarea, text);
      await clickCall(el);
      const error = resultRegion(el).querySelector('[part~="call-error"]');
      expect(error?.getAttribute('data-code'), text).to.equal('TG_INVALID_ARGUMENTS');
      expect(error?.querySelector('.code')?.textContent).to.equal('TG_INVALID_ARGUMENTS');
    }
    expect((await callsSeen(tag)).echo ?? 0).to.equal(0);
    // The same path does call once the JSON is fixed, so the counter can see calls.
    typeArguments(textarea, '{"text": "ok"}');
    await clickCall(el);
    await waitUntil(() => resultRegion(el).querySelector('.text-block'), 'echo result', WAIT);
    expect((await callsSeen(tag)).echo).to.equal(1);
    expect(resultRegion(el).querySelector('[part~="call-error"]')).to.equal(null);
  });

  it('styles an isError result as an error', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(uniqueTag())}></tg-server></tg-agent>`);
    await allReady(el);
    typeArguments(await selectTool(el, 'get_note'), '{"id": "no-such-note"}');
    await clickCall(el);
    await waitUntil(() => resultRegion(el).querySelector('.result-body'), 'result', WAIT);
    const body = resultRegion(el).querySelector('.result-body')!;
    expect(body.getAttribute('data-is-error')).to.equal('true');
    expect(body.classList.contains('is-error')).to.equal(true);
    expect(body.textContent).to.contain('No note with id no-such-note.');
  });

  it('shows live progress and cancels a running call', async () => {
    const tag = uniqueTag();
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(tag)}></tg-server></tg-agent>`);
    await allReady(el);
    typeArguments(await selectTool(el, 'count_slowly'), '{"count": 40, "delayMs": 100}');
    await clickCall(el);
    await waitUntil(() => resultRegion(el).querySelector('progress'), 'progress bar', WAIT);
    const progress = resultRegion(el).querySelector('progress')!;
    expect(progress.max).to.equal(40);
    expect(resultRegion(el).querySelector('[part~="progress"]')?.textContent).to.match(/\d+ of 40 — step \d+/);
    const cancel = cx(el).querySelector<HTMLButtonElement>('button[part~="cancel-button"]');
    expect(cx(el).querySelector<HTMLButtonElement>('button[part~="call-button"]')?.disabled).to.equal(true);
    cancel!.click();
    await waitUntil(() => resultRegion(el).querySelector('[part~="call-error"]'), 'cancelled', WAIT);
    expect(resultRegion(el).querySelector('[part~="call-error"]')?.getAttribute('data-code')).to.equal(ErrorCode.CANCELLED);
    expect(cx(el).querySelector('button[part~="cancel-button"]')).to.equal(null);
    await waitUntil(async () => (await control<unknown[]>(`/__test/cancellations?tag=${tag}`)).length === 1, 'server saw the cancel', WAIT);
  });

  it('shows failed with the error code when the server cannot be reached', async () => {
    const events: TgConnectionStatusEvent[] = [];
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO} @tg-connection-status=${(e: TgConnectionStatusEvent) => events.push(e)}
        ><tg-server url="ws://127.0.0.1:1/mcp"></tg-server
      ></tg-agent>`,
    );
    await waitUntil(() => el.connections[0]?.status === 'failed', 'failed', WAIT);
    await el.updateComplete;
    const [card] = cards(el);
    expect(badge(card)).to.equal('failed');
    expect(card?.querySelector('[part~="error"]')?.getAttribute('data-code')).to.equal(ErrorCode.CONNECTION_FAILED);
    expect(card?.querySelector('[part~="error"] .code')?.textContent).to.equal(ErrorCode.CONNECTION_FAILED);
    expect(events.at(-1)?.detail).to.deep.include({ url: 'ws://127.0.0.1:1/mcp', status: 'failed' });
    expect(events.at(-1)?.detail.error?.code).to.equal(ErrorCode.CONNECTION_FAILED);
  });

  it('shows an invalid <tg-server> as failed with TG_INVALID_CONFIG, next to a working one', async () => {
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}
        ><tg-server url=${taggedWsUrl(uniqueTag())}></tg-server><tg-server url="wss://x.example/mcp" max-frame-bytes="lots"></tg-server
      ></tg-agent>`,
    );
    await waitUntil(() => el.connections[0]?.status === 'ready' && el.connections[1]?.status === 'failed', 'one ready, one failed', WAIT);
    await el.updateComplete;
    expect(cards(el)[1]?.querySelector('[part~="error"]')?.getAttribute('data-code')).to.equal('TG_INVALID_CONFIG');
  });

  it('closes the connection of a removed <tg-server> and opens one for an added child', async () => {
    const [tagA, tagB] = [uniqueTag('a'), uniqueTag('b')];
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server id="a" url=${taggedWsUrl(tagA)}></tg-server><tg-server id="b" url=${taggedWsUrl(tagB)}></tg-server></tg-agent>`,
    );
    await allReady(el, 2);
    const urlB = taggedWsUrl(tagB);
    const statusesOfB: string[] = [];
    el.addEventListener('tg-connection-status', (e) => e.detail.url === urlB && statusesOfB.push(e.detail.status));
    expect((await openSockets(tagA)).open).to.equal(1);

    el.querySelector('#a')!.remove();
    await waitUntil(async () => (await openSockets(tagA)).open === 0, 'socket A closed on the server', WAIT);
    await el.updateComplete;
    expect(cards(el)).to.have.length(1);
    expect(el.connections[0]).to.include({ status: 'ready' });
    expect((await openSockets(tagB)).open).to.equal(1);

    const tagC = uniqueTag('c');
    const added = document.createElement('tg-server');
    added.setAttribute('url', taggedWsUrl(tagC));
    el.append(added);
    await allReady(el, 2);
    expect((await openSockets(tagC)).open).to.equal(1);
    expect(el.connections[0]?.spec.url).to.equal(urlB);
    expect(statusesOfB, 'B kept its connection throughout').to.deep.equal([]);
  });

  it('reconnects a <tg-server> whose url property changes', async () => {
    const [tagA, tagB] = [uniqueTag('a'), uniqueTag('b')];
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(tagA)}></tg-server></tg-agent>`);
    await allReady(el);
    const server = el.querySelector('tg-server') as TgServer;
    server.url = taggedWsUrl(tagB);
    await waitUntil(() => el.connections[0]?.spec.url === taggedWsUrl(tagB), 'the new url is listed', WAIT);
    await allReady(el);
    expect(server.getAttribute('url')).to.equal(taggedWsUrl(tagB));
    expect((await openSockets(tagB)).open).to.equal(1);
    expect((await openSockets(tagA)).open).to.equal(0);
  });

  it('uses the servers property instead of children while it is set', async () => {
    const [tagChild, tagProp] = [uniqueTag('child'), uniqueTag('prop')];
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(tagChild)}></tg-server></tg-agent>`);
    await allReady(el);
    el.servers = [{ url: taggedWsUrl(tagProp), name: 'From property', msgpack: true }];
    await waitUntil(() => el.connections.length === 1 && el.connections[0]?.spec.name === 'From property', 'property wins', WAIT);
    await allReady(el);
    expect(cards(el)[0]?.querySelector('h3')?.textContent).to.equal('From property');
    expect((await openSockets(tagProp)).protocols).to.deep.equal(['mcp.msgpack']);
    await waitUntil(async () => (await openSockets(tagChild)).open === 0, 'child connection closed', WAIT);

    el.servers = undefined;
    await waitUntil(() => el.connections[0]?.spec.url === taggedWsUrl(tagChild), 'back to the children', WAIT);
    await allReady(el);
  });

  it('works with only the servers property, set before insertion', async () => {
    const el = document.createElement('tg-agent');
    el.tenant = tenant();
    el.policy = TRUST_DEMO;
    el.servers = [{ url: taggedWsUrl(uniqueTag()) }];
    const placed = await fixture<HTMLDivElement>(html`<div></div>`);
    placed.append(el);
    await allReady(el);
    expect(badge(cards(el)[0])).to.equal('ready');
  });

  it('closes every connection when removed from the DOM, and disconnect()/connect() work', async () => {
    const tag = uniqueTag();
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(tag)}></tg-server></tg-agent>`);
    await allReady(el);
    await el.disconnect();
    expect(el.connections[0]?.status).to.equal('closed');
    await waitUntil(async () => (await openSockets(tag)).open === 0, 'socket closed on disconnect()', WAIT);
    el.connect();
    await allReady(el);
    expect((await openSockets(tag)).open, 'a new connection').to.equal(1);
    el.remove();
    await waitUntil(async () => (await openSockets(tag)).open === 0, 'socket closed on removal', WAIT);
  });

  it('shows an empty state without servers', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}></tg-agent>`);
    expect(cx(el).querySelector('[part~="empty"]')).to.not.equal(null);
    expect(cards(el)).to.have.length(0);
  });

  it('is accessible with tools listed, a tool selected and a result shown', async () => {
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}><tg-server url=${taggedWsUrl(uniqueTag())} name="Demo"></tg-server><tg-server url="ws://127.0.0.1:1/mcp"></tg-server></tg-agent>`,
    );
    await waitUntil(() => el.connections[0]?.status === 'ready' && el.connections[0].tools.length > 0 && el.connections[1]?.status === 'failed', 'settled', WAIT);
    await el.updateComplete;
    await expect(el).to.be.accessible(); // compact cards
    cx(el).querySelector<HTMLButtonElement>('[part~="expand-button"]')!.click();
    await root(el).querySelector('tg-connections')?.updateComplete;
    await expect(el).to.be.accessible(); // a card's tools listed
    await selectTool(el, 'render_chart');
    await clickCall(el);
    await waitUntil(() => resultRegion(el).querySelector('img'), 'result', WAIT);
    await expect(el).to.be.accessible();
  });

  it('reaches every control with Tab and is usable at 360 px', async () => {
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO} style="width: 360px"><tg-server url=${taggedWsUrl(uniqueTag())}></tg-server></tg-agent>`);
    await allReady(el);
    await selectTool(el, 'echo');
    const focusable = [...root(el).querySelectorAll<HTMLElement>('button, textarea'), ...cx(el).querySelectorAll<HTMLElement>('button, textarea, input, select')];
    expect(focusable.length).to.be.greaterThan(12);
    for (const control of focusable) expect(control.tabIndex, control.outerHTML.slice(0, 60)).to.equal(0);
    // Nothing wider than the element.
    const width = el.getBoundingClientRect().width;
    expect(width).to.equal(360);
    expect(el.scrollWidth).to.be.at.most(360);
    for (const card of cards(el)) expect(card.scrollWidth, 'card overflows').to.be.at.most(card.clientWidth + 1);
  });
});
