/**
 * The package's main entry: it defines the elements (three at once, five when their tag first
 * appears, with their classes in `toolgate/advanced`), exports the runtime, the error codes and
 * the event classes — and no way to call a tool past the gate (the raw connection and the helpers
 * are in `toolgate/advanced`, see test/docs/advanced-entry.test.ts; the names are counted in
 * test/docs/public-surface.test.mjs).
 */
import { expect } from '@esm-bundle/chai';
import { fixture, html, waitUntil } from '@open-wc/testing';
import * as toolgate from '../src/index.js';
import * as advanced from '../src/advanced.js';

describe('src/index.ts', () => {
  // Booleans, not the classes: a failing chai assertion whose actual value is a Lit class crashes the page.
  it('defines and exports the elements a page needs first', () => {
    for (const [tag, element] of [
      ['tg-agent', toolgate.TgAgent],
      ['tg-server', toolgate.TgServer],
      ['tg-provider', toolgate.TgProvider],
    ] as const) {
      expect(customElements.get(tag) === element, tag).to.equal(true);
    }
    expect(document.createElement('tg-agent')).to.be.instanceOf(toolgate.TgAgent);
  });

  it('defines the other elements when their tag first appears in the page, as the classes of toolgate/advanced', async () => {
    const lazy = [
      ['tg-connections', advanced.TgConnections],
      ['tg-approval', advanced.TgApproval],
      ['tg-elicitation', advanced.TgElicitation],
      ['tg-manual-form', advanced.TgManualForm],
      ['tg-audit-log', advanced.TgAuditLog],
    ] as const;
    const names = lazy.map(([tag]) => tag);
    expect(names.filter((tag) => 'Tg' + tag.slice(3) in toolgate), 'no lazy class is a value of the main entry').to.deep.equal([]);
    // A property set before the class arrives is kept (Lit takes it over on upgrade).
    const el = await fixture<HTMLElement>(html`<div><tg-audit-log></tg-audit-log><section><tg-manual-form></tg-manual-form></section></div>`);
    const log = el.querySelector('tg-audit-log')!;
    const source = new advanced.MemoryAuditSource([]);
    (log as unknown as { log: unknown }).log = source;
    for (const tag of ['tg-connections', 'tg-approval', 'tg-elicitation']) el.append(document.createElement(tag));
    await waitUntil(() => names.every((tag) => customElements.get(tag) !== undefined), 'the five are defined', { timeout: 10000 });
    expect(lazy.filter(([tag, element]) => customElements.get(tag) !== element).map(([tag]) => tag), 'defined as the advanced classes').to.deep.equal([]);
    expect(log instanceof advanced.TgAuditLog, 'the parsed element is upgraded').to.equal(true);
    expect((log as advanced.TgAuditLog).log === source, 'the property set before the upgrade').to.equal(true);
  });

  it('exports the runtime, the error codes and the event classes', () => {
    expect(toolgate.createRuntime).to.be.a('function');
    expect(toolgate.Runtime.open).to.be.a('function');
    expect(toolgate.ErrorCode.CONNECTION_FAILED).to.equal('TG_CONNECTION_FAILED');
    expect(toolgate.ErrorCode.INVALID_ARGUMENTS).to.equal('TG_INVALID_ARGUMENTS');
    const event = new toolgate.TgConnectionStatusEvent({ url: 'wss://a/', status: 'ready' });
    expect([event.type, event.bubbles, event.composed, event.cancelable]).to.deep.equal(['tg-connection-status', true, true, false]);
    const request = new toolgate.TgToolRequestEvent({ request: {} as never, respond: () => {} });
    expect([request.type, request.bubbles, request.composed, request.cancelable]).to.deep.equal(['tg-tool-request', true, true, true]);
    expect(toolgate.TgToolRequestEvent.eventName).to.equal('tg-tool-request');
  });

  it('exports nothing that reaches a connection past the gate', () => {
    const names = Object.keys(toolgate);
    for (const name of ['McpConnection', 'createConnectionWorker', 'ToolCallController', 'ConnectionsController', 'Gate', 'AuditLog', 'Agent', 'matchGlob', 'TokenBucket']) {
      expect(names, name).to.not.include(name);
    }
  });
});
