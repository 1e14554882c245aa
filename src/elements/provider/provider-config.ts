/**
 * What a `<tg-provider>` element declares, read from its attributes (so `<tg-agent>` works even
 * before `<tg-provider>` is defined), turned into an `LlmProvider`. No DOM: anything with
 * `getAttribute` will do. Never throws: a bad declaration becomes `configError`
 * (`TG_INVALID_CONFIG`), shown by the element, and the agent stays in manual mode meanwhile.
 */
import { AnthropicProvider } from '../../llm/anthropic.js';
import { OpenAiCompatibleProvider } from '../../llm/openai-compatible.js';
import type { LlmProvider } from '../../llm/types.js';
import { toCodedError, type CodedError } from '../../runtime/coded-error.js';
import type { AttributeSource } from '../server/server-config.js';
import { ErrorCode } from '../../../workers/shared/errors.js';

/** The attributes of `<tg-provider>` that make up its configuration. */
export const PROVIDER_ATTRIBUTES = ['kind', 'base-url', 'model', 'api-key', 'label', 'media'] as const;

export type ProviderKind = 'openai' | 'anthropic';

export interface ProviderDeclaration {
  /** The provider, unless the declaration is invalid. */
  provider?: LlmProvider;
  configError?: CodedError;
  /** What the model picker shows: the model and where it runs (never the key). */
  title?: string;
  /** Equal keys mean the same configuration (the key itself is left out of it). */
  key: string;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Reads one `<tg-provider>`'s attributes and builds the provider.
 * `kind="openai"` (any OpenAI-compatible Chat Completions server) needs `base-url` and `model`;
 * `kind="anthropic"` needs `model` (`base-url` defaults to the Anthropic API; use a proxy).
 */
export function parseProviderAttributes(source: AttributeSource): ProviderDeclaration {
  const get = (name: (typeof PROVIDER_ATTRIBUTES)[number]) => {
    const v = source.getAttribute(name);
    return v === null || v.trim() === '' ? undefined : v.trim();
  };
  const kind = get('kind') ?? 'openai';
  const baseUrl = get('base-url');
  const model = get('model');
  const apiKey = get('api-key');
  const label = get('label');
  // `media="images audio"` (or `none`): what an OpenAI-compatible model takes; absent, its default.
  const mediaWords = get('media')?.toLowerCase().split(/[\s,]+/);
  const media = mediaWords && { images: mediaWords.includes('images'), audio: mediaWords.includes('audio') };
  // The key is part of the identity (a new key means a new provider) but never shown or logged.
  const key = JSON.stringify([kind, baseUrl ?? null, model ?? null, label ?? null, apiKey ?? null, media ?? null]);
  const invalid = (message: string): ProviderDeclaration => ({ key, configError: { code: ErrorCode.INVALID_CONFIG, message: `Invalid <tg-provider>: ${message}` } });
  if (!model) return invalid('model is missing');
  try {
    if (kind === 'openai') {
      if (!baseUrl) return invalid('base-url is missing');
      return { key, title: `${model} · ${hostOf(baseUrl)}`, provider: new OpenAiCompatibleProvider({ baseUrl, model, ...(apiKey && { apiKey }), ...(label && { label }), ...(media && { media }) }) };
    }
    if (kind === 'anthropic') {
      return { key, title: `${model} · ${baseUrl ? hostOf(baseUrl) : 'Anthropic'}`, provider: new AnthropicProvider({ model, ...(baseUrl && { baseUrl }), ...(apiKey && { apiKey }), ...(label && { label }) }) };
    }
  } catch (err) {
    const coded = toCodedError(err);
    return { key, configError: { code: coded.code ?? ErrorCode.INVALID_CONFIG, message: `Invalid <tg-provider>: ${coded.message}` } };
  }
  return invalid(`kind "${kind}" is not supported (use openai or anthropic)`);
}
