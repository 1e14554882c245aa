/**
 * The checks a `ConnectionConfig` passes before anything is opened, and the settings they leave:
 * a URL the worker may talk to (plaintext only to loopback hosts, whose traffic never leaves the
 * machine), the transport, a pinned protocol version's era, the reconnect policy, bounded numbers.
 * Every refusal is `TG_INVALID_CONFIG` (or a `TypeError` for a value of the wrong type).
 */
import { ErrorCode, TgError, invalidArgument } from './shared/errors.js';
import { isLoopback } from './shared/hosts.js';
import { HTTP_SSE_VERSION, decisionForVersion, type EraDecision } from './protocol/era-decision.js';
import { reconnectPolicy, type ReconnectPolicy } from './reconnect.js';
import { DEFAULT_MAX_FRAME_BYTES } from './transports/transport.js';
import { MODERN_PROTOCOL_VERSIONS, SUPPORTED_PROTOCOL_VERSIONS, type Implementation } from './shared/wire.js';
import type { ConnectionConfig } from './connection-api.js';
import type { OAuthOptions } from './shared/auth.js';

export const DEFAULT_CLIENT_INFO: Implementation = { name: 'toolgate', version: '0.1.0' };
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** The transport a connection uses (`auto` resolved): also the `transport` of its `ConnectionInfo`. */
export type TransportChoice = 'websocket' | 'http' | 'sse';

/** A config that passed the checks, with its defaults filled in. */
export interface Settings {
  readonly url: string;
  readonly transport: TransportChoice;
  /** `transport: 'http'` was asked for explicitly: no fallback to HTTP+SSE. */
  readonly httpOnly: boolean;
  /** The era of a pinned `protocolVersion`; undefined means detect. */
  readonly pinned?: EraDecision;
  /** Undefined: fail at the first drop. */
  readonly reconnect?: ReconnectPolicy;
  readonly clientInfo: Implementation;
  readonly maxFrameBytes: number;
  readonly requestTimeoutMs?: number;
  readonly msgpack: boolean;
  readonly persistEra: boolean;
  readonly retryIdempotentTools: boolean;
  /** Advertise the MCP Apps extension (the page renders views). */
  readonly apps: boolean;
  readonly oauth?: OAuthOptions;
}

export function checkConfig(config: ConnectionConfig): Settings {
  if (typeof config !== 'object' || config === null) throw invalidArgument('config', 'an object');
  if (typeof config.url !== 'string') throw invalidArgument('config.url', 'a string');
  let url: URL;
  try {
    url = new URL(config.url);
  } catch (cause) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Not a valid URL: ${config.url}`, { cause });
  }
  if (!['wss:', 'ws:', 'https:', 'http:'].includes(url.protocol)) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `An MCP server URL must start with wss:// or https:// (got ${url.protocol})`);
  }
  const plaintext = url.protocol === 'ws:' || url.protocol === 'http:';
  if (plaintext && !isLoopback(url.hostname) && !config.allowInsecure) {
    throw new TgError(
      ErrorCode.INVALID_CONFIG,
      `Plaintext ${url.protocol}// is only allowed to loopback hosts; use ${url.protocol === 'ws:' ? 'wss' : 'https'}:// for ${url.host}`,
    );
  }
  for (const key of ['maxFrameBytes', 'requestTimeoutMs'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0 && value <= MAX_TIMEOUT_MS * 10)) {
      throw new TgError(ErrorCode.INVALID_CONFIG, `${key} must be a positive integer (got ${String(value)})`);
    }
  }
  const transport = transportFor(config, url);
  const pinned = pinnedVersion(config, transport);
  const policy = reconnectPolicy(config.reconnect);
  return {
    url: config.url,
    transport,
    httpOnly: config.transport === 'http',
    ...(pinned && { pinned }),
    ...(policy && { reconnect: policy }),
    clientInfo: config.clientInfo ?? DEFAULT_CLIENT_INFO,
    maxFrameBytes: config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    ...(config.requestTimeoutMs !== undefined && { requestTimeoutMs: config.requestTimeoutMs }),
    msgpack: config.msgpack === true,
    persistEra: config.persistEra === true,
    retryIdempotentTools: config.retryIdempotentTools === true,
    apps: config.apps === true,
    ...(config.oauth !== undefined && { oauth: config.oauth }),
  };
}

/** Which transport a config asks for: explicit, or by URL scheme (`http` also means "HTTP+SSE if need be" under auto). */
function transportFor(config: ConnectionConfig, url: URL): TransportChoice {
  const byScheme = url.protocol === 'ws:' || url.protocol === 'wss:' ? 'websocket' : 'http';
  const kind = config.transport ?? 'auto';
  if (kind !== 'auto' && kind !== 'websocket' && kind !== 'http' && kind !== 'sse') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Unknown transport ${String(kind)} (use auto, websocket, http or sse)`);
  }
  if (kind !== 'auto' && (kind === 'sse' ? 'http' : kind) !== byScheme) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Transport ${kind} does not match the URL scheme ${url.protocol}`);
  }
  return kind === 'sse' ? 'sse' : byScheme;
}

function pinnedVersion(config: ConnectionConfig, kind: TransportChoice): EraDecision | undefined {
  if (config.protocolVersion === undefined) return undefined;
  const decision = typeof config.protocolVersion === 'string' ? decisionForVersion(config.protocolVersion) : undefined;
  if (!decision) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Unknown protocol version ${String(config.protocolVersion)}`, {
      data: { speaks: [...MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS] },
    });
  }
  if (kind === 'websocket' && decision.era === 'modern') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `WebSocket speaks only legacy versions (${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
  }
  if (kind === 'sse' && decision.era === 'modern') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `HTTP+SSE speaks only legacy versions (${[...SUPPORTED_PROTOCOL_VERSIONS, HTTP_SSE_VERSION].join(', ')})`);
  }
  if (decision.version === HTTP_SSE_VERSION && (kind === 'websocket' || config.transport === 'http')) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Protocol version ${HTTP_SSE_VERSION} is spoken only over HTTP+SSE`);
  }
  return decision;
}
