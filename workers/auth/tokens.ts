/**
 * Token requests (request/process pairs via oauth4webapi): the code grant, refresh and client
 * credentials, all with the RFC 8707 `resource`, and bound to a DPoP key (RFC 9449 §5) when the caller
 * has one, retried once on the AS's `use_dpop_nonce`. Tokens stay in worker memory (#private fields
 * of the caller).
 */
import * as oauth from 'oauth4webapi';
import { ErrorCode, TgError } from '../shared/errors.js';
import { withNonceRetry, type DPoPBinding } from './dpop.js';
import { JWT_BEARER_GRANT } from './id-jag.js';
import { clientAuth, type RegisteredClient } from './registration.js';
import type { PendingAuthorization } from './pkce/authorize.js';

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms, when `expires_in` was given. */
  expiresAt?: number;
  scope?: string;
  /** `dpop` when the AS bound the token to our DPoP key: then it is sent as `Authorization: DPoP` with a proof. */
  tokenType?: 'bearer' | 'dpop';
}

/** Options every token request takes. */
export interface TokenRequestOptions {
  fetch: typeof fetch;
  development: boolean;
  /** Binds the token to this key; absent when the AS does not advertise DPoP. */
  dpop?: DPoPBinding;
}

function requestOptions(options: TokenRequestOptions) {
  return {
    [oauth.customFetch]: options.fetch,
    [oauth.allowInsecureRequests]: options.development,
    ...(options.dpop && { DPoP: options.dpop.handle }),
  };
}

function toTokenSet(response: oauth.TokenEndpointResponse, previous?: TokenSet): TokenSet {
  const scope = response.scope ?? previous?.scope;
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  return {
    accessToken: response.access_token,
    // oauth4webapi lowercases token_type and accepts only these two.
    tokenType: response.token_type === 'dpop' ? 'dpop' : 'bearer',
    ...(refreshToken !== undefined && { refreshToken }),
    ...(typeof response.expires_in === 'number' && { expiresAt: Date.now() + response.expires_in * 1000 }),
    ...(scope !== undefined && { scope }),
  };
}

function tokenError(cause: unknown, what: string): TgError {
  if (cause instanceof TgError) return cause;
  const error = cause instanceof oauth.ResponseBodyError ? cause.error : undefined;
  return new TgError(ErrorCode.AUTH_TOKEN_FAILED, `${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
    ...(error !== undefined && { data: { error } }),
  });
}

/**
 * One token request: sent (once more on the AS's DPoP nonce), processed by oauth4webapi, and kept as
 * a TokenSet (`previous` fills what a refresh answer leaves out); any failure is `TG_AUTH_TOKEN_FAILED`
 * naming `what`.
 */
async function tokenRequest(what: string, dpop: DPoPBinding | undefined, exchange: () => Promise<oauth.TokenEndpointResponse>, previous?: TokenSet): Promise<TokenSet> {
  try {
    return toTokenSet(await withNonceRetry(dpop, exchange), previous);
  } catch (cause) {
    throw tokenError(cause, what);
  }
}

export async function exchangeCode(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  pending: PendingAuthorization,
  callbackParams: URLSearchParams,
  options: TokenRequestOptions,
): Promise<TokenSet> {
  return tokenRequest('The token request', options.dpop, async () => {
    const response = await oauth.authorizationCodeGrantRequest(as, registered.client, clientAuth(registered), callbackParams, pending.redirectUri, pending.codeVerifier, {
      additionalParameters: { resource: pending.resource },
      ...requestOptions(options),
    });
    return oauth.processAuthorizationCodeResponse(as, registered.client, response);
  });
}

export async function refresh(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  tokens: TokenSet,
  options: TokenRequestOptions & { resource: string },
): Promise<TokenSet> {
  const refreshToken = tokens.refreshToken;
  if (!refreshToken) throw new TgError(ErrorCode.AUTH_TOKEN_FAILED, 'No refresh token');
  return tokenRequest(
    'The refresh request',
    options.dpop,
    async () => {
      const response = await oauth.refreshTokenGrantRequest(as, registered.client, clientAuth(registered), refreshToken, {
        additionalParameters: { resource: options.resource },
        ...requestOptions(options),
      });
      return oauth.processRefreshTokenResponse(as, registered.client, response);
    },
    tokens,
  );
}

/** The client_credentials grant (SEP-1046), for hosts that hand Toolgate a client secret by config. */
export async function clientCredentials(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  options: TokenRequestOptions & { resource: string; scope?: string },
): Promise<TokenSet> {
  const parameters: Record<string, string> = { resource: options.resource, ...(options.scope && { scope: options.scope }) };
  return tokenRequest('The client_credentials request', options.dpop, async () => {
    const response = await oauth.clientCredentialsGrantRequest(as, registered.client, clientAuth(registered), parameters, requestOptions(options));
    return oauth.processClientCredentialsResponse(as, registered.client, response);
  });
}

/** The jwt-bearer grant (RFC 7523) with an ID-JAG assertion (SEP-990), authenticated as the AS's client. */
export async function jwtBearer(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  assertion: string,
  options: TokenRequestOptions & { resource: string; scope?: string },
): Promise<TokenSet> {
  const parameters: Record<string, string> = { assertion, resource: options.resource, ...(options.scope && { scope: options.scope }) };
  return tokenRequest('The jwt-bearer request', options.dpop, async () => {
    const response = await oauth.genericTokenEndpointRequest(as, registered.client, clientAuth(registered), JWT_BEARER_GRANT, parameters, requestOptions(options));
    return oauth.processGenericTokenEndpointResponse(as, registered.client, response);
  });
}
