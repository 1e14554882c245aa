/**
 * Everything that happens before a view may run, in order, DOM-free: a sandbox on another host is
 * configured → the view is read (`resources/read`) and checked → its CSP domains are checked
 * against the spec's rules and the host's list (the accepted and refused ones are audited, as the
 * spec asks hosts to log CSP configurations) → its permissions are kept only where the host grants
 * them → its hash is checked against the pin (a changed view is quarantined). Only a `ready` view
 * is ever handed to a frame.
 */
import { ErrorCode, errorCode } from '../../workers/shared/errors.js';
import type { AuditInput } from '../audit/record.js';
import { checkCsp, type DomainPolicy, type RefusedDomain } from './csp.js';
import type { SandboxTarget } from './sandbox-origin.js';
import type { ViewCsp, ViewPermission } from './ui-meta.js';
import { loadView, type ViewReader, type ViewResource } from './view-resource.js';
import type { ViewFacts, ViewPins } from './view-pins.js';
import type { ViewIdentity } from './view-requests.js';

export interface PrepareInput {
  sandbox: SandboxTarget;
  identity: ViewIdentity;
  reader: ViewReader;
  pins: ViewPins;
  audit: { append(input: AuditInput): Promise<unknown> };
  /** The host's limit on the domains views may declare. */
  domains?: DomainPolicy;
  /** Permission-policy features the host allows views to have (default none). */
  grantable?: readonly ViewPermission[];
  maxBytes?: number;
}

export interface ReadyView {
  state: 'ready';
  sandbox: { origin: string; url: string };
  view: ViewResource;
  csp: ViewCsp;
  refused: RefusedDomain[];
  permissions: ViewPermission[];
  facts: ViewFacts;
}

export type PreparedView =
  | ReadyView
  | { state: 'quarantined'; ready: ReadyView; code: typeof ErrorCode.APP_VIEW_QUARANTINED; message: string }
  | { state: 'unavailable'; code: string; message: string };

export async function prepareView(input: PrepareInput): Promise<PreparedView> {
  const { identity } = input;
  if (!input.sandbox.ok) return { state: 'unavailable', code: input.sandbox.code, message: input.sandbox.reason };
  let view: ViewResource;
  try {
    view = await loadView(input.reader, identity.resourceUri, input.maxBytes === undefined ? {} : { maxBytes: input.maxBytes });
  } catch (err) {
    const code = errorCode(err) ?? ErrorCode.APP_VIEW_INVALID;
    const message = err instanceof Error ? err.message : String(err);
    await input.audit.append({ kind: 'error', server: { url: identity.serverUrl, id: identity.serverId }, tool: { name: identity.tool.name }, error: { code, message }, detail: { view: identity.resourceUri } }).catch(() => {});
    return { state: 'unavailable', code, message };
  }
  const { csp, refused } = checkCsp(view.meta.csp, input.domains);
  const grantable = input.grantable ?? [];
  const permissions = view.meta.permissions.filter((p) => grantable.includes(p));
  const facts: ViewFacts = {
    serverUrl: identity.serverUrl,
    serverId: identity.serverId,
    toolName: identity.tool.name,
    uri: view.uri,
    hash: view.hash,
    size: view.size,
    csp: view.meta.csp,
    permissions: view.meta.permissions,
  };
  const ready: ReadyView = { state: 'ready', sandbox: { origin: input.sandbox.origin, url: input.sandbox.url }, view, csp, refused, permissions, facts };
  const pin = await input.pins.check(facts);
  if (pin === 'quarantined') {
    return { state: 'quarantined', ready, code: ErrorCode.APP_VIEW_QUARANTINED, message: 'This view changed since it was accepted (its HTML or its security settings). It runs again only after you review and allow it.' };
  }
  return ready;
}
