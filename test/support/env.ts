/**
 * What the test runner's setup started, injected into every test page by web-test-runner.config.mjs:
 * the demo MCP server (with test hooks) on 127.0.0.1.
 */
export interface TestEnv {
  /** `ws://127.0.0.1:<port>/mcp` */
  wsUrl: string;
  /** `http://127.0.0.1:<port>/mcp` */
  httpUrl: string;
  /** `http://127.0.0.1:<port>` — base of the `/__test/*` control endpoints. */
  serverOrigin: string;
  /** The OTLP/HTTP receiver: a test's collector endpoint is `${otlpUrl}/t/<tag>/v1/logs`. */
  otlpUrl: string;
  /** Its control endpoints (`/__otlp/…`), on a port of their own (they stay up while the collector is down). */
  otlpControlUrl: string;
}

declare global {
  interface Window {
    __TG_TEST_ENV__?: TestEnv;
  }
}

export function testEnv(): TestEnv {
  const env = window.__TG_TEST_ENV__;
  if (!env) throw new Error('Test environment missing: run through web-test-runner.config.mjs');
  return env;
}

/** A WebSocket URL tagged so the server's test hooks can find this test's sockets. */
export function taggedWsUrl(tag: string): string {
  const url = new URL(testEnv().wsUrl);
  url.searchParams.set('tag', tag);
  return url.href;
}

/** The Streamable HTTP endpoint, tagged the same way (the tag marks the session it opens). */
export function taggedHttpUrl(tag: string): string {
  const url = new URL(testEnv().httpUrl);
  url.searchParams.set('tag', tag);
  return url.href;
}

export function uniqueTag(prefix = 't'): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** Calls a `/__test/*` control endpoint of the demo server. */
export async function control<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const response = await fetch(new URL(path, testEnv().serverOrigin), {
    method: init?.method ?? 'GET',
    ...(init?.body !== undefined && { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}
