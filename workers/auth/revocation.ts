/**
 * Sign-out at the authorization server (RFC 7009): the refresh token first (at most ASes that revokes
 * the whole grant, access tokens included), then the access token. Request/process pairs through the
 * SSRF-guarded fetch. An AS that fails or refuses does not stop the sign-out: the worker has already
 * dropped the tokens.
 */
import * as oauth from 'oauth4webapi';
import { clientAuth, type RegisteredClient } from './registration.js';
import type { TokenSet } from './tokens.js';

export async function revokeTokens(
  as: oauth.AuthorizationServer,
  registered: RegisteredClient,
  tokens: TokenSet,
  options: { fetch: typeof fetch; development: boolean },
): Promise<boolean> {
  const pairs: [string, 'refresh_token' | 'access_token'][] = [];
  if (tokens.refreshToken) pairs.push([tokens.refreshToken, 'refresh_token']);
  pairs.push([tokens.accessToken, 'access_token']);
  let revoked = true;
  for (const [token, hint] of pairs) {
    try {
      const response = await oauth.revocationRequest(as, registered.client, clientAuth(registered), token, {
        additionalParameters: { token_type_hint: hint },
        [oauth.customFetch]: options.fetch,
        [oauth.allowInsecureRequests]: options.development,
      });
      await oauth.processRevocationResponse(response);
    } catch {
      revoked = false;
    }
  }
  return revoked;
}
