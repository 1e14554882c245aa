/**
 * MCP content → what a model provider accepts. Shared by every provider.
 *
 * - `text` stays text; `structuredContent` is added as JSON text (unless a text block already
 *   carries exactly that JSON, as the MCP spec recommends servers do).
 * - `image`: an image part when the provider takes images there (`media.images`), else described
 *   in text. Only PNG, JPEG, GIF and WebP of valid base64 within `maxImageBase64` pass (no SVG: it
 *   is a document, not a picture, and no provider takes it).
 * - `audio`: an audio part when the provider takes audio (`media.audio`) and the type is WAV or
 *   MP3 (the formats OpenAI's `input_audio` documents), else described in text.
 * - `resource_link`, binary `resource`: described in text; a text `resource` is inlined.
 * - Text beyond `limit` characters is cut, with a notice so the model knows it saw a part only.
 *
 * Media never comes from anywhere but the content's own base64 data: nothing is fetched.
 */
import type { ContentBlock } from '../../workers/shared/wire.js';
import type { LlmContext, LlmToolResult } from './types.js';

/** Default `toolResultLimit`: characters of one tool result's text sent to a model. */
export const DEFAULT_TOOL_RESULT_LIMIT = 20_000;

/** Image types providers accept inline. SVG is not one of them. */
export const MODEL_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Audio types → the `input_audio.format` names OpenAI documents (wav, mp3). */
const MODEL_AUDIO_FORMATS: ReadonlyMap<string, 'wav' | 'mp3'> = new Map([
  ['audio/wav', 'wav'],
  ['audio/wave', 'wav'],
  ['audio/x-wav', 'wav'],
  ['audio/vnd.wave', 'wav'],
  ['audio/mpeg', 'mp3'],
  ['audio/mp3', 'mp3'],
]);

/** 5 MB decoded, the Anthropic per-image limit, as base64 characters. */
export const DEFAULT_MAX_IMAGE_BASE64 = Math.ceil((5 * 1024 * 1024 * 4) / 3);
/** 10 MB decoded of audio, as base64 characters. */
export const DEFAULT_MAX_AUDIO_BASE64 = Math.ceil((10 * 1024 * 1024 * 4) / 3);

export type ModelPart =
  | { type: 'text'; text: string }
  | { type: 'image'; mimeType: string; data: string }
  | { type: 'audio'; mimeType: string; format: 'wav' | 'mp3'; data: string };

/** Which media a provider's API takes in the place the content goes (tool result or user message). */
export interface MediaSupport {
  images: boolean;
  audio?: boolean;
}

export interface ContentMapOptions extends MediaSupport {
  /** Text limit in characters; default `DEFAULT_TOOL_RESULT_LIMIT`. */
  limit?: number;
  maxImageBase64?: number;
  maxAudioBase64?: number;
  /** Why media could not pass, when the provider takes none (shown to the model). */
  textOnlyReason?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function base64Bytes(data: unknown): number {
  const s = typeof data === 'string' ? data.replace(/=+$/, '') : '';
  return Math.floor((s.length * 3) / 4);
}

/** The base64 text without whitespace, or undefined when it is not (non-empty, well-formed) base64. */
export function cleanBase64(data: unknown): string | undefined {
  if (typeof data !== 'string') return undefined;
  const clean = data.replace(/\s+/g, '');
  return clean.length > 0 && clean.length % 4 === 0 && BASE64.test(clean) ? clean : undefined;
}

function stringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * Maps content blocks to model parts (no truncation). `source` names where they came from in the
 * notices a model reads ("returned by the tool", "attached").
 */
export function mapContent(blocks: readonly unknown[], options: ContentMapOptions, source = 'returned by the tool'): ModelPart[] {
  const maxImage = options.maxImageBase64 ?? DEFAULT_MAX_IMAGE_BASE64;
  const maxAudio = options.maxAudioBase64 ?? DEFAULT_MAX_AUDIO_BASE64;
  const textOnly = options.textOnlyReason ?? 'this model API takes text only in tool results';
  const out: ModelPart[] = [];
  for (const block of blocks) {
    const b = block as Record<string, unknown> & { type?: unknown };
    switch (b?.type) {
      case 'text':
        out.push({ type: 'text', text: str(b.text) });
        break;
      case 'image': {
        const mimeType = str(b.mimeType).toLowerCase();
        const data = cleanBase64(b.data);
        if (options.images && MODEL_IMAGE_TYPES.has(mimeType) && data !== undefined && data.length <= maxImage) {
          out.push({ type: 'image', mimeType, data });
        } else {
          const why = !options.images ? textOnly : 'type or size not accepted';
          out.push({ type: 'text', text: `[Image (${mimeType}, ${base64Bytes(b.data)} bytes) ${source}; not shown to the model: ${why}. The person can see it.]` });
        }
        break;
      }
      case 'audio': {
        const mimeType = str(b.mimeType).toLowerCase();
        const format = MODEL_AUDIO_FORMATS.get(mimeType);
        const data = cleanBase64(b.data);
        if (options.audio && format && data !== undefined && data.length <= maxAudio) {
          out.push({ type: 'audio', mimeType, format, data });
        } else {
          out.push({ type: 'text', text: `[Audio (${mimeType}, ${base64Bytes(b.data)} bytes) ${source}; not passed to the model. The person can play it.]` });
        }
        break;
      }
      case 'resource_link': {
        const name = str(b.title ?? b.name);
        const extra = [b.mimeType && str(b.mimeType), typeof b.size === 'number' && `${b.size} bytes`].filter(Boolean).join(', ');
        const description = b.description ? ` — ${str(b.description)}` : '';
        out.push({ type: 'text', text: `[Resource link: ${name} <${str(b.uri)}>${extra ? ` (${extra})` : ''}${description}]` });
        break;
      }
      case 'resource': {
        const r = (b.resource ?? {}) as Record<string, unknown>;
        const head = `${str(r.uri)}${r.mimeType ? ` (${str(r.mimeType)})` : ''}`;
        const mimeType = typeof r.mimeType === 'string' ? r.mimeType.toLowerCase() : '';
        if (typeof r.text === 'string') out.push({ type: 'text', text: `[Resource ${head}]\n${r.text}` });
        else if (MODEL_IMAGE_TYPES.has(mimeType) || MODEL_AUDIO_FORMATS.has(mimeType)) {
          // A binary resource that is a picture or a sound goes the way image and audio blocks do.
          out.push({ type: 'text', text: `[Resource ${head}]` }, ...mapContent([{ type: mimeType.startsWith('image/') ? 'image' : 'audio', mimeType, data: r.blob }], options, source));
        } else out.push({ type: 'text', text: `[Binary resource ${head}, ${base64Bytes(r.blob)} bytes; not passed to the model.]` });
        break;
      }
      default:
        out.push({ type: 'text', text: `[Content of type ${str(b?.type)} not passed to the model.]` });
    }
  }
  return out;
}

/** A tool result's content, with its `structuredContent` as JSON text unless a text block already carries it. */
export function resultBlocks(result: Pick<LlmToolResult, 'content' | 'structuredContent'>): ContentBlock[] {
  const blocks: ContentBlock[] = Array.isArray(result.content) ? [...result.content] : [];
  if (result.structuredContent !== undefined) {
    const json = stringify(result.structuredContent);
    const texts = blocks.flatMap((b) => (b?.type === 'text' ? [str(b.text)] : []));
    if (json !== undefined && !texts.some((t) => t.trim() === json || safeEqualJson(t, result.structuredContent))) {
      blocks.push({ type: 'text', text: `Structured result (JSON):\n${json}` });
    }
  }
  return blocks;
}

/** Maps one tool result to model parts: text (truncated to `limit` overall) and, if allowed, media. */
export function mapToolResult(result: LlmToolResult, options: ContentMapOptions): ModelPart[] {
  return truncate(mapContent(resultBlocks(result), options), Math.max(0, options.limit ?? DEFAULT_TOOL_RESULT_LIMIT), 'Result');
}

/**
 * Maps content the person put in their turn (an attached resource, a prompt's message): its label
 * first — so the model knows whose text it reads and that it is data, not the person's words —
 * then the content, truncated to `limit`.
 */
export function mapContext(context: LlmContext, options: ContentMapOptions): ModelPart[] {
  const parts = [{ type: 'text' as const, text: `[${context.label}]` }, ...mapContent(context.content, { textOnlyReason: 'this model API takes text only here', ...options }, 'attached')];
  return truncate(parts, Math.max(0, options.limit ?? DEFAULT_TOOL_RESULT_LIMIT), 'Attachment');
}

function safeEqualJson(text: string, value: unknown): boolean {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    return stringify(JSON.parse(t)) === stringify(value);
  } catch {
    return false;
  }
}

function truncate(parts: ModelPart[], limit: number, what: string): ModelPart[] {
  const total = parts.reduce((n, p) => n + (p.type === 'text' ? p.text.length : 0), 0);
  if (total <= limit) return parts;
  const out: ModelPart[] = [];
  let budget = limit;
  for (const part of parts) {
    if (part.type !== 'text') {
      out.push(part);
      continue;
    }
    if (budget <= 0) continue;
    const text = part.text.length > budget ? part.text.slice(0, budget) : part.text;
    budget -= text.length;
    out.push({ type: 'text', text });
  }
  out.push({ type: 'text', text: `[${what} truncated for the model: ${limit} of ${total} characters shown.]` });
  return out;
}

/** The text parts joined; never empty. */
export function partsText(parts: readonly ModelPart[], isError = false): string {
  const text = parts.map((p) => (p.type === 'text' ? p.text : '')).filter((t) => t !== '').join('\n');
  if (text.length > 0) return text;
  return isError ? '[The tool reported an error without details.]' : '[The tool returned no content.]';
}

/** One string for APIs that take text only (OpenAI `tool` messages). Never empty. */
export function toolResultText(result: LlmToolResult, limit?: number): string {
  return partsText(mapToolResult(result, { images: false, ...(limit !== undefined && { limit }) }), result.isError);
}
