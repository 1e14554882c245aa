/**
 * What a server is declared with: a connection config plus an optional label, whether the
 * declaration is usable, and a key for "does the open connection still fit this declaration".
 * Pure, no DOM (`<tg-server>` attributes are read in src/elements/server/server-config.ts).
 */
import type { ConnectionConfig } from '../../workers/connection-api.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { CodedError } from './coded-error.js';

/** One server: a connection config plus an optional label. */
export interface ServerSpec extends ConnectionConfig {
  /** Shown instead of the URL, and the base of the server's id (see `server-ids.ts`). */
  name?: string;
}

/** A server as declared, with the reason it cannot be opened when its declaration is invalid. */
export interface ServerDeclaration {
  spec: ServerSpec;
  configError?: CodedError;
  /** The person agreed to use it although the policy's allow-list does not name it. */
  consented?: boolean;
  /** Who listed it: the host (markup, `servers`; the default) or the person (added in the page). */
  origin?: 'host' | 'person';
}

/** Checks one entry of a `servers` list; the connection worker checks the rest (URL scheme, ranges). */
export function declareServer(spec: ServerSpec): ServerDeclaration {
  if (typeof spec !== 'object' || spec === null || typeof spec.url !== 'string' || spec.url.trim() === '') {
    const url = typeof (spec as { url?: unknown } | null)?.url === 'string' ? (spec as ServerSpec).url : '';
    return { spec: { url }, configError: { code: ErrorCode.INVALID_CONFIG, message: 'Each entry of servers needs a url string' } };
  }
  return { spec: { ...spec } };
}

/**
 * What a connection depends on: equal keys mean the open connection can stay. The `name` label
 * is left out on purpose, so renaming a server does not reconnect it.
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
export function serverLabel(spec: Pick<ServerSpec, 'url' | 'name'>): string {
  return spec.name || spec.url || '(no url)';
}
