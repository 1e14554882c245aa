/**
 * Checks a server URL a person typed, before anything is opened: `wss:`/`https:` anywhere,
 * `ws:`/`http:` only to a loopback host (plaintext elsewhere would expose tokens and tool data).
 * The connection worker checks again; this is for a clear message next to the field.
 */
export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function checkServerUrl(input: string): UrlCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Enter the server URL.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'This is not a URL. Use e.g. wss://tools.example/mcp or https://tools.example/mcp.' };
  }
  if (url.username || url.password) return { ok: false, message: 'Put credentials in the sign-in, not in the URL.' };
  if (url.protocol === 'wss:' || url.protocol === 'https:') return { ok: true, url: url.href };
  if (url.protocol === 'ws:' || url.protocol === 'http:') {
    if (LOOPBACK.test(url.hostname)) return { ok: true, url: url.href };
    return { ok: false, message: `Use ${url.protocol === 'ws:' ? 'wss:' : 'https:'} — plaintext ${url.protocol} is only allowed to this computer (localhost).` };
  }
  return { ok: false, message: `The scheme ${url.protocol} is not supported: use wss:, https:, or ws:/http: to localhost.` };
}

/** Whether the URL's scheme is a WebSocket one (MessagePack is offered only over WebSocket). */
export function isWebSocketUrl(url: string): boolean {
  return /^wss?:/i.test(url.trim());
}
