/**
 * Fetching a tool's view: `resources/read` of its `ui://` URI, checked and decoded. The HTML and
 * its security metadata are hashed together, so a view is pinned like a tool definition: a change
 * to the HTML, the CSP domains, the permissions or the domain gives another hash.
 */
import canonicalize from 'canonicalize';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import { sha256Hex } from '../audit/sha256.js';
import type { ReadResourceResult } from '../../workers/shared/wire.js';
import { VIEW_MIME_TYPE, uiUri, viewMeta, type ViewMeta } from './ui-meta.js';

/** Largest view accepted, in bytes of HTML (the default frame limit of a connection). */
export const MAX_VIEW_BYTES = 4 * 1024 * 1024;

export interface ViewResource {
  uri: string;
  html: string;
  meta: ViewMeta;
  /** SHA-256 (hex) of the canonical JSON of `{ uri, html, csp, permissions, domain }`. */
  hash: string;
  /** Bytes of HTML (UTF-8). */
  size: number;
}

/** What loading a view needs of a connection (`McpConnection` fits). */
export interface ViewReader {
  readResource(uri: string): Promise<ReadResourceResult>;
}

const invalid = (message: string, data?: unknown) => new TgError(ErrorCode.APP_VIEW_INVALID, message, data === undefined ? {} : { data });
const normalMime = (m: unknown) => (typeof m === 'string' ? m.replace(/\s+/g, '').toLowerCase() : '');

/** The hash a view is pinned by. */
export function viewHash(uri: string, html: string, meta: ViewMeta): string {
  const pinned = { uri, html, csp: meta.csp, permissions: meta.permissions, domain: meta.domain ?? null };
  return sha256Hex(canonicalize(pinned) ?? 'null');
}

function decodeBase64Utf8(blob: string, uri: string): string {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(blob), (c) => c.charCodeAt(0));
  } catch {
    throw invalid(`The view ${uri} is not valid base64.`, { uri });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(`The view ${uri} is not UTF-8.`, { uri });
  }
}

/**
 * Reads and checks the view at `uri`: one content item for that URI with the MCP App MIME type,
 * HTML as `text` or base64 `blob`, at most `maxBytes`. Throws `TG_APP_VIEW_INVALID` otherwise
 * (the read's own errors pass through with their codes).
 */
export async function loadView(reader: ViewReader, uri: string, options: { maxBytes?: number } = {}): Promise<ViewResource> {
  if (!uiUri(uri)) throw invalid(`${uri} is not a ui:// resource.`, { uri });
  const maxBytes = options.maxBytes ?? MAX_VIEW_BYTES;
  const result = await reader.readResource(uri);
  const contents = Array.isArray(result?.contents) ? result.contents : [];
  const item = contents.find((c) => c?.uri === uri) ?? (contents.length === 1 ? contents[0] : undefined);
  if (!item) throw invalid(`The server returned no content for ${uri}.`, { uri });
  if (normalMime(item.mimeType) !== VIEW_MIME_TYPE) {
    throw invalid(`The view ${uri} has MIME type "${String(item.mimeType)}", not ${VIEW_MIME_TYPE}.`, { uri, mimeType: item.mimeType ?? null });
  }
  let html: string;
  if ('text' in item && typeof item.text === 'string') html = item.text;
  else if ('blob' in item && typeof item.blob === 'string') {
    if (item.blob.length > Math.ceil(maxBytes / 3) * 4 + 4) throw invalid(`The view ${uri} is larger than ${maxBytes} bytes.`, { uri, maxBytes });
    html = decodeBase64Utf8(item.blob, uri);
  } else throw invalid(`The view ${uri} has neither text nor blob.`, { uri });
  const size = new TextEncoder().encode(html).length;
  if (size > maxBytes) throw invalid(`The view ${uri} is larger than ${maxBytes} bytes.`, { uri, maxBytes, size });
  const meta = viewMeta(item._meta);
  return { uri, html, meta, size, hash: viewHash(uri, html, meta) };
}
