/**
 * Paginated lists (server/utilities/pagination.mdx), shared by both eras: follow `nextCursor` until it
 * is absent; cursors are opaque (`""` is valid); no page size is assumed. A repeated cursor or an
 * endless list is refused, and duplicate or malformed entries are dropped and reported.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { Page } from './validate.js';

/** Stops a server that hands out cursors forever. */
export const MAX_LIST_PAGES = 1000;

export async function collectPages<T>(
  method: string,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  keyOf: (item: T) => string,
  onDropped: (reason: string) => void,
): Promise<T[]> {
  const items: T[] = [];
  const keys = new Set<string>();
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const result = await fetchPage(cursor);
    for (const reason of result.dropped) onDropped(reason);
    for (const item of result.items) {
      const key = keyOf(item);
      if (keys.has(key)) {
        onDropped(`duplicate entry ${key}`);
        continue;
      }
      keys.add(key);
      items.push(item);
    }
    if (result.nextCursor === undefined) return items;
    if (seenCursors.has(result.nextCursor)) {
      throw new TgError(ErrorCode.PROTOCOL_ERROR, `${method} repeated a cursor; the list would never end`);
    }
    seenCursors.add(result.nextCursor);
    cursor = result.nextCursor;
  }
  throw new TgError(ErrorCode.PROTOCOL_ERROR, `${method} had more than ${MAX_LIST_PAGES} pages`);
}
