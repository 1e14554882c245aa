/**
 * Error codes of the gate. Refusals reach the caller as a `ToolCallOutcome` (never a rejection)
 * carrying one of these codes; policy and allow-list problems are thrown as `TgError`.
 * Callers branch on `code`.
 */
export const GateErrorCode = {
  /** A policy rule denied the call (`data.rule` names it), or the server is not allowed. */
  POLICY_DENIED: 'TG_POLICY_DENIED',
  /** The policy document is invalid; `data.problems` lists every problem as `{ path, message }`. */
  POLICY_INVALID: 'TG_POLICY_INVALID',
  /** The person (approval card) or the host (`tg-tool-request`) denied the call. */
  APPROVAL_DENIED: 'TG_APPROVAL_DENIED',
  /** Nobody answered the approval in time; the call was denied. */
  APPROVAL_TIMEOUT: 'TG_APPROVAL_TIMEOUT',
  /** No such tool for this proposer (unknown, or hidden by roles: the two are indistinguishable on purpose). */
  TOOL_UNKNOWN: 'TG_TOOL_UNKNOWN',
  /** Over a rate limit; `data.retryAfterMs` says when a token is back. */
  RATE_LIMITED: 'TG_RATE_LIMITED',
  /** The server is not on the allow-list and the person has not consented to it. */
  SERVER_NOT_ALLOWED: 'TG_SERVER_NOT_ALLOWED',
  /**
   * A `dataFlow` rule denied a call whose arguments carry data from another server's results or a
   * detected secret; `data.rule` names the rule, `data.dataFlow` says where the data came from.
   */
  DATA_FLOW_DENIED: 'TG_DATA_FLOW_DENIED',
  /** A signed allow-list failed verification (bad signature, wrong key, malformed, expired). */
  ALLOWLIST_INVALID: 'TG_ALLOWLIST_INVALID',
  /** The call was aborted by the caller (before or while it ran). */
  CANCELLED: 'TG_CANCELLED',
  /** The connection call failed without a code of its own. */
  CALL_FAILED: 'TG_CALL_FAILED',
  /** The policy or pins could not be read or written (IndexedDB). */
  STORAGE_FAILED: 'TG_STORAGE_FAILED',
} as const;

export type GateErrorCodeValue = (typeof GateErrorCode)[keyof typeof GateErrorCode];
