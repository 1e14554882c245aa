/**
 * What `<tg-agent>` defines on first use, so its first paint loads none of it: the approval and
 * elicitation cards (with the first request that needs one), the manual form (in manual mode) and
 * the connections panel (`<tg-connections>`, rendered once its module is in).
 * A card whose module fails to load never leaves anyone waiting: its requests are refused — the
 * call with `TG_UI_LOAD_FAILED` (audited as the rule `approval-unavailable`), an elicitation
 * answered `cancel` — and the coded error shows where the cards go.
 */
import type { CodedError } from '../../runtime/coded-error.js';
import { LazyElements } from '../shared/lazy-elements.js';
import type { AgentController } from './agent.controller.js';
import type { ConversationView } from './conversation.template.js';

type Cards = Pick<ConversationView, 'approvals' | 'elicitations' | 'loadErrors'> & { connections: boolean };

export class LazyCards {
  readonly #lazy: LazyElements;
  readonly #agent: AgentController;

  constructor(host: { requestUpdate(): void }, agent: AgentController) {
    this.#lazy = new LazyElements(host);
    this.#agent = agent;
  }

  /** The cards the conversation shows now (those whose element is defined), and why any could not load. */
  render(conversation: Pick<ConversationView, 'approvals' | 'elicitations' | 'manual'>): Cards {
    const lazy = this.#lazy;
    const agent = this.#agent;
    if (conversation.manual) lazy.defined('tg-manual-form', () => import('../manual-form/tg-manual-form.js'));
    const connections = lazy.defined('tg-connections', () => import('../connections/tg-connections.js'));
    const approvals = lazy.shown(conversation.approvals, 'tg-approval', () => import('../approval/tg-approval.js'), () => {
      for (const request of agent.approvals) agent.gate?.approvals.unavailable(request.id);
    });
    const elicitations = lazy.shown(conversation.elicitations, 'tg-elicitation', () => import('../elicitation/tg-elicitation.js'), () => {
      for (const pending of agent.conversation.elicitations) pending.refused ? pending.dismiss() : pending.respond({ action: 'cancel' });
    });
    const loadErrors = ['tg-connections', 'tg-approval', 'tg-elicitation', ...(conversation.manual ? ['tg-manual-form'] : [])]
      .map((tag) => lazy.failure(tag))
      .filter((error): error is CodedError => error !== undefined);
    return { approvals, elicitations, loadErrors, connections };
  }

  /** Settles once every module asked for has loaded (or failed); undefined when none is loading. */
  settled(): Promise<unknown> | undefined {
    return this.#lazy.asked ? this.#lazy.settled() : undefined;
  }
}
