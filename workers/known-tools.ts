/**
 * The last tool list the page saw. A reconnect tells the page of a new list only when it differs
 * from this one, and a call cut off by a drop may be re-sent only for a tool this list marks
 * `idempotentHint: true` (the host decides whether re-sending is allowed at all).
 */
import { ErrorCode, TgError } from './shared/errors.js';
import type { OpenedSession } from './session-opener.js';
import type { Tool } from './shared/wire.js';

export class KnownTools {
  list?: Tool[];

  isIdempotent(name: string): boolean {
    return this.list?.find((tool) => tool.name === name)?.annotations?.idempotentHint === true;
  }

  /**
   * Lists the tools of a reconnected session: the new list if it changed, `undefined` if it did not
   * (or the page never listed them). A failed listing is a `problem`, not a failed reconnect — unless
   * the link dropped again, which fails this attempt.
   */
  async relist(next: OpenedSession, problem: (error: TgError) => void): Promise<Tool[] | undefined> {
    const before = this.list;
    if (!before) return undefined;
    const tools = await next.session.listTools().catch((cause: unknown) => {
      if (next.rpc.closed) throw cause;
      problem(new TgError(ErrorCode.PROTOCOL_ERROR, 'Re-listing tools after reconnecting failed', { cause }));
    });
    if (next.rpc.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'The link dropped again while reconnecting');
    return tools && JSON.stringify(tools) !== JSON.stringify(before) ? tools : undefined;
  }
}
