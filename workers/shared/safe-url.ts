/**
 * The one check for a URL an untrusted party asks the person to open (an elicitation's URL, an MCP
 * App view's `ui/open-link`): `https:` only, or `http:` to a loopback host (development) — never
 * `javascript:`, `data:`, `file:`, `blob:` — no credentials, bounded length. The result describes the
 * host for a consent card: an approximate registrable domain to highlight, and a `punycode` flag
 * (the URL parser turns every non-ASCII label, so every mixed-script host, into an `xn--` label).
 * Shared by the worker and the page.
 */

/** Common second-level labels under which registrations happen one level deeper (a tiny stand-in for the Public Suffix List). */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'ne', 'or', 'go', 'gob', 'nic', 'mil']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An approximate registrable domain: the last two labels, or three under `co.uk`-style suffixes. */
export function registrableDomain(host: string): string {
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return host;
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const secondLast = labels[labels.length - 2]!;
  const take = SECOND_LEVEL.has(secondLast) && labels[labels.length - 1]!.length === 2 ? 3 : 2;
  return labels.slice(-take).join('.');
}

export interface SafeUrl {
  /** The parsed URL (IDNs in their `xn--` form). */
  url: string;
  host: string;
  domain: string;
  punycode: boolean;
}

/** `SafeUrl` for an acceptable URL; otherwise the reason it is not, as a sentence fragment. */
export function checkSafeUrl(raw: unknown, maxChars: number): SafeUrl | { problem: string } {
  if (typeof raw !== 'string' || raw.length === 0) return { problem: 'it is not a string' };
  if (raw.length > maxChars) return { problem: `it is longer than ${maxChars} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'it is not a valid absolute URL' };
  }
  const loopback = LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.');
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) return { problem: `scheme ${url.protocol} is not allowed (https only)` };
  if (url.username !== '' || url.password !== '') return { problem: 'it carries credentials' };
  const host = url.hostname;
  return { url: url.href, host, domain: registrableDomain(host), punycode: host.split('.').some((label: string) => label.startsWith('xn--')) };
}
