/** Every event Toolgate's elements dispatch; one file per event, each made with `tgEvent` (define.ts). */
export * from './tg-app-context.js';
export * from './tg-app-message.js';
export * from './tg-app-teardown.js';
export * from './tg-audit-export.js';
export * from './tg-audit-verify.js';
export * from './tg-connection-status.js';
export * from './tg-elicitation.js';
export * from './tg-error.js';
export * from './tg-manual-submit.js';
export * from './tg-message.js';
export * from './tg-server-action.js';
export * from './tg-tool-call.js';
export * from './tg-tool-request.js';
export * from './tg-turn-end.js';
export * from './tg-turn-start.js';
