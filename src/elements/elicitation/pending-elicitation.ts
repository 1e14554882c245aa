/**
 * One elicitation waiting for an answer, as `<tg-agent>` and `<tg-elicitation>` see it. The first
 * answer wins (the card, the host through `tg-elicitation`, or `cancel` when the server goes away).
 */
import type { ElicitationRequest, ElicitationResult } from '../../../workers/shared/wire.js';


export interface PendingElicitation {
  readonly id: number;
  /** The server's key in the connections controller, and the label it is shown with. */
  readonly serverKey: string;
  readonly serverName: string;
  /** Untrusted server text (message, titles): render as Lit text only. */
  readonly request: ElicitationRequest;
  /** Answers once; later calls are ignored. A rejected promise answers `cancel`. */
  respond(result: ElicitationResult | Promise<ElicitationResult>): void;
  readonly answered: boolean;
}

let nextId = 1;

/** A pending elicitation and the promise the connection's `onElicit` handler returns. */
export function createPendingElicitation(
  serverKey: string,
  serverName: string,
  request: ElicitationRequest,
  onSettled: (pending: PendingElicitation) => void,
): { pending: PendingElicitation; result: Promise<ElicitationResult> } {
  let settle!: (result: ElicitationResult) => void;
  const result = new Promise<ElicitationResult>((resolve) => (settle = resolve));
  let answered = false;
  const pending: PendingElicitation = {
    id: nextId++,
    serverKey,
    serverName,
    request,
    get answered() {
      return answered;
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
