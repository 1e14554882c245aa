/**
 * Loads `@cfworker/json-schema` on first use (a tool result to check against its `outputSchema`, or
 * an elicitation answer), so an idle connection worker neither downloads nor keeps the validator.
 */
type JsonSchemaModule = typeof import('@cfworker/json-schema');

let loading: Promise<JsonSchemaModule> | undefined;

/** The validator library, imported once per worker (or page). A failed import is retried on the next call. */
export function loadJsonSchema(): Promise<JsonSchemaModule> {
  loading ??= importSafely().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function importSafely(): Promise<JsonSchemaModule> {
  const scope = globalThis as { location?: { protocol?: string } };
  // Its top level builds `new URL(location.origin + location.pathname)`, which throws in a blob: worker
  // (pathname "http://h/uuid"): hide `location` while it evaluates so it falls back to its own base.
  const shadow = scope.location?.protocol === 'blob:';
  if (shadow) Object.defineProperty(globalThis, 'location', { value: undefined, configurable: true });
  try {
    return await import('@cfworker/json-schema');
  } finally {
    if (shadow) delete scope.location;
  }
}
