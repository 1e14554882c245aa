/**
 * Toolgate's public API. Importing it defines `<tg-agent>` and `<tg-server>`.
 */

// Elements (importing defines them)
export { TgAgent } from './elements/agent/tg-agent.js';
export { TgServer } from './elements/server/tg-server.js';
export { TgConnections, type ConnectionsManager, type ServerRegistration, type ToolPanels } from './elements/connections/tg-connections.js';
export { checkServerUrl, type UrlCheck } from './elements/connections/server-url.js';
export { loadSavedServers, savedServersKey, type SavedServer } from './elements/connections/saved-servers.js';
export type { MarkdownOptions } from './markdown/render.js';
export { loadMarkdown, type MarkdownRenderer } from './markdown/load.js';
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
export {
  SERVER_ATTRIBUTES,
  declareServer,
  parseServerAttributes,
  serverKey,
  serverLabel,
  type AttributeSource,
  type ServerDeclaration,
  type ServerSpec,
} from './elements/server/server-config.js';

// Controllers and pure modules behind <tg-agent>, for hosts that build their own UI
export { ConnectionsController, type ConnectionsControllerOptions, type ServerState } from './elements/agent/connections.controller.js';
export { ToolCallController, type ToolCallControllerOptions, type ToolCallState } from './elements/agent/tool-call.controller.js';
export { argumentSkeleton, parseToolArguments } from './elements/agent/tool-arguments.js';
export { INLINE_IMAGE_TYPES, describeResult, type ResultPart, type ResultView } from './elements/agent/result-view.js';
export type { CodedError, ConnectionLike, ConnectionOpener } from './elements/agent/connection-types.js';

// Connections (one worker per server) and their types
export {
  McpConnection,
  createConnectionWorker,
  type CallOptions,
  type ConnectionEventMap,
  type OpenOptions,
  type WorkerFactory,
} from './connections/connection.js';
export type {
  CallToolResult,
  ContentBlock,
  ElicitationRequest,
  ElicitationResult,
  JsonObject,
  Progress,
  Tool,
  ToolAnnotations,
} from '../workers/shared/wire.js';
export type { ConnectionConfig } from '../workers/connection-api.js';
export type {
  ConnectionDiagnostics,
  ConnectionInfo,
  ConnectionStatus,
  ElicitationHandler,
  TransportKind,
} from '../workers/shared/connection-types.js';

// Errors: callers branch on `err.code`
export {
  ErrorCode,
  TgError,
  errorCode,
  invalidArgument,
  type ErrorCodeValue,
  type TgErrorOptions,
} from '../workers/shared/errors.js';
export { toCodedError } from './elements/agent/element-errors.js';

// Events
export * from './events/events.js';

// Audit log: hash-chained, signed, write-ahead records in IndexedDB, and its viewer
export * from './audit/index.js';
export { TgAuditLog } from './elements/audit-log/tg-audit-log.js';

// Agent loop and LLM providers
export { Agent, type AgentOptions, type AgentEventMap, type TurnSummary, type TurnEndReason } from './agent/agent.js';
export type { ConversationEntry, UserEntry, AssistantEntry, ToolCallEntry, ErrorEntry } from './agent/conversation.js';
export { OpenAiCompatibleProvider, type OpenAiCompatibleOptions } from './llm/openai-compatible.js';
export { AnthropicProvider, type AnthropicOptions } from './llm/anthropic.js';
export { HostFunctionProvider, type HostLlmFunction, type HostLlmResponse, type HostFunctionOptions } from './llm/host-function.js';
export { ManualProvider, isManualProvider } from './llm/manual-provider.js';
export {
  formFromSchema,
  initialValues,
  valuesToArguments,
  type ToolForm,
  type FormField,
  type FormValues,
  type FieldError,
} from './llm/manual.js';
export { DEFAULT_TOOL_RESULT_LIMIT } from './llm/content.js';
export type { LlmProvider, LlmRequest, LlmEvent, LlmMessage, LlmUsage, LlmStopReason, LlmToolChoice } from './llm/types.js';

// The gate: policy, approvals, pins, rate limits and data-flow rules for every tool call
export * from './gate/index.js';
export { TgApproval } from './elements/approval/tg-approval.js';
export { TgElicitation, TgElicitationEvent, type TgElicitationDetail, type PendingElicitation } from './elements/elicitation/tg-elicitation.js';

// <tg-agent>'s composition: providers as children, the manual form, the agent controller
export { TgProvider } from './elements/provider/tg-provider.js';
export { PROVIDER_ATTRIBUTES, parseProviderAttributes, type ProviderDeclaration, type ProviderKind } from './elements/provider/provider-config.js';
export { TgManualForm, TgManualSubmitEvent, type TgManualSubmitDetail } from './elements/manual-form/tg-manual-form.js';
export { ManualFormController, pointerOf, initialFieldValue, type Segments } from './elements/manual-form/manual-form.controller.js';
export { AgentController, type AgentConfig, type AgentControllerOptions, type AgentStatus } from './elements/agent/agent.controller.js';
export type { PanelCaller } from './elements/agent/tool-call.controller.js';

// OAuth: the page opens the popup; everything else (and every token) stays in the worker
export { authorizeInPopup, OAUTH_CHANNEL, OAUTH_MESSAGE_TYPE, type PopupOptions } from './connections/oauth-popup.js';
export type { AuthorizeHandler, OAuthOptions } from '../workers/shared/auth.js';
