/**
 * The secret detector: finds secrets and personal data in a string. Used by the audit log (what
 * is stored is redacted), the gate's taint tracking (which secret came from which server) and the
 * data-flow filter (what a model may see).
 *
 * Two parts:
 * - **Vendor secrets**: secretlint's recommended rule preset (see secretlint-rules.ts), a rule set
 *   maintained upstream: private-key blocks, cloud provider keys and secrets, and the tokens of
 *   about thirty services. Loaded lazily with `loadSecretRules()`; until it is loaded only the
 *   formats below are found (`Gate.open` and `AuditLog.open` wait for it).
 * - **Formats** the preset leaves out by design, each with a check that keeps ordinary text out:
 *   any PEM private-key block, Google API keys, JSON Web Tokens (the header must decode to JSON with `alg`), `Authorization`-style credentials
 *   (`Bearer …`, `Basic …`), `key = value` pairs whose key names a secret (the value must look like
 *   one, not like a word), payment cards (issuer prefix, length and Luhn), US social security
 *   numbers (valid areas), UK national insurance numbers, IBANs (mod-97 check), e-mail addresses,
 *   and an entropy check for long random strings (≥ 32 characters of mixed case and digits, ≥ 4.2
 *   bits per character; hex alone is left out, so hashes and UUIDs are not flagged).
 *
 * Pure and synchronous once loaded; offsets are UTF-16 indices into the string.
 */

/** `secret`: a credential (a leak lets someone in). `personal`: personal data (e-mail, ids). */
export type SecretCategory = 'secret' | 'personal';

export interface SecretFinding {
  /** Short kind, used in `[REDACTED:<kind>]`: `aws`, `github`, `privatekey`, `jwt`, `card`, … */
  kind: string;
  category: SecretCategory;
  start: number;
  end: number;
}

type RulesModule = typeof import('./secretlint-rules.js');
let rulesModule: RulesModule | undefined;
let loading: Promise<void> | undefined;

/** Loads the vendor rule set (once; later calls share the first load). Never rejects: on failure only the formats are found. */
export function loadSecretRules(): Promise<void> {
  loading ??= import('./secretlint-rules.js').then(
    (mod) => {
      rulesModule = mod;
    },
    () => {
      loading = undefined; // try again next time
    },
  );
  return loading;
}

/** True once the vendor rule set is loaded. */
export function secretRulesLoaded(): boolean {
  return rulesModule !== undefined;
}

/** Shorter kinds for a few rule names (the rest keep the rule's name: `aws`, `github`, `slack`, …). */
const RULE_KIND: Record<string, string> = { privatekey: 'private-key', 'database-connection-string': 'connection-string', '1password': 'onepassword' };

// ---------------------------------------------------------------------------------------------
// Formats

interface FormatRule {
  kind: string;
  category: SecretCategory;
  pattern: RegExp;
  /** The capture group that is the secret (default: the whole match). */
  group?: number;
  check?: (value: string, match: RegExpExecArray) => boolean;
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

/** Bits per character of the character distribution of `text`. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const n = text.length;
  for (const c of counts.values()) bits -= (c / n) * Math.log2(c / n);
  return bits;
}

function base64UrlJson(part: string): unknown {
  try {
    const text = atob(part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4));
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Card numbers: issuer prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay) and lengths, then Luhn. */
function isCardNumber(value: string): boolean {
  const digits = value.replace(/[ -]/g, '');
  if (!luhn(digits)) return false;
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (digits.startsWith('6011') || digits.startsWith('65') || (p4 >= 6440 && p4 <= 6499)) return n >= 16 && n <= 19;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;
  if (p2 === 36 || p2 === 38 || (p4 >= 3000 && p4 <= 3059)) return n >= 14 && n <= 19;
  if (p2 === 62) return n >= 16 && n <= 19;
  return false;
}

/** A US SSN with a valid area (not 000, 666 or 9xx), group and serial. */
function isSsn(value: string): boolean {
  const [area, group, serial] = value.split('-');
  return area !== '000' && area !== '666' && area![0] !== '9' && group !== '00' && serial !== '0000';
}

/** IBAN mod-97 check (ISO 13616). */
function isIban(value: string): boolean {
  const compact = value.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

/** A value after `password =` etc. that looks like a secret, not like a word, a placeholder or a type name. */
function looksLikeSecretValue(value: string): boolean {
  if (value.length < 6) return false;
  if (/^\[REDACTED/.test(value) || /^\*+$/.test(value) || /^(?:x+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\})$/i.test(value)) return false;
  if (/^(?:true|false|null|none|undefined|string|number|integer|boolean|object|required|optional|redacted|hidden|changeme)$/i.test(value)) return false;
  // A lowercase word (or words joined by - or _) is prose or a type name; a secret has a digit, a symbol or mixed case.
  if (/^[a-z]+(?:[-_][a-z]+)*$/.test(value) || /^[A-Z][a-z]+$/.test(value)) return false;
  return true;
}

const SECRET_KEY_NAME = String.raw`[A-Za-z0-9_.-]*(?:secret|passw(?:or)?d|passphrase|\bpwd|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credential|auth[_-]?key|session[_-]?key|signing[_-]?key)[A-Za-z0-9_.-]*`;

const FORMATS: readonly FormatRule[] = [
  // Any PEM private-key block, also the ones the preset's rule does not accept (encrypted, short, odd labels).
  { kind: 'private-key', category: 'secret', pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]{1,20000}?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g },
  // Google API keys (Maps, Firebase, …): the preset's GCP rule covers service-account files only.
  { kind: 'google-api-key', category: 'secret', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  {
    kind: 'jwt',
    category: 'secret',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    check: (value) => {
      const header = base64UrlJson(value.slice(0, value.indexOf('.')));
      return typeof header === 'object' && header !== null && 'alg' in header;
    },
  },
  {
    // `Authorization: Bearer …`, `Basic …`, `Token …` (the credential only).
    kind: 'bearer',
    category: 'secret',
    pattern: /\b(?:Bearer|Basic|Token|Digest|ApiKey)\s+([A-Za-z0-9\-._~+/]{16,}=*)/g,
    group: 1,
    check: (value) => /\d/.test(value) || /[A-Z]/.test(value.slice(1)),
  },
  {
    // password = "…", "api_key": "…", client-secret: … (the value only)
    kind: 'password',
    category: 'secret',
    pattern: new RegExp(String.raw`(?:^|[^A-Za-z0-9_])["']?${SECRET_KEY_NAME}["']?\s*(?::=|=>|[:=])\s*(?:"([^"\n]{6,200})"|'([^'\n]{6,200})'|([^\s"',;&)}\]]{6,200}))`, 'gi'),
    check: (value) => looksLikeSecretValue(value),
  },
  {
    kind: 'card',
    category: 'personal',
    pattern: /(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])/g,
    check: isCardNumber,
  },
  { kind: 'ssn', category: 'personal', pattern: /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g, check: isSsn },
  { kind: 'nino', category: 'personal', pattern: /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g },
  { kind: 'iban', category: 'personal', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, check: isIban },
  { kind: 'email', category: 'personal', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
];

/** Candidates for the entropy check: runs of base64/base64url characters. */
const RANDOM_RUN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
export const ENTROPY_MIN_LENGTH = 32;
export const ENTROPY_MIN_BITS = 4.2;

function isRandomLooking(run: string): boolean {
  const core = run.replace(/=+$/, '');
  if (core.length < ENTROPY_MIN_LENGTH) return false;
  // Hex (hashes, UUIDs without dashes), paths and words joined by separators are left alone.
  if (/^[0-9a-fA-F]+$/.test(core)) return false;
  if (!/[a-z]/.test(core) || !/[A-Z]/.test(core) || !/\d/.test(core)) return false;
  // Path-like or identifier-like runs (a/b/c, snake_case_words) have long letter-only segments.
  const segments = core.split(/[/_+-]/);
  if (segments.length > 2 && segments.every((s) => /^[A-Za-z]*\d{0,3}$/.test(s))) return false;
  return shannonEntropy(core) >= ENTROPY_MIN_BITS;
}

function formatFindings(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const rule of FORMATS) {
    const re = new RegExp(rule.pattern.source, rule.pattern.flags);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const groupIndex = rule.group ?? (m.length > 1 ? m.findIndex((g, i) => i > 0 && g !== undefined) : 0);
      const value = groupIndex > 0 ? m[groupIndex]! : m[0];
      const start = groupIndex > 0 ? m.index + m[0].lastIndexOf(value) : m.index;
      if (rule.check && !rule.check(value, m)) continue;
      out.push({ kind: rule.kind, category: rule.category, start, end: start + value.length });
    }
  }
  const re = new RegExp(RANDOM_RUN.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (isRandomLooking(m[0])) out.push({ kind: 'high-entropy', category: 'secret', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Quick reject: most strings are short or plain words, and no rule can match them. */
const MAYBE = /[A-Za-z0-9+/=_-]{8,}|-----BEGIN|@|\d{3}/;

const TOKEN_CHAR = /[A-Za-z0-9+/=_.~-]/;

/** A finding that ends (or starts) inside a run of token characters is widened to the whole run. */
function widen(text: string, f: SecretFinding): SecretFinding {
  let { start, end } = f;
  while (end < text.length && end > start && TOKEN_CHAR.test(text[end - 1]!) && TOKEN_CHAR.test(text[end]!)) end++;
  while (start > 0 && start < end && TOKEN_CHAR.test(text[start]!) && TOKEN_CHAR.test(text[start - 1]!) && text[start - 1] !== '=') start--;
  return { ...f, start, end };
}

/**
 * Every secret and personal datum found in `text`, sorted by position, overlaps merged. Where
 * findings overlap, a vendor rule wins over a format, a format over the entropy check, and then
 * the longer one. Findings are widened to whole tokens, so no tail of a secret is left behind.
 */
export function findSecrets(text: string): SecretFinding[] {
  if (typeof text !== 'string' || text.length < 6 || !MAYBE.test(text)) return [];
  const ranked: { f: SecretFinding; tier: number }[] = [];
  for (const f of rulesModule?.scanWithRules(text) ?? []) {
    if (f.end > f.start) ranked.push({ f: widen(text, { kind: RULE_KIND[f.rule] ?? f.rule, category: 'secret', start: f.start, end: f.end }), tier: 2 });
  }
  for (const f of formatFindings(text)) ranked.push({ f, tier: f.kind === 'high-entropy' ? 0 : 1 });
  ranked.sort((a, b) => b.tier - a.tier || b.f.end - b.f.start - (a.f.end - a.f.start));
  const kept: SecretFinding[] = [];
  for (const { f } of ranked) {
    if (kept.some((k) => f.start < k.end && k.start < f.end)) continue;
    kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
}
