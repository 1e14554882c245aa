/**
 * Which era an HTTP server speaks (basic/versioning.mdx §Backward Compatibility; streamable-http.mdx
 * §Backward Compatibility; checklist §2 fallback). The client POSTs a modern `server/discover` first:
 * a result, or a modern error (-32022, -32021, -32020, or -32601 with 404), means modern; anything
 * else — another error, an HTTP error without a modern body, a network/CORS failure, silence — means
 * legacy, and the caller falls back to `initialize`. The answer is a property of the server, so it
 * is remembered per origin for the worker's lifetime.
 */
import { ErrorCode, TgError, isAuthError } from '../shared/errors.js';
import { postRequest, type Exchange } from '../transports/stateless-http.js';
import { busyDelay } from './busy.js';
import { pickModernVersion, requestMeta } from './modern-client.js';
import { parseDiscoverResult } from './validate.js';
import {
  eraOfVersion,
  Method,
  MODERN_PROTOCOL_VERSIONS,
  RpcErrorCode,
  SUPPORTED_PROTOCOL_VERSIONS,
  type DiscoverResult,
  type Implementation,
  type JsonObject,
  type ProtocolEra,
} from '../shared/wire.js';

export type EraDecision =
  | { era: 'modern'; version: string; discover?: DiscoverResult }
  /** `transport: 'sse'`: the 2024-11-05 HTTP+SSE transport instead of Streamable HTTP. */
  | { era: 'legacy'; reason: string; version?: string; transport?: 'sse' };

/**
 * The version of the HTTP+SSE transport (2024-11-05). This client speaks it only over that transport,
 * where a server that old will answer `initialize` with it.
 */
export const HTTP_SSE_VERSION = '2024-11-05';

/** How one probe answer reads: a result, a modern error, or a sign of a legacy server. */
export type ProbeReading =
  | { kind: 'result'; result: JsonObject }
  | { kind: 'modern-error'; code: number; data?: unknown }
  | { kind: 'legacy'; reason: string };

/** The errors only a 2026-07-28 server sends: any of them means the probe reached a modern server. */
const MODERN_ERROR_CODES: ReadonlySet<number> = new Set([
  RpcErrorCode.HEADER_MISMATCH,
  RpcErrorCode.MISSING_REQUIRED_CLIENT_CAPABILITY,
  RpcErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
]);

/** A legacy server may never answer an unknown method; don't wait long for one. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

export function readProbe(exchange: Exchange): ProbeReading {
  const answer = exchange.answer as { result?: unknown; error?: { code?: unknown; data?: unknown } } | undefined;
  if (answer?.result !== undefined && typeof answer.result === 'object' && answer.result !== null && exchange.status < 300) {
    return { kind: 'result', result: answer.result as JsonObject };
  }
  const code = answer?.error?.code;
  if (typeof code === 'number') {
    if (MODERN_ERROR_CODES.has(code)) return { kind: 'modern-error', code, data: answer?.error?.data };
    // Every modern server implements server/discover; a modern 404 + -32601 is "method not found" on a modern endpoint.
    if (code === RpcErrorCode.METHOD_NOT_FOUND && exchange.status === 404) return { kind: 'modern-error', code };
    return { kind: 'legacy', reason: `HTTP ${exchange.status} with JSON-RPC error ${code}` };
  }
  if (exchange.interrupted) return { kind: 'legacy', reason: `HTTP ${exchange.status}: the stream ended without an answer` };
  return { kind: 'legacy', reason: `HTTP ${exchange.status} without a modern answer` };
}

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

export interface DetectOptions {
  url: string;
  fetch?: typeof fetch;
  clientInfo: Implementation;
  capabilities: JsonObject;
  /** First modern version to try (default: the newest). */
  preferredVersion?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * Probes once, or twice when the first answer is -32022 naming a version we speak. Throws
 * `TG_UNSUPPORTED_PROTOCOL_VERSION` when the server names only versions this client does not speak.
 */
export async function detectEra(options: DetectOptions): Promise<EraDecision> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let version = options.preferredVersion ?? MODERN_PROTOCOL_VERSIONS[0];
  for (let attempt = 1; attempt <= 2; attempt++) {
    let exchange: Exchange;
    const probe = () =>
      postRequest({
        url: options.url,
        fetch: doFetch,
        request: {
          jsonrpc: '2.0',
          id: `discover-${attempt}`,
          method: Method.SERVER_DISCOVER,
          params: { _meta: requestMeta(version, options.clientInfo, options.capabilities) },
        },
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS),
        classifyFailure: false, // any failure means "try legacy"; the legacy attempt classifies it
        ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }),
      });
    try {
      // A busy server (503/429) is asked again after its Retry-After: its answer says nothing of its era.
      exchange = await probe();
      for (let retry = 1; ; retry++) {
        const wait = exchange.answer === undefined ? busyDelay(exchange.status, exchange.retryAfterMs, retry) : undefined;
        if (wait === undefined) break;
        await new Promise((resolve) => setTimeout(resolve, wait));
        exchange = await probe();
      }
    } catch (cause) {
      // OAuth failed (the probe is the first request, so it runs the authorization): that is the answer,
      // and a legacy attempt would only ask the person to sign in a second time.
      if (isAuthError(cause)) throw cause;
      // A legacy server's CORS policy may not allow the modern headers: the browser blocks the probe
      // but would let `initialize` through. The legacy attempt surfaces the real error if there is one.
      return { era: 'legacy', reason: `the modern probe failed: ${cause instanceof Error ? cause.message : String(cause)}` };
    }
    const reading = readProbe(exchange);
    if (reading.kind === 'legacy') return { era: 'legacy', reason: reading.reason };
    if (reading.kind === 'result') return fromDiscover(reading.result, version);
    if (reading.code !== RpcErrorCode.UNSUPPORTED_PROTOCOL_VERSION) return { era: 'modern', version };
    const modern = pickModernVersion(reading.data);
    if (modern === undefined) {
      const supported = (reading.data as { supported?: unknown } | undefined)?.supported;
      const legacy = Array.isArray(supported)
        ? SUPPORTED_PROTOCOL_VERSIONS.find((v) => supported.includes(v))
        : undefined;
      if (legacy !== undefined) return { era: 'legacy', reason: 'the server supports only legacy versions', version: legacy };
      throw new TgError(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION, 'The server supports no protocol version this client speaks', {
        data: { offered: version, supported, speaks: [...MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS] },
      });
    }
    version = modern;
  }
  return { era: 'modern', version };
}

/**
 * A 2xx result alone proves little: some legacy servers answer any method generically. Only a real
 * DiscoverResult naming a version we speak makes the server modern.
 */
function fromDiscover(result: JsonObject, probed: string): EraDecision {
  let discover: DiscoverResult;
  try {
    discover = parseDiscoverResult(result);
  } catch (cause) {
    return { era: 'legacy', reason: `server/discover answered without a DiscoverResult (${cause instanceof Error ? cause.message : String(cause)})` };
  }
  const supported = discover.supportedVersions;
  const version = supported.includes(probed) ? probed : pickModernVersion({ supported });
  if (version !== undefined) return { era: 'modern', version, discover };
  const legacy = SUPPORTED_PROTOCOL_VERSIONS.find((v) => supported.includes(v));
  if (legacy !== undefined) return { era: 'legacy', reason: 'server/discover lists only legacy versions', version: legacy };
  throw new TgError(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION, 'The server supports no protocol version this client speaks', {
    data: { offered: probed, supported, speaks: [...MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS] },
  });
}

/** The decision a configured version implies, without probing. */
export function decisionForVersion(version: string): EraDecision | undefined {
  if (version === HTTP_SSE_VERSION) return { era: 'legacy', reason: 'configured', version, transport: 'sse' };
  const era = eraOfVersion(version);
  if (era === 'modern') return { era, version };
  if (era === 'legacy') return { era, reason: 'configured', version };
  return undefined;
}
