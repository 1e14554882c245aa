/**
 * The conformance client: runs one scenario of the official MCP conformance suite in the page,
 * through the real connection worker (inlined into this bundle, since the harness serves one file).
 * Contract: `?server=<url>&scenario=<name>`; sets `window.__result` when done.
 */
import { McpConnection, type ElicitationRequest, type ElicitationResult, type JsonObject } from '../../src/connections/connection.js';

declare const WORKER_SOURCE: string;

declare global {
  interface Window {
    __result?: { ok: true } | { ok: false; error: string };
  }
}

/** The harness plays a person who accepts every form with its defaults (SEP-1034). */
async function acceptDefaults(request: ElicitationRequest): Promise<ElicitationResult> {
  const properties = (request.requestedSchema.properties ?? {}) as Record<string, { default?: unknown }>;
  const content: JsonObject = {};
  for (const [name, schema] of Object.entries(properties)) if (schema.default !== undefined) content[name] = schema.default;
  return { action: 'accept', content };
}

/** Plausible arguments from an input schema: defaults, else a value of the declared type. */
function sampleArguments(schema: JsonObject): JsonObject {
  const properties = (schema.properties ?? {}) as Record<string, { type?: string; default?: unknown; enum?: unknown[] }>;
  const args: JsonObject = {};
  for (const [name, prop] of Object.entries(properties)) {
    if (prop.default !== undefined) args[name] = prop.default;
    else if (prop.enum?.length) args[name] = prop.enum[0];
    else if (prop.type === 'number' || prop.type === 'integer') args[name] = 1;
    else if (prop.type === 'boolean') args[name] = true;
    else if (prop.type === 'string') args[name] = 'conformance';
  }
  return args;
}

async function run(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const server = params.get('server');
  const scenario = params.get('scenario') ?? '';
  if (!server) throw new Error('missing ?server=');
  console.log(`[toolgate] scenario ${scenario} against ${server}`);
  const workerUrl = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const connection = await McpConnection.open(
    { url: server, clientInfo: { name: 'toolgate-conformance', version: '0.1.0' }, requestTimeoutMs: 20_000 },
    { createWorker: () => new Worker(workerUrl, { type: 'module' }), onElicit: acceptDefaults },
  );
  connection.addEventListener('problem', (e) => console.warn(`[toolgate] problem: ${e.detail.error.message}`));
  try {
    const tools = await connection.listTools();
    for (const tool of tools) {
      const result = await connection.callTool(tool.name, sampleArguments(tool.inputSchema));
      console.log(`[toolgate] ${tool.name} → ${JSON.stringify(result).slice(0, 200)}`);
    }
  } finally {
    await connection.close();
  }
}

run().then(
  () => (window.__result = { ok: true }),
  (err: unknown) => {
    const error = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
    console.error(`[toolgate] ${error}`);
    window.__result = { ok: false, error };
  },
);
