/**
 * Starts connection workers so that they load wherever the library is loaded from, and explains a
 * worker that cannot start.
 *
 * - In an app's bundle (Vite, webpack, Parcel), the bundler found the literal
 *   `new Worker(new URL('./connection.worker.js', import.meta.url), …)` below (the library build
 *   writes it; the source points at the TypeScript) and rewrote it to the worker file it emitted.
 * - Unbundled (`dist/cdn/` on a static server, under any sub-path), `./connection.worker.js` sits
 *   next to the module, and every chunk is found relative to its importer.
 * - On another origin (a CDN), browsers refuse a cross-origin worker script, so a same-origin
 *   `blob:` module imports it instead (module scripts are fetched with CORS, which CDNs allow).
 * - A host whose CSP has no `blob:` in `worker-src` gives a same-origin `workerUrl` (`worker-url`).
 *
 * The URL the bundler chose is read by running that literal once against a stand-in `Worker`
 * (see `bundledWorkerScript`): only then can the real worker be started through Trusted Types, from
 * a `blob:` when it is cross-origin, and a failure name the URL that was tried.
 */
import { ErrorCode, TgError } from '../../workers/shared/errors.js';

/** A host-given worker's options: a module worker, named as the default one (whose literal options bundlers read). */
const HOST_WORKER_OPTIONS: WorkerOptions = { type: 'module', name: 'tg-connection' };
/** The Trusted Types policy the worker URLs go through (list it in `trusted-types` when you enforce them). */
const WORKER_POLICY_NAME = 'toolgate-worker';

/** How a connection worker was started, for explaining its failure. */
interface StartedWorker {
  /** The worker script (for a `blob:` bootstrap, the module it imports). */
  readonly url: string;
  readonly via: 'bundled' | 'blob' | 'host';
  /** Set by the first message: later errors are the worker's own, not a failed start. */
  started: boolean;
  /** A CSP violation the page reported while the worker was starting. */
  violation?: { directive: string; blocked: string };
}

const startedWorkers = new WeakMap<Worker, StartedWorker>();

/**
 * Starts one connection worker: from `workerUrl` when the host gives one (resolved against the
 * document), else from the file next to the library (or the one its bundler emitted), through a
 * same-origin `blob:` module when that is on another origin. Throws `TG_WORKER_FAILED` naming the
 * URL when the browser refuses it at once (CSP, Trusted Types, a cross-origin `workerUrl`).
 */
export function startConnectionWorker(workerUrl?: string | URL): Worker {
  const script = workerUrl === undefined ? bundledWorkerScript() : { url: new URL(workerUrl, document.baseURI).href, options: HOST_WORKER_OPTIONS };
  const via: StartedWorker['via'] = workerUrl !== undefined ? 'host' : isCrossOrigin(script.url) ? 'blob' : 'bundled';
  const record: StartedWorker = { url: script.url, via, started: false };
  const stopWatching = watchViolations(record);
  let worker: Worker;
  try {
    worker = via === 'blob' ? startFromBlob(script.url, script.options) : new Worker(trustedScriptUrl(script.url), script.options);
  } catch (err) {
    stopWatching();
    throw new TgError(ErrorCode.WORKER_FAILED, `Connection worker ${describe(record)} was refused: ${refusal(err, record)}`, { cause: err, data: { url: record.url, via } });
  }
  startedWorkers.set(worker, record);
  worker.addEventListener('message', () => ((record.started = true), stopWatching()), { once: true });
  worker.addEventListener('error', stopWatching, { once: true });
  return worker;
}

/**
 * The `TG_WORKER_FAILED` error for an `error` event of a worker: before it ever answered, the
 * worker script is fetched once more to tell a missing file (404), an HTML page (an SPA fallback),
 * a wrong MIME type, a CORS refusal and a CSP block apart, and the message names the URL and the fix.
 */
export async function workerFailure(worker: Worker, event: Event): Promise<TgError> {
  const reported = event instanceof ErrorEvent && event.message ? event.message : undefined;
  const record = startedWorkers.get(worker);
  if (!record) return new TgError(ErrorCode.WORKER_FAILED, `Connection worker failed: ${reported ?? 'script error'}`);
  const data = { url: record.url, via: record.via };
  if (record.started) return new TgError(ErrorCode.WORKER_FAILED, `Connection worker failed: ${reported ?? 'script error'} (${record.url})`, { data });
  const cause = await diagnose(record, reported);
  return new TgError(ErrorCode.WORKER_FAILED, `Connection worker ${describe(record)} did not start: ${cause}`, { data });
}

/**
 * The one `new Worker(new URL(…, import.meta.url))` of the library. Bundlers recognise exactly this
 * form, with literal options; the library build rewrites the path to `./connection.worker.js`
 * (scripts/build-library.mjs).
 */
function newDefaultWorker(): Worker {
  return new Worker(new URL('../../workers/connection.worker.ts', import.meta.url), { type: 'module', name: 'tg-connection' });
}

/**
 * The URL and options the literal above resolves to in this build. It runs once against a
 * stand-in constructor, synchronously, so nothing else can observe the swap.
 */
function bundledWorkerScript(): { url: string; options: WorkerOptions } {
  const RealWorker = globalThis.Worker;
  let seen: { url: string; options: WorkerOptions } | undefined;
  globalThis.Worker = function recordWorkerScript(url: string | URL, options?: WorkerOptions) {
    seen = { url: new URL(url, document.baseURI).href, options: { ...options } };
  } as unknown as typeof Worker;
  try {
    newDefaultWorker();
  } finally {
    globalThis.Worker = RealWorker;
  }
  if (!seen) throw new TgError(ErrorCode.WORKER_FAILED, 'Connection worker: the library build lost its worker reference');
  return seen;
}

function isCrossOrigin(url: string): boolean {
  const { protocol, origin } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && origin !== location.origin;
}

/**
 * A same-origin `blob:` worker whose only job is to load the real one: `import` for a module
 * worker, `importScripts` for a classic one (webpack emits classic worker chunks).
 */
function startFromBlob(url: string, options: WorkerOptions): Worker {
  const source = options.type === 'module' ? `import ${JSON.stringify(url)};` : `importScripts(${JSON.stringify(url)});`;
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    const worker = new Worker(trustedScriptUrl(blobUrl), options);
    const revoke = () => URL.revokeObjectURL(blobUrl);
    worker.addEventListener('message', revoke, { once: true });
    worker.addEventListener('error', revoke, { once: true });
    return worker;
  } catch (err) {
    URL.revokeObjectURL(blobUrl);
    throw err;
  }
}

type ScriptUrlPolicy = { createScriptURL(url: string): string };
let policy: ScriptUrlPolicy | null | undefined;

/**
 * On a page that enforces Trusted Types, `new Worker(url)` needs a TrustedScriptURL. Only URLs made
 * here pass through this policy (the library's own worker file, its `blob:` bootstrap, the host's
 * `workerUrl`), so it accepts them as they are.
 */
function trustedScriptUrl(url: string): string {
  if (policy === undefined) {
    const factory = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy } }).trustedTypes;
    try {
      policy = factory ? factory.createPolicy(WORKER_POLICY_NAME, { createScriptURL: (value) => value }) : null;
    } catch {
      policy = null; // the page's `trusted-types` directive does not allow the name: the plain URL may still pass
    }
  }
  return policy ? policy.createScriptURL(url) : url;
}

/** Records the page's CSP violation for this worker's script (or its `blob:`) while it starts. */
function watchViolations(record: StartedWorker): () => void {
  if (typeof document === 'undefined') return () => {};
  const onViolation = (event: SecurityPolicyViolationEvent) => {
    const blocked = event.blockedURI;
    const ours = blocked === record.url || (record.via === 'blob' && blocked.startsWith('blob'));
    if (ours) record.violation ??= { directive: event.effectiveDirective || event.violatedDirective, blocked };
  };
  document.addEventListener('securitypolicyviolation', onViolation);
  return () => document.removeEventListener('securitypolicyviolation', onViolation);
}

function describe(record: StartedWorker): string {
  return record.via === 'blob' ? `${record.url} (imported by a blob: worker, since it is on another origin)` : record.url;
}

/** Why the browser threw at `new Worker()`. */
function refusal(err: unknown, record: StartedWorker): string {
  const message = err instanceof Error ? err.message : String(err);
  if (record.violation || /content security policy/i.test(message)) return `${cspAdvice(record)} (${message})`;
  if (err instanceof TypeError && /trusted/i.test(message)) {
    return `this page enforces Trusted Types: allow the policy "${WORKER_POLICY_NAME}" in its trusted-types directive (${message})`;
  }
  if (err instanceof DOMException && err.name === 'SecurityError') return `${CROSS_ORIGIN} (${message})`;
  return message;
}

const CROSS_ORIGIN = "browsers refuse worker scripts from another origin; give a worker-url (workerUrl) on this page's origin";

function cspAdvice(record: StartedWorker): string {
  const found = record.violation ? `the page's Content-Security-Policy blocked ${record.violation.blocked} (${record.violation.directive})` : `the page's Content-Security-Policy blocks it`;
  if (record.via === 'blob') return `${found}: allow blob: in worker-src, or give a worker-url (workerUrl) on this page's origin`;
  return `${found}: allow ${new URL(record.url).origin} in worker-src (or script-src)`;
}

/** Fetches the worker script once more to name the likely cause of its failed start. */
async function diagnose(record: StartedWorker, reported: string | undefined): Promise<string> {
  if (record.violation) return cspAdvice(record);
  // Chromium throws at `new Worker()` for this; Firefox fires `error`.
  if (record.via !== 'blob' && isCrossOrigin(record.url)) return CROSS_ORIGIN;
  let response: Response;
  try {
    response = await fetch(record.url, { cache: 'no-store', credentials: 'same-origin' });
  } catch {
    return isCrossOrigin(record.url)
      ? `it could not be fetched: its server is unreachable, or does not send CORS headers (Access-Control-Allow-Origin) to this origin, or connect-src forbids it`
      : `it could not be fetched: its server is unreachable`;
  }
  void response.body?.cancel().catch(() => {});
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!response.ok) return `its server answered ${response.status}${missingFileAdvice(record)}`;
  if (type === 'text/html') return `its server answered with an HTML page, not JavaScript (a single-page-app fallback?)${missingFileAdvice(record)}`;
  if (!/^(text|application)\/(javascript|ecmascript|x-javascript)$/.test(type)) {
    return `its server sent it as "${type || 'no type'}"; browsers run worker scripts only with a JavaScript MIME type (text/javascript)`;
  }
  const detail = reported ? `; the browser reported: ${reported}` : '';
  // A module worker's static imports are fetched as workers too (worker-src), its dynamic imports as scripts.
  return `it loaded, but did not start: a Content-Security-Policy may block it (worker-src must allow ${record.via === 'blob' ? 'blob: and ' : ''}the origin of the worker and of the modules it imports, script-src its lazily loaded chunks) or one of its chunks is missing${detail}`;
}

function missingFileAdvice(record: StartedWorker): string {
  if (record.via === 'host') return ': the worker-url (workerUrl) must point at connection.worker.js, served with the chunks next to it';
  if (new URL(record.url).pathname.includes('/node_modules/.vite/')) {
    return ": Vite pre-bundled toolgate without its worker; add `optimizeDeps: { exclude: ['toolgate'] }` to vite.config (Vite 8 needs nothing)";
  }
  return ': serve the whole folder the library module came from (connection.worker.js and its chunks sit next to it), or give a worker-url (workerUrl)';
}
