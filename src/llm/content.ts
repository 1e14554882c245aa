/**
 * MCP tool-result content → what a model provider accepts. Shared by every provider.
 *
 * - `text` stays text; `structuredContent` is added as JSON text (unless a text block already
 *   carries exactly that JSON, as the MCP spec recommends servers do).
 * - `image`: kept as an image part for providers that take images in tool results (Anthropic),
 *   described in text otherwise (OpenAI tool messages take text only).
 * - `audio`, `resource_link`, binary `resource`: described in text; a text `resource` is inlined.
 * - Text beyond `limit` characters is cut, with a notice so the model knows it saw a part only.
 */
import type { LlmToolResult } from './types.js';

/** Default `toolResultLimit`: characters of one tool result's text sent to a model. */
export const DEFAULT_TOOL_RESULT_LIMIT = 20_000;

/** Image types providers accept inline. SVG is not one of them. */
const MODEL_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** 5 MB decoded, the Anthropic per-image limit, as base64 characters. */
const DEFAULT_MAX_IMAGE_BASE64 = Math.ceil((5 * 1024 * 1024 * 4) / 3);

export type ModelPart = { type: 'text'; text: string } | { type: 'image'; mimeType: string; data: string };

export interface ContentMapOptions {
  /** Whether images may be passed as image parts. */
  images: boolean;
  /** Text limit in characters; default `DEFAULT_TOOL_RESULT_LIMIT`. */
  limit?: number;
  maxImageBase64?: number;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function base64Bytes(data: unknown): number {
  const s = typeof data === 'string' ? data.replace(/=+$/, '') : '';
  return Math.floor((s.length * 3) / 4);
}

function stringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Maps one tool result to model parts: text (truncated to `limit` overall) and, if allowed, images. */
export function mapToolResult(result: LlmToolResult, options: ContentMapOptions): ModelPart[] {
  const limit = Math.max(0, options.limit ?? DEFAULT_TOOL_RESULT_LIMIT);
  const maxImage = options.maxImageBase64 ?? DEFAULT_MAX_IMAGE_BASE64;
  const raw: ModelPart[] = [];
  const blocks: readonly unknown[] = Array.isArray(result.content) ? result.content : [];
  const texts: string[] = [];
  for (const block of blocks) {
    const b = block as Record<string, unknown> & { type?: unknown };
    switch (b?.type) {
      case 'text':
        texts.push(str(b.text));
        raw.push({ type: 'text', text: str(b.text) });
        break;
      case 'image': {
        const mimeType = str(b.mimeType).toLowerCase();
        const data = typeof b.data === 'string' ? b.data : '';
        if (options.images && MODEL_IMAGE_TYPES.has(mimeType) && data.length > 0 && data.length <= maxImage) {
          raw.push({ type: 'image', mimeType, data });
        } else {
          const why = !options.images ? 'this model API takes text only in tool results' : 'type or size not accepted';
          raw.push({ type: 'text', text: `[Image (${mimeType}, ${base64Bytes(data)} bytes) returned by the tool; not shown to the model: ${why}. The person can see it.]` });
        }
        break;
      }
      case 'audio':
        raw.push({ type: 'text', text: `[Audio (${str(b.mimeType)}, ${base64Bytes(b.data)} bytes) returned by the tool; not passed to the model. The person can play it.]` });
        break;
      case 'resource_link': {
        const name = str(b.title ?? b.name);
        const extra = [b.mimeType && str(b.mimeType), typeof b.size === 'number' && `${b.size} bytes`].filter(Boolean).join(', ');
        const description = b.description ? ` — ${str(b.description)}` : '';
        raw.push({ type: 'text', text: `[Resource link: ${name} <${str(b.uri)}>${extra ? ` (${extra})` : ''}${description}]` });
        break;
      }
      case 'resource': {
        const r = (b.resource ?? {}) as Record<string, unknown>;
        const head = `${str(r.uri)}${r.mimeType ? ` (${str(r.mimeType)})` : ''}`;
        if (typeof r.text === 'string') raw.push({ type: 'text', text: `[Resource ${head}]\n${r.text}` });
        else raw.push({ type: 'text', text: `[Binary resource ${head}, ${base64Bytes(r.blob)} bytes; not passed to the model.]` });
        break;
      }
      default:
        raw.push({ type: 'text', text: `[Content of type ${str(b?.type)} not passed to the model.]` });
    }
  }
  if (result.structuredContent !== undefined) {
    const json = stringify(result.structuredContent);
    if (json !== undefined && !texts.some((t) => t.trim() === json || safeEqualJson(t, result.structuredContent))) {
      raw.push({ type: 'text', text: `Structured result (JSON):\n${json}` });
    }
  }
  return truncate(raw, limit);
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

function truncate(parts: ModelPart[], limit: number): ModelPart[] {
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
  out.push({ type: 'text', text: `[Result truncated for the model: ${limit} of ${total} characters shown.]` });
  return out;
}

/** One string for APIs that take text only (OpenAI `tool` messages). Never empty. */
export function toolResultText(result: LlmToolResult, limit?: number): string {
  const parts = mapToolResult(result, { images: false, ...(limit !== undefined && { limit }) });
  const text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  if (text.length > 0) return text;
  return result.isError ? '[The tool reported an error without details.]' : '[The tool returned no content.]';
}
