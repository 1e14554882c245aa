/**
 * OAuth for an HTTP+SSE (2024-11-05 transport) server: the SDK's SSEServerTransport behind the demo's
 * resource guard and the real authorization server (test/support/services/oidc.mjs). The stream's GET
 * and every POST to its endpoint carry the token (DPoP-bound: the AS advertises DPoP), whether the
 * config names `sse` or the worker falls back to HTTP+SSE from Streamable HTTP.
 */
import { expect } from '@esm-bundle/chai';
import { countingPopup, oidcEnv, open, perTestTokenDatabase, protectedConfig, type GuardStats } from './oidc-support.js';

/** What the legacy server's resource guard counted (its `/__test/auth/stats`). */
async function guardStats(): Promise<GuardStats> {
  const response = await fetch(new URL('/__test/auth/stats', oidcEnv().protectedLegacySseUrl));
  return (await response.json()) as GuardStats;
}

describe('auth: OAuth for an HTTP+SSE (2024-11-05) server', function () {
  this.timeout(60_000);
  const tokens = perTestTokenDatabase();

  const config = (transport: 'sse' | 'auto') => {
    const base = protectedConfig({ url: oidcEnv().protectedLegacySseUrl, transport });
    return { ...base, oauth: { ...base.oauth, database: tokens.database() } };
  };

  for (const transport of ['sse', 'auto'] as const) {
    it(`authorizes for the SSE URL and calls a tool over the stream (transport: ${transport})`, async () => {
      const before = await guardStats();
      const popup = countingPopup();
      const connection = tokens.keep(await open(config(transport), { onAuthorize: popup.onAuthorize }));
      expect(popup.urls, 'one authorization').to.have.length(1);
      // The resource indicator is the server's own URL: the token is for this server only.
      expect(new URL(popup.urls[0]!).searchParams.get('resource')).to.equal(oidcEnv().protectedLegacySseUrl);
      expect(connection.info?.transport).to.equal('sse');
      const result = await connection.callTool('echo', { text: 'through the stream' });
      expect(JSON.stringify(result.content)).to.contain('through the stream');
      const after = await guardStats();
      expect(after.unauthorized, 'the first request was refused').to.be.greaterThan(before.unauthorized);
      // The stream's GET, initialize, initialized and the call: each request carried the token and a proof.
      expect(after.accepted - before.accepted).to.be.at.least(4);
      expect(after.dpop - before.dpop).to.equal(after.accepted - before.accepted);
    });
  }
});
