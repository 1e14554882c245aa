/**
 * Enterprise-managed authorization (SEP-990, "cross-app access"): the host hands over an ID token its
 * identity provider issued for the person, the IdP's token endpoint and the client id there, plus the
 * MCP client's credentials at the authorization server. The worker exchanges the ID token at the IdP
 * for an Identity Assertion JWT Authorization Grant (ID-JAG, RFC 8693 token exchange) naming the AS and
 * the MCP resource, then presents it at the AS with the jwt-bearer grant (RFC 7523). No person, no popup.
 */
import * as oauth from 'oauth4webapi';
import { ErrorCode, TgError } from '../shared/errors.js';
import type { IdJagOptions } from '../shared/auth.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** What the host hands over (`OAuthOptions.idJag`); the ID token is the host's, never a baked-in secret. */
export function isIdJagOptions(value: unknown): value is IdJagOptions {
  const v = value as Partial<IdJagOptions> | undefined;
  return typeof v?.idToken === 'string' && typeof v.idpTokenEndpoint === 'string' && typeof v.idpClientId === 'string';
}

/** RFC 8693 token exchange at the IdP: ID token → ID-JAG for `audience` (the AS issuer) and `resource`. */
export async function requestIdJag(
  idp: IdJagOptions,
  target: { issuer: string; resource: string; scope?: string },
  options: { fetch: typeof fetch; development: boolean },
): Promise<string> {
  const endpoint = new URL(idp.idpTokenEndpoint);
  const as: oauth.AuthorizationServer = { issuer: endpoint.origin, token_endpoint: endpoint.href };
  const client: oauth.Client = { client_id: idp.idpClientId };
  const auth = idp.idpClientSecret !== undefined ? oauth.ClientSecretBasic(idp.idpClientSecret) : oauth.None();
  try {
    const response = await oauth.genericTokenEndpointRequest(
      as,
      client,
      auth,
      TOKEN_EXCHANGE_GRANT,
      {
        subject_token: idp.idToken,
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: ID_JAG_TYPE,
        audience: target.issuer,
        resource: target.resource,
        ...(target.scope && { scope: target.scope }),
      },
      { [oauth.customFetch]: options.fetch, [oauth.allowInsecureRequests]: options.development },
    );
    // RFC 8693 §2.2.1: an issued token that is not an access token has token_type "N_A".
    const result = await oauth.processGenericTokenEndpointResponse(as, client, response, { recognizedTokenTypes: { n_a: () => {} } });
    if (result.issued_token_type !== ID_JAG_TYPE) {
      throw new TgError(ErrorCode.AUTH_TOKEN_FAILED, `The IdP issued ${String(result.issued_token_type)}, not an ID-JAG`);
    }
    return result.access_token;
  } catch (cause) {
    if (cause instanceof TgError) throw cause;
    throw new TgError(ErrorCode.AUTH_TOKEN_FAILED, `The ID-JAG token exchange at ${endpoint.origin} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
