/**
 * Turns a tool result (untrusted server data) into render-ready parts. No DOM.
 *
 * Why so picky: the result comes from an untrusted server. Only raster image types become
 * `data:` URLs (SVG can carry script), audio only for well-formed `audio/*` types, links are
 * shown as text and never fetched, and everything else is plain text for Lit text bindings.
 */
import type { CallToolResult, ContentBlock } from '../../../workers/shared/wire.js';

/** Image types shown inline. SVG is excluded on purpose: it can carry script. */
export const INLINE_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export type ResultPart =
  | { kind: 'text'; text: string }
  | { kind: 'image'; src: string; mimeType: string; alt: string }
  | { kind: 'audio'; src: string; mimeType: string; label: string }
  | { kind: 'link'; name: string; uri: string; description?: string; mimeType?: string }
  | { kind: 'resource'; uri: string; mimeType?: string; text: string }
  /** Content that was withheld or could not be shown, with the reason. */
  | { kind: 'notice'; text: string };

export interface ResultView {
  isError: boolean;
  parts: ResultPart[];
  /** `structuredContent`, pretty-printed JSON, when present. */
  structured?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const AUDIO_TYPE = /^audio\/[a-z0-9][a-z0-9.+-]{0,63}$/;

export function describeResult(result: CallToolResult, options: { toolName?: string } = {}): ResultView {
  const source = options.toolName ? `the tool ${options.toolName}` : 'the tool';
  const blocks: readonly unknown[] = Array.isArray(result?.content) ? result.content : [];
  const images = blocks.filter((b) => (b as { type?: unknown })?.type === 'image').length;
  let imageIndex = 0;
  const parts = blocks.map((block): ResultPart => {
    const b = block as ContentBlock;
    switch (b?.type) {
      case 'text':
        return { kind: 'text', text: String(b.text) };
      case 'image': {
        imageIndex++;
        const mimeType = String(b.mimeType).toLowerCase();
        if (!INLINE_IMAGE_TYPES.includes(mimeType)) return { kind: 'notice', text: `Image of type ${mimeType} not shown (only PNG, JPEG, GIF and WebP are).` };
        const data = cleanBase64(b.data);
        if (data === undefined) return { kind: 'notice', text: `Image not shown: its data is not valid base64.` };
        const which = images > 1 ? ` (${imageIndex} of ${images})` : '';
        return { kind: 'image', src: `data:${mimeType};base64,${data}`, mimeType, alt: `Image returned by ${source}${which}` };
      }
      case 'audio': {
        const mimeType = String(b.mimeType).toLowerCase();
        if (!AUDIO_TYPE.test(mimeType)) return { kind: 'notice', text: `Audio of type ${mimeType} not played (only audio/* types are).` };
        const data = cleanBase64(b.data);
        if (data === undefined) return { kind: 'notice', text: `Audio not played: its data is not valid base64.` };
        return { kind: 'audio', src: `data:${mimeType};base64,${data}`, mimeType, label: `Audio returned by ${source}` };
      }
      case 'resource_link': {
        const link: ResultPart = { kind: 'link', name: String(b.title ?? b.name), uri: String(b.uri) };
        if (b.description !== undefined) link.description = String(b.description);
        if (b.mimeType !== undefined) link.mimeType = String(b.mimeType);
        return link;
      }
      case 'resource': {
        const r = b.resource;
        if (r && 'text' in r && typeof r.text === 'string') {
          const part: ResultPart = { kind: 'resource', uri: String(r.uri), text: r.text };
          if (r.mimeType !== undefined) part.mimeType = String(r.mimeType);
          return part;
        }
        return { kind: 'notice', text: `Binary resource ${String(r?.uri)}${r?.mimeType ? ` (${String(r.mimeType)})` : ''} not shown.` };
      }
      default:
        return { kind: 'notice', text: `Content of type ${String((b as { type?: unknown })?.type)} not shown.` };
    }
  });
  const view: ResultView = { isError: result?.isError === true, parts };
  if (result?.structuredContent !== undefined) {
    try {
      view.structured = JSON.stringify(result.structuredContent, null, 2);
    } catch {
      view.structured = String(result.structuredContent);
    }
  }
  return view;
}

/** The base64 text without whitespace, or `undefined` when it is not base64. */
function cleanBase64(data: unknown): string | undefined {
  if (typeof data !== 'string') return undefined;
  const clean = data.replace(/\s+/g, '');
  return clean.length > 0 && clean.length % 4 === 0 && BASE64.test(clean) ? clean : undefined;
}
