/**
 * DPoP (RFC 9449) through the real connection worker against a scripted AS + MCP server that verifies
 * every proof (test/support/servers/dpop-scripted.mjs): tokens bound at the token endpoint, MCP requests
 * as `Authorization: DPoP` with a fresh proof, the AS's and the resource server's `use_dpop_nonce`
 * answered by one retry with the nonce, Bearer when the AS does not advertise DPoP, and a key pair whose
 * private half cannot be exported.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../../src/connections/connection.js';
import { createDPoP } from '../../../workers/auth/dpop.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { rejection } from '../../support/async.js';
import { uniqueTag } from '../../support/env.js';

interface DPoPLog {
  token: { grant: string; proof: string; nonce?: string; status: number; error?: string }[];
  mcp: { scheme: string; proof: string; nonce?: string; status: number; method?: string }[];
  authorize: Record<string, string>[];
}

function origin(): string {
  const value = (window.__TG_TEST_ENV__ as unknown as Record<string, string> | undefined)?.dpopOrigin;
  if (!value) throw new Error('dpopOrigin missing from the test environment');
  return value;
}

async function log(tag: string): Promise<DPoPLog> {
  return (await (await fetch(`${origin()}/__dpop/${tag}`)).json()) as DPoPLog;
}

/** Plays the browser at the scripted AS: its authorize endpoint answers with the callback URL. */
async function followAuthorization(url: string): Promise<string> {
  const answer = (await (await fetch(url)).json()) as { redirect: string };
  return answer.redirect;
}

/** `requestTimeoutMs`: a long one shows that an outcome did not come from a request timing out. */
async function connect(tag: string, requestTimeoutMs?: number): Promise<McpConnection> {
  return McpConnection.open(
    {
      url: `${origin()}/t/${tag}/mcp`,
      oauth: { clientId: 'tg-test', redirectUri: new URL('/oauth-callback.html', location.origin).href, development: true },
      ...(requestTimeoutMs !== undefined && { requestTimeoutMs }),
    },
    { onAuthorize: followAuthorization },
  );
}

/** Connects the tenant, runs `use` on the connection, closes it, and returns what the servers logged. */
async function session(tag: string, use: (connection: McpConnection) => Promise<void>, requestTimeoutMs?: number): Promise<DPoPLog> {
  const connection = await connect(tag, requestTimeoutMs);
  try {
    await use(connection);
  } finally {
    await connection.close();
  }
  return log(tag);
}

describe('auth: DPoP', function () {
  this.timeout(20_000);

  it('binds the token at the token endpoint and presents it as DPoP with a fresh proof per request', async () => {
    const seen = await session(uniqueTag('dpop'), async (connection) => {
      await connection.listTools();
      const result = await connection.callTool('whoami');
      expect(JSON.stringify(result)).to.contain('hello, key holder');
    });
    expect(seen.token).to.deep.equal([{ grant: 'authorization_code', proof: 'valid', status: 200 }]);
    const authenticated = seen.mcp.filter((entry) => entry.scheme !== '');
    expect(authenticated.length).to.be.greaterThan(2);
    // The server refuses a replayed jti, a wrong ath/htu/htm or a key other than the token's: all 200 means every proof held.
    expect(authenticated.every((entry) => entry.scheme === 'DPoP' && entry.proof === 'valid' && entry.status === 200)).to.equal(true);
    expect(seen.mcp.map((entry) => entry.method)).to.include('tools/call');
  });

  it('retries once with the nonce when the AS and then the MCP server answer use_dpop_nonce', async () => {
    const seen = await session(uniqueTag('asnonce-rsnonce'), async (connection) => void (await connection.callTool('whoami')));
    expect(seen.token.map((t) => [t.status, t.error ?? null, t.nonce !== undefined])).to.deep.equal([
      [400, 'use_dpop_nonce', false],
      [200, null, true],
    ]);
    const authenticated = seen.mcp.filter((entry) => entry.scheme === 'DPoP');
    // AS and MCP server share an origin here, so the first proof carries the AS's nonce (oauth4webapi
    // caches nonces per origin); the server's own nonces start with "rs-".
    expect(authenticated[0]).to.include({ status: 401, proof: 'valid' });
    expect(authenticated[0]?.nonce ?? '').not.to.match(/^rs-/);
    expect(authenticated[1]).to.include({ status: 200, proof: 'valid' });
    expect(authenticated[1]?.nonce).to.match(/^rs-/);
    // After the first challenge every request carries the nonce: no second 401.
    expect(authenticated.slice(1).every((entry) => entry.status === 200 && entry.nonce === authenticated[1]?.nonce)).to.equal(true);
  });

  /** Calls `whoami` on the tenant, then checks the one token request had no proof and every MCP request was Bearer. */
  async function expectBearerThroughout(tag: string, requestTimeoutMs?: number): Promise<void> {
    const seen = await session(
      tag,
      async (connection) => {
        expect(JSON.stringify(await connection.callTool('whoami'))).to.contain('hello, key holder');
      },
      requestTimeoutMs,
    );
    expect(seen.token).to.deep.equal([{ grant: 'authorization_code', proof: 'none', status: 200 }]);
    const authenticated = seen.mcp.filter((entry) => entry.scheme !== '');
    expect(authenticated.length).to.be.greaterThan(0);
    expect(authenticated.every((entry) => entry.scheme === 'Bearer' && entry.status === 200)).to.equal(true);
  }

  it('stays with Bearer when the AS does not advertise DPoP', async () => {
    await expectBearerThroughout(uniqueTag('bearer'));
  });

  it('falls back to Bearer once when the token endpoint\'s CORS does not allow the DPoP header', async () => {
    // The proof-carrying request never reached the server (the preflight refused it); the one without did.
    // A 10-minute request timeout: connecting did not wait for one to expire.
    await expectBearerThroughout(uniqueTag('corsdpop'), 10 * 60_000);
  });

  it('fails with a coded auth error naming the token endpoint when CORS refuses DPoP and the resource requires DPoP-bound tokens', async () => {
    const tag = uniqueTag('corsdpop-dpoprequired');
    const err = await rejection(connect(tag, 10 * 60_000));
    expect(err.code).to.equal(ErrorCode.AUTH_NETWORK_ERROR);
    expect(err.message).to.contain('token endpoint');
    expect((err.data as { endpoint?: string; url?: string }).endpoint).to.equal('token');
    expect((err.data as { url?: string }).url).to.equal(`${origin()}/t/${tag}/token`);
    const seen = await log(tag);
    expect(seen.token).to.deep.equal([]);
    expect(seen.authorize.length, 'the person is sent to the AS once, not again by a legacy retry').to.equal(1);
  });

  it('makes a key pair whose private key cannot be exported', async () => {
    const { keyPair } = await createDPoP();
    expect(keyPair.privateKey.extractable).to.equal(false);
    expect(keyPair.privateKey.algorithm).to.include({ name: 'ECDSA' });
    let refused = false;
    await crypto.subtle.exportKey('jwk', keyPair.privateKey).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});
