/**
 * The conformance client: runs one scenario of the official MCP conformance suite in the page,
 * through the real connection worker (inlined into this bundle, since the harness serves one file).
 * Contract: `?server=<url>&scenario=<name>[&context=<json>][&protocolVersion=<v>]`; sets
 * `window.__result` when done. It behaves like a generic host: list and call every tool (with the
 * arguments the scenario's context names, if any), then list and read resources and prompts when
 * the server offers them. A failing tool call is logged, not fatal: the scenario's checks judge it.
 */
import { authorizeInPopup } from '../../src/connections/oauth-popup.js';
import { McpConnection } from '../../src/connections/connection.js';
import {
  eraOfVersion,
  type ElicitationRequest,
  type ElicitationResult,
  type JsonObject,
  type Tool,
} from '../../workers/shared/wire.js';

declare const WORKER_SOURCE: string;

// The worker runs from a Blob URL; its JSON Schema loader copes with that (workers/protocol/json-schema-loader.ts).

declare global {
  interface Window {
    __result?: { ok: true } | { ok: false; error: string };
  }
}

/** The harness plays a person who accepts every form with its defaults (SEP-1034), else a plausible value. */
async function acceptDefaults(request: ElicitationRequest): Promise<ElicitationResult> {
  // A URL elicitation would need a person to open the page out of band: the harness has none.
  if (request.mode === 'url') return { action: 'decline' };
  return { action: 'accept', content: sampleArguments(request.requestedSchema) };
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

interface ToolCall {
  name: string;
  arguments: JsonObject;
}

/** Scenario-specific arguments: the context's `toolCalls`, or the schema echo of json-schema-2020-12-preservation. */
function plannedCalls(tools: Tool[], context: JsonObject): ToolCall[] {
  const listed = new Set(tools.map((t) => t.name));
  if (Array.isArray(context.toolCalls)) {
    return (context.toolCalls as ToolCall[]).filter((call) => listed.has(call.name));
  }
  const focal = tools.find((t) => t.name === 'json_schema_2020_12_tool');
  return tools.map((tool) =>
    tool.name === 'json_schema_echo' && focal
      ? { name: tool.name, arguments: { schema: focal.inputSchema } }
      : { name: tool.name, arguments: sampleArguments(tool.inputSchema) },
  );
}

async function run(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const server = params.get('server');
  const scenario = params.get('scenario') ?? '';
  const context = JSON.parse(params.get('context') ?? '{}') as JsonObject;
  const protocolVersion = params.get('protocolVersion') ?? undefined;
  if (!server) throw new Error('missing ?server=');
  console.log(`[toolgate] scenario ${scenario} against ${server}${protocolVersion ? ` (protocol ${protocolVersion})` : ''}`);
  const workerUrl = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const connection = await McpConnection.open(
    {
      url: server,
      clientInfo: { name: 'toolgate-conformance', version: '0.1.0' },
      requestTimeoutMs: 20_000,
      ...(protocolVersion && eraOfVersion(protocolVersion) && { protocolVersion }),
      oauth: {
        // The harness contract: the wrapper serves /callback.html, which posts on 'mcp-oauth'.
        redirectUri: new URL('/callback.html', location.origin).href,
        clientName: 'toolgate-conformance',
        // The suite's CIMD scenario expects this URL as client_id (SEP-991).
        clientMetadataUrl: 'https://conformance-test.local/client-metadata.json',
        // The suite's servers are http://localhost.
        development: true,
        ...(typeof context.client_id === 'string' && { clientId: context.client_id }),
        ...(typeof context.client_secret === 'string' && { clientSecret: context.client_secret }),
        // The host hands machine credentials by config for the client-credentials extension (SEP-1046).
        ...(scenario.startsWith('auth/client-credentials') && { grant: 'client_credentials' as const }),
        // SEP-990: the host hands over the person's IdP ID token and where to exchange it for an ID-JAG.
        ...(typeof context.idp_id_token === 'string' && {
          grant: 'id-jag' as const,
          idJag: { idToken: context.idp_id_token, idpTokenEndpoint: String(context.idp_token_endpoint), idpClientId: String(context.idp_client_id) },
        }),
        ...(typeof context.private_key_pem === 'string' && { clientPrivateKey: await importPkcs8(context.private_key_pem, String(context.signing_algorithm ?? 'ES256')) }),
      },
    },
    {
      createWorker: () => {
        const worker = new Worker(workerUrl, { type: 'module' });
        // Where a worker crash happened, in the scenario's stdout (the page only sees the message).
        worker.addEventListener('error', (e) => console.error(`[toolgate] worker error at ${e.filename}:${e.lineno}:${e.colno}: ${e.message}`));
        return worker;
      },
      onElicit: acceptDefaults,
      onAuthorize: (url) => authorizeInPopup(url, { timeoutMs: 15_000 }),
    },
  );
  connection.addEventListener('authorized', (e) => console.log(`[toolgate] authorized by ${e.detail.issuer} (scope ${e.detail.scope ?? 'none'})`));
  connection.addEventListener('problem', (e) => console.warn(`[toolgate] problem: ${e.detail.error.message}`));
  const info = connection.info!;
  console.log(`[toolgate] ${info.protocolEra} era, version ${info.protocolVersion}`);
  try {
    const tools = await connection.listTools();
    for (const call of plannedCalls(tools, context)) {
      try {
        const result = await connection.callTool(call.name, call.arguments);
        console.log(`[toolgate] ${call.name} → ${JSON.stringify(result).slice(0, 200)}`);
      } catch (err) {
        console.warn(`[toolgate] ${call.name} failed: ${describe(err)}`);
      }
    }
    if (info.capabilities.resources) {
      for (const resource of await connection.listResources()) {
        await connection.readResource(resource.uri).then(
          (result) => console.log(`[toolgate] read ${resource.uri} → ${result.contents.length} contents`),
          (err: unknown) => console.warn(`[toolgate] read ${resource.uri} failed: ${describe(err)}`),
        );
      }
    }
    if (info.capabilities.prompts) {
      for (const prompt of await connection.listPrompts()) {
        await connection.getPrompt(prompt.name).then(
          (result) => console.log(`[toolgate] prompt ${prompt.name} → ${result.messages.length} messages`),
          (err: unknown) => console.warn(`[toolgate] prompt ${prompt.name} failed: ${describe(err)}`),
        );
      }
    }
  } finally {
    await connection.close();
  }
}

/** A PKCS#8 PEM as a non-extractable signing key (the host's job; the worker only receives the CryptoKey). */
async function importPkcs8(pem: string, alg: string): Promise<CryptoKey> {
  const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
  const algorithm =
    alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: alg === 'ES384' ? 'P-384' : 'P-256' };
  return crypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
}

function describe(err: unknown): string {
  return err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
}

run().then(
  () => (window.__result = { ok: true }),
  (err: unknown) => {
    const error = describe(err);
    console.error(`[toolgate] ${error}`);
    window.__result = { ok: false, error };
  },
);
