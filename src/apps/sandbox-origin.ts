/**
 * Where views run: the sandbox proxy page on a separate origin that the host serves (the
 * `apps-sandbox-origin` attribute / `appsSandbox` option). "Separate" means another HOST, not just
 * another port: cookies ignore ports, so a sandbox on the page's host could read the page's cookies.
 * Without such an origin views are not rendered at all — there is no same-origin fallback.
 */
import { ErrorCode } from '../../workers/shared/errors.js';

/** The proxy page's file name in `public/`, used when only an origin is configured. */
export const SANDBOX_PAGE = 'mcp-app-sandbox.html';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export type SandboxTarget =
  | { ok: true; origin: string; url: string }
  | { ok: false; code: typeof ErrorCode.APP_SANDBOX_UNAVAILABLE; reason: string };

/**
 * Checks the configured sandbox (an origin, or the full URL of the proxy page) against the page's
 * own URL. `https:` only, or `http:` when both are on loopback (local development).
 */
export function sandboxTarget(configured: string | undefined | null, pageUrl: string): SandboxTarget {
  const no = (reason: string): SandboxTarget => ({ ok: false, code: ErrorCode.APP_SANDBOX_UNAVAILABLE, reason });
  if (!configured) return no('No apps sandbox origin is configured (apps-sandbox-origin), so app views are not shown.');
  let url: URL;
  let page: URL;
  try {
    url = new URL(configured);
    page = new URL(pageUrl);
  } catch {
    return no(`The apps sandbox origin "${configured}" is not a URL.`);
  }
  if (url.username || url.password) return no('The apps sandbox URL must not carry credentials.');
  const loopback = LOOPBACK.has(url.hostname) && LOOPBACK.has(page.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return no('The apps sandbox must be served over https (http only on loopback, for development).');
  }
  if (url.hostname === page.hostname) {
    return no(`The apps sandbox (${url.origin}) is on the page's own host; it must be on another host (cookies ignore ports).`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = `/${SANDBOX_PAGE}`;
  url.hash = '';
  return { ok: true, origin: url.origin, url: url.href };
}

/** The URL the outer frame loads: the proxy page, told which host origin may drive it. */
export function proxyFrameUrl(target: { url: string }, hostOrigin: string): string {
  return `${target.url}#host=${encodeURIComponent(hostOrigin)}`;
}
