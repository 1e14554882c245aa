/**
 * Redaction of secrets and personal data in JSON values: applied to tool arguments before they
 * are recorded, and reusable for anything else (e.g. content bound for an LLM provider).
 *
 * Pure: returns a new value and never mutates its input. Only strings change (and values under
 * sensitive keys); numbers are left alone because a bare number has no context to judge by.
 */

/** One pattern: every match in a string is replaced by `replacement` (a `String.replace` template). */
export interface RedactionPattern {
  /** Short name, for documentation and configuration (`'email'`, `'bearer'`, …). */
  name: string;
  /** Must be global (`g`); it is cloned per use, so `lastIndex` state never leaks between calls. */
  pattern: RegExp;
  replacement: string;
  /** Extra check on a match (e.g. Luhn for card numbers); the match is kept when it returns false. */
  check?: (match: string) => boolean;
}

export interface RedactOptions {
  /** Patterns applied to every string, in order. Default: `DEFAULT_REDACTIONS`. */
  patterns?: readonly RedactionPattern[];
  /**
   * Object keys whose value is replaced whole, whatever it is (case-insensitive, `-`/`_`
   * ignored). Default: `DEFAULT_SENSITIVE_KEYS`.
   */
  sensitiveKeys?: readonly string[];
  /** What replaces a sensitive key's value. Default `'[REDACTED]'`. */
  placeholder?: string;
}

/** True when the digits pass the Luhn check (card numbers do; most random digit runs do not). */
export function luhn(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export const DEFAULT_REDACTIONS: readonly RedactionPattern[] = [
  // HTTP credentials in a header-like string: `Authorization: Bearer …`, `Basic …`.
  { name: 'bearer', pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, replacement: '$1 [REDACTED]' },
  // JSON Web Tokens (three base64url parts, the first two JSON objects).
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replacement: '[REDACTED:jwt]' },
  // Provider API keys: OpenAI/Anthropic/Stripe style `sk-…`, GitHub, Slack, AWS, Google.
  {
    name: 'api-key',
    pattern:
      /\b(?:(?:sk|pk|rk)[-_][A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35})\b/g,
    replacement: '[REDACTED:key]',
  },
  { name: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, replacement: '[REDACTED:email]' },
  // Card-like: 13–19 digits, optionally grouped by spaces or dashes, passing Luhn.
  { name: 'card', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, replacement: '[REDACTED:card]', check: luhn },
  // National-id-like: US SSN `123-45-6789`, and IBANs.
  { name: 'national-id', pattern: /\b\d{3}-\d{2}-\d{4}\b/g, replacement: '[REDACTED:id]' },
  { name: 'iban', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, replacement: '[REDACTED:iban]' },
];

export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'apikey',
  'xapikey',
  'privatekey',
];

const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** Redacts one string with the given patterns. */
export function redactString(text: string, patterns: readonly RedactionPattern[] = DEFAULT_REDACTIONS): string {
  let out = text;
  for (const { pattern, replacement, check } of patterns) {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    out = check
      ? out.replace(re, (match) => (check(match) ? replacement : match))
      : out.replace(re, replacement);
  }
  return out;
}

/**
 * Returns a copy of `value` with secrets and personal data replaced. Strings are matched against
 * `patterns`; the value of any property named like a credential (`Authorization`, `api_key`, …)
 * is replaced whole. Arrays and plain objects are walked; other values are returned as they are.
 */
export function redact<T>(value: T, options: RedactOptions = {}): T {
  const patterns = options.patterns ?? DEFAULT_REDACTIONS;
  const keys = new Set((options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEYS).map(normalizeKey));
  const placeholder = options.placeholder ?? '[REDACTED]';
  const seen = new WeakSet<object>();
  const walk = (input: unknown): unknown => {
    // Dates and other `toJSON` values are recorded as their JSON form, like JSON.stringify would.
    const v = typeof input === 'object' && input !== null && typeof (input as { toJSON?: unknown }).toJSON === 'function'
      ? (input as { toJSON: () => unknown }).toJSON()
      : input;
    if (typeof v === 'string') return redactString(v, patterns);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map(walk);
    else {
      const obj: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) obj[k] = keys.has(normalizeKey(k)) ? placeholder : walk(inner);
      out = obj;
    }
    seen.delete(v);
    return out;
  };
  return walk(value) as T;
}
