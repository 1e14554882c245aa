/**
 * OAuth 2.1 end to end in the real worker, against a real authorization server (oidc-provider with
 * DCR, PKCE, resource indicators, refresh-token rotation, revocation, DPoP) protecting the demo MCP
 * server: the real popup (authorizeInPopup → AS → public/oauth-callback.html) completes without a
 * person through the AS's test interaction. Each test has its own token-store database.
 */
import { expect } from '@esm-bundle/chai';
import type { McpConnection } from '../../../src/connections/connection.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { asControl, countingPopup, deleteDatabase, freshDatabase, oidcEnv, open, protectedConfig, rsControl } from './oidc-support.js';

type Coded = Error & { code?: string; data?: Record<string, unknown> };

describe('auth: OAuth against oidc-provider', function () {
  this.timeout(60_000);
  let connection: McpConnection | undefined;
  let database: string;

  beforeEach(() => {
    database = freshDatabase();
  });

  afterEach(async () => {
    await connection?.close();
    connection = undefined;
    await asControl.settings({ accessTokenTtl: 600, audienceOverride: null });
    await deleteDatabase(database);
  });

  const config = (overrides = {}) => {
    const base = protectedConfig();
    return { ...base, oauth: { ...base.oauth, database }, ...overrides };
  };

  it('registers (DCR), authorizes with PKCE through the popup, and calls a tool with the token', async () => {
    const popup = countingPopup();
    const before = await rsControl.stats();
    const events: string[] = [];
    const issuedBefore = (await asControl.issued()).length;
    connection = await open(config(), {
      onAuthorize: (url) => {
        events.push('onAuthorize');
        return popup.onAuthorize(url);
      },
    });
    expect(popup.urls).to.have.length(1);
    const url = new URL(popup.urls[0]!);
    expect(url.origin).to.equal(oidcEnv().oidcIssuer);
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(url.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('resource')).to.equal(oidcEnv().protectedHttpUrl);
    expect(url.searchParams.get('scope')).to.equal('notes:read');
    const result = await connection.callTool('search_notes', { query: 'Lisbon' });
    expect(JSON.stringify(result.content)).to.contain('Trip to Lisbon');
    const after = await rsControl.stats();
    expect(after.unauthorized).to.be.greaterThan(before.unauthorized);
    expect(after.accepted).to.be.greaterThan(before.accepted);
    // The AS advertises DPoP, so the token is bound to the worker's key and every request carries a proof.
    expect(after.dpop).to.be.greaterThan(before.dpop);
    const issued = (await asControl.issued()).slice(issuedBefore);
    expect(issued.map((t) => `${t.grantType} ${t.kind}`)).to.deep.equal(['authorization_code access_token', 'authorization_code refresh_token']);
    expect(popup.urls).to.have.length(1);
  });

  it('tells the page auth-required before the popup and authorized after it (no token in either)', async () => {
    const popup = countingPopup();
    const seen: string[] = [];
    // The events arrive on the connection object, which exists only after open(): record them from
    // the worker's order instead, through the popup hook and a status listener.
    connection = await open(config(), {
      onAuthorize: (url) => {
        seen.push('popup');
        return popup.onAuthorize(url);
      },
    });
    let call: Promise<unknown> | undefined;
    const detail = await new Promise<{ issuer: string; resource: string; scope?: string }>((resolve) => {
      connection!.addEventListener('auth-required', (e) => resolve(e.detail));
      call = connection!.signOut().then(() => connection!.callTool('search_notes', { query: 'x' }));
    });
    expect(detail).to.deep.equal({ issuer: oidcEnv().oidcIssuer, resource: oidcEnv().protectedHttpUrl, scope: 'notes:read' });
    const authorized = await new Promise<{ issuer: string; scope?: string }>((resolve) => connection!.addEventListener('authorized', (e) => resolve(e.detail)));
    expect(authorized.issuer).to.equal(oidcEnv().oidcIssuer);
    expect(authorized.scope).to.contain('notes:read');
    await call;
    expect(seen).to.deep.equal(['popup', 'popup']);
  });

  it('refreshes an access token the server calls expired, without a popup', async () => {
    const popup = countingPopup();
    connection = await open(config(), { onAuthorize: popup.onAuthorize });
    await connection.callTool('search_notes', { query: 'Lisbon' });
    const issuedBefore = (await asControl.issued()).length;
    const { expired } = await rsControl.expireAccepted();
    expect(expired).to.be.greaterThan(0);
    const result = await connection.callTool('get_note', { id: 'note-2' });
    expect(JSON.stringify(result.content)).to.contain('Grocery list');
    expect(popup.urls).to.have.length(1);
    const issued = (await asControl.issued()).slice(issuedBefore);
    expect(issued.map((t) => `${t.grantType} ${t.kind}`)).to.deep.equal(['refresh_token access_token', 'refresh_token refresh_token']);
  });

  it('refreshes proactively when the token has less than a minute left (no 401 first)', async () => {
    await asControl.settings({ accessTokenTtl: 30 });
    const popup = countingPopup();
    connection = await open(config(), { onAuthorize: popup.onAuthorize });
    const statsBefore = await rsControl.stats();
    const issuedBefore = (await asControl.issued()).length;
    await connection.callTool('search_notes', { query: 'Lisbon' });
    const statsAfter = await rsControl.stats();
    const issued = (await asControl.issued()).slice(issuedBefore);
    expect(issued.some((t) => t.grantType === 'refresh_token' && t.kind === 'access_token')).to.equal(true);
    expect(statsAfter.unauthorized).to.equal(statsBefore.unauthorized);
    expect(popup.urls).to.have.length(1);
  });

  it('steps up on 403 insufficient_scope: a second authorization with the union of scopes, then the call succeeds', async () => {
    const popup = countingPopup();
    connection = await open(config(), { onAuthorize: popup.onAuthorize });
    const before = await rsControl.stats();
    const result = await connection.callTool('delete_note', { id: 'note-2' });
    expect(result.isError ?? false).to.equal(false);
    expect((await rsControl.stats()).forbidden).to.be.greaterThan(before.forbidden);
    expect(popup.urls).to.have.length(2);
    const scopes = new URL(popup.urls[1]!).searchParams.get('scope')!.split(' ').sort();
    expect(scopes).to.deep.equal(['notes:read', 'notes:write']);
  });

  it('signOut revokes at the AS and drops the tokens: the next call needs a new authorization', async () => {
    const popup = countingPopup();
    connection = await open(config(), { onAuthorize: popup.onAuthorize });
    await connection.callTool('search_notes', { query: 'Lisbon' });
    const refreshToken = (await asControl.issued()).filter((t) => t.kind === 'refresh_token').at(-1)!.value;
    expect(await asControl.refreshTokenActive(refreshToken)).to.equal(true);
    const revocationsBefore = (await asControl.revocations()).length;
    const { revoked } = await connection.signOut();
    expect(revoked).to.equal(true);
    const revocations = (await asControl.revocations()).slice(revocationsBefore);
    expect(revocations.map((r) => r.known)).to.deep.equal(['refresh_token', 'access_token']);
    expect(await asControl.refreshTokenActive(refreshToken)).to.equal(false);
    await connection.callTool('search_notes', { query: 'Lisbon' });
    expect(popup.urls).to.have.length(2);
  });

  it('refuses with a coded error when the AS issues a token for another resource (and stores nothing)', async () => {
    await asControl.settings({ audienceOverride: 'http://127.0.0.1:9/other-mcp' });
    const popup = countingPopup();
    const before = await rsControl.stats();
    let error: Coded | undefined;
    try {
      connection = await open(config(), { onAuthorize: popup.onAuthorize });
    } catch (err) {
      error = err as Coded;
    }
    expect(error?.code).to.equal(ErrorCode.AUTH_TOKEN_FAILED);
    expect(error?.data?.reason).to.equal('rejected-by-resource');
    expect(error?.message).to.contain('aud');
    expect((await rsControl.stats()).accepted).to.equal(before.accepted);
    const { openTokenStore } = await import('../../../workers/auth/token-store.js');
    const store = await openTokenStore(database);
    expect(await store.load(oidcEnv().protectedHttpUrl)).to.equal(undefined);
    store.close();
  });
});
