/** Error codes and helpers for the page side; the connection layer's codes are defined with the worker. */
export { ErrorCode, TgError, errorCode, invalidArgument, type ErrorCodeValue, type TgErrorOptions } from '../workers/shared/errors.js';
