/**
 * Checks a view's `tools/call` arguments against the tool's `inputSchema` with the same validator
 * the manual form uses (@cfworker/json-schema, no `eval`). Loaded on the first check, so a page
 * that never shows an MCP App view does not load the validator before its first paint.
 */
import type { JsonObject } from '../../workers/shared/wire.js';

export async function validateArgs(schema: JsonObject, value: unknown): Promise<string[]> {
  const { validate } = await import('../llm/manual.js');
  return validate(schema, value).map((e) => `${e.path || '/'}: ${e.message}`);
}
