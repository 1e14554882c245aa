/**
 * Issue #3/#8: after a popup sign-in on an HTTP server, the server must show as signed in
 * (`authorizedBy`, which makes `<tg-connections>` offer "Sign out"). The sign-in happens inside
 * `McpConnection.open()`, before any listener can be attached, so the connection remembers it.
 * Real worker, real authorization server (oidc-provider) and protected MCP server.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { declareServer } from '../../src/runtime/server-spec.js';
import { ServerRegistry } from '../../src/runtime/servers.js';
import { countingPopup, oidcEnv, protectedConfig, suiteTokenDatabase } from '../workers/auth/oidc-support.js';
import { TRUST_ALL, memoryGate } from '../support/memory-audit.js';

describe('ServerRegistry: sign-in with the OAuth popup', function () {
  this.timeout(60_000);
  const { database, keep } = suiteTokenDatabase();

  it('records who authorized the connection after the popup sign-in and after restoring saved tokens, and forgets it on sign-out', async () => {
    const { gate } = await memoryGate({ policy: TRUST_ALL });
    const connections = keep(new ServerRegistry({ gate }));
    const base = protectedConfig();
    const { url, transport, oauth } = { ...base, oauth: { ...base.oauth, database } };
    connections.set([declareServer({ url, transport, oauth })]);
    await connections.disconnectServer(connections.list[0]!.id);
    connections.connect();
    const popup = countingPopup();
    connections.connectServer(connections.list[0]!.id, { authorize: popup.onAuthorize });
    const server = () => connections.list[0]!;
    await waitUntil(() => server().status === 'ready' || server().status === 'failed', 'connected', { timeout: 45_000 });
    expect(server().error).to.equal(undefined);
    expect(popup.urls).to.have.length(1);
    expect(server().authorizedBy).to.equal(oidcEnv().oidcIssuer);

    // Another controller (a page reload) restores the saved tokens without a popup and is signed in as well.
    const reloaded = new ServerRegistry({ gate: (await memoryGate({ policy: TRUST_ALL })).gate });
    reloaded.set([declareServer({ url, transport, oauth })]);
    const again = () => reloaded.list[0]!;
    await waitUntil(() => again().status === 'ready' || again().status === 'failed', 'reconnected', { timeout: 45_000 });
    expect(again().error).to.equal(undefined);
    expect(popup.urls).to.have.length(1);
    expect(again().authorizedBy).to.equal(oidcEnv().oidcIssuer);
    await reloaded.close();

    await connections.signOutServer(server().id);
    expect(server().authorizedBy).to.equal(undefined);
    expect(server().status).to.equal('closed');
  });
});
