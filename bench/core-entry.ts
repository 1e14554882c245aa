/**
 * What the bench counts as the main-thread core (issue #9: element + gate + audit + agent): what a
 * page that shows `<tg-agent>` loads before first paint. Code behind dynamic imports (the audit
 * viewer, the manual form, Markdown, …) is measured separately, as lazy chunks.
 */
export { TgAgent } from '../src/elements/agent/tg-agent.js';
export { TgServer } from '../src/elements/server/tg-server.js';
export { Gate } from '../src/gate/gate.js';
export { AuditLog } from '../src/audit/audit-log.js';
export { Agent } from '../src/agent/agent.js';
export { McpConnection } from '../src/connections/connection.js';
