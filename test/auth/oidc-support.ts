/**
 * Shared pieces of the OAuth browser tests against the real authorization server (oidc-provider)
 * and the protected demo MCP server started by test/support/services/oidc.mjs.
 */
import { authorizeInPopup } from '../../src/connections/oauth-popup.js';
import { McpConnection, type ConnectionConfig, type OpenOptions } from '../../src/connections/connection.js';

export interface OidcEnv {
  oidcIssuer: string;
  protectedHttpUrl: string;
  protectedWsUrl: string;
  protectedOrigin: string;
}

export function oidcEnv(): OidcEnv {
  const env = (window as unknown as { __TG_TEST_ENV__?: Partial<OidcEnv> }).__TG_TEST_ENV__;
  if (!env?.oidcIssuer || !env.protectedHttpUrl || !env.protectedWsUrl || !env.protectedOrigin) throw new Error('OIDC test services missing (test/support/services/oidc.mjs)');
  return env as OidcEnv;
}

export const redirectUri = (): string => new URL('/public/oauth-callback.html', location.origin).href;

export interface IssuedToken {
  kind: 'access_token' | 'refresh_token';
  value: string;
  grantType: string;
  clientId?: string;
}

async function call<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The authorization server's side: what it issued, what it saw revoked, its settings. */
export const asControl = {
  issued: async (): Promise<IssuedToken[]> => (await call<{ issued: IssuedToken[] }>(`${oidcEnv().oidcIssuer}/__test/issued`)).issued,
  revocations: async () => (await call<{ revocations: { tokenTypeHint: string | null; known?: string }[] }>(`${oidcEnv().oidcIssuer}/__test/revocations`)).revocations,
  refreshTokenActive: async (value: string) => (await call<{ active: boolean }>(`${oidcEnv().oidcIssuer}/__test/refresh-token-active`, { value })).active,
  settings: (settings: { accessTokenTtl?: number; audienceOverride?: string | null }) => call(`${oidcEnv().oidcIssuer}/__test/settings`, settings),
};

export interface GuardStats {
  unauthorized: number;
  forbidden: number;
  accepted: number;
  ticketsIssued: number;
  ticketsUsed: number;
  ticketsRefused: number;
  dpop: number;
}

/** The protected MCP server's side. */
export const rsControl = {
  stats: () => call<GuardStats>(`${oidcEnv().protectedOrigin}/__test/auth/stats`),
  expireAccepted: () => call<{ expired: number }>(`${oidcEnv().protectedOrigin}/__test/auth/expire`, {}),
};

/** A popup authorizer that counts how often the person was sent to the AS. */
export function countingPopup(): { onAuthorize: (url: string) => Promise<string>; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    onAuthorize: (url: string) => {
      urls.push(url);
      return authorizeInPopup(url, { timeoutMs: 30_000 });
    },
  };
}

export function protectedConfig(overrides: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return { url: oidcEnv().protectedHttpUrl, transport: 'http', oauth: { development: true, redirectUri: redirectUri(), clientName: 'Toolgate tests' }, ...overrides };
}

export function open(config: ConnectionConfig, options: OpenOptions = {}): Promise<McpConnection> {
  return McpConnection.open(config, options);
}
