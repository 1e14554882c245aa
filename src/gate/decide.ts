/**
 * `decide()`: the gate's verdict on one proposed call, as a PURE function of
 * policy × annotations × trust × roles × pins × proposer (provider label). No I/O, no clock:
 * the same input always gives the same answer, so it is tested as a table.
 *
 * Order (first that applies wins):
 * 1. the server is not on the allow-list and the person did not consent → deny;
 * 2. the tool is hidden by roles → deny (the gate also never lists it);
 * 3. the first matching tool rule says `deny` → deny;
 * 3a. the server's id was first given to another URL → ask: rules, grants and pins written for
 *    the id are never applied to a different URL;
 * 4. the definition changed since it was accepted (quarantine) → ask, with the diff — unless the
 *    matching rule is an `allow` bound to exactly this new hash;
 * 5. the first matching tool rule says `allow` or `ask` → that;
 * 6. "Always allow" was given for exactly this definition → allow;
 * 7. the definition carries hidden-instruction flags → ask;
 * 8. annotation defaults. Missing hints take the spec's defaults (readOnlyHint false,
 *    destructiveHint true, idempotentHint false, openWorldHint true). Annotations are claims of an
 *    untrusted party unless the server is trusted: trusted + read-only → allow; everything else
 *    (untrusted, destructive, open-world, or simply writing) → ask.
 */
import type { Tool, ToolAnnotations } from '../../workers/shared/wire.js';
import { proposerName, type Proposer } from './tool-gate.js';
import { outputAllowed } from './data-flow.js';
import { matchGlob, matchServer, serverStanding, type HostProvided, type Policy, type ToolRule } from './policy.js';
import { ErrorCode, type ErrorCodeValue } from '../../workers/shared/errors.js';

export type GateDecision = 'allow' | 'ask' | 'deny';

/** The spec's defaults for missing hints (MCP 2025-06-18 `ToolAnnotations`). */
export const ANNOTATION_DEFAULTS = Object.freeze({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true });

export interface EffectiveAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
  /** Which of the four the server actually stated (the rest are the spec's defaults). */
  stated: (keyof typeof ANNOTATION_DEFAULTS)[];
}

/** The hints with the spec's defaults filled in. `destructiveHint` only means something when not read-only. */
export function effectiveAnnotations(annotations: ToolAnnotations | undefined): EffectiveAnnotations {
  const out: EffectiveAnnotations = { ...ANNOTATION_DEFAULTS, stated: [] };
  for (const key of Object.keys(ANNOTATION_DEFAULTS) as (keyof typeof ANNOTATION_DEFAULTS)[]) {
    const v = annotations?.[key];
    if (typeof v === 'boolean') {
      out[key] = v;
      out.stated.push(key);
    }
  }
  if (out.readOnlyHint) out.destructiveHint = false;
  return out;
}

export interface DecideInput {
  policy: Policy;
  server: {
    id: string;
    url: string;
    /** The person consented to this server although it is not on the allow-list. */
    consented?: boolean;
    /** The host page provides these tools itself (see `GateConnection.host`). */
    host?: HostProvided;
    /** The URL this id was first given to, when that is not `url` (see `Gate.addServer`). */
    reboundFrom?: string;
  };
  tool: Pick<Tool, 'name' | 'annotations'>;
  definitionHash: string;
  /** The person's roles, as the host set them. */
  roles: readonly string[];
  pin?: { quarantined: boolean; alwaysAllowed: boolean };
  /** Number of hidden-instruction flags on the definition (see `inspectTool`). */
  flags?: number;
  proposer: Proposer;
}

export interface DecideResult {
  decision: GateDecision;
  /** Why, in a sentence the person can read (shown on the approval card, kept in the audit). */
  reason: string;
  /** The rule that decided: a tool rule's id, or `server-allow-list`, `roles`, `quarantine`, `pin`, `flags`, `annotations`. */
  rule?: string;
  /** The coded error a `deny` becomes. */
  code?: string;
  /** The server is trusted by the policy. */
  trusted: boolean;
  /** Whether the proposer's provider may receive the output, and whether the person reviews it first. */
  output: 'send' | 'withhold' | 'review';
  annotations: EffectiveAnnotations;
}

const ruleId = (rule: ToolRule, index: number) => rule.id ?? `tools[${index}]`;

/** Is this tool visible to a person with these roles? */
export function isVisible(policy: Policy, server: { id: string; url: string }, toolName: string, roles: readonly string[]): boolean {
  const roleMap = policy.roles;
  if (!roleMap || Object.keys(roleMap).length === 0) return true;
  // `<server>/<tool>`: a URL server pattern has slashes of its own, so its tool is after the last one.
  const matches = (pattern: string) => {
    const cut = pattern.includes('://') ? pattern.lastIndexOf('/') : pattern.indexOf('/');
    return matchServer(pattern.slice(0, cut), server) && matchGlob(pattern.slice(cut + 1), toolName);
  };
  let mentioned = false;
  for (const [role, patterns] of Object.entries(roleMap)) {
    if (!patterns.some(matches)) continue;
    mentioned = true;
    if (roles.includes(role)) return true;
  }
  return mentioned ? false : policy.rolesDefault !== 'hidden';
}

/** The first tool rule matching this call, with its index. */
export function matchingRule(input: DecideInput): { rule: ToolRule; index: number } | undefined {
  const rules = input.policy.tools ?? [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    if (!matchServer(rule.server, input.server)) continue;
    if (rule.tool !== undefined && !matchGlob(rule.tool, input.tool.name)) continue;
    if (rule.hash !== undefined && rule.hash !== input.definitionHash) continue;
    if (rule.roles !== undefined && !rule.roles.some((r) => input.roles.includes(r))) continue;
    if (rule.proposers !== undefined && !rule.proposers.some((p) => matchGlob(p, proposerName(input.proposer)))) continue;
    return { rule, index };
  }
  return undefined;
}

export function decide(input: DecideInput): DecideResult {
  const { policy, server, tool, proposer } = input;
  const standing = serverStanding(policy, server.url, server.host);
  const trusted = standing.trusted;
  const annotations = effectiveAnnotations(tool.annotations);
  const review = standing.entry?.reviewResults ?? 'default';
  const reviewNeeded = review === 'always' || (review === 'default' && !trusted && annotations.openWorldHint);
  const output: DecideResult['output'] = !outputAllowed(proposer, standing.entry) ? 'withhold' : reviewNeeded ? 'review' : 'send';
  const base = { trusted, output, annotations };
  const deny = (reason: string, rule: string, code: ErrorCodeValue = ErrorCode.POLICY_DENIED): DecideResult => ({ decision: 'deny', reason, rule, code, ...base });

  if (!standing.listed && !server.consented) {
    return deny('The server is not on the allow-list and the person has not consented to it.', 'server-allow-list', ErrorCode.SERVER_NOT_ALLOWED);
  }
  if (!isVisible(policy, server, tool.name, input.roles)) {
    return deny('The tool is not visible to the person’s roles.', 'roles', ErrorCode.TOOL_UNKNOWN);
  }
  const match = matchingRule(input);
  if (match?.rule.action === 'deny') return deny(`Policy rule "${ruleId(match.rule, match.index)}" denies this tool.`, ruleId(match.rule, match.index));
  if (server.reboundFrom !== undefined) {
    const reason = `The server id "${server.id}" was first given to ${server.reboundFrom}; it now names ${server.url}, so rules and "Always allow" given for that id are not applied.`;
    return { decision: 'ask', reason, rule: 'server-id', ...base };
  }
  if (input.pin?.quarantined && !(match?.rule.action === 'allow' && match.rule.hash === input.definitionHash)) {
    return { decision: 'ask', reason: 'The tool’s definition changed since it was approved; it is quarantined until you approve it again.', rule: 'quarantine', ...base };
  }
  if (match) {
    const id = ruleId(match.rule, match.index);
    return match.rule.action === 'allow'
      ? { decision: 'allow', reason: `Policy rule "${id}" allows this tool.`, rule: id, ...base }
      : { decision: 'ask', reason: `Policy rule "${id}" asks for approval.`, rule: id, ...base };
  }
  if (input.pin?.alwaysAllowed) return { decision: 'allow', reason: 'You chose to always allow this exact tool definition.', rule: 'pin', ...base };
  if ((input.flags ?? 0) > 0) {
    return { decision: 'ask', reason: 'The tool’s definition contains hidden-instruction markers; check it before allowing.', rule: 'flags', ...base };
  }
  if (trusted && annotations.readOnlyHint) return { decision: 'allow', reason: 'A trusted server says this tool only reads.', rule: 'annotations', ...base };
  const why: string[] = [];
  if (!trusted) why.push('the server is not trusted, so its annotations are unverified claims');
  if (!annotations.readOnlyHint) why.push(annotations.destructiveHint ? 'the tool may be destructive' : 'the tool may change data');
  if (annotations.openWorldHint) why.push('the tool may reach outside systems (open world)');
  const text = why.join('; ');
  return { decision: 'ask', reason: `Approval needed: ${text}.`, rule: 'annotations', ...base };
}
