/**
 * CORS in a real browser. A fetch the browser blocks and a fetch that never reached a server fail
 * alike (a bare TypeError); the worker tells them apart with an opaque no-cors request and says which
 * headers are missing. The demo server's CORS answer lets every header a browser MCP client sends
 * through and exposes every header it must read.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { taggedHttpUrl, uniqueTag } from '../support/env.js';
import { rejection } from '../support/async.js';
import { badOrigin } from '../support/connections.js';

describe('CORS', () => {
  it('a working server without CORS headers gives TG_CORS_BLOCKED naming the headers to allow and expose (Streamable HTTP)', async () => {
    const err = await rejection(McpConnection.open({ url: `${badOrigin()}/no-cors/mcp`, transport: 'http' }));
    expect(err.code).to.equal(ErrorCode.CORS_BLOCKED);
    for (const header of ['Authorization', 'Content-Type', 'MCP-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID', 'DPoP', 'WWW-Authenticate', 'DPoP-Nonce']) {
      expect(err.message).to.contain(header);
    }
    expect((err.data as { origin: string }).origin).to.equal(badOrigin());
  });

  it('the same under auto-detection: the modern probe and the legacy initialize are both blocked → TG_CORS_BLOCKED', async () => {
    const err = await rejection(McpConnection.open({ url: `${badOrigin()}/no-cors/mcp` }));
    expect(err.code).to.equal(ErrorCode.CORS_BLOCKED);
  });

  it('an HTTP+SSE server without CORS headers gives TG_CORS_BLOCKED', async () => {
    const err = await rejection(McpConnection.open({ url: `${badOrigin()}/no-cors/sse`, transport: 'sse' }));
    expect(err.code).to.equal(ErrorCode.CORS_BLOCKED);
  });

  it('an unreachable server gives TG_NETWORK_ERROR, not TG_CORS_BLOCKED', async () => {
    for (const transport of ['http', 'sse'] as const) {
      const err = await rejection(McpConnection.open({ url: 'http://127.0.0.1:1/mcp', transport }));
      expect(err.code, transport).to.equal(ErrorCode.NETWORK_ERROR);
    }
  });

  it('the demo server lets every client header through a real preflight and exposes the ones the client reads', async () => {
    const url = taggedHttpUrl(uniqueTag('cors'));
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    // Non-safelisted headers force a preflight; a missing one in the allow list would make this fetch throw.
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        authorization: 'Bearer not-checked-here',
        'mcp-protocol-version': '2025-11-25',
        'mcp-method': 'initialize',
        'last-event-id': '0',
        dpop: 'proof',
        'mcp-param-region': 'eu',
        'Mcp-Param-Tenant_Id': 'a',
      },
      body: JSON.stringify(initialize),
    });
    expect(response.ok).to.equal(true);
    // Exposed, so a cross-origin page can read it (an unexposed header reads as null); the full
    // expose list is checked from Node in test/support/servers/servers.test.mjs.
    expect(response.headers.get('mcp-session-id')).to.be.a('string').and.not.equal('');
    await response.body?.cancel();
  });

  it('a preflight naming a malformed Mcp-Param header is not granted it: the browser blocks the request', async () => {
    // Header names with characters outside the token set are rejected by fetch itself; use an over-long name instead.
    const err = await rejection(
      fetch(taggedHttpUrl(uniqueTag('cors')), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [`mcp-param-${'x'.repeat(80)}`]: '1' },
        body: '{}',
      }),
    );
    expect(err).to.be.instanceOf(TypeError);
  });
});
