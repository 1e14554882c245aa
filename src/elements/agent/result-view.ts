/**
 * Turns a tool result (untrusted server data) into render-ready parts. No DOM.
 *
 * Why so picky: the result comes from an untrusted server. Pictures and sounds are shown from
 * the result's own base64 data only (as `data:` URLs; nothing is ever fetched), bounded in size,
 * and only raster image types (SVG can carry script) and well-formed `audio/*` types; a binary
 * resource that is a picture or a sound is shown the same way. Links are shown as text and never
 * followed (the person may attach the linked resource, which reads it from the same server);
 * everything else is plain text for Lit text bindings.
 */
import type { CallToolResult, ContentBlock } from '../../../workers/shared/wire.js';
import { cleanBase64 } from '../../llm/content.js';

/** Largest picture or sound shown, in base64 characters (about 7.5 MB decoded). */
export const MAX_MEDIA_BASE64 = 10 * 1024 * 1024;

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

const AUDIO_TYPE = /^audio\/[a-z0-9][a-z0-9.+-]{0,63}$/;

/** An image part, or a notice saying why it is not shown. */
function imagePart(mimeType: string, data: unknown, alt: string): ResultPart {
  if (!INLINE_IMAGE_TYPES.includes(mimeType)) return { kind: 'notice', text: `Image of type ${mimeType} not shown (only PNG, JPEG, GIF and WebP are).` };
  const clean = cleanBase64(data);
  if (clean === undefined) return { kind: 'notice', text: `Image not shown: its data is not valid base64.` };
  if (clean.length > MAX_MEDIA_BASE64) return { kind: 'notice', text: `Image not shown: it is larger than ${Math.round((MAX_MEDIA_BASE64 * 3) / 4 / 1e6)} MB.` };
  return { kind: 'image', src: `data:${mimeType};base64,${clean}`, mimeType, alt };
}

/** An audio part, or a notice saying why it is not played. */
function audioPart(mimeType: string, data: unknown, label: string): ResultPart {
  if (!AUDIO_TYPE.test(mimeType)) return { kind: 'notice', text: `Audio of type ${mimeType} not played (only audio/* types are).` };
  const clean = cleanBase64(data);
  if (clean === undefined) return { kind: 'notice', text: `Audio not played: its data is not valid base64.` };
  if (clean.length > MAX_MEDIA_BASE64) return { kind: 'notice', text: `Audio not played: it is larger than ${Math.round((MAX_MEDIA_BASE64 * 3) / 4 / 1e6)} MB.` };
  return { kind: 'audio', src: `data:${mimeType};base64,${clean}`, mimeType, label };
}

export function describeResult(result: CallToolResult, options: { toolName?: string } = {}): ResultView {
  return describeContent(Array.isArray(result?.content) ? result.content : [], {
    isError: result?.isError === true,
    source: options.toolName ? `the tool ${options.toolName}` : 'the tool',
    ...(result?.structuredContent !== undefined && { structured: result.structuredContent }),
  });
}

/** Content blocks of any server (a result, an attached resource, a prompt's message) as render-ready parts. */
export function describeContent(blocks: readonly unknown[], options: { isError?: boolean; source: string; structured?: unknown }): ResultView {
  const source = options.source;
  const images = blocks.filter((b) => (b as { type?: unknown })?.type === 'image').length;
  let imageIndex = 0;
  const parts = blocks.map((block): ResultPart => {
    const b = block as ContentBlock;
    switch (b?.type) {
      case 'text':
        return { kind: 'text', text: String(b.text) };
      case 'image': {
        imageIndex++;
        const which = images > 1 ? ` (${imageIndex} of ${images})` : '';
        return imagePart(String(b.mimeType).toLowerCase(), b.data, `Image returned by ${source}${which}`);
      }
      case 'audio':
        return audioPart(String(b.mimeType).toLowerCase(), b.data, `Audio returned by ${source}`);
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
        const mimeType = typeof r?.mimeType === 'string' ? r.mimeType.toLowerCase() : '';
        const blob = r && 'blob' in r ? r.blob : undefined;
        if (INLINE_IMAGE_TYPES.includes(mimeType)) return imagePart(mimeType, blob, `${String(r?.uri)} from ${source}`);
        if (AUDIO_TYPE.test(mimeType)) return audioPart(mimeType, blob, `${String(r?.uri)} from ${source}`);
        return { kind: 'notice', text: `Binary resource ${String(r?.uri)}${r?.mimeType ? ` (${String(r.mimeType)})` : ''} not shown.` };
      }
      default:
        return { kind: 'notice', text: `Content of type ${String((b as { type?: unknown })?.type)} not shown.` };
    }
  });
  const view: ResultView = { isError: options.isError === true, parts };
  if (options.structured !== undefined) {
    try {
      view.structured = JSON.stringify(options.structured, null, 2);
    } catch {
      view.structured = String(options.structured);
    }
  }
  return view;
}
