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
import { DEFAULT_PROBE_TIMEOUT_MS, type EraDecision } from './era-decision.js';
import {
  Method,
  MODERN_PROTOCOL_VERSIONS,
  RpcErrorCode,
  SUPPORTED_PROTOCOL_VERSIONS,
  type DiscoverResult,
  type Implementation,
  type JsonObject,
} from '../shared/wire.js';

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

