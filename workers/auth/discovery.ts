/**
 * Discovery (basic/authorization.mdx §Authorization Server Discovery): protected-resource metadata
 * (RFC 9728) from the challenge's `resource_metadata`, else the path-based then root well-known URL;
 * then authorization-server metadata in the spec's order with the exact `issuer` check; and the
 * 2025-03-26 back-compat (no PRM: AS metadata at the server's root, then `/authorize` `/token`
 * `/register`). Request/process pairs: URL lists are pure, the fetching takes the injected safe fetch.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { ErrorCode, TgError } from '../shared/errors.js';

export interface ResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  [key: string]: unknown;
}

/** The canonical resource URI of an MCP server (RFC 8707 §2): no fragment. */
export function canonicalResource(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.hash = '';
  return url.href;
}

/** PRM locations to try, in order (RFC 9728 §3.1; MCP: path-based first, then root). */
export function resourceMetadataUrls(serverUrl: string, fromChallenge?: string): string[] {
  if (fromChallenge) return [new URL(fromChallenge, serverUrl).href];
  const url = new URL(serverUrl);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const urls = [];
  if (path) urls.push(new URL(`/.well-known/oauth-protected-resource${path}`, url.origin).href);
  urls.push(new URL('/.well-known/oauth-protected-resource', url.origin).href);
  return urls;
}

/** AS metadata locations for an issuer, in the spec's order (RFC 8414 §3.1 path insertion, then OIDC). */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  if (!path) {
    return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/**
 * RFC 9728 §3.3: `resource` must be the identifier the metadata URL was made from: this server's URL,
 * or, for the root well-known location, its origin. A trailing slash is not a different resource here
 * (RFC 8707 identifiers are compared as URIs); another path, host or scheme is refused.
 */
export function checkResource(serverUrl: string, resource: unknown): string {
  const server = new URL(canonicalResource(serverUrl));
  let named: URL | undefined;
  try {
    named = typeof resource === 'string' ? new URL(resource) : undefined;
  } catch {
    named = undefined;
  }
  const trim = (path: string) => path.replace(/\/$/, '');
  const ok =
    named !== undefined &&
    named.origin === server.origin &&
    !named.hash &&
    !named.search &&
    (trim(named.pathname) === trim(server.pathname) || named.pathname === '/');
  if (!ok) {
    throw new TgError(ErrorCode.AUTH_RESOURCE_MISMATCH, `The protected-resource metadata names ${String(resource)}, not ${server.href}: refusing to authorize`, {
      data: { expected: server.href, resource },
    });
  }
  return resource as string;
}

async function getJson(fetchFn: typeof fetch, url: string): Promise<unknown | undefined> {
  const response = await fetchFn(url, { method: 'GET', headers: { accept: 'application/json' } });
  return readJson(response);
}

/**
 * Tries each well-known location in order. A location the browser blocks counts as a miss: many
 * authorization servers answer the RFC 8414 path with a 404 that carries no CORS headers (oidc-provider
 * does), so it looks like a network error while the OIDC location works. When none answers, the
 * last network error (it names CORS) is thrown rather than "not found".
 */
async function firstJson(fetchFn: typeof fetch, urls: readonly string[], accept: (doc: unknown, url: string) => boolean): Promise<void> {
  let blocked: unknown;
  for (const url of urls) {
    let doc: unknown;
    try {
      doc = await getJson(fetchFn, url);
    } catch (error) {
      if ((error as { code?: unknown }).code !== ErrorCode.AUTH_NETWORK_ERROR) throw error;
      blocked = error;
      continue;
    }
    if (accept(doc, url)) return;
  }
  if (blocked !== undefined) throw blocked;
}

async function readJson(response: Response): Promise<unknown | undefined> {
  if (!response.ok) {
    void response.body?.cancel().catch(() => {});
    return undefined; // 404 (or an opaque redirect): try the next location
  }
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first PRM document found, checked against the server, or undefined (2025-03-26 servers have none). */
export async function discoverResourceMetadata(fetchFn: typeof fetch, serverUrl: string, fromChallenge?: string): Promise<ResourceMetadata | undefined> {
  let found: ResourceMetadata | undefined;
  await firstJson(fetchFn, resourceMetadataUrls(serverUrl, fromChallenge), (doc, url) => {
    if (!isObject(doc)) return false;
    checkResource(serverUrl, doc.resource);
    const servers = doc.authorization_servers;
    if (servers !== undefined && !(Array.isArray(servers) && servers.every((s) => typeof s === 'string'))) {
      throw new TgError(ErrorCode.AUTH_DISCOVERY_FAILED, `Malformed authorization_servers in ${url}`);
    }
    found = doc as ResourceMetadata;
    return true;
  });
  return found;
}

/** Checks a fetched AS metadata document: exact `issuer`, and S256 PKCE (security-considerations.mdx). */
export function processAuthorizationServerMetadata(issuer: string, doc: unknown, source: string, legacy = false): AuthorizationServer {
  if (!isObject(doc)) throw new TgError(ErrorCode.AUTH_DISCOVERY_FAILED, `Authorization-server metadata at ${source} is not an object`);
  // 2025-03-26 servers publish AS metadata at their root, found from the server URL rather than from an
  // issuer, and deployed ones (and the 0.1.16 suite) name an issuer with a path there; the exact check
  // cannot apply, so the issuer must at least be on the server's own origin. Exact everywhere else.
  const sameOrigin = legacy && typeof doc.issuer === 'string' && URL.canParse(doc.issuer) && new URL(doc.issuer).origin === new URL(issuer).origin;
  if (doc.issuer !== issuer && !sameOrigin) {
    throw new TgError(ErrorCode.AUTH_ISSUER_MISMATCH, `Metadata at ${source} names issuer ${String(doc.issuer)}, expected exactly ${issuer}`, {
      data: { expected: issuer, issuer: doc.issuer },
    });
  }
  const methods = doc.code_challenge_methods_supported;
  if (!Array.isArray(methods) || !methods.includes('S256')) {
    throw new TgError(ErrorCode.AUTH_PKCE_UNSUPPORTED, `The authorization server ${issuer} does not advertise PKCE S256 (code_challenge_methods_supported)`, {
      data: { issuer, code_challenge_methods_supported: methods },
    });
  }
  for (const key of ['authorization_endpoint', 'token_endpoint'] as const) {
    if (typeof doc[key] !== 'string') throw new TgError(ErrorCode.AUTH_DISCOVERY_FAILED, `Metadata at ${source} has no ${key}`);
  }
  return doc as unknown as AuthorizationServer;
}

/** Fetches AS metadata for an issuer, trying each location in order. */
export async function discoverAuthorizationServer(fetchFn: typeof fetch, issuer: string, legacy = false): Promise<AuthorizationServer | undefined> {
  let found: AuthorizationServer | undefined;
  await firstJson(fetchFn, authorizationServerMetadataUrls(issuer), (doc, url) => {
    if (doc === undefined) return false;
    found = processAuthorizationServerMetadata(issuer, doc, url, legacy);
    return true;
  });
  return found;
}

export interface Discovery {
  as: AuthorizationServer;
  /** The RFC 8707 `resource` to send: the PRM's, or the canonical server URI. */
  resource: string;
  prm?: ResourceMetadata;
  /** True when the endpoints are the 2025-03-26 defaults (no metadata at all). */
  fallback?: boolean;
}

/** Whole discovery for a server: PRM → AS metadata, or the 2025-03-26 back-compat. */
export async function discover(fetchFn: typeof fetch, serverUrl: string, resourceMetadataUrl?: string): Promise<Discovery> {
  const prm = await discoverResourceMetadata(fetchFn, serverUrl, resourceMetadataUrl);
  if (prm) {
    const issuer = prm.authorization_servers?.[0];
    if (!issuer) throw new TgError(ErrorCode.AUTH_DISCOVERY_FAILED, 'The protected-resource metadata lists no authorization server');
    const as = await discoverAuthorizationServer(fetchFn, issuer);
    if (!as) throw new TgError(ErrorCode.AUTH_DISCOVERY_FAILED, `No authorization-server metadata found for ${issuer}`);
    return { as, resource: prm.resource, prm };
  }
  // 2025-03-26: the MCP server's origin is the authorization server.
  const origin = new URL(serverUrl).origin;
  const resource = canonicalResource(serverUrl);
  const as = await discoverAuthorizationServer(fetchFn, origin, true);
  if (as) return { as, resource };
  return {
    as: {
      issuer: origin,
      authorization_endpoint: `${origin}/authorize`,
      token_endpoint: `${origin}/token`,
      registration_endpoint: `${origin}/register`,
      code_challenge_methods_supported: ['S256'],
    },
    resource,
    fallback: true,
  };
}
