// @ts-check
/**
 * Toolgate's MCP Apps sandbox proxy: the outer of the spec's two iframes (SEP-1865, "Sandbox proxy").
 *
 * The host page embeds this page from a separate origin (`#host=<host origin>` in the URL) with
 * `sandbox="allow-scripts allow-same-origin allow-forms"`. It:
 * 1. refuses to run unless framed by exactly that host origin (fragment, referrer, ancestorOrigins);
 * 2. tells the host `ui/notifications/sandbox-proxy-ready`;
 * 3. on the host's one `ui/notifications/sandbox-resource-ready`, first puts the view's CSP on ITSELF
 *    (a `<meta http-equiv>` added to this document), then creates the inner iframe with the view's
 *    HTML as `srcdoc` (which inherits this document's policies, and carries the same CSP as its first
 *    `<head>` element). Applying the policy here too matters: the inner frame's own navigations are
 *    checked against this document's `frame-src`, and a view given `allow-same-origin` could
 *    otherwise use this page as a way around its CSP;
 * 4. relays every other JSON-RPC message between host and view, in both directions, checking the
 *    sender of each (`event.source` and, for the host, `event.origin`). `ui/notifications/sandbox-*`
 *    messages are never relayed.
 *
 * The CSP is built from the declared domains (`csp.connectDomains`, `resourceDomains`,
 * `frameDomains`, `baseUriDomains`), restrictive by default, with every domain token re-checked so
 * nothing but a source expression reaches the policy. Exported for tests; runs only when framed.
 */

export const PROXY_READY = 'ui/notifications/sandbox-proxy-ready';
export const RESOURCE_READY = 'ui/notifications/sandbox-resource-ready';
const SANDBOX_PREFIX = 'ui/notifications/sandbox-';

/** Inner-frame sandbox tokens a host may ask for; anything else is dropped. */
const ALLOWED_SANDBOX_TOKENS = new Set(['allow-scripts', 'allow-forms', 'allow-same-origin', 'allow-pointer-lock']);
const DEFAULT_INNER_SANDBOX = 'allow-scripts allow-forms';
/** Permission-policy features a host may grant (spec names → policy names). */
const PERMISSION_FEATURES = /** @type {const} */ ({ camera: 'camera', microphone: 'microphone', geolocation: 'geolocation', clipboardWrite: 'clipboard-write' });
/** A CSP host-source: scheme, host (optionally `*.`-prefixed), optional port and path. */
const SOURCE = /^(?:https|wss|http|ws):\/\/(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?(?:\/[\w\-./~%]*)?$/i;

/**
 * @param {unknown} list
 * @returns {string[]}
 */
function sources(list) {
  return Array.isArray(list) ? list.filter((s) => typeof s === 'string' && SOURCE.test(s)).slice(0, 32) : [];
}

/**
 * The view's Content-Security-Policy (spec "Restrictive Default" plus the declared domains).
 * @param {{ connectDomains?: unknown, resourceDomains?: unknown, frameDomains?: unknown, baseUriDomains?: unknown } | undefined} csp
 */
export function buildCsp(csp) {
  const resource = sources(csp?.resourceDomains);
  const connect = sources(csp?.connectDomains);
  const frame = sources(csp?.frameDomains);
  const base = sources(csp?.baseUriDomains);
  const list = (/** @type {string[]} */ fixed, /** @type {string[]} */ extra) => [...fixed, ...extra].join(' ');
  return [
    "default-src 'none'",
    `script-src ${list(["'self'", "'unsafe-inline'"], resource)}`,
    `style-src ${list(["'self'", "'unsafe-inline'"], resource)}`,
    `img-src ${list(["'self'", 'data:', 'blob:'], resource)}`,
    `font-src ${list(["'self'", 'data:'], resource)}`,
    `media-src ${list(["'self'", 'data:', 'blob:'], resource)}`,
    `connect-src ${connect.length ? connect.join(' ') : "'none'"}`,
    `frame-src ${frame.length ? frame.join(' ') : "'none'"}`,
    `worker-src 'self' blob:`,
    "object-src 'none'",
    `base-uri ${base.length ? base.join(' ') : "'self'"}`,
    "form-action 'none'",
  ].join('; ');
}

/**
 * The inner frame's `sandbox`, clamped to a safe set (never popups or top navigation).
 * @param {unknown} requested
 */
export function innerSandbox(requested) {
  if (typeof requested !== 'string') return DEFAULT_INNER_SANDBOX;
  const tokens = requested.split(/\s+/).filter((t) => ALLOWED_SANDBOX_TOKENS.has(t));
  if (!tokens.includes('allow-scripts')) tokens.unshift('allow-scripts');
  return [...new Set(tokens)].join(' ');
}

/**
 * The inner frame's `allow` list from the granted permissions.
 * @param {unknown} permissions
 */
export function allowList(permissions) {
  if (typeof permissions !== 'object' || permissions === null) return '';
  return Object.entries(PERMISSION_FEATURES)
    .filter(([name]) => typeof (/** @type {Record<string, unknown>} */ (permissions))[name] === 'object')
    .map(([, feature]) => feature)
    .join('; ');
}

/**
 * The view's HTML with the CSP as the first element of its `<head>` (or of the document).
 * @param {string} html
 * @param {string} csp
 */
export function withCsp(html, csp) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${csp.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`;
  const head = /<head(?:\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
  const root = /<html(?:\s[^>]*)?>/i.exec(html);
  if (root) return html.slice(0, root.index + root[0].length) + `<head>${meta}</head>` + html.slice(root.index + root[0].length);
  return meta + html;
}

/** @param {unknown} data */
const methodOf = (data) => (typeof data === 'object' && data !== null && typeof (/** @type {{ method?: unknown }} */ (data)).method === 'string' ? /** @type {{ method: string }} */ (data).method : undefined);

/** The host origin this page may serve, or undefined (then nothing runs). */
function expectedHost() {
  if (window.parent === window) return undefined;
  const declared = new URLSearchParams(location.hash.slice(1)).get('host');
  if (!declared) return undefined;
  let host;
  try {
    host = new URL(declared).origin;
  } catch {
    return undefined;
  }
  if (host === 'null' || host !== declared || host === location.origin) return undefined;
  if (document.referrer) {
    try {
      if (new URL(document.referrer).origin !== host) return undefined;
    } catch {
      return undefined;
    }
  }
  const ancestors = /** @type {{ ancestorOrigins?: DOMStringList }} */ (location).ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== host) return undefined;
  return host;
}

function start() {
  const host = expectedHost();
  if (!host) {
    document.body.textContent = 'This page only runs inside a Toolgate MCP App frame.';
    return;
  }
  document.documentElement.style.cssText = 'margin:0;height:100%;overflow:hidden;background:transparent';
  document.body.style.cssText = 'margin:0;height:100%;overflow:hidden';
  /** @type {HTMLIFrameElement | undefined} */
  let inner;
  /** Where messages to the view go: its own origin when it shares ours, else any (opaque). */
  let innerTarget = '*';

  /** @param {Record<string, unknown>} params */
  function load(params) {
    if (typeof params.html !== 'string') return;
    const csp = buildCsp(/** @type {never} */ (params.csp));
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = csp;
    document.head.prepend(meta);
    const frame = document.createElement('iframe');
    const sandbox = innerSandbox(params.sandbox);
    frame.setAttribute('sandbox', sandbox);
    const allow = allowList(params.permissions);
    if (allow) frame.setAttribute('allow', allow);
    frame.title = typeof params.title === 'string' ? params.title.slice(0, 200) : 'MCP App view';
    frame.style.cssText = 'border:0;width:100%;height:100%;display:block';
    frame.srcdoc = withCsp(params.html, csp);
    innerTarget = sandbox.split(' ').includes('allow-same-origin') ? location.origin : '*';
    inner = frame;
    document.body.append(frame);
  }

  window.addEventListener('message', (event) => {
    const method = methodOf(event.data);
    if (event.source === window.parent && event.origin === host) {
      if (method === RESOURCE_READY) {
        if (!inner && typeof event.data.params === 'object' && event.data.params !== null) load(event.data.params);
        return;
      }
      if (method?.startsWith(SANDBOX_PREFIX)) return;
      inner?.contentWindow?.postMessage(event.data, innerTarget);
      return;
    }
    if (inner && event.source === inner.contentWindow) {
      if (method?.startsWith(SANDBOX_PREFIX)) return;
      window.parent.postMessage(event.data, host);
    }
  });

  window.parent.postMessage({ jsonrpc: '2.0', method: PROXY_READY, params: {} }, host);
}

if (typeof window !== 'undefined' && window.parent !== window && new URLSearchParams(location.hash.slice(1)).has('host')) start();
