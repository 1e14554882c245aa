/**
 * What a `<tg-server>` element declares, read from its attributes (so the agent works even before
 * `<tg-server>` is defined). No DOM: anything with `getAttribute` will do. The declaration itself
 * (`ServerSpec`, `declareServer`, `serverKey`) is the runtime's: src/runtime/server-spec.ts.
 */
import { ErrorCode } from '../../../workers/shared/errors.js';
import { declareServer, type ServerDeclaration, type ServerSpec } from '../../runtime/server-spec.js';

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
  return { spec, configError: { code: ErrorCode.INVALID_CONFIG, message: `Invalid <tg-server>: ${problems.join('; ')}` } };
}

/** The servers an element declares: its `servers` property while set, else its `<tg-server>` children. */
export function declaredServers(host: Element, servers: readonly ServerSpec[] | undefined): ServerDeclaration[] {
  // A defined <tg-server> reads properties a framework set before Lit reflected them (its `declaration`).
  const read = (element: Element): ServerDeclaration => ('declaration' in element ? (element as { declaration: ServerDeclaration }).declaration : parseServerAttributes(element));
  return servers ? servers.map((spec) => declareServer(spec)) : Array.from(host.querySelectorAll(':scope > tg-server'), read);
}
