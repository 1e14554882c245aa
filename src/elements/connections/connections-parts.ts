/** This element's parts, for a host element that re-exports them (`exportparts`), as `<tg-agent>` does. */
// Its own module so `<tg-agent>` can export them without loading the element (it loads that on first use).
export const CONNECTIONS_PARTS = [
  'empty', 'progress', 'call-error', 'add-form', 'url-input', 'url-error', 'transport-select', 'msgpack-toggle', 'add-button', 'consent', 'server-card',
  'status-badge', 'trust-badge', 'error', 'gate-error', 'rebound', 'rebind-button', 'connect-button', 'disconnect-button', 'sign-in-button',
  'sign-out-button', 'allow-button', 'remove-button', 'tool-list', 'tool', 'tool-button', 'pin-badge', 'claim-badge',
  'review-button', 'diff', 'reapprove-button', 'call-form', 'arguments', 'call-button', 'cancel-button', 'result', 'tool-search', 'expand-button',
].join(', ');
