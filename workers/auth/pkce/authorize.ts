/**
 * The authorization request and its callback (request/process pair): PKCE S256, `state`, RFC 8707
 * `resource`; the callback is checked for the redirect URI, RFC 9207 `iss` (exact string compare,
 * before looking at `error`) and `state`.
 */
import * as oauth from 'oauth4webapi';
import { ErrorCode, TgError } from '../../shared/errors.js';
import { checkAuthUrl } from '../safe-fetch.js';

/** What must be remembered between the request and the callback (the issuer too: mix-up defence). */
export interface PendingAuthorization {
  url: string;
  issuer: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
  resource: string;
  scope?: string;
}

export async function authorizationRequest(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  options: { redirectUri: string; resource: string; scope?: string; development: boolean },
): Promise<PendingAuthorization> {
  const endpoint = checkAuthUrl(as.authorization_endpoint ?? '', options.development, 'authorization URL');
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('resource', options.resource);
  if (options.scope) url.searchParams.set('scope', options.scope);
  return {
    url: url.href,
    issuer: as.issuer,
    state,
    codeVerifier,
    redirectUri: options.redirectUri,
    resource: options.resource,
    ...(options.scope && { scope: options.scope }),
  };
}

/** Validates the callback URL; returns the parameters for the token request. */
export function processCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  pending: PendingAuthorization,
  callbackUrl: string,
): URLSearchParams {
  let callback: URL;
  try {
    callback = new URL(callbackUrl);
  } catch (cause) {
    throw new TgError(ErrorCode.AUTH_STATE_MISMATCH, 'The callback is not a URL', { cause });
  }
  const expected = new URL(pending.redirectUri);
  if (callback.origin !== expected.origin || callback.pathname !== expected.pathname) {
    throw new TgError(ErrorCode.AUTH_STATE_MISMATCH, `The callback arrived at ${callback.origin}${callback.pathname}, not the redirect URI`);
  }
  const params = callback.searchParams;
  const iss = params.get('iss');
  // RFC 9207 §2.4: exact comparison, and before any error is shown (a mix-up attacker's error is not ours).
  if (iss !== null ? iss !== pending.issuer : as.authorization_response_iss_parameter_supported === true) {
    throw new TgError(ErrorCode.AUTH_ISS_MISMATCH, `The callback's iss ${iss === null ? '(missing)' : iss} is not the issuer ${pending.issuer}`, {
      data: { expected: pending.issuer, iss },
    });
  }
  if (params.get('state') !== pending.state) {
    throw new TgError(ErrorCode.AUTH_STATE_MISMATCH, 'The callback state does not match the authorization request');
  }
  const error = params.get('error');
  if (error !== null) {
    throw new TgError(ErrorCode.AUTH_DENIED, `The authorization server refused: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`, {
      data: { error, error_description: params.get('error_description') ?? undefined },
    });
  }
  try {
    return oauth.validateAuthResponse(as, client, params, pending.state);
  } catch (cause) {
    throw new TgError(ErrorCode.AUTH_STATE_MISMATCH, `Invalid authorization response: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
