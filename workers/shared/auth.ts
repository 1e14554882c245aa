/**
 * The OAuth options a host gives a connection (`ConnectionConfig.oauth`) and the page's part of a
 * sign-in (`AuthorizeHandler`). Everything else about OAuth, and every token, stays in the worker
 * (workers/auth/).
 */

/** SEP-990 enterprise-managed authorization: what the IdP token exchange needs. */
export interface IdJagOptions {
  /** The person's ID token from the enterprise IdP. */
  idToken: string;
  /** The IdP's token endpoint (https; loopback http only in development). */
  idpTokenEndpoint: string;
  /** This client's id at the IdP. */
  idpClientId: string;
  /** Its secret there, for hosts that hand one over by config (client_secret_basic). */
  idpClientSecret?: string;
}

/** Host configuration for OAuth (`ConnectionConfig.oauth`). */
export interface OAuthOptions {
  /** Where the AS sends the browser back; the page's callback page (e.g. `/oauth-callback.html`). */
  redirectUri?: string;
  /** A pre-registered client (tried first). A secret is for hosts that hand one over by config, never baked into a page. */
  clientId?: string;
  clientSecret?: string;
  /** An https URL the host serves with its Client ID Metadata Document (its `client_id` is this URL). */
  clientMetadataUrl?: string;
  /** `client_name` for DCR. Default "Toolgate". */
  clientName?: string;
  /** Allows http:// and loopback authorization servers. Development only. */
  development?: boolean;
  /**
   * `client_credentials` (SEP-1046): no person, no popup; needs `clientId` and `clientSecret` (a
   * machine credential the host hands over by config). Default `authorization_code`.
   */
  grant?: 'authorization_code' | 'client_credentials' | 'id-jag';
  /**
   * For `grant: 'id-jag'` (SEP-990 enterprise-managed authorization): the person's IdP ID token and the
   * IdP's token endpoint; with `clientId`/`clientSecret` for the AS. See workers/auth/id-jag.ts.
   */
  idJag?: IdJagOptions;
  /** For `client_credentials` with `private_key_jwt`: a non-extractable signing key (ES256/RS256…). */
  clientPrivateKey?: CryptoKey;
  /**
   * Keep tokens and the client registration across reloads, AES-GCM-encrypted in IndexedDB under a
   * non-extractable key (workers/auth/token-store.ts). Default true; `false` keeps them in memory only.
   */
  persist?: boolean;
  /** The IndexedDB database for `persist`. Default `toolgate-auth`. */
  database?: string;
  /**
   * Redirect fallback: the callback URL the page came back with after a full-page authorization
   * (`takeRedirectCallback()` in src/connections/oauth-redirect.ts). The worker finishes the flow an
   * earlier worker started, with the verifier it kept in IndexedDB (workers/auth/pkce/pending-store.ts).
   */
  callbackUrl?: string;
}

/** Asks the page to send the person to the authorization URL; resolves with the callback URL. */
export type AuthorizeHandler = (authorizationUrl: string) => Promise<string>;
