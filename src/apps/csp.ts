/**
 * The host's check of a view's declared CSP domains, before they reach the sandbox proxy (which
 * builds the policy from them, see public/mcp-app-sandbox.js). A domain is kept only when it is a
 * plain source expression the spec means — `https:`/`wss:` origins (a `*.` wildcard label allowed,
 * not on its own or on a bare top-level domain), or `http:`/`ws:` to a loopback host for local
 * development — and the host's own list (when it has one) allows it. Everything else is refused and
 * reported: never `*`, a bare scheme, `data:`/`blob:`, a keyword, or anything that could smuggle
 * another directive into the policy.
 */
import type { ViewCsp } from './ui-meta.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const SHAPE = /^(https|wss|http|ws):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[::1\])(:\d{1,5})?(\/[\w\-./~%]*)?$/i;
const CSP_KEYS = ['connectDomains', 'resourceDomains', 'frameDomains', 'baseUriDomains'] as const;

/** Why a declared domain was refused, for the audit log and the person. */
export interface RefusedDomain {
  directive: (typeof CSP_KEYS)[number];
  domain: string;
  reason: string;
}

/** A host's own limit on what views may reach: glob-free origins or `*.` patterns, as in `ViewCsp`. */
export interface DomainPolicy {
  /** When set, only these sources are accepted (exact match after lower-casing). */
  allow?: readonly string[];
  /** Never accepted. */
  deny?: readonly string[];
}

/** `undefined` when `domain` is an acceptable source, else the reason it is not. */
export function domainProblem(domain: string, policy: DomainPolicy = {}): string | undefined {
  const m = SHAPE.exec(domain);
  if (!m) return 'not an origin (scheme://host[:port])';
  const scheme = m[1]!.toLowerCase();
  const wildcard = m[2] !== undefined;
  const host = m[3]!.toLowerCase();
  const plain = scheme === 'http' || scheme === 'ws';
  if (plain && (wildcard || !LOOPBACK.has(host))) return 'plain http:/ws: only to a loopback host';
  if (wildcard && !host.includes('.')) return 'a wildcard needs a registrable domain under it';
  const normal = domain.toLowerCase();
  if (policy.deny?.includes(normal)) return 'denied by the host';
  if (policy.allow && !policy.allow.includes(normal)) return 'not on the host’s list of allowed domains';
  return undefined;
}

/** Keeps the acceptable domains of each directive and reports the rest. */
export function checkCsp(csp: ViewCsp, policy: DomainPolicy = {}): { csp: ViewCsp; refused: RefusedDomain[] } {
  const refused: RefusedDomain[] = [];
  const out = {} as ViewCsp;
  for (const directive of CSP_KEYS) {
    out[directive] = [];
    for (const domain of csp[directive]) {
      const reason = domainProblem(domain, policy);
      if (reason) refused.push({ directive, domain, reason });
      else if (!out[directive].includes(domain)) out[directive].push(domain);
    }
  }
  return { csp: out, refused };
}
