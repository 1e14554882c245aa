/**
 * The full-page redirect fallback for when popups are blocked (`window.open` returns null). The worker
 * has already kept the code verifier, state and issuer in IndexedDB, encrypted under its own key (the
 * page never holds them). This side only:
 * 1. marks the tab (sessionStorage: state, server, where to come back) and navigates to the
 *    authorization URL (`authorizeByRedirect`);
 * 2. the callback page (public/oauth-callback.js) sees the mark, stores the callback URL in
 *    sessionStorage and returns to the app URL;
 * 3. on load, `McpConnection.open` takes that callback for its server (`takeRedirectCallback`) and hands
 *    it to the new worker (`oauth.callbackUrl`), which checks state and iss and exchanges the code.
 * The callback URL carries a one-time code that is useless without the worker's verifier.
 */
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import { authorizeInPopup, type PopupOptions } from './oauth-popup.js';

/** sessionStorage key of the in-flight redirect: `{ state, server, returnTo }`. */
export const REDIRECT_MARK_KEY = 'tg-oauth-redirect';
/** sessionStorage key where the callback page leaves `{ url, server }`. */
export const REDIRECT_CALLBACK_KEY = 'tg-oauth-callback';

export interface RedirectOptions {
  /** The MCP server URL this authorization is for (so the callback goes to the right connection). */
  server: string;
  /** Where the callback page sends the person back. Default the current URL. */
  returnTo?: string;
  /** How to leave the page. Default `location.assign` (a host with a router may do more first). */
  navigate?: (url: string) => void;
}

function checkedUrl(authorizationUrl: string): URL {
  const url = new URL(authorizationUrl);
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new TgError(ErrorCode.AUTH_UNSAFE_URL, `Refused to open the authorization URL with scheme ${url.protocol}`);
  }
  return url;
}

/**
 * Leaves the page for the authorization URL. The returned promise never settles: the page unloads,
 * and the flow resumes in a new worker after the callback (see the module comment).
 */
export function authorizeByRedirect(authorizationUrl: string, options: RedirectOptions): Promise<never> {
  let url: URL;
  try {
    url = checkedUrl(authorizationUrl);
  } catch (err) {
    return Promise.reject(err);
  }
  const mark = { state: url.searchParams.get('state'), server: options.server, returnTo: new URL(options.returnTo ?? location.href, location.href).href };
  sessionStorage.setItem(REDIRECT_MARK_KEY, JSON.stringify(mark));
  (options.navigate ?? ((target: string) => location.assign(target)))(url.href);
  return new Promise<never>(() => {});
}

/**
 * The popup when the browser allows one, else the redirect. Call it from the click handler, or pass a
 * window opened there as `popup`, so blockers let it through.
 */
export function authorizeWithFallback(authorizationUrl: string, options: PopupOptions & RedirectOptions): Promise<string> {
  const popup = options.popup ?? window.open('about:blank', 'tg-oauth', options.features ?? 'popup,width=500,height=700');
  if (!popup) return authorizeByRedirect(authorizationUrl, options);
  return authorizeInPopup(authorizationUrl, { ...options, popup });
}

/**
 * The callback URL the redirect brought back for `server`, once (it is removed as it is read), or
 * undefined. Any other server's callback stays for its own connection.
 */
export function takeRedirectCallback(server: string): string | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(REDIRECT_CALLBACK_KEY) ?? 'null') as { url?: unknown; server?: unknown } | null;
    if (!stored || stored.server !== server || typeof stored.url !== 'string') return undefined;
    sessionStorage.removeItem(REDIRECT_CALLBACK_KEY);
    return stored.url;
  } catch {
    return undefined; // no sessionStorage (an opaque-origin frame), or garbage in it
  }
}
