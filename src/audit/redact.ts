/**
 * Redaction of secrets and personal data in JSON values, for what is stored (audit records) and
 * what a model may see. Every finding of the secret detector (secrets.ts) becomes
 * `[REDACTED:<kind>]`; the value of a property named like a credential (`password`, `api_key`,
 * `Authorization`, …) is replaced whole; a host's own patterns (policy `redaction.patterns`) run
 * after that.
 *
 * Pure: returns a new value and never mutates its input. Only strings change (and values under
 * sensitive keys); numbers are left alone because a bare number has no context to judge by.
 */
import { findSecrets } from './secrets.js';

export { luhn } from './secrets.js';

/** A host's own pattern: every match in a string is replaced by `replacement` (a `String.replace` template). */
export interface RedactionPattern {
  /** Short name: the kind counted in a record's `redactions` (`'employee-id'`, …). */
  name: string;
  /** Must be global (`g`); it is cloned per use, so `lastIndex` state never leaks between calls. */
  pattern: RegExp;
  replacement: string;
  /** Extra check on a match; the match is kept when it returns false. */
  check?: (match: string) => boolean;
}

export interface RedactOptions {
  /** Run the secret detector (vendor rules, formats, entropy). Default true. */
  detector?: boolean;
  /** The host's own patterns, applied after the detector. Default none. */
  patterns?: readonly RedactionPattern[];
  /**
   * Object keys whose value is replaced whole, whatever it is (case-insensitive, `-`/`_`
   * ignored). Default: `DEFAULT_SENSITIVE_KEYS`.
   */
  sensitiveKeys?: readonly string[];
}

/** What was replaced: how many values, and of which kinds (sorted, each once). */
export interface RedactionSummary {
  count: number;
  kinds: string[];
}

export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'apikey',
  'xapikey',
  'privatekey',
  'otp',
  'pin',
  'cvv',
  'cvc',
];

const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** Counts kinds while a value is redacted. */
class Tally {
  count = 0;
  readonly #kinds = new Set<string>();
  add(kind: string, n = 1): void {
    this.count += n;
    this.#kinds.add(kind);
  }
  summary(): RedactionSummary {
    return { count: this.count, kinds: [...this.#kinds].sort() };
  }
}

function redactStringInto(text: string, options: RedactOptions, tally: Tally): string {
  let out = text;
  if (options.detector !== false) {
    const findings = findSecrets(text);
    if (findings.length > 0) {
      let built = '';
      let at = 0;
      for (const f of findings) {
        built += `${text.slice(at, f.start)}[REDACTED:${f.kind}]`;
        at = f.end;
        tally.add(f.kind);
      }
      out = built + text.slice(at);
    }
  }
  for (const { name, pattern, replacement, check } of options.patterns ?? []) {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    out = out.replace(re, (match: string, ...rest: unknown[]) => {
      if (check && !check(match)) return match;
      tally.add(name);
      const groups = rest.slice(0, rest.findIndex((r) => typeof r === 'number'));
      // `$&` and `$1`…`$99` as String.replace would expand them.
      return replacement.replace(/\$(\$|&|\d{1,2})/g, (_, ref: string) =>
        ref === '$' ? '$' : ref === '&' ? match : String(groups[Number(ref) - 1] ?? ''),
      );
    });
  }
  return out;
}

/** Redacts one string (the detector, then `patterns`). */
export function redactString(text: string, options: RedactOptions = {}): string {
  return redactStringInto(text, options, new Tally());
}

/**
 * A copy of `value` with secrets and personal data replaced, and what was replaced. Strings are
 * scanned; the value of any property named like a credential is replaced whole
 * (`[REDACTED:<key>]`). Arrays and plain objects are walked; other values are kept as they are.
 */
export function redactValue<T>(value: T, options: RedactOptions = {}): { value: T } & RedactionSummary {
  const keys = new Set((options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEYS).map(normalizeKey));
  const tally = new Tally();
  const seen = new WeakSet<object>();
  const walk = (input: unknown): unknown => {
    // Dates and other `toJSON` values are recorded as their JSON form, like JSON.stringify would.
    const v = typeof input === 'object' && input !== null && typeof (input as { toJSON?: unknown }).toJSON === 'function'
      ? (input as { toJSON: () => unknown }).toJSON()
      : input;
    if (typeof v === 'string') return redactStringInto(v, options, tally);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map(walk);
    else {
      const obj: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) {
        const key = normalizeKey(k);
        // An empty or absent value hides nothing; anything else under a credential's name goes.
        if (keys.has(key) && inner !== '' && inner !== null && inner !== undefined) {
          tally.add(key);
          obj[k] = `[REDACTED:${key}]`;
        } else obj[k] = walk(inner);
      }
      out = obj;
    }
    seen.delete(v);
    return out;
  };
  return { value: walk(value) as T, ...tally.summary() };
}

/** `redactValue(value, options).value`. */
export function redact<T>(value: T, options: RedactOptions = {}): T {
  return redactValue(value, options).value;
}
