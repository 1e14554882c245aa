/**
 * The package's main entry: it defines and exports the elements, the runtime, the error codes and
 * the event classes — and no way to call a tool past the gate (the raw connection and the helpers
 * are in `toolgate/advanced`, see test/docs/advanced-entry.test.ts; the names are counted in
 * test/docs/public-surface.test.mjs).
 */
import { expect } from '@esm-bundle/chai';
import * as toolgate from '../src/index.js';

describe('src/index.ts', () => {
  it('defines and exports the elements', () => {
    for (const [tag, element] of [
      ['tg-agent', toolgate.TgAgent],
      ['tg-server', toolgate.TgServer],
      ['tg-provider', toolgate.TgProvider],
      ['tg-connections', toolgate.TgConnections],
      ['tg-approval', toolgate.TgApproval],
      ['tg-elicitation', toolgate.TgElicitation],
    ] as const) {
      expect(customElements.get(tag), tag).to.equal(element);
    }
    expect(document.createElement('tg-agent')).to.be.instanceOf(toolgate.TgAgent);
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
