/**
 * The page cannot find the OAuth tokens anywhere it can look: not in what the worker API returns,
 * not in events, not in IndexedDB in clear (every database and store of the origin), not in Web
 * Storage or cookies. The token values come from the authorization server's side (a test hook), so
 * the search looks for the real thing — and the encrypted record is there, so something was stored.
 */
import { expect } from '@esm-bundle/chai';
import { asControl, containsSecret, countingPopup, dumpIndexedDb, open, protectedConfig, suiteTokenDatabase } from './oidc-support.js';

describe('auth: the page never sees a token', function () {
  this.timeout(60_000);
  const { database, keep } = suiteTokenDatabase();

  it('finds no access or refresh token in API results, events, IndexedDB, Web Storage or cookies', async () => {
    const issuedBefore = (await asControl.issued()).length;
    const popup = countingPopup();
    const seen: unknown[] = [];
    const base = protectedConfig();
    const callbackUrls: string[] = [];
    const connection = keep(
      await open(
        { ...base, oauth: { ...base.oauth, database } },
        {
          onAuthorize: async (url) => {
            const callback = await popup.onAuthorize(url);
            callbackUrls.push(callback);
            return callback;
          },
        },
      ),
    );
    for (const type of ['status', 'tools-changed', 'problem', 'authorized', 'auth-required', 'log']) {
      connection.addEventListener(type, (event) => seen.push((event as CustomEvent).detail));
    }
    seen.push(connection.info);
    seen.push(await connection.listTools());
    seen.push(await connection.callTool('search_notes', { query: 'work' }));
    // Step-up: a second authorization, more tokens, more events.
    seen.push(await connection.callTool('delete_note', { id: 'note-4' }));
    seen.push(await connection.diagnostics());
    seen.push(callbackUrls);

    const tokens = (await asControl.issued()).slice(issuedBefore);
    expect(tokens.filter((t) => t.kind === 'access_token').length).to.be.greaterThanOrEqual(2);
    expect(tokens.filter((t) => t.kind === 'refresh_token').length).to.be.greaterThanOrEqual(2);

    const stored = await dumpIndexedDb();
    const ours = stored.filter((s) => s.database === database && s.store === 'tokens');
    expect(ours).to.have.length(1);
    expect(ours[0]!.values.length).to.be.greaterThan(0); // the encrypted record (and its key)
    const webStorage = [document.cookie, ...Object.values(localStorage), ...Object.values(sessionStorage)];

    for (const token of tokens) {
      // The whole value, and a slice of it (a JWT's signature; a refresh token's middle).
      const needles = [token.value, token.value.slice(-32)];
      for (const needle of needles) {
        expect(containsSecret(seen, needle), `${token.kind} in API results or events`).to.equal(false);
        expect(containsSecret(stored, needle), `${token.kind} in IndexedDB`).to.equal(false);
        expect(containsSecret(webStorage, needle), `${token.kind} in Web Storage or cookies`).to.equal(false);
      }
    }
  });
});
