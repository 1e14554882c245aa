/**
 * Discovery checks: a PRM names exactly this server (or, at the root well-known, its origin), never a
 * parent path; only a 2025-03-26 server's root metadata may name another issuer, and only on its own
 * origin; and the challenge parser reads a DPoP challenge when there is no Bearer one.
 */
import { expect } from '@esm-bundle/chai';
import { checkResource, processAuthorizationServerMetadata } from '../../../workers/auth/discovery.js';
import { parseWwwAuthenticate } from '../../../workers/auth/www-authenticate.js';
import { ErrorCode } from '../../../workers/shared/errors.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const metadata = (issuer: string) => ({
  issuer,
  authorization_endpoint: 'http://127.0.0.1:9/authorize',
  token_endpoint: 'http://127.0.0.1:9/token',
  code_challenge_methods_supported: ['S256'],
});

describe('auth: discovery checks', () => {
  it('accepts the server URL (trailing slash or not) and the bare origin, refuses a parent path or a query', () => {
    expect(checkResource('https://mcp.example/tenant/mcp', 'https://mcp.example/tenant/mcp/')).to.equal('https://mcp.example/tenant/mcp/');
    expect(checkResource('https://mcp.example/tenant/mcp', 'https://mcp.example/')).to.equal('https://mcp.example/');
    expect(codeOf(() => checkResource('https://mcp.example/tenant/mcp', 'https://mcp.example/tenant'))).to.equal(ErrorCode.AUTH_RESOURCE_MISMATCH);
    expect(codeOf(() => checkResource('https://mcp.example/tenant/mcp', 'https://mcp.example/tenant/mcp?x=1'))).to.equal(ErrorCode.AUTH_RESOURCE_MISMATCH);
    expect(codeOf(() => checkResource('https://mcp.example/mcp', 'http://mcp.example/mcp'))).to.equal(ErrorCode.AUTH_RESOURCE_MISMATCH);
  });

  it('2025-03-26 root metadata may name an issuer on the server origin only; elsewhere the issuer is exact', () => {
    const origin = 'http://127.0.0.1:9';
    expect(processAuthorizationServerMetadata(origin, metadata(origin), 'x', true).issuer).to.equal(origin);
    expect(processAuthorizationServerMetadata(origin, metadata(`${origin}/oauth`), 'x', true).issuer).to.equal(`${origin}/oauth`);
    expect(codeOf(() => processAuthorizationServerMetadata(origin, metadata('http://127.0.0.1:10/oauth'), 'x', true))).to.equal(ErrorCode.AUTH_ISSUER_MISMATCH);
    expect(codeOf(() => processAuthorizationServerMetadata(origin, metadata(`${origin}/oauth`), 'x'))).to.equal(ErrorCode.AUTH_ISSUER_MISMATCH);
  });

  it('reads a DPoP challenge when there is no Bearer one, and prefers Bearer when both are there', () => {
    expect(parseWwwAuthenticate('DPoP error="use_dpop_nonce", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp"')).to.deep.equal({
      error: 'use_dpop_nonce',
      resource_metadata: 'https://mcp.example/.well-known/oauth-protected-resource/mcp',
    });
    expect(parseWwwAuthenticate('DPoP algs="ES256", Bearer scope="a", error="invalid_token"')).to.deep.equal({ scope: 'a', error: 'invalid_token' });
    expect(parseWwwAuthenticate('Basic realm="x"')).to.equal(undefined);
  });
});
