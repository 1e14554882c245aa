/**
 * Sensitive form fields: the spec says servers MUST NOT use form-mode elicitation for passwords,
 * API keys, tokens, payment credentials or other secrets (client/elicitation.mdx §Security). The
 * worker marks every field whose name, title, description or format suggests one, so the page can
 * refuse the request (the default) or, when the host's policy accepts the risk, mask the field.
 */
import type { JsonObject, SensitiveField, SensitiveReason } from '../shared/wire.js';

/** First match wins, so a "card security code" is a card field, not a one-time code. */
const RULES: [SensitiveReason, RegExp][] = [
  ['card', /\b(?:credit ?card|debit ?card|card ?(?:number|no|num)|cc ?(?:number|num)|ccn|pan|cvv2?|cvc2?|csc|card ?(?:security|verification) ?(?:code|value)|expiry|iban|bank ?account ?(?:number|no))\b/],
  ['one-time-code', /\b(?:one ?time|otp|totp|hotp|2fa|mfa|two ?factor|verification ?code|auth(?:entication)? ?code|security ?code|sms ?code|recovery ?code|backup ?code)\b/],
  ['password', /\b(?:pass ?(?:word|phrase|wd|code)s?|pwd|pin|pin ?code)\b/],
  ['token', /\b(?:token|api ?key|access ?key|bearer|session ?(?:id|key|cookie)|cookie)\b/],
  ['secret', /\b(?:secret|private ?key|signing ?key|credentials?|seed ?phrase|mnemonic|recovery ?phrase)\b/],
];

/** `apiKey`, `api_key`, `API-Key` → `api key`; lowercase words. */
const words = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_\-.:/]+/g, ' ').toLowerCase();

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields of a form's `requestedSchema` that ask for something a server must not ask for. */
export function sensitiveFields(schema: JsonObject): SensitiveField[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const out: SensitiveField[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    const prop = isObject(raw) ? raw : {};
    if (prop.format === 'password' || prop.writeOnly === true) {
      out.push({ name, reason: 'password' });
      continue;
    }
    const text = [name, prop.title, prop.description, prop.format].filter((v): v is string => typeof v === 'string').map(words).join(' | ');
    const hit = RULES.find(([, re]) => re.test(text));
    if (hit) out.push({ name, reason: hit[0] });
  }
  return out;
}
