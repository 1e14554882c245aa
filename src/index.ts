/**
 * Toolgate's public API: the elements (importing this defines them: `<tg-agent>`, `<tg-server>` and
 * `<tg-provider>` at once, the others when their tag first appears), the runtime for hosts that
 * build their own UI, the public types and the error codes. Every tool call made through it
 * passes the gate. Helpers, the core classes and the raw connection (which bypasses the gate) are
 * in `toolgate/advanced` (src/advanced.ts). test/docs/public-surface.test.mjs keeps this to at
 * most 80 names.
 */

// Elements
export { TgAgent } from './elements/agent/tg-agent.js';
export { TgServer } from './elements/server/tg-server.js';
export { TgProvider } from './elements/provider/tg-provider.js';
// Defined on first use, when the tag first appears (./elements/autoload.ts): their classes are
// values in `toolgate/advanced`, types here (with their tag names in HTMLElementTagNameMap).
import './elements/autoload.js';
export type { TgConnections } from './elements/connections/tg-connections.js';
export type { TgApproval } from './elements/approval/tg-approval.js';
export type { TgElicitation } from './elements/elicitation/tg-elicitation.js';
export type { TgManualForm } from './elements/manual-form/tg-manual-form.js';
export type { TgAuditLog } from './elements/audit-log/tg-audit-log.js';
// Framework typings (React JSX, Vue GlobalComponents, Svelte svelteHTML); importing the types applies them
export type {
  ToolgateElementProps,
  TgAgentProps,
  TgServerProps,
  TgProviderProps,
  TgConnectionsProps,
  TgApprovalProps,
  TgAuditLogProps,
  TgManualFormProps,
} from './framework-types.js';

// The runtime: audit log → gate → agent → servers, without any element
export { createRuntime, Runtime, type RuntimeOptions, type RuntimeCallRequest, type RuntimeEventMap, type WebMcpBridgeOptions } from './runtime/runtime.js';
// The page's own tools (runtime.registerTool, <tg-agent>.registerTool): WebMCP's shape
export type { PageToolDefinition, PageToolContext, RegisterToolOptions } from './page/page-tools.js';
export type { ServerRegistry, ServerState } from './runtime/servers.js';
export type { ServerSpec, ServerDeclaration } from './runtime/server-spec.js';
export type { Agent } from './agent/agent.js';
export type { ConversationEntry } from './agent/conversation.js';
export type { Gate } from './gate/gate.js';
export type { Policy } from './gate/policy.js';
export type { GatedTool, Proposer, ToolCallOutcome } from './gate/tool-gate.js';
export type { ApprovalRequest, HostDecision, HostHook } from './gate/approvals.js';
export type { AuditLog } from './audit/audit-log.js';
export type { AuditRecord } from './audit/record.js';
export type { OtlpShippingOptions, OtlpShippingStatus } from './audit/otlp-shipper.js';
export type { CallToolResult, ContentBlock, ElicitationRequest, ElicitationResult, JsonObject, Progress, Tool } from '../workers/shared/wire.js';
export type { ConnectionConfig } from '../workers/connection-api.js';
export type { ConnectionStatus } from '../workers/shared/connection-types.js';

// Model providers
export { OpenAiCompatibleProvider, type OpenAiCompatibleOptions } from './llm/openai-compatible.js';
export { AnthropicProvider, type AnthropicOptions } from './llm/anthropic.js';
export { HostFunctionProvider, type HostFunctionOptions, type HostLlmFunction } from './llm/host-function.js';
export { ManualProvider } from './llm/manual-provider.js';
export type { LlmProvider } from './llm/types.js';

// Errors: callers branch on `err.code`
export { ErrorCode, TgError, errorCode, type ErrorCodeValue } from '../workers/shared/errors.js';

// Events (each bubbles and is composed; the detail types are `TgXEvent['detail']`)
export { TgAuditExportEvent } from './events/tg-audit-export.js';
export { TgAuditVerifyEvent } from './events/tg-audit-verify.js';
export { TgConnectionStatusEvent } from './events/tg-connection-status.js';
export { TgElicitationEvent } from './events/tg-elicitation.js';
export { TgErrorEvent } from './events/tg-error.js';
export { TgManualSubmitEvent } from './events/tg-manual-submit.js';
export { TgMessageEvent } from './events/tg-message.js';
export { TgServerActionEvent } from './events/tg-server-action.js';
export { TgToolCallEvent } from './events/tg-tool-call.js';
export { TgToolRequestEvent } from './events/tg-tool-request.js';
export { TgTurnEndEvent } from './events/tg-turn-end.js';
export { TgTurnStartEvent } from './events/tg-turn-start.js';
