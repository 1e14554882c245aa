/**
 * What the host does with each request of a view (DOM-free; the element supplies `consent` and
 * `deliver`). Every request is audited (`view-request`, with the view's tool and URI); a view's
 * `tools/call` goes through the gate's one entry as proposer `{ kind: 'app', … }` — policy,
 * approval card, rate limits, data flow and audit — after its arguments were checked against the
 * tool's `inputSchema` (and no property the schema does not name is let through).
 *
 * - `ui/message`, `ui/update-model-context`: untrusted content from the server. Text only (other
 *   blocks are dropped and said so), bounded, and the person sees exactly what will be added before
 *   it is (a message is sent only on their "Send"; a context update is shown and can be removed).
 * - `ui/open-link`: `https:` (or loopback `http:`) only; the person sees the full URL, its domain and
 *   a look-alike (punycode) warning, and the link opens only on their click.
 * - `ui/download-file`: embedded text/blob contents only (a linked resource is offered as a link);
 *   the person sees the file name, type and size first.
 */
import type { CallToolResult, ContentBlock, JsonObject as WireJson, ReadResourceResult, Tool } from '../../workers/shared/wire.js';
import { checkSafeUrl } from '../../workers/shared/safe-url.js';
import type { AuditInput } from '../audit/record.js';
import { ErrorCode, errorCode, type ErrorCodeValue } from '../../workers/shared/errors.js';
import { stripHidden } from '../gate/model-text.js';
import type { Proposer, ToolCallOutcome, ToolCallRequest, GatedTool } from '../gate/tool-gate.js';
import type { JsonObject, ViewRequestMethod } from './bridge.js';
import { refuse, type DisplayMode } from './view-session.js';

export const MAX_VIEW_TEXT = 16 * 1024;
export const MAX_DOWNLOAD_BYTES = 8 * 1024 * 1024;
const MAX_LINK_CHARS = 4096;

/** What the person is asked to allow. All strings come from the server: render them as text. */
export type ConsentRequest =
  | { kind: 'open-link'; url: string; host: string; domain: string; punycode: boolean }
  | { kind: 'download'; name: string; mimeType: string; size: number }
  | { kind: 'message'; text: string; dropped: number };

export interface DownloadFile {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

/** The view this host serves: whose view it is, on which server. */
export interface ViewIdentity {
  serverId: string;
  serverUrl: string;
  /** The tool whose view it is. */
  tool: Tool;
  resourceUri: string;
}

/** A view's call, as it enters the one door: always the view's own proposer. */
export type ViewCallRequest = Pick<ToolCallRequest, 'toolId' | 'args' | 'signal'> & { proposer: Extract<Proposer, { kind: 'app' }> };

export interface ViewRequestDeps {
  /**
   * The tools a view may call, and the one entry its calls go through. In `<tg-agent>` that is the
   * runtime's `call()` (src/runtime/runtime.ts), so a view's call shows in the conversation too; a
   * `Gate` fits as well (policy, approval and audit, but no conversation).
   */
  gate: { tools(proposer: Proposer): GatedTool[]; call(request: ViewCallRequest): Promise<ToolCallOutcome> };
  /** `resources/read` on the view's own server. */
  readResource(uri: string): Promise<ReadResourceResult>;
  audit: { append(input: AuditInput): Promise<unknown> };
  /** Checks arguments against a JSON Schema; resolves the problems (empty when valid). */
  validate(schema: WireJson, value: unknown): Promise<string[]>;
  /** Asks the person; resolves true only on their explicit yes. */
  consent(request: ConsentRequest): Promise<boolean>;
  /** Carries out what was allowed. */
  deliver: {
    message(text: string): void;
    modelContext(text: string | undefined, structured: unknown): void;
    openLink(url: string): void;
    download(file: DownloadFile): void;
    displayMode(requested: DisplayMode): DisplayMode;
  };
  /** Aborts the view's calls when it is torn down. */
  signal?: AbortSignal;
  /**
   * Whether this server's content may reach the model the conversation uses (the policy's data-flow
   * labels). When it may not, `ui/message` and `ui/update-model-context` are refused before the
   * person is asked. Default: yes.
   */
  mayReachModel?: () => boolean;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of content blocks (text only, bounded) and how many blocks were not text. */
export function viewText(content: unknown): { text: string; dropped: number } {
  const blocks = Array.isArray(content) ? content : isObject(content) ? [content] : [];
  let dropped = 0;
  const parts: string[] = [];
  for (const block of blocks) {
    if (isObject(block) && block['type'] === 'text' && typeof block['text'] === 'string') parts.push(block['text']);
    else dropped++;
  }
  // Sanitised as server text bound for a model is (hidden characters out), and bounded.
  const text = stripHidden(parts.join('\n\n')).text;
  return { text: text.length > MAX_VIEW_TEXT ? `${text.slice(0, MAX_VIEW_TEXT)}…` : text, dropped };
}

/** Arguments with properties the schema does not name (when it names any). */
function unnamedProperties(schema: WireJson, args: JsonObject): string[] {
  const props = schema['properties'];
  if (!isObject(props)) return [];
  return Object.keys(args).filter((k) => !(k in props));
}

function fileName(uri: string): string {
  let last = uri;
  try {
    last = new URL(uri).pathname.split('/').filter(Boolean).pop() ?? '';
  } catch {
    last = uri.split('/').pop() ?? '';
  }
  try {
    last = decodeURIComponent(last);
  } catch {
    /* keep it as it is */
  }
  // No path separators, control characters or leading dots in a name the browser will save.
  const clean = last.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^\.+/, '').slice(0, 120);
  return clean || 'download';
}

function decodeDownload(contents: unknown): DownloadFile {
  if (!Array.isArray(contents) || contents.length !== 1) throw refuse(ErrorCode.APP_DENIED, 'A download must be exactly one embedded resource.');
  const block = contents[0];
  if (!isObject(block) || block['type'] !== 'resource' || !isObject(block['resource'])) {
    throw refuse(ErrorCode.APP_DENIED, 'Only embedded resources can be downloaded; open a linked resource with ui/open-link.');
  }
  const r = block['resource'];
  const uri = typeof r['uri'] === 'string' ? r['uri'] : 'download';
  const mimeType = typeof r['mimeType'] === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(r['mimeType']) ? r['mimeType'] : 'application/octet-stream';
  let bytes: Uint8Array;
  if (typeof r['text'] === 'string') bytes = new TextEncoder().encode(r['text']);
  else if (typeof r['blob'] === 'string') {
    try {
      bytes = Uint8Array.from(atob(r['blob']), (c) => c.charCodeAt(0));
    } catch {
      throw refuse(ErrorCode.APP_DENIED, 'The download is not valid base64.');
    }
  } else throw refuse(ErrorCode.APP_DENIED, 'The download has neither text nor blob.');
  if (bytes.length > MAX_DOWNLOAD_BYTES) throw refuse(ErrorCode.APP_DENIED, `The download is larger than ${MAX_DOWNLOAD_BYTES} bytes.`);
  return { name: fileName(uri), mimeType, bytes };
}

/** The handler of a view's requests (the session's `actions.request`). */
export function viewRequestHandler(view: ViewIdentity, deps: ViewRequestDeps): (method: ViewRequestMethod, params: JsonObject) => Promise<JsonObject> {
  const proposer: ViewCallRequest['proposer'] = { kind: 'app', serverId: view.serverId, tool: view.tool.name, resourceUri: view.resourceUri };
  const server = { url: view.serverUrl, id: view.serverId };
  const tool = { name: view.tool.name };

  /** Errors whose refusal was audited where it was decided (the rest are recorded as failures). */
  const audited = new WeakSet<object>();
  const mark = <E extends object>(err: E): E => {
    audited.add(err);
    return err;
  };
  const audit = async (method: string, outcome: 'allowed' | 'denied' | 'refused' | 'failed', detail: JsonObject = {}, error?: { code: string; message: string }) => {
    await deps.audit.append({ kind: 'view-request', server, tool, method, outcome, ...(error && { error }), detail: { view: view.resourceUri, ...detail } as never });
  };

  async function callTool(params: JsonObject): Promise<JsonObject> {
    const name = params['name'];
    const args = params['arguments'] ?? {};
    if (typeof name !== 'string' || !isObject(args)) throw refuse(ErrorCode.APP_ARGS_INVALID, 'tools/call needs a tool name and an arguments object.');
    const target = deps.gate.tools(proposer).find((t) => t.serverId === view.serverId && t.tool.name === name);
    if (!target) {
      const message = `The view of ${view.tool.name} may not call ${name}: it is not a tool of this server that apps may call.`;
      await audit('tools/call', 'refused', { name }, { code: ErrorCode.APP_TOOL_FORBIDDEN, message });
      throw mark(refuse(ErrorCode.APP_TOOL_FORBIDDEN, message));
    }
    const extra = unnamedProperties(target.tool.inputSchema, args);
    const problems = extra.length > 0 ? extra.map((k) => `unexpected property "${k}"`) : await deps.validate(target.tool.inputSchema, args);
    if (problems.length > 0) {
      const message = `The arguments for ${name} do not match its input schema.`;
      await audit('tools/call', 'refused', { name, problems: problems.slice(0, 10) }, { code: ErrorCode.APP_ARGS_INVALID, message });
      throw mark(refuse(ErrorCode.APP_ARGS_INVALID, message, { errors: problems.slice(0, 10) }));
    }
    const outcome = await deps.gate.call({ toolId: target.id, args: args as WireJson, proposer, ...(deps.signal && { signal: deps.signal }) });
    // The gate audited this call (request, decision, outcome) with the view as its proposer.
    if ('error' in outcome) throw mark(refuse(outcome.error.code as ErrorCodeValue, outcome.error.message));
    return outcome.result as unknown as JsonObject;
  }

  async function dataFlow(method: string): Promise<void> {
    if (deps.mayReachModel?.() !== false) return;
    const message = `The policy does not let content from ${view.serverId} reach the model in use.`;
    await audit(method, 'refused', {}, { code: ErrorCode.DATA_FLOW_DENIED, message });
    throw mark(refuse(ErrorCode.DATA_FLOW_DENIED, message));
  }

  async function consented(method: string, request: ConsentRequest, detail: JsonObject): Promise<void> {
    const yes = await deps.consent(request);
    await audit(method, yes ? 'allowed' : 'denied', detail);
    if (!yes) throw mark(refuse(ErrorCode.APP_DENIED, 'The person declined.'));
  }

  const handlers: Record<ViewRequestMethod, (params: JsonObject) => Promise<JsonObject>> = {
    'tools/call': callTool,
    'resources/read': async (params) => {
      const uri = params['uri'];
      if (typeof uri !== 'string' || uri.length > 2048) throw refuse(ErrorCode.APP_ARGS_INVALID, 'resources/read needs a uri.');
      const result = await deps.readResource(uri);
      await audit('resources/read', 'allowed', { uri });
      return result as unknown as JsonObject;
    },
    'ui/message': async (params) => {
      await dataFlow('ui/message');
      if (params['role'] !== undefined && params['role'] !== 'user') throw refuse(ErrorCode.APP_ARGS_INVALID, 'ui/message supports role "user" only.');
      const { text, dropped } = viewText(params['content']);
      if (!text.trim()) throw refuse(ErrorCode.APP_ARGS_INVALID, 'ui/message needs text content.');
      await consented('ui/message', { kind: 'message', text, dropped }, { chars: text.length, dropped });
      deps.deliver.message(text);
      return {};
    },
    'ui/update-model-context': async (params) => {
      await dataFlow('ui/update-model-context');
      const { text, dropped } = viewText(params['content']);
      const structured = isObject(params['structuredContent']) ? params['structuredContent'] : undefined;
      const size = structured === undefined ? 0 : JSON.stringify(structured).length;
      if (size > MAX_VIEW_TEXT) throw refuse(ErrorCode.APP_ARGS_INVALID, `structuredContent is larger than ${MAX_VIEW_TEXT} characters.`);
      deps.deliver.modelContext(text || undefined, structured);
      await audit('ui/update-model-context', 'allowed', { chars: text.length, dropped, structuredChars: size });
      return {};
    },
    'ui/open-link': async (params) => {
      const checked = checkSafeUrl(params['url'], MAX_LINK_CHARS);
      if ('problem' in checked) {
        const message = `The link was refused: ${checked.problem}.`;
        await audit('ui/open-link', 'refused', { url: String(params['url']).slice(0, 200) }, { code: ErrorCode.APP_UNSAFE_URL, message });
        throw mark(refuse(ErrorCode.APP_UNSAFE_URL, message));
      }
      await consented('ui/open-link', { kind: 'open-link', ...checked }, { url: checked.url, punycode: checked.punycode });
      deps.deliver.openLink(checked.url);
      return {};
    },
    'ui/download-file': async (params) => {
      let file: DownloadFile;
      try {
        file = decodeDownload(params['contents']);
      } catch (err) {
        await audit('ui/download-file', 'refused', {}, { code: errorCode(err) ?? ErrorCode.APP_DENIED, message: (err as Error).message });
        throw mark(err as Error);
      }
      await consented('ui/download-file', { kind: 'download', name: file.name, mimeType: file.mimeType, size: file.bytes.length }, { name: file.name, size: file.bytes.length });
      deps.deliver.download(file);
      return {};
    },
    'ui/request-display-mode': async (params) => {
      const requested = params['mode'];
      if (requested !== 'inline' && requested !== 'fullscreen' && requested !== 'pip') throw refuse(ErrorCode.APP_ARGS_INVALID, 'mode must be inline, fullscreen or pip.');
      const mode = deps.deliver.displayMode(requested);
      await audit('ui/request-display-mode', 'allowed', { requested, mode });
      return { mode };
    },
  };

  return async (method, params) => {
    try {
      return await handlers[method](params);
    } catch (err) {
      if (typeof err !== 'object' || err === null || !audited.has(err)) {
        const message = err instanceof Error ? err.message : String(err);
        await audit(method, 'failed', {}, { code: errorCode(err) ?? ErrorCode.APP_REQUEST_FAILED, message }).catch(() => {});
      }
      throw err;
    }
  };
}

export type { CallToolResult, ContentBlock };
