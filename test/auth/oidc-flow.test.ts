/**
 * OAuth 2.1 end to end in the real worker, against a real authorization server (oidc-provider with
 * DCR, PKCE, resource indicators, refresh-token rotation, revocation) protecting the demo MCP server:
 * the real popup (authorizeInPopup → AS → public/oauth-callback.html) completes without a person
 * through the AS's test interaction.
 */
import { expect } from '@esm-bundle/chai';
import type { McpConnection } from '../../src/connections/connection.js';
import { asControl, countingPopup, oidcEnv, open, protectedConfig, rsControl } from './oidc-support.js';

describe('auth: OAuth against oidc-provider', function () {
  this.timeout(60_000);
  let connection: McpConnection | undefined;

  afterEach(async () => {
    await connection?.close();
    connection = undefined;
  });

  it('registers (DCR), authorizes with PKCE through the popup, and calls a tool with the token', async () => {
    const popup = countingPopup();
    const authorized: { issuer: string; scope?: string }[] = [];
    const before = await rsControl.stats();
    connection = await open(protectedConfig(), { onAuthorize: popup.onAuthorize });
    connection.addEventListener('authorized', (e) => authorized.push(e.detail));
    expect(popup.urls).to.have.length(1);
    const url = new URL(popup.urls[0]!);
    expect(url.origin).to.equal(oidcEnv().oidcIssuer);
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(url.searchParams.get('resource')).to.equal(oidcEnv().protectedHttpUrl);
    const result = await connection.callTool('search_notes', { query: 'Lisbon' });
    expect(JSON.stringify(result.content)).to.contain('Trip to Lisbon');
    const after = await rsControl.stats();
    expect(after.unauthorized).to.be.greaterThan(before.unauthorized);
    expect(after.accepted).to.be.greaterThan(before.accepted);
    expect(popup.urls).to.have.length(1);
  });
});
