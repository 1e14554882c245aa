/**
 * Tool arguments as the person types them: parsing the JSON text, and a starting skeleton built
 * from the tool's `inputSchema`. No DOM.
 */
import { TgError, ErrorCode } from '../../../workers/shared/errors.js';
import type { JsonObject, Tool } from '../../../workers/shared/wire.js';


/**
 * Parses the argument text. Empty text means `{}`.
 * @throws TgError `TG_INVALID_ARGUMENTS` when the text is not JSON or not a JSON object.
 */
export function parseToolArguments(text: string): JsonObject {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new TgError(ErrorCode.INVALID_ARGUMENTS, `Arguments are not valid JSON: ${detail}`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new TgError(ErrorCode.INVALID_ARGUMENTS, `Arguments must be a JSON object such as {"key": "value"}; got ${got}`);
  }
  return value as JsonObject;
}

/**
 * A JSON object text with one entry per property of `inputSchema.properties`: the schema's
 * `default`, else its first `enum` value, else an empty value of its `type`. `{}` when the
 * schema names no properties.
 */
export function argumentSkeleton(tool: Pick<Tool, 'inputSchema'>): string {
  const properties = (tool.inputSchema as { properties?: unknown } | undefined)?.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return '{}';
  // Null prototype: a property named "__proto__" (the schema is untrusted) stays a plain key.
  const skeleton: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, schema] of Object.entries(properties as Record<string, unknown>)) {
    skeleton[key] = placeholder(schema);
  }
  return Object.keys(skeleton).length === 0 ? '{}' : JSON.stringify(skeleton, null, 2);
}

function placeholder(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return null;
  const s = schema as { default?: unknown; enum?: unknown; const?: unknown; type?: unknown };
  if ('default' in s && s.default !== undefined) return s.default;
  if ('const' in s && s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}
