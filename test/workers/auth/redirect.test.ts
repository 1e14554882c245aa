/**
 * The redirect fallback through real workers against the scripted AS (test/support/servers/
 * dpop-scripted.mjs, which checks PKCE): the first worker keeps the pending authorization in IndexedDB and
 * is terminated when the page "leaves"; the real callback page (public/oauth-callback.html, in an iframe
 * sharing this tab's sessionStorage) keeps the callback URL; a second McpConnection picks it up and its
 * fresh worker exchanges the code with the verifier read back from IndexedDB.
 */
import { expect } from '@esm-bundle/chai';
import { createConnectionWorker, McpConnection } from '../../../src/connections/connection.js';
import { authorizeByRedirect, authorizeWithFallback, REDIRECT_CALLBACK_KEY, REDIRECT_MARK_KEY, takeRedirectCallback } from '../../../src/connections/oauth-redirect.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { rejection, waitFor } from '../../support/async.js';
import { uniqueTag } from '../../support/env.js';

interface ScriptedLog {
  token: { grant: string; status: number; error?: string }[];
  authorize: Record<string, string>[];
}

function origin(): string {
  const value = (window.__TG_TEST_ENV__ as unknown as Record<string, string> | undefined)?.dpopOrigin;
  if (!value) throw new Error('dpopOrigin missing from the test environment');
  return value;
}

const redirectUri = new URL('/public/oauth-callback.html', location.origin).href;

/** Starts a flow in a first worker, "leaves the page" (terminates it) and returns the authorization URL. */
async function leaveForAuthorization(server: string, database: string): Promise<string> {
  let worker: Worker | undefined;
  let left!: (url: string) => void;
  const leftFor = new Promise<string>((resolve) => (left = resolve));
  void McpConnection.open(
    { url: server, oauth: { clientId: 'tg-test', redirectUri, development: true, database } },
    {
      createWorker: () => (worker = createConnectionWorker()),
      onAuthorize: (url) => authorizeByRedirect(url, { server, returnTo: '/', navigate: left }),
    },
  ).catch(() => {});
  const url = await leftFor;
  worker?.terminate(); // the page unloads: the worker and everything in its memory are gone
  return url;
}

/** Plays the AS (its authorize endpoint answers with the callback URL) and loads the real callback page. */
async function comeBack(authorizationUrl: string, tamper?: (url: URL) => void): Promise<void> {
  const callback = new URL(((await (await fetch(authorizationUrl)).json()) as { redirect: string }).redirect);
  tamper?.(callback);
  const frame = document.createElement('iframe');
  frame.src = callback.href;
  document.body.append(frame);
  try {
    await waitFor(() => sessionStorage.getItem(REDIRECT_CALLBACK_KEY) ?? undefined, 'the callback page to keep the callback URL', 10_000);
  } finally {
    frame.remove();
  }
}

async function scriptedLog(tag: string): Promise<ScriptedLog> {
  return (await (await fetch(`${origin()}/__dpop/${tag}`)).json()) as ScriptedLog;
}

async function rawPendingRecords(database: string): Promise<unknown[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`${database}-pending`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction('pending').objectStore('pending').getAll();
      request.onsuccess = () => resolve(request.result as unknown[]);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

function deleteDatabases(database: string): void {
  for (const name of [database, `${database}-pending`]) indexedDB.deleteDatabase(name);
}

describe('auth: redirect fallback', function () {
  this.timeout(30_000);
  afterEach(() => {
    sessionStorage.removeItem(REDIRECT_MARK_KEY);
    sessionStorage.removeItem(REDIRECT_CALLBACK_KEY);
  });

  it('a fresh worker finishes the flow with the verifier the first one kept in IndexedDB', async () => {
    const tag = uniqueTag('redirect');
    const server = `${origin()}/t/${tag}/mcp`;
    const database = `tg-redirect-${crypto.randomUUID()}`;
    try {
      const authorizationUrl = await leaveForAuthorization(server, database);
      expect(JSON.parse(sessionStorage.getItem(REDIRECT_MARK_KEY) ?? '{}')).to.include({ server, state: new URL(authorizationUrl).searchParams.get('state') });
      await comeBack(authorizationUrl);
      expect(sessionStorage.getItem(REDIRECT_MARK_KEY)).to.equal(null);

      const connection = await McpConnection.open(
        { url: server, oauth: { clientId: 'tg-test', redirectUri, development: true, database } },
        { onAuthorize: () => Promise.reject(new Error('asked to authorize again')) },
      );
      try {
        expect(JSON.stringify(await connection.callTool('whoami'))).to.contain('hello, key holder');
      } finally {
        await connection.close();
      }
      // Taken once: the next connection does not see it again.
      expect(sessionStorage.getItem(REDIRECT_CALLBACK_KEY)).to.equal(null);
      const seen = await scriptedLog(tag);
      expect(seen.authorize).to.have.length(1);
      // The AS checked S256(code_verifier) against the challenge of the first worker's request.
      expect(seen.token.map((t) => [t.grant, t.status])).to.deep.equal([['authorization_code', 200]]);
      expect(await rawPendingRecords(database)).to.deep.equal([]);
    } finally {
      deleteDatabases(database);
    }
  });

  it('keeps the verifier encrypted, refuses a callback with another state, and accepts the real one after', async () => {
    const tag = uniqueTag('redirect');
    const server = `${origin()}/t/${tag}/mcp`;
    const database = `tg-redirect-${crypto.randomUUID()}`;
    const oauth = { clientId: 'tg-test', redirectUri, development: true, database };
    try {
      const authorizationUrl = await leaveForAuthorization(server, database);
      const records = (await rawPendingRecords(database)) as { data: ArrayBuffer }[];
      expect(records).to.have.length(1);
      const bytes = new TextDecoder().decode(records[0]!.data);
      expect(bytes).not.to.contain('codeVerifier');
      expect(bytes).not.to.contain(new URL(authorizationUrl).searchParams.get('state'));

      const state = new URL(authorizationUrl).searchParams.get('state')!;
      // A forged callback (another state) cannot borrow the pending flow.
      const error = await rejection(
        McpConnection.open({ url: server, oauth: { ...oauth, callbackUrl: `${redirectUri}?code=x&state=forged&iss=${encodeURIComponent(`${origin()}/t/${tag}`)}` } }),
      );
      expect(error.code, error.message).to.equal(ErrorCode.AUTH_STATE_MISMATCH);
      expect((await scriptedLog(tag)).token).to.deep.equal([]);

      await comeBack(authorizationUrl);
      expect(takeRedirectCallback('https://another.example/mcp')).to.equal(undefined);
      const callbackUrl = takeRedirectCallback(server);
      expect(new URL(callbackUrl!).searchParams.get('state')).to.equal(state);
      const connection = await McpConnection.open({ url: server, oauth: { ...oauth, callbackUrl: callbackUrl! } });
      await connection.close();
      // Single use: the record is gone, so a replayed callback has no verifier to borrow.
      expect(await rawPendingRecords(database)).to.deep.equal([]);
      expect((await scriptedLog(tag)).token.map((t) => t.status)).to.deep.equal([200]);
    } finally {
      deleteDatabases(database);
    }
  });

  it('falls back to the redirect when the popup is blocked, and never navigates to an unsafe URL', async () => {
    const server = 'https://mcp.example/mcp';
    const url = 'https://as.example/authorize?state=s-1&client_id=c';
    const opened = window.open;
    const navigated: string[] = [];
    window.open = () => null; // what a popup blocker does
    try {
      void authorizeWithFallback(url, { server, returnTo: '/', navigate: (target) => navigated.push(target) });
    } finally {
      window.open = opened;
    }
    expect(navigated).to.deep.equal([url]);
    expect(JSON.parse(sessionStorage.getItem(REDIRECT_MARK_KEY) ?? '{}')).to.deep.equal({ state: 's-1', server, returnTo: new URL('/', location.href).href });
    sessionStorage.removeItem(REDIRECT_MARK_KEY);

    const error = await rejection(authorizeByRedirect('javascript:alert(1)', { server, navigate: (target) => navigated.push(target) }));
    expect(error.code).to.equal(ErrorCode.AUTH_UNSAFE_URL);
    expect(navigated).to.have.length(1);
    expect(sessionStorage.getItem(REDIRECT_MARK_KEY)).to.equal(null);
  });
});
