/**
 * One elicitation waiting for an answer, as the runtime and `<tg-elicitation>` see it. The first
 * answer wins (the card, the host through `tg-elicitation`, or `cancel` when the server goes away).
 */
import type { ElicitationRequest, ElicitationResult } from '../../workers/shared/wire.js';

export interface PendingElicitation {
  readonly id: number;
  /** The server's id, and the label it is shown with. */
  readonly serverId: string;
  readonly serverName: string;
  /** Untrusted server text (message, titles): render as Lit text only. */
  readonly request: ElicitationRequest;
  /** Answers once; later calls are ignored. A rejected promise answers `cancel`. */
  respond(result: ElicitationResult | Promise<ElicitationResult>): void;
  readonly answered: boolean;
  /**
   * The form asked for a password, secret, token, card number or one-time code and the policy
   * refuses that (the default): the server was answered `decline` at once, and the card only
   * explains why until the person dismisses it.
   */
  readonly refused: boolean;
  /** Takes a refused request's card away (for others the answer does). */
  dismiss(): void;
}

/** Whether the policy refuses a form that asks for sensitive fields (`refuse` is the default). */
export function refusesSensitive(request: ElicitationRequest, policy: 'refuse' | 'allow' | undefined): boolean {
  return request.mode === 'form' && (request.sensitive?.length ?? 0) > 0 && policy !== 'allow';
}

let nextId = 1;

/** A pending elicitation and the promise the connection's `onElicit` handler returns. */
export function createPendingElicitation(
  serverId: string,
  serverName: string,
  request: ElicitationRequest,
  onSettled: (pending: PendingElicitation) => void,
  options: { refused?: boolean; onDismiss?: (pending: PendingElicitation) => void } = {},
): { pending: PendingElicitation; result: Promise<ElicitationResult> } {
  let settle!: (result: ElicitationResult) => void;
  const result = new Promise<ElicitationResult>((resolve) => (settle = resolve));
  let answered = false;
  const pending: PendingElicitation = {
    id: nextId++,
    serverId,
    serverName,
    request,
    refused: options.refused === true,
    get answered() {
      return answered;
    },
    dismiss() {
      options.onDismiss?.(pending);
    },
    respond(answer) {
      if (answered) return;
      answered = true;
      onSettled(pending);
      void Promise.resolve(answer)
        .catch((): ElicitationResult => ({ action: 'cancel' }))
        .then(settle);
    },
  };
  return { pending, result };
}
