/** The package entry point exposes the elements, connection API, error codes and events. */
import { expect } from '@esm-bundle/chai';
import * as toolgate from '../src/index.js';

describe('src/index.ts', () => {
  it('defines and exports the elements', () => {
    expect(customElements.get('tg-agent')).to.equal(toolgate.TgAgent);
    expect(customElements.get('tg-server')).to.equal(toolgate.TgServer);
    expect(document.createElement('tg-agent')).to.be.instanceOf(toolgate.TgAgent);
  });

  it('exports the connection class, error codes and event class', () => {
    expect(toolgate.McpConnection.open).to.be.a('function');
    expect(toolgate.ErrorCode.CONNECTION_FAILED).to.equal('TG_CONNECTION_FAILED');
    expect(toolgate.ErrorCode.INVALID_ARGUMENTS).to.equal('TG_INVALID_ARGUMENTS');
    const event = new toolgate.TgConnectionStatusEvent({ url: 'wss://a/', status: 'ready' });
    expect([event.type, event.bubbles, event.composed]).to.deep.equal(['tg-connection-status', true, true]);
  });

  it('exports the pure helpers', () => {
    expect(toolgate.parseToolArguments('{"a": 1}')).to.deep.equal({ a: 1 });
    expect(toolgate.describeResult({ content: [{ type: 'text', text: 'x' }] }).parts).to.have.length(1);
  });
});
