/**
 * Client registration in the spec's order (basic/authorization.mdx §Client Registration Approaches):
 * a pre-registered client from the host's config → a Client ID Metadata Document URL the host serves
 * (when the AS says `client_id_metadata_document_supported`) → Dynamic Client Registration
 * (`application_type: "web"`). Credentials are keyed by issuer: never used with another AS.
 */
import * as oauth from 'oauth4webapi';
import { ErrorCode, TgError } from '../shared/errors.js';

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface RegisteredClient {
  client: oauth.Client;
  /** How to authenticate at the token endpoint. */
  auth: TokenEndpointAuthMethod;
  secret?: string;
  /** For `private_key_jwt` (a non-extractable key the host hands over). */
  privateKey?: CryptoKey;
  how: 'pre-registered' | 'cimd' | 'dcr';
}

export interface RegistrationInput {
  clientId?: string;
  clientSecret?: string;
  /** An https URL with a path, serving a document whose `client_id` is this URL (CIMD). */
  clientMetadataUrl?: string;
  clientName: string;
  redirectUri: string;
  scope?: string;
  fetch: typeof fetch;
  development: boolean;
}

/** The auth method to use: from what the AS lists (RFC 8414 default: client_secret_basic), public when no secret. */
export function chooseAuthMethod(as: oauth.AuthorizationServer, hasSecret: boolean): TokenEndpointAuthMethod {
  const listed = as.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (!hasSecret) return 'none';
  if (listed.includes('client_secret_basic')) return 'client_secret_basic';
  if (listed.includes('client_secret_post')) return 'client_secret_post';
  return 'client_secret_basic';
}

/** The method to ask for in DCR: public (`none`) when the AS allows it, else the secret methods it lists. */
export function registrationAuthMethod(as: oauth.AuthorizationServer): TokenEndpointAuthMethod {
  const listed = as.token_endpoint_auth_methods_supported;
  if (!listed || listed.includes('none')) return 'none';
  if (listed.includes('client_secret_basic')) return 'client_secret_basic';
  if (listed.includes('client_secret_post')) return 'client_secret_post';
  return 'none';
}

export function isValidClientMetadataUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.pathname !== '/' && !parsed.hash;
  } catch {
    return false;
  }
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 asks (URLSearchParams leaves `-._*` alone). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * client_secret_basic with WHATWG form encoding. oauth4webapi's own also escapes `-`, `.`, `_` and
 * `*`, which servers that skip the decoding (many do) read as another client id.
 */
export function clientSecretBasic(secret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    const bytes = new TextEncoder().encode(`${formEncode(client.client_id)}:${formEncode(secret)}`);
    headers.set('authorization', `Basic ${btoa(String.fromCharCode(...bytes))}`);
  };
}

export function clientAuth(registered: RegisteredClient): oauth.ClientAuth {
  switch (registered.auth) {
    case 'client_secret_basic':
      return clientSecretBasic(registered.secret ?? '');
    case 'client_secret_post':
      return oauth.ClientSecretPost(registered.secret ?? '');
    case 'private_key_jwt':
      if (!registered.privateKey) throw new TgError(ErrorCode.AUTH_REGISTRATION_FAILED, 'private_key_jwt needs oauth.clientPrivateKey');
      return oauth.PrivateKeyJwt(registered.privateKey);
    default:
      return oauth.None();
  }
}

export async function register(as: oauth.AuthorizationServer, input: RegistrationInput): Promise<RegisteredClient> {
  if (input.clientId) {
    const auth = chooseAuthMethod(as, input.clientSecret !== undefined);
    return { client: { client_id: input.clientId, token_endpoint_auth_method: auth }, auth, ...(input.clientSecret !== undefined && { secret: input.clientSecret }), how: 'pre-registered' };
  }
  if (as.client_id_metadata_document_supported === true && isValidClientMetadataUrl(input.clientMetadataUrl)) {
    return { client: { client_id: input.clientMetadataUrl, token_endpoint_auth_method: 'none' }, auth: 'none', how: 'cimd' };
  }
  if (!as.registration_endpoint) {
    throw new TgError(ErrorCode.AUTH_REGISTRATION_FAILED, `${as.issuer} offers no registration; configure oauth.clientId (or a clientMetadataUrl)`, { data: { issuer: as.issuer } });
  }
  const requested = registrationAuthMethod(as);
  try {
    const response = await oauth.dynamicClientRegistrationRequest(
      as,
      {
        client_name: input.clientName,
        redirect_uris: [input.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: requested,
        application_type: 'web',
        ...(input.scope && { scope: input.scope }),
      },
      { [oauth.customFetch]: input.fetch, [oauth.allowInsecureRequests]: input.development },
    );
    // Read by hand: oauth4webapi also insists on client_secret_expires_at, which deployed servers omit.
    if (response.status !== 201 && response.status !== 200) {
      void response.body?.cancel().catch(() => {});
      throw new TgError(ErrorCode.AUTH_REGISTRATION_FAILED, `Dynamic client registration at ${as.issuer} answered HTTP ${response.status}`, { data: { status: response.status } });
    }
    const client = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (typeof client?.client_id !== 'string' || !client.client_id) {
      throw new TgError(ErrorCode.AUTH_REGISTRATION_FAILED, `Dynamic client registration at ${as.issuer} returned no client_id`);
    }
    const secret = typeof client.client_secret === 'string' ? client.client_secret : undefined;
    const method = typeof client.token_endpoint_auth_method === 'string' ? (client.token_endpoint_auth_method as TokenEndpointAuthMethod) : requested;
    const auth: TokenEndpointAuthMethod = secret === undefined ? 'none' : method;
    return { client: { client_id: client.client_id, token_endpoint_auth_method: auth }, auth, ...(secret !== undefined && { secret }), how: 'dcr' };
  } catch (cause) {
    if (cause instanceof TgError) throw cause;
    throw new TgError(ErrorCode.AUTH_REGISTRATION_FAILED, `Dynamic client registration at ${as.issuer} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
