/**
 * Shared pieces of the `<tg-agent>` element tests: a fresh tenant (so a fresh database) per fixture,
 * removed with the fixtures after each test, and shadow-root lookups.
 */
import { fixtureCleanup } from '@open-wc/testing';
import type { TgAgent } from '../../src/elements/agent/tg-agent.js';
import type { Policy } from '../../src/gate/policy.js';
import { deleteToolgateDb, toolgateDbName } from '../../src/storage/db.js';

/** Generous: the whole suite runs many workers in two browsers at once. */
export const WAIT = { timeout: 15000 };

/** The demo server (any port on loopback) is trusted: its read-only tools run without a card. */
export const TRUST_DEMO: Policy = { version: 1, servers: [{ url: 'ws://127.0.0.1:*', trusted: true }] };

const tenants: string[] = [];

export function tenant(): string {
  const t = `test-${crypto.randomUUID()}`;
  tenants.push(t);
  return t;
}

/** For `afterEach`: removes the fixtures (closing their connections) and the tenants' databases. */
export async function cleanupAgents(): Promise<void> {
  fixtureCleanup();
  for (const t of tenants.splice(0)) await deleteToolgateDb(toolgateDbName(t));
}

export function root(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error('no shadow root');
  return el.shadowRoot;
}

export const chips = (el: TgAgent) => [...root(el).querySelectorAll<HTMLElement>('[part~="tool-chip"]')];
