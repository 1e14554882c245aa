// @ts-check
/**
 * A static file server as hosts deploy one: folders mounted at URL prefixes (a sub-path, a CDN's
 * package path), JavaScript as `text/javascript`, optional CORS (what CDNs send) and an optional
 * single-page-app fallback (unknown paths answered with index.html, which is what turns a missing
 * worker file into "HTML instead of JavaScript"). Every request is logged with its status and type,
 * so a test can tell what the browser asked for and got. Binds 127.0.0.1 on a free port.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { listenOnLoopback } from '../support/servers/listen.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * @typedef {object} ServedRequest
 * @property {string} path
 * @property {number} status
 * @property {string} type the response's content type ('' when none)
 */

/**
 * @typedef {object} StaticServerOptions
 * @property {Record<string, string>} mounts URL prefix (`/`, `/static/toolgate/`) → folder
 * @property {boolean} [cors] send `Access-Control-Allow-Origin: *`, as CDNs do
 * @property {string} [fallback] answer unknown paths with this file (an SPA's index.html)
 * @property {(path: string) => { status?: number, type?: string, body?: string } | undefined} [override] answer some paths differently (a broken deployment)
 * @property {Record<string, string>} [headers] extra headers on every response (e.g. a CSP)
 */

/**
 * @param {StaticServerOptions} options
 * @returns {Promise<{ origin: string, requests: ServedRequest[], close(): Promise<void> }>}
 */
export async function startStaticServer({ mounts, cors = false, fallback, override, headers = {} }) {
  /** @type {ServedRequest[]} */
  const requests = [];
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (/** @type {number} */ status, /** @type {string} */ type, /** @type {import('node:stream').Readable | string} */ body) => {
      requests.push({ path, status, type });
      res.writeHead(status, { ...headers, ...(type && { 'content-type': type }), ...(cors && { 'access-control-allow-origin': '*' }), 'cache-control': 'no-store' });
      if (typeof body === 'string') res.end(body);
      else body.pipe(res);
    };
    const special = override?.(path);
    if (special) return send(special.status ?? 200, special.type ?? '', special.body ?? '');
    const file = await resolveFile(path, mounts, prefixes);
    if (file) return send(200, TYPES[/** @type {keyof TYPES} */ (extname(file))] ?? 'application/octet-stream', createReadStream(file));
    if (fallback) return send(200, TYPES['.html'], createReadStream(fallback));
    send(404, TYPES['.txt'], 'Not found');
  });
  const { origin, close } = await listenOnLoopback(server);
  return { origin, requests, close };
}

/**
 * The file a path names under its longest matching mount (`index.html` for a folder), or
 * undefined; never a file outside the mounted folder.
 * @param {string} path
 * @param {Record<string, string>} mounts
 * @param {string[]} prefixes
 */
async function resolveFile(path, mounts, prefixes) {
  // `/app/deep/path` names the folder mounted at `/app/deep/path/` (its index.html), as static hosts serve it.
  const prefix = prefixes.find((p) => path.startsWith(p) || `${path}/` === p);
  if (prefix === undefined) return undefined;
  const root = normalize(/** @type {string} */ (mounts[prefix]));
  const file = normalize(join(root, path.slice(prefix.length)));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  try {
    const info = await stat(file);
    if (info.isFile()) return file;
    if (info.isDirectory()) {
      const index = join(file, 'index.html');
      if ((await stat(index)).isFile()) return index;
    }
  } catch {
    /* not there */
  }
  return undefined;
}
