/**
 * The gate's policy: a JSON document the host sets (and the person may edit where the host
 * allows), validated here with coded errors. Plain data and pure functions, no DOM.
 *
 * @example
 * ```json
 * {
 *   "version": 1,
 *   "servers": [
 *     { "url": "wss://notes.example/*", "trusted": true, "labels": ["local", "vendor:anthropic"] },
 *     { "url": "https://*.corp.example", "labels": ["local"], "reviewResults": "always" }
 *   ],
 *   "tools": [
 *     { "id": "no-deletes", "server": "*", "tool": "delete_*", "action": "deny" },
 *     { "id": "echo-ok", "server": "notes", "tool": "echo", "action": "allow" },
 *     { "id": "pinned-search", "server": "wss://notes.example/*", "tool": "search", "hash": "3f…", "action": "allow" }
 *   ],
 *   "roles": { "hr": ["hr/*"], "devops": ["infra/*", "*\/get_time"] },
 *   "rateLimits": [
 *     { "server": "*", "capacity": 30, "refillPerSecond": 1 },
 *     { "server": "*", "tool": "send_*", "capacity": 3, "refillPerSecond": 0.05 }
 *   ],
 *   "redaction": { "patterns": [{ "name": "employee-id", "pattern": "\\bEMP-\\d{6}\\b", "replacement": "[REDACTED:emp]" }] }
 * }
 * ```
 *
 * Patterns: `*` matches any run of characters, everything else is literal. A pattern that
 * contains `://` is a URL pattern: it is matched against the server URL (scheme, host, port and
 * path; never a URL with credentials), its `*` cannot cross the host part's end (so
 * `https://*.example.com` never matches `https://evil.test/.example.com`), and a pattern without
 * a path matches every path of its origin. Any other `server` pattern matches the connection's
 * id (its key in the element).
 */
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import type { RedactOptions } from '../audit/redact.js';


export type RuleAction = 'allow' | 'ask' | 'deny';

/** One entry of the server allow-list. */
export interface ServerPolicy {
  /** URL pattern (see the module doc), e.g. `wss://tools.example/*`. `*` alone matches every server. */
  url: string;
  /** The person/administrator vouches for it: its annotations are believed (read-only → allow). */
  trusted?: boolean;
  /**
   * Provider labels (patterns) that may receive this server's output, e.g. `["local"]` or
   * `["local", "vendor:*"]`. Default: every label. Output for any other provider is withheld.
   */
  labels?: string[];
  /**
   * Whether the person approves a result before the model sees it: `always`, `never`, or
   * `default` (the default: for tools that are open-world, by their own claim or by the spec's
   * default, on an untrusted server).
   */
  reviewResults?: 'always' | 'never' | 'default';
}

/** A tool rule. The first matching rule, in order, decides (like a firewall). */
export interface ToolRule {
  /** Named in audit records and approval cards. Default `tools[<index>]`. */
  id?: string;
  /** Server pattern: a connection id or a URL pattern. Default `*`. */
  server?: string;
  /** Tool name pattern (the server's own name, not the namespaced id). Default `*`. */
  tool?: string;
  /** When set, the rule matches only this exact definition (SHA-256 hex of the pinned fields). */
  hash?: string;
  /** When set, the rule applies only to a person holding one of these roles. */
  roles?: string[];
  /** When set, the rule applies only to these proposers (`person`, or LLM provider label patterns like `vendor:*`). */
  proposers?: string[];
  action: RuleAction;
}

/** A token bucket. Without `tool` it is one bucket per server; with `tool`, one per matching tool. */
export interface RateLimit {
  id?: string;
  server?: string;
  tool?: string;
  /** Bucket size: calls allowed in a burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface RedactionPatternSpec {
  name: string;
  /** A regular expression source (no slashes). */
  pattern: string;
  /** RegExp flags; `g` is always added. Default `g`. */
  flags?: string;
  /** Default `[REDACTED:<name>]`. */
  replacement?: string;
}

export interface RedactionPolicy {
  /**
   * Keep the built-in secret detector (secretlint's recommended rules for vendor keys and private
   * keys, plus JWTs, credentials, `password = …` pairs, cards, national ids, IBANs, e-mails and
   * long random strings). Default true.
   */
  defaults?: boolean;
  patterns?: RedactionPatternSpec[];
}

/**
 * A rule for data that flows from one server's results into a call to another (or carries a
 * detected secret). Such a call always asks; the first matching rule may deny it outright.
 */
export interface DataFlowRule {
  /** Named in audit records and approval cards. Default `dataFlow[<index>]`. */
  id?: string;
  /** Server pattern of the result the data came from (connection id or URL pattern). Default `*`. */
  from?: string;
  /** Server pattern of the call the data goes into. Default `*`. */
  to?: string;
  /**
   * `secret`: only data carrying a detected secret; `copy`: only copied spans without one;
   * `any` (default): both.
   */
  data?: 'secret' | 'copy' | 'any';
  /** `deny` refuses the call; `ask` (the default behaviour) asks the person. */
  action: 'ask' | 'deny';
}

export interface AuditPolicy {
  /**
   * Store arguments, results and error messages as they are instead of redacted. The audit log
   * then holds whatever secrets passed through the gate, readable by anyone with access to this
   * browser profile and to every export. Default false.
   */
  storeRawValues?: boolean;
}

export interface ElicitationPolicy {
  /**
   * A form field that asks for a password, secret, token, card number or one-time code (the spec
   * says servers MUST NOT ask for those in form mode): `refuse` (default) declines the request and
   * tells the person; `allow` shows it as a masked, never prefilled field with a warning.
   */
  sensitiveFields?: 'refuse' | 'allow';
}

export interface Policy {
  version: 1;
  /**
   * The server allow-list. Absent: no allow-list (every server may connect, none is trusted).
   * Present: a server on no entry needs the person's explicit consent before its first connection.
   */
  servers?: ServerPolicy[];
  tools?: ToolRule[];
  /**
   * Role → tool patterns `<server>/<tool>` it may see. A tool matched by any role's pattern is
   * visible only to people holding one of the roles that match it; a tool no role mentions is
   * visible to everyone, unless `rolesDefault` is `hidden`.
   */
  roles?: Record<string, string[]>;
  rolesDefault?: 'visible' | 'hidden';
  rateLimits?: RateLimit[];
  redaction?: RedactionPolicy;
  /**
   * Descriptions longer than this are flagged to the person, and cut to this length (with a
   * visible "[truncated]" notice) before a model sees them. Default 2000 characters.
   */
  maxDescriptionLength?: number;
  /** Rules for data crossing from one server's results into another server's calls. */
  dataFlow?: DataFlowRule[];
  audit?: AuditPolicy;
  elicitation?: ElicitationPolicy;
}

/** The default: no allow-list, no rules — so the annotation defaults decide every call. */
export const DEFAULT_POLICY: Policy = Object.freeze({ version: 1 }) as Policy;

/** Allow every tool of every server (tests and trusted development setups). */
export const ALLOW_ALL_POLICY: Policy = Object.freeze({
  version: 1,
  tools: [{ id: 'allow-all', server: '*', tool: '*', action: 'allow' }],
}) as Policy;

export interface PolicyProblem {
  path: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Patterns

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `*` → any run of characters; everything else literal; anchored. */
export function globToRegExp(pattern: string, star = '.*'): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRe).join(star)}$`, 's');
}

/** True when `value` matches the glob `pattern` (`*` = anything). */
export function matchGlob(pattern: string, value: string): boolean {
  return pattern === '*' || globToRegExp(pattern).test(value);
}

/** `scheme://host:port/path` of a URL, or undefined when unparsable or it carries credentials. */
function normalizedUrl(url: string): { origin: string; path: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username || parsed.password) return undefined;
  return { origin: `${parsed.protocol}//${parsed.host}`, path: parsed.pathname };
}

/** Matches a server URL against a URL pattern (see the module doc). */
export function matchUrlPattern(pattern: string, url: string): boolean {
  if (pattern === '*') return normalizedUrl(url) !== undefined;
  const target = normalizedUrl(url);
  if (!target) return false;
  const schemeEnd = pattern.indexOf('://');
  if (schemeEnd < 0) return false;
  const slash = pattern.indexOf('/', schemeEnd + 3);
  const originPattern = (slash < 0 ? pattern : pattern.slice(0, slash)).toLowerCase();
  const pathPattern = slash < 0 ? '/*' : pattern.slice(slash);
  // In the origin, `*` never crosses into the path, the query or credentials.
  return globToRegExp(originPattern, '[^/?#@]*').test(target.origin) && globToRegExp(pathPattern).test(target.path);
}

/** A `server` pattern of a rule: URL pattern when it has `://`, else a connection-id glob. */
export function matchServer(pattern: string | undefined, server: { id: string; url: string }): boolean {
  if (pattern === undefined || pattern === '*') return true;
  return pattern.includes('://') ? matchUrlPattern(pattern, server.url) : matchGlob(pattern, server.id);
}

/** The allow-list entry for a server URL (first match), if any. */
export function serverEntry(policy: Policy, url: string): ServerPolicy | undefined {
  return policy.servers?.find((s) => matchUrlPattern(s.url, url));
}

/**
 * Tools the host page provides itself (its `registerTool`s), not a remote server: the host is
 * trusted (DESIGN.md, threat model), so they need no allow-list entry and their annotations are
 * believed, and `labels` — set by the host — are the provider labels that may receive their
 * output (default: every label). A policy entry matching their URL still wins where it speaks.
 */
export interface HostProvided {
  readonly labels?: readonly string[] | undefined;
}

/** How the policy sees a server: listed (or no allow-list at all) and trusted. */
export function serverStanding(policy: Policy, url: string, host?: HostProvided): { listed: boolean; trusted: boolean; entry?: ServerPolicy } {
  const entry = serverEntry(policy, url);
  if (host) {
    const labels = entry?.labels ?? host.labels;
    const own: ServerPolicy = { url, trusted: entry?.trusted ?? true, reviewResults: entry?.reviewResults ?? 'never', ...(labels && { labels: [...labels] }) };
    return { listed: true, trusted: own.trusted === true, entry: own };
  }
  if (!policy.servers) return { listed: true, trusted: false };
  return entry ? { listed: true, trusted: entry.trusted === true, entry } : { listed: false, trusted: false };
}

/** The redaction the policy asks for: the built-in detector unless `defaults: false`, and its own patterns. */
export function redactionOptions(policy: Policy): RedactOptions {
  const patterns = (policy.redaction?.patterns ?? []).map((p) => ({
    name: p.name,
    pattern: new RegExp(p.pattern, (p.flags ?? '').includes('g') ? p.flags : `${p.flags ?? ''}g`),
    replacement: p.replacement ?? `[REDACTED:${p.name}]`,
  }));
  return { detector: policy.redaction?.defaults !== false, patterns };
}

// ---------------------------------------------------------------------------------------------
// Validation

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ACTIONS = ['allow', 'ask', 'deny'] as const;

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`: the values a problem message offers. */
function choices(options: readonly string[]): string {
  const quoted = options.map((o) => `"${o}"`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : (quoted[0] ?? '');
}

/** Every problem of a candidate policy (empty when valid). */
export function policyProblems(input: unknown): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ path, message });
  if (!isObject(input)) {
    bad('', 'the policy must be a JSON object');
    return problems;
  }
  const known = new Set(['version', 'servers', 'tools', 'roles', 'rolesDefault', 'rateLimits', 'redaction', 'maxDescriptionLength', 'dataFlow', 'audit', 'elicitation']);
  for (const key of Object.keys(input)) if (!known.has(key)) bad(key, 'unknown property');
  if (input['version'] !== 1) bad('version', 'must be 1');

  const str = (v: unknown, path: string, required = false) => {
    if (v === undefined) {
      if (required) bad(path, 'is required');
    } else if (typeof v !== 'string' || v.length === 0) bad(path, 'must be a non-empty string');
  };
  const strList = (v: unknown, path: string) => {
    if (v === undefined) return;
    if (!Array.isArray(v)) bad(path, 'must be an array of strings');
    else v.forEach((s, i) => str(s, `${path}[${i}]`, true));
  };
  const urlPattern = (v: unknown, path: string) => {
    str(v, path, true);
    if (typeof v === 'string' && v !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.test(v)) bad(path, 'must be "*" or a URL pattern like "wss://host.example/*"');
  };
  const bool = (v: unknown, path: string) => v !== undefined && typeof v !== 'boolean' && bad(path, 'must be a boolean');
  /** One of `options`; optional unless `required`. */
  const oneOf = (v: unknown, path: string, options: readonly string[], required = false) =>
    (required || v !== undefined) && !options.includes(v as string) && bad(path, `must be ${choices(options)}`);
  const positiveInteger = (v: unknown, path: string) => (typeof v !== 'number' || !Number.isInteger(v) || v < 1) && bad(path, 'must be a positive integer');
  /** An optional array of objects (rules), each checked at its own path. */
  const objects = (v: unknown, path: string, check: (o: Record<string, unknown>, p: string) => void) => {
    if (v === undefined) return;
    if (!Array.isArray(v)) return bad(path, 'must be an array');
    v.forEach((o, i) => (isObject(o) ? check(o, `${path}[${i}]`) : bad(`${path}[${i}]`, 'must be an object')));
  };
  /** An optional object of only the `keys` given, each checked. */
  const section = (v: unknown, path: string, checks: Record<string, (value: unknown, p: string) => unknown>) => {
    if (v === undefined) return;
    if (!isObject(v)) return bad(path, 'must be an object');
    for (const key of Object.keys(v)) {
      const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
      if (check) check(v[key], `${path}.${key}`);
      else bad(`${path}.${key}`, 'unknown property');
    }
  };

  objects(input['servers'], 'servers', (s, p) => {
    urlPattern(s['url'], `${p}.url`);
    bool(s['trusted'], `${p}.trusted`);
    strList(s['labels'], `${p}.labels`);
    oneOf(s['reviewResults'], `${p}.reviewResults`, ['always', 'never', 'default']);
  });

  objects(input['tools'], 'tools', (r, p) => {
    str(r['id'], `${p}.id`);
    str(r['server'], `${p}.server`);
    str(r['tool'], `${p}.tool`);
    if (r['hash'] !== undefined && (typeof r['hash'] !== 'string' || !/^[0-9a-f]{64}$/.test(r['hash']))) bad(`${p}.hash`, 'must be 64 lowercase hex digits');
    strList(r['roles'], `${p}.roles`);
    strList(r['proposers'], `${p}.proposers`);
    oneOf(r['action'], `${p}.action`, ACTIONS, true);
  });

  const roles = input['roles'];
  if (roles !== undefined) {
    if (!isObject(roles)) bad('roles', 'must be an object of role → ["<server>/<tool>", …]');
    else
      for (const [role, patterns] of Object.entries(roles)) {
        strList(patterns, `roles.${role}`);
        if (Array.isArray(patterns)) patterns.forEach((pat, i) => typeof pat === 'string' && !pat.includes('/') && bad(`roles.${role}[${i}]`, 'must look like "<server>/<tool>"'));
      }
  }
  oneOf(input['rolesDefault'], 'rolesDefault', ['visible', 'hidden']);

  objects(input['rateLimits'], 'rateLimits', (l, p) => {
    str(l['id'], `${p}.id`);
    str(l['server'], `${p}.server`);
    str(l['tool'], `${p}.tool`);
    positiveInteger(l['capacity'], `${p}.capacity`);
    const refill = l['refillPerSecond'];
    if (typeof refill !== 'number' || !Number.isFinite(refill) || refill < 0) bad(`${p}.refillPerSecond`, 'must be a number ≥ 0');
  });

  const redaction = input['redaction'];
  if (redaction !== undefined) {
    if (!isObject(redaction)) bad('redaction', 'must be an object');
    else {
      bool(redaction['defaults'], 'redaction.defaults');
      objects(redaction['patterns'], 'redaction.patterns', (r, p) => {
        str(r['name'], `${p}.name`, true);
        str(r['pattern'], `${p}.pattern`, true);
        str(r['replacement'], `${p}.replacement`);
        if (r['flags'] !== undefined && (typeof r['flags'] !== 'string' || !/^[gimsuy]*$/.test(r['flags']))) bad(`${p}.flags`, 'must be RegExp flags');
        if (typeof r['pattern'] === 'string') {
          try {
            new RegExp(r['pattern']);
          } catch (err) {
            bad(`${p}.pattern`, `is not a regular expression (${(err as Error).message})`);
          }
        }
      });
    }
  }
  if (input['maxDescriptionLength'] !== undefined) positiveInteger(input['maxDescriptionLength'], 'maxDescriptionLength');

  objects(input['dataFlow'], 'dataFlow', (r, p) => {
    str(r['id'], `${p}.id`);
    str(r['from'], `${p}.from`);
    str(r['to'], `${p}.to`);
    oneOf(r['data'], `${p}.data`, ['secret', 'copy', 'any']);
    // An allow would let data cross silently, which is exactly what these rules exist to stop.
    oneOf(r['action'], `${p}.action`, ['ask', 'deny'], true);
  });
  section(input['audit'], 'audit', { storeRawValues: bool });
  section(input['elicitation'], 'elicitation', { sensitiveFields: (v, p) => oneOf(v, p, ['refuse', 'allow']) });
  return problems;
}

/**
 * Validates and returns a deep, frozen copy of the policy. Throws `TG_POLICY_INVALID` with
 * `data.problems` (every problem, each with its JSON path) when it is not valid.
 */
export function validatePolicy(input: unknown): Policy {
  const problems = policyProblems(input);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.path || '(root)'} ${p.message}`).join('; ');
    throw new TgError(ErrorCode.POLICY_INVALID, `Invalid policy: ${list}`, { data: { problems } });
  }
  return deepFreeze(structuredClone(input) as Policy);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
