/**
 * What the worker knows of an HTTP server's era without asking it: a pinned version's decision, and
 * what an earlier probe learnt for the origin (kept for the worker's lifetime). Apart from era.ts, so
 * a WebSocket connection, or an HTTP one whose era is known, never loads the probe and the 2026 client.
 */
import { eraOfVersion, type DiscoverResult, type ProtocolEra } from '../shared/wire.js';

export type EraDecision =
  | { era: 'modern'; version: string; discover?: DiscoverResult }
  /** `transport: 'sse'`: the 2024-11-05 HTTP+SSE transport instead of Streamable HTTP. */
  | { era: 'legacy'; reason: string; version?: string; transport?: 'sse' };

/**
 * The version of the HTTP+SSE transport (2024-11-05). This client speaks it only over that transport,
 * where a server that old will answer `initialize` with it.
 */
export const HTTP_SSE_VERSION = '2024-11-05';

/** A legacy server may never answer an unknown method; don't wait long for one. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** What was learnt about an origin; `transport: 'sse'` when only HTTP+SSE worked there. */
export interface RememberedEra {
  era: ProtocolEra;
  version: string;
  transport?: 'sse';
}

const eraByOrigin = new Map<string, RememberedEra>();

/** The remembered era of an origin (spec: cache per origin, re-probe if the assumption fails). */
export function rememberedEra(url: string): RememberedEra | undefined {
  return eraByOrigin.get(new URL(url).origin);
}

export function rememberEra(url: string, era: ProtocolEra, version: string, transport?: 'sse'): void {
  eraByOrigin.set(new URL(url).origin, transport ? { era, version, transport } : { era, version });
}

export function forgetEra(url: string): void {
  eraByOrigin.delete(new URL(url).origin);
}

/** The decision a configured version implies, without probing. */
export function decisionForVersion(version: string): EraDecision | undefined {
  if (version === HTTP_SSE_VERSION) return { era: 'legacy', reason: 'configured', version, transport: 'sse' };
  const era = eraOfVersion(version);
  if (era === 'modern') return { era, version };
  if (era === 'legacy') return { era, reason: 'configured', version };
  return undefined;
}
