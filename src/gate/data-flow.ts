/**
 * What of a tool result may reach an LLM provider. Pure, no DOM.
 *
 * - Every provider has a label (`local`, `vendor:openai`, …); every server lists the labels that
 *   may receive its output (default: all). Output for any other provider is withheld: the model
 *   gets a short notice, the person still sees the full result.
 * - Content whose `annotations.audience` does not include `assistant` (i.e. `['user']`) is meant
 *   for the person and never goes to the model.
 * - What does go is redacted (secrets, e-mails, national ids, the policy's own patterns).
 */
import { redact, redactString, type RedactionPattern } from '../audit/redact.js';
import type { CallToolResult, ContentBlock } from '../../workers/shared/wire.js';
import type { Proposer } from './tool-gate.js';
import { matchGlob, type ServerPolicy } from './policy.js';

/** May a provider labelled `label` receive output of a server with these allowed label patterns? */
export function labelAllowed(label: string, allowed: readonly string[] | undefined): boolean {
  if (allowed === undefined) return true;
  return allowed.some((pattern) => matchGlob(pattern, label));
}

/**
 * Whether a proposer's provider may receive a server's output. A person's own call has no
 * provider yet — its result becomes context for whichever model the conversation uses later —
 * so it may go only when the server lets every provider have it.
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
export const AUDIENCE_NOTICE = 'Part of this result is addressed to the person only and was not included.';
export const REVIEW_NOTICE = 'The person chose not to share the result of this call with you.';

const forUserOnly = (block: ContentBlock) => {
  const audience = block.annotations?.audience;
  return Array.isArray(audience) && !audience.includes('assistant');
};

function redactBlock(block: ContentBlock, patterns: readonly RedactionPattern[]): ContentBlock {
  switch (block.type) {
    case 'text':
      return { ...block, text: redactString(block.text, patterns) };
    case 'resource':
      return 'text' in block.resource ? { ...block, resource: { ...block.resource, text: redactString(block.resource.text, patterns) } } : block;
    case 'resource_link':
      return block.description === undefined ? block : { ...block, description: redactString(block.description, patterns) };
    default:
      return block;
  }
}

/** Builds what the model may see of a result. */
export function viewForModel(result: CallToolResult, options: { allowed: boolean; patterns: readonly RedactionPattern[] }): ModelView {
  if (!options.allowed) return { forModel: [{ type: 'text', text: WITHHELD_NOTICE }], withheld: true };
  const content = Array.isArray(result.content) ? result.content : [];
  const kept = content.filter((b) => !forUserOnly(b));
  const dropped = kept.length !== content.length;
  const forModel = kept.map((b) => redactBlock(b, options.patterns));
  if (dropped) forModel.push({ type: 'text', text: AUDIENCE_NOTICE });
  const view: ModelView = { forModel, withheld: dropped };
  // structuredContent mirrors the content; when some content was for the person only it may
  // carry the same data, so it goes along only when nothing was held back.
  if (!dropped && result.structuredContent !== undefined) view.structuredForModel = redact(result.structuredContent, { patterns: options.patterns });
  return view;
}
