/**
 * The page's half of the OAuth popup flow: open the authorization URL the worker built, wait for the
 * callback page (public/oauth-callback.html) to report the URL it landed on, and hand that URL back to
 * the worker, which validates it. The result comes by `postMessage` from the popup (origin and source
 * checked) or, when COOP severed the opener, over a same-origin `BroadcastChannel`; messages are
 * matched by `state`, so two flows in flight never swap callbacks. Tokens never pass through here.
 */
import { ErrorCode, TgError } from '../../workers/shared/errors.js';

export const OAUTH_CHANNEL = 'mcp-oauth';
export const OAUTH_MESSAGE_TYPE = 'mcp-oauth-callback';

export interface PopupOptions {
  /** Give up after this long. Default 5 minutes. */
  timeoutMs?: number;
  /** `window.open` features. Default a 500×700 popup. */
  features?: string;
  /** The BroadcastChannel name the callback page uses. Default `mcp-oauth`. */
  channel?: string;
  /** A window already opened in the click handler (blockers allow only that); it is navigated. */
  popup?: Window | null;
}

interface CallbackMessage {
  type: string;
  url: string;
  state?: string | null;
}

function isCallback(data: unknown): data is CallbackMessage {
  return typeof data === 'object' && data !== null && (data as CallbackMessage).type === OAUTH_MESSAGE_TYPE && typeof (data as CallbackMessage).url === 'string';
}

/**
 * Opens the popup and resolves with the callback URL. Rejects with `TG_AUTH_UNSAFE_URL` for a non-https
 * (non-loopback-http) URL, `TG_AUTH_CANCELLED` when the popup is blocked or no callback arrives in time.
 */
export function authorizeInPopup(authorizationUrl: string, options: PopupOptions = {}): Promise<string> {
  const url = new URL(authorizationUrl);
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    return Promise.reject(new TgError(ErrorCode.AUTH_UNSAFE_URL, `Refused to open the authorization URL with scheme ${url.protocol}`));
  }
  const state = url.searchParams.get('state');
  return new Promise<string>((resolve, reject) => {
    const popup = options.popup ?? window.open('about:blank', 'tg-oauth', options.features ?? 'popup,width=500,height=700');
    if (!popup) {
      reject(new TgError(ErrorCode.AUTH_CANCELLED, 'The authorization popup was blocked: open it from a click'));
      return;
    }
    popup.location.href = url.href;
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(options.channel ?? OAUTH_CHANNEL) : undefined;
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      channel?.close();
    };
    const accept = (data: unknown) => {
      if (!isCallback(data)) return;
      let landed: URL;
      try {
        landed = new URL(data.url);
      } catch {
        return;
      }
      // The callback page is ours: same origin. And it must answer this flow, not another one.
      if (landed.origin !== location.origin || landed.searchParams.get('state') !== state) return;
      done();
      resolve(landed.href);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== location.origin || event.source !== popup) return;
      accept(event.data);
    };
    window.addEventListener('message', onMessage);
    if (channel) channel.onmessage = (event: MessageEvent) => accept(event.data);
    const timer = setTimeout(() => {
      done();
      try {
        popup.close(); // no blank or stale sign-in window left behind
      } catch {
        // a COOP-severed handle may refuse
      }
      reject(new TgError(ErrorCode.AUTH_CANCELLED, 'No authorization callback arrived in time'));
    }, options.timeoutMs ?? 5 * 60_000);
  });
}
