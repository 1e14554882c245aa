/**
 * Token requests (request/process pairs via oauth4webapi): the code grant and refresh, both with the
 * RFC 8707 `resource`. Tokens stay in worker memory (#private fields of the caller); persistence
 * (encrypted IndexedDB) is a later step.
 */
import * as oauth from 'oauth4webapi';
import { ErrorCode, TgError } from '../shared/errors.js';
import { clientAuth, type RegisteredClient } from './registration.js';
import type { PendingAuthorization } from './pkce/authorize.js';

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms, when `expires_in` was given. */
  expiresAt?: number;
  scope?: string;
}

function toTokenSet(response: oauth.TokenEndpointResponse, previous?: TokenSet): TokenSet {
  const scope = response.scope ?? previous?.scope;
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  return {
    accessToken: response.access_token,
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

export async function exchangeCode(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  pending: PendingAuthorization,
  callbackParams: URLSearchParams,
  options: { fetch: typeof fetch; development: boolean },
): Promise<TokenSet> {
  try {
    const response = await oauth.authorizationCodeGrantRequest(as, registered.client, clientAuth(registered), callbackParams, pending.redirectUri, pending.codeVerifier, {
      additionalParameters: { resource: pending.resource },
      [oauth.customFetch]: options.fetch,
      [oauth.allowInsecureRequests]: options.development,
    });
    return toTokenSet(await oauth.processAuthorizationCodeResponse(as, registered.client, response));
  } catch (cause) {
    throw tokenError(cause, 'The token request');
  }
}

export async function refresh(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  tokens: TokenSet,
  options: { fetch: typeof fetch; development: boolean; resource: string },
): Promise<TokenSet> {
  if (!tokens.refreshToken) throw new TgError(ErrorCode.AUTH_TOKEN_FAILED, 'No refresh token');
  try {
    const response = await oauth.refreshTokenGrantRequest(as, registered.client, clientAuth(registered), tokens.refreshToken, {
      additionalParameters: { resource: options.resource },
      [oauth.customFetch]: options.fetch,
      [oauth.allowInsecureRequests]: options.development,
    });
    return toTokenSet(await oauth.processRefreshTokenResponse(as, registered.client, response), tokens);
  } catch (cause) {
    throw tokenError(cause, 'The refresh request');
  }
}

/** The client_credentials grant (SEP-1046), for hosts that hand Toolgate a client secret by config. */
export async function clientCredentials(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  options: { fetch: typeof fetch; development: boolean; resource: string; scope?: string },
): Promise<TokenSet> {
  try {
    const parameters: Record<string, string> = { resource: options.resource, ...(options.scope && { scope: options.scope }) };
    const response = await oauth.clientCredentialsGrantRequest(as, registered.client, clientAuth(registered), parameters, {
      [oauth.customFetch]: options.fetch,
      [oauth.allowInsecureRequests]: options.development,
    });
    return toTokenSet(await oauth.processClientCredentialsResponse(as, registered.client, response));
  } catch (cause) {
    throw tokenError(cause, 'The client_credentials request');
  }
}
