/**
 * The one fetch every auth request goes through (DESIGN convention 7): the SSRF guard. A malicious MCP
 * server controls `resource_metadata`, `authorization_servers` and every AS endpoint, so each URL is
 * checked before the request: https only (http only to loopback, and only in development mode), no
 * literal private or link-local address, no credentials, no redirects followed (checklist §4).
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import { reachable } from '../transports/fetch-failure.js';
import { ipv4, isLoopback } from '../shared/hosts.js';

/** Which auth endpoint a request went to, as `data.endpoint` of a `TG_AUTH_NETWORK_ERROR`. */
export type AuthEndpoint =
  | 'resource-metadata'
  | 'authorization-server-metadata'
  | 'registration'
  | 'token'
  | 'revocation'
  | 'idp-token'
  | 'client-metadata'
  | 'auth';

const ENDPOINT_NAMES: Record<AuthEndpoint, string> = {
  'resource-metadata': 'protected-resource metadata',
  'authorization-server-metadata': 'authorization-server metadata',
  registration: 'registration endpoint',
  token: 'token endpoint',
  revocation: 'revocation endpoint',
  'idp-token': 'IdP token endpoint',
  'client-metadata': 'client metadata document',
  auth: 'auth endpoint',
};

export interface SafeFetchOptions {
  /** Allows http:// and loopback hosts (localhost, 127/8, ::1). Never in production. */
  development?: boolean;
  /** The underlying fetch (tests, or a host-provided proxy hook). */
  fetch?: typeof fetch;
  /** Names the endpoint a URL belongs to (the caller knows the AS's endpoints; metadata is told by its path). */
  endpointOf?: (url: URL) => AuthEndpoint | undefined;
}

/** The well-known metadata locations (RFC 9728, RFC 8414, OIDC Discovery) by their path. */
function metadataEndpoint(url: URL): AuthEndpoint | undefined {
  if (url.pathname.startsWith('/.well-known/oauth-protected-resource')) return 'resource-metadata';
  if (url.pathname.startsWith('/.well-known/oauth-authorization-server') || url.pathname.endsWith('/.well-known/openid-configuration')) {
    return 'authorization-server-metadata';
  }
  return undefined;
}

/** Literal addresses that reach the local network: RFC 1918, CGNAT, link-local, unspecified, IPv6 ULA/link-local. */
export function isPrivateLiteral(hostname: string): boolean {
  const v4 = ipv4(hostname);
  if (v4) {
    const [a, b] = v4 as [number, number, number, number];
    return a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (!hostname.startsWith('[')) return false;
  const v6 = hostname.slice(1, -1).toLowerCase();
  if (v6 === '::' ) return true;
  if (/^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6)) return true;
  // IPv4-mapped (URL normalizes ::ffff:10.0.0.1 to ::ffff:a00:1): refuse them all but mapped loopback.
  return v6.startsWith('::ffff:') && !v6.startsWith('::ffff:7f');
}

/** Throws `TG_AUTH_UNSAFE_URL` unless `url` is fit for an auth request (or an authorization URL). */
export function checkAuthUrl(url: string | URL, development = false, what = 'auth URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TgError(ErrorCode.AUTH_UNSAFE_URL, `The ${what} is not a URL: ${String(url)}`, { cause });
  }
  const refuse = (why: string) => new TgError(ErrorCode.AUTH_UNSAFE_URL, `Refused ${what} ${parsed.protocol}//${parsed.host}: ${why}`, { data: { url: parsed.href } });
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw refuse(`the scheme ${parsed.protocol} is not allowed (https only)`);
  if (parsed.username || parsed.password) throw refuse('URLs with credentials are not allowed');
  const loopback = isLoopback(parsed.hostname);
  if (loopback && !development) throw refuse('loopback hosts are only allowed in development mode');
  if (parsed.protocol === 'http:' && !(loopback && development)) throw refuse('plain http is only allowed to loopback hosts in development mode');
  if (isPrivateLiteral(parsed.hostname)) throw refuse('private and link-local addresses are not allowed');
  return parsed;
}

/**
 * A fetch that refuses unsafe URLs, never sends cookies, never follows redirects (a redirect is
 * an opaque response, hence a failure), and, when the browser fails a request, says which endpoint
 * and whether it was CORS: an opaque no-cors GET tells a reachable server (its CORS refused this
 * origin, or a header the request sends, such as `DPoP`) from a network failure. The error comes at
 * once, not at the end of the MCP request that needed the token.
 */
export function createSafeFetch(options: SafeFetchOptions = {}): typeof fetch {
  const base = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const development = options.development === true;
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = checkAuthUrl(input instanceof Request ? input.url : input, development);
    try {
      return await base(url.href, { ...init, redirect: 'manual', credentials: 'omit', cache: 'no-store' });
    } catch (cause) {
      if (init?.signal?.aborted) throw cause;
      const endpoint = metadataEndpoint(url) ?? options.endpointOf?.(url) ?? 'auth';
      const cors = await reachable(url.href, init?.signal ?? undefined);
      const why = cors
        ? `the browser blocked it: ${url.origin} answers, but its CORS headers do not allow this origin or a header the request sends (such as DPoP)`
        : `${url.origin} could not be reached (network, DNS, refused), or the browser blocked it (CORS)`;
      throw new TgError(ErrorCode.AUTH_NETWORK_ERROR, `The ${ENDPOINT_NAMES[endpoint]} (${url.origin}${url.pathname}) refused the request: ${why}`, {
        cause,
        data: { url: url.href, endpoint, cors },
      });
    }
  };
}
