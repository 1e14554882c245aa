/**
 * Checks a view's `tools/call` arguments against the tool's `inputSchema` with the same validator
 * the manual form uses (@cfworker/json-schema, no `eval`; already part of the core bundle).
 */
import type { JsonObject } from '../../workers/shared/wire.js';
import { validate } from '../llm/manual.js';

export async function validateArgs(schema: JsonObject, value: unknown): Promise<string[]> {
  return validate(schema, value).map((e) => `${e.path || '/'}: ${e.message}`);
}
