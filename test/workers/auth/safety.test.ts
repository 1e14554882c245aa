/**
 * The SSRF guard, the callback checks (RFC 9207 iss before error, state), and the authorizing fetch
 * end to end against an in-page mock (MCP server + AS): coded errors, nothing stored on refusal, and
 * no token reachable from the objects the page can touch.
 */
import { expect } from '@esm-bundle/chai';
import { checkAuthUrl, createSafeFetch } from '../../../workers/auth/safe-fetch.js';
import { authorizationRequest, processCallback } from '../../../workers/auth/pkce/authorize.js';
import { Authorizer } from '../../../workers/auth/authorizer.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { authorizeInPopup } from '../../../src/connections/oauth-popup.js';
import { rejection } from '../../support/async.js';

describe('auth: safeFetch refusals', () => {
  const refused = [
    ['javascript:alert(1)', false],
    ['data:text/html,x', false],
    ['file:///etc/passwd', false],
    ['http://as.example/token', false],
    ['http://as.example/token', true],
    ['https://localhost/x', false],
    ['http://127.0.0.1:8080/x', false],
    ['https://10.0.0.5/x', true],
    ['https://192.168.1.1/x', true],
    ['https://172.16.0.1/x', true],
    ['https://169.254.169.254/latest/meta-data', true],
    ['https://[fe80::1]/x', true],
    ['https://[fd00::1]/x', true],
    ['https://[::ffff:10.0.0.1]/x', true],
    ['https://user:pw@as.example/x', false],
  ] as const;
  for (const [url, development] of refused) {
    it(`refuses ${url}${development ? ' (even in development)' : ''} without fetching`, async () => {
      let called = 0;
      const safe = createSafeFetch({ development, fetch: async () => (called++, new Response('{}')) });
      const err = await rejection(safe(url));
      expect(err.code).to.equal(ErrorCode.AUTH_UNSAFE_URL);
      expect(called).to.equal(0);
    });
  }

  it('allows https, and loopback http in development; never follows redirects or sends cookies', async () => {
    const seen: RequestInit[] = [];
    const safe = createSafeFetch({ development: true, fetch: async (_i, init) => (seen.push(init ?? {}), new Response('{}')) });
    await safe('https://as.example/x');
    await safe('http://localhost:3000/x');
    await safe('http://127.0.0.1:3000/x');
    expect(seen.map((i) => [i.redirect, i.credentials])).to.deep.equal([
      ['manual', 'omit'],
      ['manual', 'omit'],
      ['manual', 'omit'],
    ]);
  });

  it('names CORS when the browser blocks an auth request', async () => {
    const safe = createSafeFetch({ fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    const err = await rejection(safe('https://as.example/.well-known/oauth-authorization-server'));
    expect(err.code).to.equal(ErrorCode.AUTH_NETWORK_ERROR);
    expect(err.message).to.match(/CORS/);
    expect(err.message).to.contain('authorization-server metadata');
    expect(err.data).to.deep.include({ endpoint: 'authorization-server-metadata', cors: false });
  });

  it('refuses non-https authorization URLs (worker and page)', async () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///x', 'http://as.example/authorize']) {
      expect(() => checkAuthUrl(url, false, 'authorization URL')).to.throw().with.property('code', ErrorCode.AUTH_UNSAFE_URL);
    }
    const err = await rejection(authorizeInPopup('javascript:alert(1)'));
    expect(err.code).to.equal(ErrorCode.AUTH_UNSAFE_URL);
  });
});

describe('auth: callback checks', () => {
  const as = { issuer: 'https://as.example', authorization_endpoint: 'https://as.example/authorize', token_endpoint: 'https://as.example/token' };
  const client = { client_id: 'c1' };
  const pending = () => authorizationRequest(as, client, { redirectUri: 'https://app.example/cb', resource: 'https://mcp.example/mcp', scope: 'a', development: false });

  it('builds an S256 request with state and resource', async () => {
    const p = await pending();
    const url = new URL(p.url);
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(url.searchParams.get('state')).to.equal(p.state);
    expect(url.searchParams.get('resource')).to.equal('https://mcp.example/mcp');
    expect(url.searchParams.get('scope')).to.equal('a');
  });

  it('iss mismatch wins over error (RFC 9207), by exact string comparison', async () => {
    const p = await pending();
    const cb = (q: string) => `https://app.example/cb?${q}`;
    expect(() => processCallback(as, client, p, cb(`iss=${encodeURIComponent('https://evil.example')}&error=access_denied&state=${p.state}`)))
      .to.throw().with.property('code', ErrorCode.AUTH_ISS_MISMATCH);
    expect(() => processCallback(as, client, p, cb(`iss=${encodeURIComponent('https://as.example/')}&code=x&state=${p.state}`)))
      .to.throw().with.property('code', ErrorCode.AUTH_ISS_MISMATCH);
    expect(() => processCallback({ ...as, authorization_response_iss_parameter_supported: true }, client, p, cb(`code=x&state=${p.state}`)))
      .to.throw().with.property('code', ErrorCode.AUTH_ISS_MISMATCH);
    expect(() => processCallback(as, client, p, cb(`iss=${encodeURIComponent('https://as.example')}&code=x&state=other`)))
      .to.throw().with.property('code', ErrorCode.AUTH_STATE_MISMATCH);
    expect(() => processCallback(as, client, p, `https://other.example/cb?code=x&state=${p.state}`)).to.throw().with.property('code', ErrorCode.AUTH_STATE_MISMATCH);
    expect(() => processCallback(as, client, p, cb(`error=access_denied&state=${p.state}`))).to.throw().with.property('code', ErrorCode.AUTH_DENIED);
    expect(processCallback(as, client, p, cb(`iss=${encodeURIComponent('https://as.example')}&code=x&state=${p.state}`)).get('code')).to.equal('x');
  });
});

/** An in-page MCP server + AS: 401 without a token, PRM, AS metadata, DCR, token endpoint. */
function mockWorld(options: { prmResource?: string; asIssuer?: string } = {}) {
  const TOKEN = 'secret-access-token-123';
  const log: string[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const world: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    log.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    if (url.origin === 'https://mcp.example') {
      if (url.pathname === '/mcp') {
        const auth = new Headers(init?.headers).get('authorization');
        if (auth !== `Bearer ${TOKEN}`) {
          return new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp", scope="tools"' } });
        }
        return json({ ok: true });
      }
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
        return json({ resource: options.prmResource ?? 'https://mcp.example/mcp', authorization_servers: ['https://as.example'] });
      }
    }
    if (url.origin === 'https://as.example') {
      if (url.pathname === '/.well-known/oauth-authorization-server') {
        return json({
          issuer: options.asIssuer ?? 'https://as.example',
          authorization_endpoint: 'https://as.example/authorize',
          token_endpoint: 'https://as.example/token',
          registration_endpoint: 'https://as.example/register',
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      }
      if (url.pathname === '/register') return json({ client_id: 'dcr-client' }, 201);
      if (url.pathname === '/token') return json({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3600, refresh_token: 'secret-refresh-456', scope: 'tools' });
    }
    return new Response('not found', { status: 404 });
  };
  /** Plays the person and the AS redirect: answers the authorization URL with a callback URL. */
  const onAuthorize = async (authorizationUrl: string) => {
    const url = new URL(authorizationUrl);
    log.push(`authorize ${url.searchParams.get('scope')} ${url.searchParams.get('resource')}`);
    return `https://app.example/cb?code=the-code&state=${url.searchParams.get('state')}&iss=${encodeURIComponent('https://as.example')}`;
  };
  return { world, onAuthorize, log, TOKEN };
}

/** An Authorizer for the mock MCP server (with `onAuthorize` if given) and how its first request fails. */
async function firstRequestRefused(world: typeof fetch, onAuthorize?: (url: string) => Promise<string>) {
  const auth = new Authorizer({ serverUrl: 'https://mcp.example/mcp', oauth: { redirectUri: 'https://app.example/cb' }, ...(onAuthorize && { onAuthorize }), fetch: world, authFetch: world });
  const err = await rejection(auth.fetch('https://mcp.example/mcp', { method: 'POST', body: '{}' }));
  return { auth, err };
}

describe('auth: the authorizing fetch', () => {
  it('authorizes on 401 and retries with the Bearer token; the token is not reachable from the object', async () => {
    const { world, onAuthorize, log, TOKEN } = mockWorld();
    let announced: unknown;
    const auth = new Authorizer({
      serverUrl: 'https://mcp.example/mcp',
      oauth: { redirectUri: 'https://app.example/cb' },
      onAuthorize,
      fetch: world,
      authFetch: world,
      onAuthorized: (info) => (announced = info),
    });
    const response = await auth.fetch('https://mcp.example/mcp', { method: 'POST', body: '{}' });
    expect(response.status).to.equal(200);
    expect(log).to.include('authorize tools https://mcp.example/mcp');
    expect(log.filter((l) => l === 'POST /register')).to.have.length(1);
    expect(auth.authorized).to.equal(true);
    expect(announced).to.deep.equal({ issuer: 'https://as.example', scope: 'tools' });
    // What the page could reach through comlink: named properties only; #private fields are invisible.
    const reachable = JSON.stringify(Object.fromEntries(Reflect.ownKeys(auth).map((k) => [String(k), String((auth as never)[k])])));
    expect(reachable).not.to.contain(TOKEN);
    expect(reachable).not.to.contain('secret-refresh');
    expect(JSON.stringify(auth)).not.to.contain(TOKEN);
  });

  it('fails with TG_AUTH_REQUIRED when the page offers no onAuthorize', async () => {
    const { world, log } = mockWorld();
    const { auth, err } = await firstRequestRefused(world);
    expect(err.code).to.equal(ErrorCode.AUTH_REQUIRED);
    expect(log).not.to.include('POST /register');
    expect(auth.authorized).to.equal(false);
  });

  it('refuses a PRM for another resource before any registration or authorization', async () => {
    const { world, onAuthorize, log } = mockWorld({ prmResource: 'https://evil.example.com/mcp' });
    const { auth, err } = await firstRequestRefused(world, onAuthorize);
    expect(err.code).to.equal(ErrorCode.AUTH_RESOURCE_MISMATCH);
    expect(log.some((l) => l.startsWith('authorize') || l === 'POST /register')).to.equal(false);
    expect(auth.authorized).to.equal(false);
  });

  it('refuses AS metadata whose issuer differs, storing nothing', async () => {
    const { world, onAuthorize, log } = mockWorld({ asIssuer: 'https://as.example/' });
    const { auth, err } = await firstRequestRefused(world, onAuthorize);
    expect(err.code).to.equal(ErrorCode.AUTH_ISSUER_MISMATCH);
    expect(log.some((l) => l.startsWith('authorize'))).to.equal(false);
    expect(auth.authorized).to.equal(false);
  });

  it('an iss mismatch on the callback stores no token', async () => {
    const { world, log } = mockWorld();
    const onAuthorize = async (u: string) => `https://app.example/cb?code=c&state=${new URL(u).searchParams.get('state')}&iss=https%3A%2F%2Fevil.example`;
    const { auth, err } = await firstRequestRefused(world, onAuthorize);
    expect(err.code).to.equal(ErrorCode.AUTH_ISS_MISMATCH);
    expect(log).not.to.include('POST /token');
    expect(auth.authorized).to.equal(false);
  });
});
