/**
 * Shared pieces of the page-side connection tests (test/connections/): connections closed after
 * each test, the text of a result, and the misbehaving server (test/support/servers/misbehaving.mjs).
 */
import type { McpConnection } from '../../src/connections/connection.js';
import type { ContentBlock } from '../../workers/shared/wire.js';
import { testEnv } from './env.js';

/**
 * The list a test file puts its connections in; an `afterEach` (registered here, so call this at the
 * top level of the file) closes them all.
 */
export function closedAfterEach(): McpConnection[] {
  const open: McpConnection[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  return open;
}

/** The text blocks of a result, one a line. */
export const textOf = (content: ContentBlock[]) => content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');

/** The misbehaving server's origin: each path a way of breaking the protocol. */
export const badOrigin = () => (testEnv() as unknown as { badOrigin: string }).badOrigin;

/** A URL on the misbehaving server with these search parameters (`tag` marks a test's requests). */
export function badUrl(path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, badOrigin());
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

/** What one of the misbehaving server's record endpoints (`/calls`, `/resumes`, …) kept for `tag`. */
export async function fromBad<T>(path: string, tag: string, extra: Record<string, string> = {}): Promise<T> {
  return (await (await fetch(badUrl(path, { tag, ...extra }))).json()) as T;
}
