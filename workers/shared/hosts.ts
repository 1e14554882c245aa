/**
 * What a URL's host is, by its literal form: a dotted IPv4 address, a loopback host. Apart from the
 * OAuth guard (auth/safe-fetch.ts), so that checking a config does not load the guard into every worker.
 */

/** The four octets of a dotted IPv4 literal, or undefined. */
export function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts : undefined;
}

export function isLoopback(hostname: string): boolean {
  const v4 = ipv4(hostname);
  return hostname === 'localhost' || hostname === '[::1]' || (v4 !== undefined && v4[0] === 127);
}
