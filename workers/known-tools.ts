/**
 * The last tool list the page saw. A reconnect tells the page of a new list only when it differs
 * from this one, and a call cut off by a drop may be re-sent only for a tool this list marks
 * `idempotentHint: true` (the host decides whether re-sending is allowed at all). It also holds the
 * first session's early listing until the page's first `listTools()` takes it.
 */
import { ErrorCode, TgError } from './shared/errors.js';
import type { EarlyListing, OpenedSession } from './session-opener.js';
import type { Tool } from './shared/wire.js';

export class KnownTools {
  list?: Tool[];
  /** The first session's early `tools/list` (session-opener.ts); dropped once superseded (a change, a reconnect). */
  early?: EarlyListing | undefined;

  /**
   * The page lists: the early listing if there is one and it succeeded (its problems reported now,
   * when the page listens), else `ask()` — a failed early listing is not the answer, the page's own
   * request says what is wrong.
   */
  async take(ask: () => Promise<Tool[]>, problem: (error: TgError) => void): Promise<Tool[]> {
    const early = this.early;
    this.early = undefined;
    const listed = await early?.tools.catch(() => undefined);
    if (early && listed) early.problems.forEach(problem);
    return (this.list = early && listed ? listed : await ask());
  }

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
