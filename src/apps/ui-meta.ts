/**
 * What MCP Apps (SEP-1865, `io.modelcontextprotocol/ui`, 2026-01-26) adds to tools and resources,
 * read defensively: everything here comes from an untrusted server.
 *
 * - A tool links its view with `_meta.ui.resourceUri` (`ui://…`; the deprecated flat
 *   `_meta["ui/resourceUri"]` is read too) and says who may call it with `_meta.ui.visibility`
 *   (default `["model", "app"]`). A malformed `visibility` makes the tool callable by nobody: a
 *   server that meant "app only" must never end up offering the tool to a model.
 * - A view resource (`resources/read` content) carries `_meta.ui` with `csp`, `permissions`,
 *   `domain` and `prefersBorder`.
 */
import type { JsonObject, Tool } from '../../workers/shared/wire.js';

import { VIEW_MIME_TYPE } from '../../workers/shared/apps.js';

export { UI_EXTENSION_ID, VIEW_MIME_TYPE } from '../../workers/shared/apps.js';
/** The bridge protocol version this host speaks. */
export const APPS_PROTOCOL_VERSION = '2026-01-26';

const MAX_URI_LENGTH = 2048;
const MAX_DOMAINS = 32;
const MAX_DOMAIN_LENGTH = 256;

export interface ToolUi {
  /** The view's `ui://` URI, when the tool has one. */
  resourceUri?: string;
  /** The model (and the person picking tools for it) may see and call the tool. */
  model: boolean;
  /** Views of the same server may call the tool. */
  app: boolean;
}

export interface ViewCsp {
  connectDomains: string[];
  resourceDomains: string[];
  frameDomains: string[];
  baseUriDomains: string[];
}

export const VIEW_PERMISSIONS = ['camera', 'microphone', 'geolocation', 'clipboardWrite'] as const;
export type ViewPermission = (typeof VIEW_PERMISSIONS)[number];

/** A view resource's `_meta.ui`, bounded and typed; unknown or malformed fields are dropped. */
export interface ViewMeta {
  csp: ViewCsp;
  permissions: ViewPermission[];
  domain?: string;
  prefersBorder?: boolean;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `ui://` URI of sane length, or undefined. */
export function uiUri(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('ui://') && value.length > 5 && value.length <= MAX_URI_LENGTH ? value : undefined;
}

/** The tool's view link and visibility (see the module doc). */
export function toolUi(tool: Pick<Tool, '_meta'>): ToolUi {
  const meta = isObject(tool._meta) ? tool._meta : {};
  const ui = isObject(meta['ui']) ? meta['ui'] : {};
  const resourceUri = uiUri(ui['resourceUri']) ?? uiUri(meta['ui/resourceUri']);
  const visibility = ui['visibility'];
  let model = true;
  let app = true;
  if (visibility !== undefined) {
    const list = Array.isArray(visibility) ? visibility : [];
    model = list.includes('model');
    app = list.includes('app');
  }
  return { ...(resourceUri && { resourceUri }), model, app };
}

function domainList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((d): d is string => typeof d === 'string' && d.length > 0 && d.length <= MAX_DOMAIN_LENGTH).slice(0, MAX_DOMAINS);
}

/** Reads a view content's `_meta.ui` (falling back to the listed resource's, as hosts do). */
export function viewMeta(...sources: unknown[]): ViewMeta {
  const ui = sources.map((m) => (isObject(m) && isObject(m['ui']) ? m['ui'] : undefined)).find((u) => u !== undefined) ?? {};
  const csp = isObject(ui['csp']) ? ui['csp'] : {};
  const permissions = isObject(ui['permissions']) ? ui['permissions'] : {};
  const out: ViewMeta = {
    csp: {
      connectDomains: domainList(csp['connectDomains']),
      resourceDomains: domainList(csp['resourceDomains']),
      frameDomains: domainList(csp['frameDomains']),
      baseUriDomains: domainList(csp['baseUriDomains']),
    },
    permissions: VIEW_PERMISSIONS.filter((p) => isObject(permissions[p])),
  };
  if (typeof ui['domain'] === 'string' && ui['domain'].length <= MAX_DOMAIN_LENGTH) out.domain = ui['domain'];
  if (typeof ui['prefersBorder'] === 'boolean') out.prefersBorder = ui['prefersBorder'];
  return out;
}
