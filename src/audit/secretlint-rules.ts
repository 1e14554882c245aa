/**
 * The vendor-secret rules of secretlint's recommended preset (`@secretlint/secretlint-rule-preset-recommend`,
 * MIT, azu): private-key blocks, AWS / GCP / Cloudflare / Databricks / Vercel keys, GitHub, GitLab,
 * Slack, npm, Stripe, OpenAI, Anthropic, Groq, Hugging Face, SendGrid, Shopify, Linear, Notion,
 * Figma, Grafana, HashiCorp Vault, 1Password, Docker and Tailscale tokens, basic-auth URLs and
 * database connection strings with passwords. The rule set is maintained upstream; this module
 * only drives its rules over one string at a time, without secretlint's file-oriented core.
 *
 * Loaded on demand (`loadSecretRules()` in secrets.ts imports this module), so the ~17 kB gzip of
 * rules is its own chunk and never part of a page's first paint.
 */
import { rules } from '@secretlint/secretlint-rule-preset-recommend';

/** One finding of a rule: which rule, which of its messages, and where (UTF-16 offsets). */
export interface RuleFinding {
  rule: string;
  message: string;
  start: number;
  end: number;
}

/** The small part of secretlint's rule API the preset's scanners use. */
interface RuleContext {
  createTranslator(messages: Record<string, unknown>): (id: string, props?: unknown) => string;
  report(report: { message: string; range: readonly [number, number] }): void;
  ignore(): void;
  registerRule(): void;
}
interface RuleCreator {
  meta: { id: string; type?: string };
  create(context: RuleContext, options: Record<string, unknown>): { file?(source: { content: string; ext: string; contentType: 'text' }): unknown };
}

/**
 * Never run: `filter-comments` lets text switch detection off with `secretlint-disable`
 * comments, and a hostile server would simply write one before its payload.
 */
const SKIPPED = new Set(['@secretlint/secretlint-rule-filter-comments']);
/** Rule options: AWS access-key ids (`AKIA…`) are found too, not only secret keys next to their name. */
const OPTIONS: Record<string, Record<string, unknown>> = { '@secretlint/secretlint-rule-aws': { enableIDScanRule: true } };

interface Scanner {
  rule: string;
  file: NonNullable<ReturnType<RuleCreator['create']>['file']>;
}

let reports: RuleFinding[] = [];
let currentRule = '';

// The translator returns the message id, never the message: secretlint's messages quote the secret.
const context: RuleContext = {
  createTranslator: () => (id: string) => id,
  report: ({ message, range }) => reports.push({ rule: currentRule, message, start: range[0], end: range[1] }),
  ignore: () => {},
  registerRule: () => {},
};

const scanners: Scanner[] = (rules as unknown as RuleCreator[])
  .filter((creator) => creator.meta.type !== 'preset' && !SKIPPED.has(creator.meta.id))
  .flatMap((creator) => {
    const handlers = creator.create(context, OPTIONS[creator.meta.id] ?? {});
    return handlers.file ? [{ rule: creator.meta.id.replace('@secretlint/secretlint-rule-', ''), file: handlers.file.bind(handlers) }] : [];
  });

/** The rule names (`aws`, `github`, `privatekey`, …), for documentation and tests. */
export const RULE_NAMES: readonly string[] = scanners.map((s) => s.rule);

/**
 * Every finding of every rule in `text`. Synchronous: the preset's text scanners report while
 * they run (only the PKCS#12 file check is asynchronous, and it needs a `.p12` file, never given here).
 */
export function scanWithRules(text: string): RuleFinding[] {
  reports = [];
  const source = { content: text, ext: '', contentType: 'text' as const };
  for (const scanner of scanners) {
    currentRule = scanner.rule;
    try {
      const pending = scanner.file(source);
      // An asynchronous rule would report too late to redact; none of the text scanners is one.
      if (pending instanceof Promise) pending.catch(() => {});
    } catch {
      /* a rule that throws on odd input finds nothing; the others still run */
    }
  }
  const found = reports;
  reports = [];
  return found;
}
