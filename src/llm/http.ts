/**
 * HTTP plumbing shared by the HTTP providers: base URLs, keys, one POST and coded errors (their
 * Server-Sent Events: sse-events.ts).
 */
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import { httpError, networkError } from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What every HTTP provider takes besides its endpoint, key and label. */
export interface HttpProviderOptions {
  model: string;
  /** Extra request headers (e.g. for a proxy). Never put the key in a URL instead. */
  headers?: Record<string, string>;
  /** Extra body fields (temperature, …). */
  body?: Record<string, unknown>;
  fetch?: FetchLike;
}

/**
 * Checks a provider base URL: http(s) only, and no credentials in it (keys go in headers only,
 * so they never land in logs, history or referrers).
 */
export function checkBaseUrl(baseUrl: string, provider: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TgError(ErrorCode.INVALID_CONFIG, `${provider}: baseUrl is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `${provider}: baseUrl must be http(s)`);
  }
  if (url.username || url.password) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `${provider}: baseUrl must not carry credentials; pass the key as apiKey`);
  }
  return url;
}

/** `base` + `/path`, with exactly one slash between. Query and fragment of `base` are kept out. */
export function joinUrl(base: URL, path: string): string {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return url.href;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)$/i;

/** Default data-flow label for a base URL: `local` on loopback, else `vendor:<name>`. */
export function labelFor(base: URL, vendor: string): string {
  return LOOPBACK.test(base.hostname) ? 'local' : `vendor:${vendor}`;
}

export async function resolveKey(key: string | (() => string | Promise<string>) | undefined): Promise<string | undefined> {
  const value = typeof key === 'function' ? await key() : key;
  return value === undefined || value === '' ? undefined : value;
}

/** POSTs JSON; resolves with an ok response, rejects with a coded error (or the abort). */
export async function postJson(
  fetchFn: FetchLike,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  provider: string,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
      // Keys are in headers; never send cookies or a referrer to a model API.
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (err) {
    if (signal.aborted) throw err;
    throw networkError(err, provider);
  }
  if (!response.ok) throw await httpError(response, provider);
  return response;
}

export function parseJson(data: string, provider: string): unknown {
  try {
    return JSON.parse(data);
  } catch (cause) {
    throw new TgError(ErrorCode.LLM_BAD_RESPONSE, `${provider} sent an event that is not JSON: ${data.slice(0, 120)}`, { cause });
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses tool-call argument text: `{}` for empty text; `invalid` when it is not a JSON object. */
export function parseArguments(text: string): { args?: Record<string, unknown>; invalid?: string } {
  if (text.trim() === '') return { args: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return { args: value };
    return { invalid: 'the arguments are not a JSON object' };
  } catch (err) {
    return { invalid: `the arguments are not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}
