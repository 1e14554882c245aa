/** The gate's public surface (re-exported from src/index.ts by the lead). */
export type { GatedTool, Proposer, ToolCallOutcome, ToolCallRequest, ToolGate } from './tool-gate.js';
export { Gate, GateChangeEvent, type AddServerOptions, type GateConnection, type GateOptions } from './gate.js';
export {
  ALLOW_ALL_POLICY,
  DEFAULT_POLICY,
  matchGlob,
  matchUrlPattern,
  policyProblems,
  validatePolicy,
  type Policy,
  type PolicyProblem,
  type RateLimit,
  type RedactionPolicy,
  type RedactionPatternSpec,
  type RuleAction,
  type ServerPolicy,
  type ToolRule,
} from './policy.js';
export { ANNOTATION_DEFAULTS, decide, effectiveAnnotations, isVisible, type DecideInput, type DecideResult, type EffectiveAnnotations, type GateDecision } from './decide.js';
export { definitionDiff, definitionHash, escapeName, inspectTool, revealHidden, type DiffLine, type PinRecord, type ToolFlag, type ToolFlagKind } from './pins.js';
export { RateLimiter, TokenBucket, type Clock, type RateVerdict } from './rate-limit.js';
export { AUDIENCE_NOTICE, REVIEW_NOTICE, WITHHELD_NOTICE, labelAllowed, viewForModel, type ModelView } from './data-flow.js';
export { TOOL_ID_PATTERN, ToolNamespace, baseToolId } from './namespace.js';
export {
  ApprovalQueue,
  ApprovalsChangeEvent,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  type ApprovalAnswer,
  type ApprovalQueueOptions,
  type ApprovalRequest,
  type ApprovalVerdict,
  type HostDecision,
  type HostHook,
} from './approvals.js';
export { verifySignedAllowList, type AllowListPayload } from './allow-list.js';
