/**
 * The connection layer's wire types, as the elements see them. Elements reach them through
 * `src/connections/` only, never `workers/` (DESIGN.md "Dependency rules").
 */
export type {
  AuthorizeHandler,
  CallToolResult,
  ConnectionConfig,
  ConnectionStatus,
  ContentBlock,
  ElicitationHandler,
  ElicitationRequest,
  ElicitationResult,
  JsonObject,
  Progress,
  Tool,
  ToolAnnotations,
} from '../../connections/connection.js';
