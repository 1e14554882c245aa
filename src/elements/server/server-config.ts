/**
 * Server configurations: what a `<tg-server>` element declares (read from its attributes, so the
 * agent works even before `<tg-server>` is defined), and a stable key to tell a changed server
 * from an unchanged one. No DOM: anything with `getAttribute` will do.
 */
import { TgError, ErrorCode } from '../../../workers/shared/errors.js';
import type { CodedError } from '../agent/connection-types.js';
import type { ConnectionConfig } from '../../../workers/connection-api.js';


/** One server for `<tg-agent>`: a connection config plus an optional label. */
export interface ServerSpec extends ConnectionConfig {
  /** Shown instead of the URL. */
  name?: string;
}

/** A server as declared, with the reason it cannot be opened when its declaration is invalid. */
export interface ServerDeclaration {
  spec: ServerSpec;
  configError?: CodedError;
}

/** The attributes of `<tg-server>` that make up its configuration. */
export const SERVER_ATTRIBUTES = ['url', 'transport', 'msgpack', 'name', 'max-frame-bytes', 'request-timeout-ms'] as const;

export interface AttributeSource {
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
}

/**
 * Reads one `<tg-server>`'s attributes. Never throws: a bad value becomes `configError`
 * (`TG_INVALID_CONFIG`) naming the attribute, so one bad server does not hide the others.
 */
export function parseServerAttributes(source: AttributeSource): ServerDeclaration {
  const spec: ServerSpec = { url: (source.getAttribute('url') ?? '').trim() };
  const problems: string[] = [];
  if (!spec.url) problems.push('url is missing');
  const transport = source.getAttribute('transport');
  if (transport === 'auto' || transport === 'websocket' || transport === 'http' || transport === 'sse') spec.transport = transport;
  else if (transport !== null && transport !== '') problems.push(`transport "${transport}" is not supported (use auto, websocket, http or sse)`);
  if (source.hasAttribute('msgpack')) spec.msgpack = true;
  const name = source.getAttribute('name');
  if (name !== null && name.trim() !== '') spec.name = name.trim();
  for (const [attribute, key] of [
    ['max-frame-bytes', 'maxFrameBytes'],
    ['request-timeout-ms', 'requestTimeoutMs'],
  ] as const) {
    const raw = source.getAttribute(attribute);
    if (raw === null || raw.trim() === '') continue;
    const value = Number(raw);
    if (Number.isSafeInteger(value) && value > 0) spec[key] = value;
    else problems.push(`${attribute} must be a positive integer (got "${raw}")`);
  }
  if (problems.length === 0) return { spec };
  const error = new TgError(ErrorCode.INVALID_CONFIG, `Invalid <tg-server>: ${problems.join('; ')}`);
  return { spec, configError: { code: error.code, message: error.message } };
}

/** Checks one entry of the `servers` property; the connection worker checks the rest (URL scheme, ranges). */
export function declareServer(spec: ServerSpec): ServerDeclaration {
  if (typeof spec !== 'object' || spec === null || typeof spec.url !== 'string' || spec.url.trim() === '') {
    const url = typeof (spec as { url?: unknown } | null)?.url === 'string' ? (spec as ServerSpec).url : '';
    return {
      spec: { url },
      configError: { code: ErrorCode.INVALID_CONFIG, message: 'Each entry of servers needs a url string' },
    };
  }
  return { spec: { ...spec } };
}

/**
 * Identifies what a connection depends on: equal keys mean the open connection can stay.
 * The `name` label is left out on purpose, so renaming a server does not reconnect it.
 */
export function serverKey(declaration: ServerDeclaration): string {
  const { spec, configError } = declaration;
  return JSON.stringify([
    spec.url,
    spec.transport ?? 'auto',
    spec.msgpack === true,
    spec.maxFrameBytes ?? null,
    spec.requestTimeoutMs ?? null,
    spec.allowInsecure === true,
    spec.clientInfo ?? null,
    configError?.message ?? null,
  ]);
}

/** The label a server is shown with: its name, else its URL. */
export function serverLabel(spec: ServerSpec): string {
  return spec.name || spec.url || '(no url)';
}
