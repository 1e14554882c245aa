/**
 * `toolgate/advanced`: the parts behind the elements and the runtime, for hosts that compose
 * their own. Importing it defines no element.
 *
 * **`McpConnection` bypasses the gate.** A connection opened here and called directly
 * (`connection.callTool`) is not decided by the policy, not approved, not audited and not shown
 * in any conversation. Use it for tools and tests of your own, or put it behind a gate
 * (`gate.addServer(id, connection)`, then call through `gate.call()`); for an agent, use
 * `createRuntime()` from `toolgate`, which does that for every server.
 */

// The element classes `toolgate` defines on first use (src/elements/autoload.ts), to subclass or
// test `instanceof`: importing these does not define them (the class is the same once defined)
export { TgConnections } from './elements/connections/tg-connections.component.js';
export { TgApproval } from './elements/approval/tg-approval.component.js';
export { TgElicitation } from './elements/elicitation/tg-elicitation.component.js';
export { TgManualForm } from './elements/manual-form/tg-manual-form.component.js';
export { TgAuditLog } from './elements/audit-log/tg-audit-log.component.js';

// Connections (one worker per server): the raw connection, which bypasses the gate
export { McpConnection, createConnectionWorker, type CallOptions, type ConnectionEventMap, type OpenOptions, type WorkerFactory } from './connections/connection.js';
export type { ConnectionDiagnostics, ConnectionInfo, ElicitationHandler, ReconnectOptions, TransportKind } from '../workers/shared/connection-types.js';
export type { AuthorizeHandler, OAuthOptions } from '../workers/shared/auth.js';
export type { ToolAnnotations } from '../workers/shared/wire.js';
export { invalidArgument, hasToolgateCode, isAuthError, type TgErrorOptions } from '../workers/shared/errors.js';
export { Completer, type CompleterOptions } from './connections/completion.js';
export { authorizeInPopup, OAUTH_CHANNEL, OAUTH_MESSAGE_TYPE, type PopupOptions } from './connections/oauth-popup.js';
export { authorizeWithFallback, authorizeByRedirect, type RedirectOptions } from './connections/oauth-redirect.js';

// The runtime's parts: the server registry and the one server id
export { ServerRegistry, DEFAULT_RECONNECT_WAIT_MS, type ServerRegistryOptions, type ServerRegistryEventMap, type GateRegistration, type ConnectionLike, type ConnectionOpener } from './runtime/servers.js';
export { GatedServer } from './gate/gated-server.js';
export { assignServerIds, serverIdBase } from './runtime/server-ids.js';
export { declareServer, serverKey, serverLabel } from './runtime/server-spec.js';
export { toCodedError, type CodedError } from './runtime/coded-error.js';
export type { PendingElicitation } from './runtime/pending-elicitation.js';

// The gate: the class, and its pure parts (policy, decisions, pins, rate limits, data flow, approvals)
export { Gate, GateChangeEvent, type GateOptions, type GateConnection, type AddServerOptions } from './gate/gate.js';
export { proposerName, type ToolCallRequest, type ToolGate } from './gate/tool-gate.js';
export {
  ALLOW_ALL_POLICY,
  DEFAULT_POLICY,
  matchGlob,
  matchUrlPattern,
  policyProblems,
  validatePolicy,
  type PolicyProblem,
  type RateLimit,
  type RedactionPolicy,
  type RedactionPatternSpec,
  type RuleAction,
  type ServerPolicy,
  type ToolRule,
} from './gate/policy.js';
export { ANNOTATION_DEFAULTS, decide, effectiveAnnotations, isVisible, type DecideInput, type DecideResult, type EffectiveAnnotations, type GateDecision } from './gate/decide.js';
export { definitionDiff } from './gate/definition-diff.js';
export { definitionHash, escapeName, inspectTool, revealHidden, type DiffLine, type PinRecord, type ToolFlag, type ToolFlagKind } from './gate/pins.js';
export { RateLimiter, TokenBucket, type Clock, type RateVerdict } from './gate/rate-limit.js';
export { AUDIENCE_NOTICE, REVIEW_NOTICE, WITHHELD_NOTICE, labelAllowed, viewForModel, type ModelView } from './gate/data-flow.js';
export { TOOL_ID_PATTERN, ToolNamespace, baseToolId } from './gate/namespace.js';
export { ApprovalQueue, ApprovalsChangeEvent, DEFAULT_APPROVAL_TIMEOUT_MS, type ApprovalAnswer, type ApprovalQueueOptions, type ApprovalVerdict } from './gate/approvals.js';
export { verifySignedAllowList, type AllowListPayload } from './gate/allow-list.js';

// The audit log: the class, its records, export and verification, redaction, OpenTelemetry
export { AuditLog, AuditAppendEvent, AuditHealthEvent, type AuditHealth, type AuditLogOptions, type FailMode, type RetentionPolicy } from './audit/audit-log.js';
export type { AuditSink } from './audit/sink.js';
export * from './audit/record.js';
export { redact, redactValue, redactString, luhn, DEFAULT_SENSITIVE_KEYS, type RedactionPattern, type RedactOptions, type RedactionSummary } from './audit/redact.js';
export { auditResult, redactAuditInput, RESULT_PREVIEW_CHARS, type AuditRedaction } from './audit/redact-record.js';
export { findSecrets, loadSecretRules, secretRulesLoaded, shannonEntropy, type SecretFinding, type SecretCategory } from './audit/secrets.js';
export { verifyChain, type BreakReason, type VerifyResult, type VerifyOptions } from './audit/verify.js';
export { exportJsonl, parseJsonl, verifyJsonl, EXPORT_FORMAT, type ExportHeader } from './audit/export.js';
export { toOtlpLogs, postOtlpLogs, sendOtlpLogs, callTraceContext, type OtlpAnswer, type OtlpLogsRequest, type OtlpOptions } from './audit/otlp.js';
export { forwardToOtlp, OtlpShipper, OtlpStatusEvent, type OtlpShippingOptions, type OtlpShippingState, type OtlpShippingStatus } from './audit/otlp-shipper.js';
export { matchesFilter, type AuditFilter } from './audit/filter.js';
export { sha256Hex } from './audit/sha256.js';
export { MemoryAuditSource, type AuditSource } from './audit/source.js';

// The agent loop and the model side
export { Agent, type AgentOptions, type AgentCallRequest, type AgentEventMap, type TurnSummary, type TurnEndReason } from './agent/agent.js';
export type { UserEntry, AssistantEntry, ToolCallEntry, ErrorEntry } from './agent/conversation.js';
export { isManualProvider } from './llm/manual-provider.js';
export { formFromSchema, initialValues, valuesToArguments, type ToolForm, type FormField, type FormValues, type FieldError } from './llm/manual.js';
export { DEFAULT_TOOL_RESULT_LIMIT } from './llm/content.js';
export type { HostLlmResponse } from './llm/host-function.js';
export type { LlmRequest, LlmEvent, LlmMessage, LlmUsage, LlmStopReason, LlmToolChoice } from './llm/types.js';

// The page's tools, the WebMCP bridge and the person's context (what the runtime composes)
export { PageTools, type PageToolsOptions } from './page/page-tools.js';
export { watchToolForms, formTool, schemaFromForm } from './page/form-tools.js';
export { WebMcpTools, publishGatedTools, findModelContext, type ModelContextLike, type PublishSource, type PublishOptions } from './page/webmcp.js';
export { ComposerContext, type PendingContext, type ComposerContextOptions } from './context/composer-context.js';
export { ArgumentForm, type ArgumentField } from './context/argument-form.js';
export { listResources, listPrompts, type ResourceEntry, type PromptEntry } from './context/catalog.js';
export type { ContextServer } from './context/context-server.js';
export { expandTemplate } from './context/uri-template.js';

// Element helpers: declarations read from attributes, the person's saved servers, URL checks, Markdown, event factories
export { SERVER_ATTRIBUTES, parseServerAttributes, type AttributeSource } from './elements/server/server-config.js';
export { PROVIDER_ATTRIBUTES, parseProviderAttributes, type ProviderDeclaration, type ProviderKind } from './elements/provider/provider-config.js';
export { loadSavedServers, savedServersKey, type SavedServer } from './elements/connections/saved-servers.js';
export { checkServerUrl, type UrlCheck } from './elements/connections/server-url.js';
export { loadMarkdown, type MarkdownRenderer } from './markdown/load.js';
export type { MarkdownOptions } from './markdown/render.js';
export { tgEvent } from './events/define.js';
export { toolRequestHook, type TgToolRequestDetail } from './events/tg-tool-request.js';
export { dispatchElicitation, type TgElicitationDetail } from './events/tg-elicitation.js';
export type { TgConnectionStatusDetail } from './events/tg-connection-status.js';
export type { TgServerActionDetail } from './events/tg-server-action.js';
export type { TgManualSubmitDetail } from './events/tg-manual-submit.js';
export type { TgAuditExportDetail } from './events/tg-audit-export.js';
