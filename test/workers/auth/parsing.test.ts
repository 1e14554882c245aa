/**
 * Pure pieces of the worker's OAuth: WWW-Authenticate parsing, discovery URL order, resource and
 * issuer checks, PKCE refusal, scope choice.
 */
import { expect } from '@esm-bundle/chai';
import { parseWwwAuthenticate } from '../../../workers/auth/www-authenticate.js';
import {
  authorizationServerMetadataUrls,
  checkResource,
  discover,
  processAuthorizationServerMetadata,
  resourceMetadataUrls,
} from '../../../workers/auth/discovery.js';
import { chooseScope, unionScopes } from '../../../workers/auth/scopes.js';
import { ErrorCode } from '../../../workers/shared/errors.js';

type Coded = Error & { code?: string };
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as Coded).code;
  }
  return undefined;
}

describe('auth: WWW-Authenticate', () => {
  it('reads resource_metadata, scope and error from a Bearer challenge', () => {
    const c = parseWwwAuthenticate(
      'Bearer error="insufficient_scope", scope="mcp:read mcp:write", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp", error_description="need \\"more\\""',
    );
    expect(c).to.deep.include({
      error: 'insufficient_scope',
      scope: 'mcp:read mcp:write',
      resource_metadata: 'https://mcp.example/.well-known/oauth-protected-resource/mcp',
      error_description: 'need "more"',
    });
  });

  it('finds Bearer among other schemes, with token values and odd spacing', () => {
    const c = parseWwwAuthenticate('Basic realm="x", Bearer realm=mcp ,  scope = a , DPoP algs="ES256"');
    expect(c).to.deep.equal({ realm: 'mcp', scope: 'a' });
    expect(parseWwwAuthenticate('Bearer')).to.deep.equal({});
  });

  it('returns undefined without a Bearer challenge', () => {
    expect(parseWwwAuthenticate(null)).to.equal(undefined);
    expect(parseWwwAuthenticate('Basic realm="x"')).to.equal(undefined);
  });
});

describe('auth: discovery order', () => {
  it('PRM: the challenge URL alone, else path-based then root', () => {
    expect(resourceMetadataUrls('https://mcp.example/api/mcp')).to.deep.equal([
      'https://mcp.example/.well-known/oauth-protected-resource/api/mcp',
      'https://mcp.example/.well-known/oauth-protected-resource',
    ]);
    expect(resourceMetadataUrls('https://mcp.example/')).to.deep.equal(['https://mcp.example/.well-known/oauth-protected-resource']);
    expect(resourceMetadataUrls('https://mcp.example/mcp', 'https://meta.example/x.json')).to.deep.equal(['https://meta.example/x.json']);
  });

  it('AS metadata: path insertion, OIDC insertion, OIDC append; or the two root documents', () => {
    expect(authorizationServerMetadataUrls('https://as.example/tenant1')).to.deep.equal([
      'https://as.example/.well-known/oauth-authorization-server/tenant1',
      'https://as.example/.well-known/openid-configuration/tenant1',
      'https://as.example/tenant1/.well-known/openid-configuration',
    ]);
    expect(authorizationServerMetadataUrls('https://as.example')).to.deep.equal([
      'https://as.example/.well-known/oauth-authorization-server',
      'https://as.example/.well-known/openid-configuration',
    ]);
  });

  it('discover() walks the order and falls back to the 2025-03-26 endpoints', async () => {
    const asked: string[] = [];
    const notFound: typeof fetch = async (input) => {
      asked.push(String(input));
      return new Response('no', { status: 404 });
    };
    const found = await discover(notFound, 'https://mcp.example/mcp');
    expect(asked).to.deep.equal([
      'https://mcp.example/.well-known/oauth-protected-resource/mcp',
      'https://mcp.example/.well-known/oauth-protected-resource',
      'https://mcp.example/.well-known/oauth-authorization-server',
      'https://mcp.example/.well-known/openid-configuration',
    ]);
    expect(found.fallback).to.equal(true);
    expect(found.as.authorization_endpoint).to.equal('https://mcp.example/authorize');
    expect(found.resource).to.equal('https://mcp.example/mcp');
  });
});

describe('auth: resource, issuer and PKCE checks', () => {
  it('refuses a PRM naming another resource (TG_AUTH_RESOURCE_MISMATCH)', () => {
    expect(codeOf(() => checkResource('https://mcp.example/mcp', 'https://evil.example.com/mcp'))).to.equal(ErrorCode.AUTH_RESOURCE_MISMATCH);
    expect(codeOf(() => checkResource('https://mcp.example/mcp', 'https://mcp.example/other'))).to.equal(ErrorCode.AUTH_RESOURCE_MISMATCH);
    expect(codeOf(() => checkResource('https://mcp.example/mcp', undefined))).to.equal(ErrorCode.AUTH_RESOURCE_MISMATCH);
    expect(checkResource('https://mcp.example/mcp', 'https://mcp.example/mcp')).to.equal('https://mcp.example/mcp');
    expect(checkResource('https://mcp.example/mcp', 'https://mcp.example')).to.equal('https://mcp.example');
  });

  it('compares the metadata issuer exactly (no normalization)', () => {
    const doc = { issuer: 'https://as.example/', authorization_endpoint: 'https://as.example/a', token_endpoint: 'https://as.example/t', code_challenge_methods_supported: ['S256'] };
    expect(codeOf(() => processAuthorizationServerMetadata('https://as.example', doc, 'x'))).to.equal(ErrorCode.AUTH_ISSUER_MISMATCH);
    expect(processAuthorizationServerMetadata('https://as.example/', doc, 'x').issuer).to.equal('https://as.example/');
  });

  it('refuses an AS without S256 (TG_AUTH_PKCE_UNSUPPORTED)', () => {
    const base = { issuer: 'https://as.example', authorization_endpoint: 'https://as.example/a', token_endpoint: 'https://as.example/t' };
    expect(codeOf(() => processAuthorizationServerMetadata('https://as.example', base, 'x'))).to.equal(ErrorCode.AUTH_PKCE_UNSUPPORTED);
    expect(codeOf(() => processAuthorizationServerMetadata('https://as.example', { ...base, code_challenge_methods_supported: ['plain'] }, 'x'))).to.equal(
      ErrorCode.AUTH_PKCE_UNSUPPORTED,
    );
  });
});

describe('auth: scope choice', () => {
  it('challenge scope first, then PRM scopes_supported (+offline_access if the AS lists it), else none', () => {
    expect(chooseScope('a b', ['x'], ['offline_access'])).to.equal('a b');
    expect(chooseScope(undefined, ['x', 'y'], ['x', 'offline_access'])).to.equal('x y offline_access');
    expect(chooseScope(undefined, ['x'], ['x'])).to.equal('x');
    expect(chooseScope(undefined, undefined, ['offline_access'])).to.equal(undefined);
  });

  it('step-up asks for the union', () => {
    expect(unionScopes('a b', undefined, 'b c')).to.equal('a b c');
    expect(unionScopes(undefined, '')).to.equal(undefined);
  });
});
