/**
 * `structuredContent` checked against the tool's `outputSchema` (server/tools.mdx §Output Schema,
 * SHOULD), with `@cfworker/json-schema`: JSON Schema 2020-12 without `eval`, so a strict CSP holds.
 * The schema is untrusted: only local `#…` references are allowed (the validator never fetches, and a
 * schema that needs anything else is refused rather than half-checked), and its size and depth are
 * bounded. Validators are built once per distinct schema text and reused across calls; the library
 * itself is loaded the first time a checked tool returns.
 */
import type { OutputUnit, Schema, SchemaDraft, Validator } from '@cfworker/json-schema';
import { ErrorCode, TgError } from '../shared/errors.js';
import { loadJsonSchema } from './json-schema-loader.js';
import type { CallToolResult, JsonObject, ProtocolEra, Tool } from '../shared/wire.js';

/** Largest `outputSchema` accepted, as JSON text. */
export const MAX_SCHEMA_CHARS = 64 * 1024;
/** Deepest nesting of objects/arrays in a schema (bounds the validator's recursion). */
export const MAX_SCHEMA_DEPTH = 32;
/** Distinct schemas whose validator is kept; the least recently built is evicted first. */
const MAX_CACHED_VALIDATORS = 256;
/** Validation errors reported in `data.errors`, and the length each message is cut to. */
const MAX_REPORTED_ERRORS = 5;
const MAX_ERROR_CHARS = 300;

const REF_KEYWORDS = ['$ref', '$dynamicRef', '$recursiveRef'] as const;

const DRAFTS: Record<string, SchemaDraft> = {
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'http://json-schema.org/draft-07/schema': '7',
  'http://json-schema.org/draft-04/schema': '4',
};

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a schema cannot be used for validation (too big, too deep, a non-local reference), or undefined. */
export function schemaProblem(schema: unknown, text = JSON.stringify(schema)): string | undefined {
  if (!isObject(schema) && typeof schema !== 'boolean') return 'outputSchema is not an object';
  if (text.length > MAX_SCHEMA_CHARS) return `outputSchema is larger than ${MAX_SCHEMA_CHARS} characters`;
  const stack: [unknown, number][] = [[schema, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > MAX_SCHEMA_DEPTH) return `outputSchema is nested deeper than ${MAX_SCHEMA_DEPTH} levels`;
    if (!Array.isArray(node)) {
      for (const keyword of REF_KEYWORDS) {
        const ref = (node as JsonObject)[keyword];
        // Only same-document references: a network (or relative) $ref is never followed (basic/index.mdx §JSON Schema Usage).
        if (ref !== undefined && (typeof ref !== 'string' || !ref.startsWith('#'))) {
          return `outputSchema has a non-local ${keyword} ${JSON.stringify(ref).slice(0, 200)}`;
        }
      }
    }
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}

function draftOf(schema: unknown): SchemaDraft {
  const declared = isObject(schema) && typeof schema.$schema === 'string' ? schema.$schema.replace(/#$/, '') : undefined;
  return (declared && DRAFTS[declared]) || '2020-12'; // the spec's default dialect
}

type Compiled = { ok: true; validator: Validator } | { ok: false; reason: string };

function describe(errors: OutputUnit[]): { instanceLocation: string; keyword: string; error: string }[] {
  return errors.slice(0, MAX_REPORTED_ERRORS).map((e) => ({
    instanceLocation: e.instanceLocation.slice(0, MAX_ERROR_CHARS),
    keyword: e.keyword.slice(0, 64),
    error: e.error.slice(0, MAX_ERROR_CHARS),
  }));
}

/** The output schemas of the listed tools, and a check for each call's result. */
export class OutputSchemas {
  /** Tool name → its `outputSchema` as JSON text (the validator cache key). */
  readonly #byTool = new Map<string, string>();
  readonly #compiled = new Map<string, Compiled>();

  /** Replaces the known schemas with those of a full listing. */
  update(tools: readonly Tool[]): void {
    this.#byTool.clear();
    for (const tool of tools) {
      if (tool.outputSchema !== undefined) this.#byTool.set(tool.name, JSON.stringify(tool.outputSchema));
    }
  }

  /**
   * Throws `TG_OUTPUT_SCHEMA_MISMATCH` when a tool that declared an `outputSchema` returns no
   * `structuredContent` or content that fails it, and `TG_OUTPUT_SCHEMA_INVALID` when the schema
   * itself is unusable. Error results (`isError`) carry no structured output and pass. A tool not in
   * the latest listing is not checked: there is no schema to check against.
   */
  async check(name: string, result: CallToolResult, era: ProtocolEra): Promise<void> {
    const text = this.#byTool.get(name);
    if (text === undefined || result.isError === true) return;
    const compiled = this.#compile(text, (await loadJsonSchema()).Validator);
    if (!compiled.ok) {
      throw new TgError(ErrorCode.OUTPUT_SCHEMA_INVALID, `Tool ${name} has an unusable outputSchema: ${compiled.reason}`, {
        data: { tool: name, reason: compiled.reason },
      });
    }
    const { structuredContent } = result;
    if (structuredContent === undefined) {
      throw new TgError(ErrorCode.OUTPUT_SCHEMA_MISMATCH, `Tool ${name} declares an outputSchema but returned no structuredContent`, {
        data: { tool: name, errors: [] },
      });
    }
    // Before 2026-07-28, structured content is a JSON object; since then any JSON value (server/tools.mdx).
    if (era === 'legacy' && !isObject(structuredContent)) {
      throw new TgError(ErrorCode.OUTPUT_SCHEMA_MISMATCH, `Tool ${name} returned structuredContent that is not an object`, {
        data: { tool: name, errors: [] },
      });
    }
    let outcome: ReturnType<Validator['validate']>;
    try {
      outcome = compiled.validator.validate(structuredContent);
    } catch (cause) {
      // e.g. a local $ref that points nowhere: the validator throws instead of answering.
      throw new TgError(ErrorCode.OUTPUT_SCHEMA_INVALID, `Tool ${name} has an unusable outputSchema`, { data: { tool: name }, cause });
    }
    if (!outcome.valid) {
      const errors = describe(outcome.errors);
      throw new TgError(
        ErrorCode.OUTPUT_SCHEMA_MISMATCH,
        `Tool ${name} returned structuredContent that does not match its outputSchema${errors[0] ? `: ${errors[0].error}` : ''}`,
        { data: { tool: name, errors } },
      );
    }
  }

  #compile(text: string, ValidatorClass: typeof Validator): Compiled {
    const cached = this.#compiled.get(text);
    if (cached) return cached;
    let compiled: Compiled;
    const schema: unknown = JSON.parse(text);
    const problem = schemaProblem(schema, text);
    if (problem) {
      compiled = { ok: false, reason: problem };
    } else {
      try {
        compiled = { ok: true, validator: new ValidatorClass(schema as Schema | boolean, draftOf(schema), true) };
      } catch (cause) {
        compiled = { ok: false, reason: cause instanceof Error ? cause.message.slice(0, MAX_ERROR_CHARS) : 'schema rejected' };
      }
    }
    if (this.#compiled.size >= MAX_CACHED_VALIDATORS) this.#compiled.delete(this.#compiled.keys().next().value as string);
    this.#compiled.set(text, compiled);
    return compiled;
  }
}
