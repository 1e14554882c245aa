/**
 * OAuth over WebSocket with the single-use ticket binding (workers/auth/ws-ticket.ts): the worker
 * gets a 30-second ticket with its token from POST <mcp>/ws-ticket and offers it as the subprotocol
 * `mcp.ticket.<ticket>`; the protected demo server burns it at the handshake. Real AS, real popup.
 */
import { expect } from '@esm-bundle/chai';
import { countingPopup, oidcEnv, open, protectedConfig, rsControl, suiteTokenDatabase } from './oidc-support.js';

function opens(url: string, protocols: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols);
    ws.onopen = () => {
      ws.close();
      resolve(true);
    };
    ws.onerror = () => resolve(false);
  });
}

describe('auth: WebSocket with a single-use ticket', function () {
  this.timeout(60_000);
  const { database, keep } = suiteTokenDatabase();

  it('authorizes through the popup, gets a ticket, and talks MCP over the WebSocket', async () => {
    const before = await rsControl.stats();
    const popup = countingPopup();
    const base = protectedConfig();
    const connection = keep(await open({ ...base, url: oidcEnv().protectedWsUrl, transport: 'websocket', oauth: { ...base.oauth, database } }, { onAuthorize: popup.onAuthorize }));
    expect(connection.info?.transport).to.equal('websocket');
    expect(popup.urls).to.have.length(1);
    // The OAuth resource of a WebSocket server is its http(s) form.
    expect(new URL(popup.urls[0]!).searchParams.get('resource')).to.equal(oidcEnv().protectedHttpUrl);
    const result = await connection.callTool('search_notes', { query: 'Lisbon' });
    expect(JSON.stringify(result.content)).to.contain('Trip to Lisbon');
    const after = await rsControl.stats();
    expect(after.ticketsIssued - before.ticketsIssued).to.equal(1);
    expect(after.ticketsUsed - before.ticketsUsed).to.equal(1);
  });

  it('refuses a handshake without a ticket, or with a made-up one', async () => {
    const before = await rsControl.stats();
    expect(await opens(oidcEnv().protectedWsUrl, ['mcp'])).to.equal(false);
    expect(await opens(oidcEnv().protectedWsUrl, ['mcp', `mcp.ticket.${'A'.repeat(32)}`])).to.equal(false);
    expect((await rsControl.stats()).ticketsRefused - before.ticketsRefused).to.equal(2);
  });

  it('without oauth config the WebSocket connection fails (no ticket is fetched)', async () => {
    let failed = false;
    await open({ url: oidcEnv().protectedWsUrl, transport: 'websocket', reconnect: false } as Parameters<typeof open>[0]).then(
      (c) => c.close(),
      () => (failed = true),
    );
    expect(failed).to.equal(true);
  });
});
