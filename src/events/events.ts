/** Every event Toolgate's elements dispatch; one file per event. */
export * from './tg-connection-status.js';
export * from './tg-error.js';
export * from './tg-message.js';
export * from './tg-tool-call.js';
export * from './tg-turn-end.js';
export * from './tg-turn-start.js';
export * from './tg-tool-request.js';
