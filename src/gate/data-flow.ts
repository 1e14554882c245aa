/**
 * What of a tool result may reach an LLM provider. Pure, no DOM.
 *
 * - Every provider has a label (`local`, `vendor:openai`, …); every server lists the labels that
 *   may receive its output (default: all). Output for any other provider is withheld: the model
 *   gets a short notice, the person still sees the full result.
 * - Content whose `annotations.audience` does not include `assistant` (i.e. `['user']`) is meant
 *   for the person and never goes to the model.
 * - What does go is redacted (secrets, e-mails, national ids, the policy's own patterns), and made
 *   safe to read (model-text.ts: hidden characters removed, with a notice when any were).
 */
import { redact, redactString, type RedactOptions } from '../audit/redact.js';
import { cleanJson, cleanText, hiddenNotice, type CleanReport } from './model-text.js';
import type { CallToolResult, ContentBlock } from '../../workers/shared/wire.js';
import type { DataFlowInfo } from '../audit/record.js';
import type { Proposer } from './tool-gate.js';
import { matchGlob, matchServer, type DataFlowRule, type Policy, type ServerPolicy } from './policy.js';
import type { TaintFinding } from './taint.js';

/** May a provider labelled `label` receive output of a server with these allowed label patterns? */
export function labelAllowed(label: string, allowed: readonly string[] | undefined): boolean {
  if (allowed === undefined) return true;
  return allowed.some((pattern) => matchGlob(pattern, label));
}

/**
 * Whether a proposer's provider may receive a server's output. A person's (or an app view's) own
 * call has no provider yet — its result becomes context for whichever model the conversation
 * uses later — so it may go only when the server lets every provider have it.
 */
export function outputAllowed(proposer: Proposer, server: Pick<ServerPolicy, 'labels'> | undefined): boolean {
  const labels = server?.labels;
  if (labels === undefined) return true;
  if (proposer.kind === 'llm') return labelAllowed(proposer.providerLabel, labels);
  return labels.some((l) => l === '*');
}

export interface ModelView {
  forModel: ContentBlock[];
  /** The result's `structuredContent`, redacted, when nothing was held back; else undefined. */
  structuredForModel?: unknown;
  /** True when anything was held back (by label, audience or review). */
  withheld: boolean;
}

export const WITHHELD_NOTICE = 'The result of this call was shown to the person but withheld from you by the data-flow policy.';
/** The same for server content that is not a result (a resource the person attached, a prompt's messages). */
export const CONTENT_WITHHELD_NOTICE = 'This content was shown to the person but withheld from you by the data-flow policy.';
export const AUDIENCE_NOTICE = 'Part of this result is addressed to the person only and was not included.';
export const REVIEW_NOTICE = 'The person chose not to share the result of this call with you.';

const forUserOnly = (block: ContentBlock) => {
  const audience = block.annotations?.audience;
  return Array.isArray(audience) && !audience.includes('assistant');
};

/** A string for the model: redacted, then cleaned of hidden characters (counted in `report`). */
function forModelText(text: string, options: RedactOptions, report: CleanReport): string {
  const clean = cleanText(redactString(text, options));
  report.removed += clean.removed;
  return clean.text;
}

function modelBlock(block: ContentBlock, options: RedactOptions, report: CleanReport): ContentBlock {
  const text = (t: string) => forModelText(t, options, report);
  switch (block.type) {
    case 'text':
      return { ...block, text: text(block.text) };
    case 'resource':
      return 'text' in block.resource ? { ...block, resource: { ...block.resource, text: text(block.resource.text) } } : block;
    case 'resource_link': {
      const link = { ...block, name: text(block.name), uri: text(block.uri) };
      if (block.title !== undefined) link.title = text(block.title);
      if (block.description !== undefined) link.description = text(block.description);
      return link;
    }
    default:
      return block;
  }
}

/** Builds what the model may see of a result. */
export function viewForModel(result: CallToolResult, options: { allowed: boolean; redaction: RedactOptions; notice?: string }): ModelView {
  if (!options.allowed) return { forModel: [{ type: 'text', text: options.notice ?? WITHHELD_NOTICE }], withheld: true };
  const content = Array.isArray(result.content) ? result.content : [];
  const kept = content.filter((b) => !forUserOnly(b));
  const dropped = kept.length !== content.length;
  const report: CleanReport = { removed: 0, cut: 0 };
  const forModel = kept.map((b) => modelBlock(b, options.redaction, report));
  const view: ModelView = { forModel, withheld: dropped };
  // structuredContent mirrors the content; when some content was for the person only it may
  // carry the same data, so it goes along only when nothing was held back.
  if (!dropped && result.structuredContent !== undefined) view.structuredForModel = cleanJson(redact(result.structuredContent, options.redaction), Infinity, report);
  if (dropped) forModel.push({ type: 'text', text: AUDIENCE_NOTICE });
  if (report.removed > 0) forModel.push({ type: 'text', text: hiddenNotice(report.removed) });
  return view;
}

/**
 * The `dataFlow` rule for a call whose arguments carry tainted data (see taint.ts), if any: the
 * first rule whose `from` matches a finding's source, whose `to` matches the target and whose
 * `data` matches the finding's kind.
 */
export function matchDataFlowRule(
  policy: Policy,
  findings: readonly TaintFinding[],
  target: { id: string; url: string },
): { rule: DataFlowRule; id: string } | undefined {
  const rules = policy.dataFlow ?? [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    if (!matchServer(rule.to, target)) continue;
    const hit = findings.some((f) => {
      const data = rule.data ?? 'any';
      if (data !== 'any' && data !== f.kind) return false;
      return matchServer(rule.from, { id: f.from.serverId, url: f.from.serverUrl });
    });
    if (hit) return { rule, id: rule.id ?? `dataFlow[${index}]` };
  }
  return undefined;
}

/** Findings that make a call ask: data crossing to another server, or a detected secret. */
export function askingFindings(findings: readonly TaintFinding[]): TaintFinding[] {
  return findings.filter((f) => f.crossesServer || f.category === 'secret');
}

/** What the audit keeps of the findings: where the data came from, never the data. */
export function dataFlowInfo(findings: readonly TaintFinding[]): DataFlowInfo[] {
  return findings.map((f) => ({
    path: f.path,
    from: { server: { url: f.from.serverUrl, id: f.from.serverId }, tool: f.from.tool },
    kind: f.kind,
    ...(f.secretKind !== undefined && { secretKind: f.secretKind }),
    length: f.end - f.start,
  }));
}
