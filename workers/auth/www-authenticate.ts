/**
 * `WWW-Authenticate` (RFC 9110 §11.6.1, RFC 6750 §3): the Bearer challenge's parameters. oauth4webapi
 * has a parser but does not export it, and a 401 before any token is ours to read.
 */

export interface BearerChallenge {
  /** RFC 9728 §5.1: where the protected-resource metadata is. */
  resource_metadata?: string;
  scope?: string;
  error?: string;
  error_description?: string;
  [param: string]: string | undefined;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

/**
 * The parameters of the first Bearer challenge in the header, else of the first DPoP challenge (RFC 9449
 * §7.1: a server that takes DPoP tokens may challenge with that scheme only), or undefined.
 */
export function parseWwwAuthenticate(header: string | null | undefined): BearerChallenge | undefined {
  if (!header) return undefined;
  let pos = 0;
  let current: BearerChallenge | undefined;
  let bearer: BearerChallenge | undefined;
  let dpop: BearerChallenge | undefined;
  const skip = (chars: RegExp) => {
    while (pos < header.length && chars.test(header[pos]!)) pos++;
  };
  while (pos < header.length) {
    skip(/[\s,]/);
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(header);
    if (!m) {
      pos++; // garbage: skip a character
      continue;
    }
    pos = TOKEN.lastIndex;
    const afterToken = pos;
    skip(/\s/);
    if (header[pos] === '=' && header[pos + 1] !== '=' ) {
      // auth-param
      pos++;
      skip(/\s/);
      let value = '';
      if (header[pos] === '"') {
        pos++;
        while (pos < header.length && header[pos] !== '"') {
          if (header[pos] === '\\' && pos + 1 < header.length) pos++;
          value += header[pos++];
        }
        pos++;
      } else {
        const start = pos;
        while (pos < header.length && header[pos] !== ',' && !/\s/.test(header[pos]!)) pos++;
        value = header.slice(start, pos);
      }
      if (current) current[m[0].toLowerCase()] ??= value;
    } else if (current && /^[A-Za-z0-9\-._~+/]+=*$/.test(m[0]) && header[afterToken] === '=') {
      // token68 of the current scheme: ignored
    } else {
      // a new scheme
      if (bearer && current === bearer) break; // the Bearer challenge is complete
      current = {};
      const scheme = m[0].toLowerCase();
      if (scheme === 'bearer' && !bearer) bearer = current;
      else if (scheme === 'dpop' && !dpop) dpop = current;
      pos = afterToken;
    }
  }
  return bearer ?? dpop;
}

/** Space-separated scopes as a list (empty for undefined). */
export function scopeList(scope: string | undefined): string[] {
  return scope ? scope.split(/\s+/).filter(Boolean) : [];
}
