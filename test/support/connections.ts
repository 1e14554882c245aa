/**
 * Shared pieces of the page-side connection tests (test/connections/): the text of a result,
 * progress from the demo server, and the misbehaving server (test/support/servers/misbehaving.mjs).
 */
import { expect } from '@esm-bundle/chai';
import type { McpConnection } from '../../src/connections/connection.js';
import type { ContentBlock, Progress } from '../../workers/shared/wire.js';
import { testEnv } from './env.js';

/** The text blocks of a result, one a line. */
export const textOf = (content: ContentBlock[]) => content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');

/** Has the demo server's `count_slowly` count to 3 (its result says so); the progress it reported, in order. */
export async function countToThree(connection: McpConnection): Promise<Progress[]> {
  const seen: Progress[] = [];
  const result = await connection.callTool('count_slowly', { count: 3, delayMs: 10 }, { onProgress: (p) => seen.push(p) });
  expect(textOf(result.content)).to.contain('3');
  return seen;
}

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
