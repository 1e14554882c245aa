/**
 * Elicitation, both modes and both eras (client/elicitation.mdx): a server's untrusted request is
 * checked before it reaches the page, and the person's answer is checked before it reaches the server.
 *
 * - Form mode: `requestedSchema` must be a usable schema; accepted content is validated against it
 *   (`TG_ELICITATION_INVALID` otherwise, and nothing is sent).
 * - URL mode: the URL must be `https:` (plain `http:` only to a loopback host, for development), carry
 *   no credentials and stay under a length bound; it is never fetched here. The page gets the host and
 *   an approximate registrable domain to highlight, and a `punycode` flag: the URL parser turns every
 *   non-ASCII label (so every mixed-script host) into an `xn--` label, which is what the flag reports.
 */
import type { Schema } from '@cfworker/json-schema';
import { ErrorCode, TgError } from '../shared/errors.js';
import { checkSafeUrl } from '../shared/safe-url.js';
import { loadJsonSchema } from './json-schema-loader.js';
import { schemaProblem } from './output-schema.js';
import { sensitiveFields } from './sensitive-fields.js';
import {
  RpcErrorCode,
  type JsonObject,
  type UrlElicitationRequest,
  type ElicitationRequest,
  type ElicitationResult,
} from '../shared/wire.js';


export const MAX_ELICITATION_URL_CHARS = 2048;
const MAX_MESSAGE_CHARS = 4096;
const MAX_ID_CHARS = 256;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An error the RPC engine sends back to the server as -32602 (the request was invalid). */
function invalidParams(message: string): Error {
  return Object.assign(new Error(message), { rpcCode: RpcErrorCode.INVALID_PARAMS });
}

/** Checks an elicitation URL and describes its host; throws `TG_ELICITATION_UNSAFE_URL`. */
export function checkElicitationUrl(raw: unknown): Pick<UrlElicitationRequest, 'url' | 'host' | 'domain' | 'punycode'> {
  const checked = checkSafeUrl(raw, MAX_ELICITATION_URL_CHARS);
  if ('problem' in checked) {
    throw new TgError(ErrorCode.ELICITATION_UNSAFE_URL, `Refused an elicitation URL: ${checked.problem}`, { data: { url: typeof raw === 'string' ? raw.slice(0, 200) : undefined } });
  }
  return checked;
}

/**
 * The untrusted params of `elicitation/create` (a legacy server request, or a modern MRTR input
 * request), checked. A missing `mode` means form (client/elicitation.mdx). Throws with `rpcCode`
 * -32602 for a malformed request, so the server hears that it was refused.
 */
export function parseElicitationRequest(params: JsonObject | undefined): ElicitationRequest {
  const message = params?.message;
  const mode = params?.mode ?? 'form';
  if (typeof message !== 'string') throw invalidParams('elicitation/create needs a message');
  const shown = message.slice(0, MAX_MESSAGE_CHARS);
  if (mode === 'form') {
    const schema = params?.requestedSchema;
    if (!isObject(schema)) throw invalidParams('elicitation/create (form) needs a requestedSchema object');
    const problem = schemaProblem(schema);
    if (problem) throw invalidParams(`elicitation/create requestedSchema is unusable: ${problem.replace('outputSchema', 'schema')}`);
    return { mode: 'form', message: shown, requestedSchema: schema, sensitive: sensitiveFields(schema) };
  }
  if (mode === 'url') {
    const id = params?.elicitationId;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_CHARS) throw invalidParams('elicitation/create (url) needs an elicitationId');
    let checked: ReturnType<typeof checkElicitationUrl>;
    try {
      checked = checkElicitationUrl(params?.url);
    } catch (err) {
      throw Object.assign(err as TgError, { rpcCode: RpcErrorCode.INVALID_PARAMS });
    }
    return { mode: 'url', message: shown, elicitationId: id, ...checked };
  }
  throw invalidParams(`Elicitation mode ${JSON.stringify(mode).slice(0, 50)} is not supported`);
}

/**
 * The answer to send, checked: an unknown action is refused; form content must match the schema;
 * URL mode sends no content (the interaction happens out of band). The validator is loaded on the
 * first accepted form answer.
 */
export async function checkElicitationResult(request: ElicitationRequest, answer: unknown): Promise<JsonObject> {
  const action = isObject(answer) ? answer.action : undefined;
  if (action === 'decline' || action === 'cancel') return { action };
  if (action !== 'accept') {
    throw new TgError(ErrorCode.ELICITATION_INVALID, `The elicitation answer has no valid action (${JSON.stringify(action)?.slice(0, 50)})`);
  }
  if (request.mode === 'url') return { action };
  const content = (answer as JsonObject).content;
  if (!isObject(content)) throw new TgError(ErrorCode.ELICITATION_INVALID, 'An accepted form elicitation needs content (an object)');
  const { Validator } = await loadJsonSchema();
  const outcome = new Validator(request.requestedSchema as Schema, '2020-12', false).validate(content);
  if (!outcome.valid) {
    const errors = outcome.errors.slice(0, 5).map((e) => ({ instanceLocation: e.instanceLocation, error: e.error.slice(0, 300) }));
    throw new TgError(ErrorCode.ELICITATION_INVALID, `The answer does not match the requested schema: ${errors.at(-1)?.error ?? 'invalid'}`, {
      data: { errors },
    });
  }
  return { action, content: { ...content } };
}

/** At most this many URL elicitations are taken from one -32042 error. */
const MAX_REQUIRED_ELICITATIONS = 8;

/**
 * Turns a -32042 error into `TG_URL_ELICITATION_REQUIRED` with the checked URL elicitations it lists
 * (unsafe or malformed entries dropped, at most 8); any other error is returned unchanged.
 */
export function urlElicitationRequired(err: unknown): unknown {
  if ((err as { rpcCode?: unknown } | null)?.rpcCode !== RpcErrorCode.URL_ELICITATION_REQUIRED) return err;
  const listed = ((err as { data?: { elicitations?: unknown } }).data?.elicitations);
  const elicitations: UrlElicitationRequest[] = [];
  for (const entry of Array.isArray(listed) ? listed.slice(0, MAX_REQUIRED_ELICITATIONS) : []) {
    try {
      const request = parseElicitationRequest(isObject(entry) ? entry : undefined);
      if (request.mode === 'url') elicitations.push(request);
    } catch {
      /* an unsafe or malformed entry is not shown */
    }
  }
  return new TgError(ErrorCode.URL_ELICITATION_REQUIRED, `The server needs ${elicitations.length} URL elicitation(s) completed first`, {
    data: { elicitations },
    cause: err,
  });
}

/**
 * URL elicitations the person accepted and whose completion is still awaited. A
 * `notifications/elicitation/complete` for any other id is ignored (client/elicitation.mdx: MUST).
 */
export class PendingUrlElicitations {
  static readonly MAX = 64;
  readonly #ids = new Set<string>();

  add(id: string): void {
    if (this.#ids.size >= PendingUrlElicitations.MAX) this.#ids.delete(this.#ids.values().next().value as string);
    this.#ids.add(id);
  }

  /** True (once) when the id was pending. */
  complete(params: JsonObject | undefined): string | undefined {
    const id = params?.elicitationId;
    if (typeof id !== 'string' || !this.#ids.delete(id)) return undefined;
    return id;
  }
}

/**
 * Runs one elicitation end to end: parse the request, ask the page, check the answer, and remember
 * an accepted URL elicitation for its completion notification.
 */
export async function elicit(
  params: JsonObject | undefined,
  ask: (request: ElicitationRequest) => Promise<ElicitationResult>,
  pending: PendingUrlElicitations,
): Promise<JsonObject> {
  const request = parseElicitationRequest(params);
  const answer = await checkElicitationResult(request, await ask(request));
  if (request.mode === 'url' && answer.action === 'accept') pending.add(request.elicitationId);
  return answer;
}
