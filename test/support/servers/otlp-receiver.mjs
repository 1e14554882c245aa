// @ts-check
/**
 * A local OTLP/HTTP logs receiver for tests: it checks every request against the OpenTelemetry
 * proto definitions (the official .proto files, vendored unchanged with their licence in
 * test/support/otlp/vendor/, loaded with protobufjs) and OTLP's JSON encoding rules, keeps what arrived,
 * and misbehaves on demand.
 *
 *   POST /t/<tag>/v1/logs      the collector endpoint of one test (state is per tag)
 *   POST /__otlp/<tag>/script  (control port) `{ failFirst?, failStatus?, tooMany?, retryAfter?, rejectNext?, partialNext? }`:
 *                              the next `failFirst` requests answer `failStatus` (503), then `tooMany`
 *                              answer 429 with `Retry-After: <retryAfter>`; `rejectNext` answers the next
 *                              one 400 (bad data, not to be retried); `partialNext` accepts it with a
 *                              partial success rejecting that many records
 *   POST /__otlp/down          `{ ms }`: stop listening (and cut open sockets) for `ms`, then listen
 *                              again on the same port — the collector "goes away for a while"
 *   GET  /__otlp/<tag>         `{ records, requests, invalid }`: each accepted log record's uid, seq,
 *                              traceId, spanId and attributes, in arrival order; every request's status,
 *                              headers and time; the validation errors of requests that broke the encoding
 *
 * A request that breaks the encoding is answered 400 and counted in `invalid` (a test expects none).
 * The control endpoints live on their own port, so they stay up while the collector is down.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { readBody } from '../../../demo/server/http-util.mjs';

const PROTO_ROOT = fileURLToPath(new URL('../otlp/vendor/', import.meta.url));
const MAX_BODY = 16 * 1024 * 1024;

/** The `ExportLogsServiceRequest` type, from the official definitions. */
export async function loadLogsRequestType() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : PROTO_ROOT + target);
  await root.load('opentelemetry/proto/collector/logs/v1/logs_service.proto', { keepCase: true });
  root.resolveAll();
  return root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
}

const lowerCamel = (/** @type {string} */ name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
/** OTLP's exception to the proto3 JSON mapping: these bytes fields are hex, of this many bytes. */
const HEX_BYTES = /** @type {Record<string, number>} */ ({ trace_id: 16, span_id: 8 });

/**
 * Checks `json` against `type` by the proto3 JSON mapping with OTLP's deviations: keys are the
 * lowerCamelCase field names only; enums are integers; 64-bit integers are decimal strings (or
 * integers); `traceId`/`spanId` are hex of 16/8 bytes; other bytes are base64; at most one member
 * of a oneof. Unknown keys are errors here: a receiver must ignore them, but our client must not send any.
 * @param {protobuf.Type} type @param {unknown} json @param {string} path @param {string[]} errors
 */
export function checkMessage(type, json, path, errors) {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    errors.push(`${path}: expected a ${type.name} object`);
    return;
  }
  const byJsonName = new Map(type.fieldsArray.map((f) => [lowerCamel(f.name), f]));
  for (const [key, value] of Object.entries(json)) {
    const field = byJsonName.get(key);
    if (!field) {
      errors.push(`${path}.${key}: no such field in ${type.name}${type.fields[key] ? ' (original field names are not valid JSON keys)' : ''}`);
      continue;
    }
    field.resolve();
    if (field.repeated) {
      if (!Array.isArray(value)) errors.push(`${path}.${key}: expected an array`);
      else value.forEach((item, i) => checkValue(field, item, `${path}.${key}[${i}]`, errors));
    } else checkValue(field, value, `${path}.${key}`, errors);
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => lowerCamel(f.name) in /** @type {object} */ (json));
    if (set.length > 1) errors.push(`${path}: more than one of oneof ${oneof.name} (${set.map((f) => f.name).join(', ')})`);
  }
}

/** @param {protobuf.Field} field @param {unknown} value @param {string} path @param {string[]} errors */
function checkValue(field, value, path, errors) {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, value, path, errors);
  if (resolved instanceof protobuf.Enum) {
    if (!Number.isInteger(value) || !Object.values(resolved.values).includes(/** @type {number} */ (value))) {
      errors.push(`${path}: an enum must be one of its integer values (got ${JSON.stringify(value)})`);
    }
    return;
  }
  const t = field.type;
  const bad = (/** @type {string} */ want) => errors.push(`${path}: expected ${want} (got ${JSON.stringify(value)})`);
  if (t === 'string') typeof value === 'string' || bad('a string');
  else if (t === 'bool') typeof value === 'boolean' || bad('a boolean');
  else if (t === 'double' || t === 'float') typeof value === 'number' || bad('a number');
  else if (INT32.has(t)) (Number.isInteger(value) && (t.startsWith('u') || t === 'fixed32' ? /** @type {number} */ (value) >= 0 : true)) || bad(`an integer (${t})`);
  else if (INT64.has(t)) (typeof value === 'string' ? /^-?\d+$/.test(value) : Number.isSafeInteger(value)) || bad(`a decimal string (${t})`);
  else if (t === 'bytes') {
    const hexLength = HEX_BYTES[field.name];
    if (hexLength !== undefined) (typeof value === 'string' && new RegExp(`^[0-9a-fA-F]{${hexLength * 2}}$`).test(value)) || bad(`${hexLength} bytes as hex`);
    else (typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) || bad('base64');
  } else bad(`a ${t}`);
}

/**
 * @typedef {{ uid?: string, seq?: number, traceId?: string, spanId?: string, eventName?: string, attributes: Record<string, unknown> }} ReceivedRecord
 * @typedef {{ failFirst: number, failStatus: number, tooMany: number, retryAfter: string, rejectNext: number, partialNext: number }} Script
 * @typedef {{ script: Script, records: ReceivedRecord[], requests: { status: number, headers: Record<string, unknown>, count: number, at: number }[], invalid: string[][] }} TagState
 */

/** An attribute's value as plain JSON. @param {any} v */
function plain(v) {
  if (!v || typeof v !== 'object') return v;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('boolValue' in v) return v.boolValue;
  if ('doubleValue' in v) return v.doubleValue;
  return v;
}

/** @param {import('node:http').ServerResponse} res @param {import('node:http').IncomingMessage} req */
function cors(res, req) {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
  res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'content-type');
  // A page reads Retry-After only when the collector exposes it.
  res.setHeader('access-control-expose-headers', 'retry-after');
}

/** @param {import('node:http').IncomingMessage} req */
const readText = async (req) => (await readBody(req, MAX_BODY)).toString('utf8');

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** @param {{ port?: number }} [options] */
export async function startOtlpReceiver(options = {}) {
  const requestType = await loadLogsRequestType();
  /** @type {Map<string, TagState>} */
  const tags = new Map();
  const stateOf = (/** @type {string} */ tag) => {
    let state = tags.get(tag);
    if (!state) {
      state = { script: { failFirst: 0, failStatus: 503, tooMany: 0, retryAfter: '1', rejectNext: 0, partialNext: 0 }, records: [], requests: [], invalid: [] };
      tags.set(tag, state);
    }
    return state;
  };

  const collector = createServer(async (req, res) => {
    cors(res, req);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const match = /^\/t\/([^/]+)\/v1\/logs$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match || req.method !== 'POST') return send(res, 404, { message: 'not found' });
    const state = stateOf(decodeURIComponent(match[1] ?? ''));
    const answer = (/** @type {number} */ status, /** @type {unknown} */ body, /** @type {Record<string, string>} */ headers = {}, count = 0) => {
      state.requests.push({ status, headers: { ...req.headers }, count, at: Date.now() });
      send(res, status, body, headers);
    };
    let text;
    try {
      text = await readText(req);
    } catch {
      return answer(413, { message: 'too large' });
    }
    // OTLP/HTTP JSON: the content type, then the encoding of the body against the proto.
    /** @type {string[]} */
    const errors = [];
    if (!String(req.headers['content-type']).startsWith('application/json')) errors.push(`content-type must be application/json (got ${req.headers['content-type']})`);
    /** @type {any} */
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      errors.push('body is not JSON');
    }
    if (json !== undefined) checkMessage(requestType, json, 'ExportLogsServiceRequest', errors);
    if (errors.length) {
      state.invalid.push(errors);
      return answer(400, { code: 3, message: errors.slice(0, 5).join('; ') });
    }
    const logRecords = (json.resourceLogs ?? []).flatMap((/** @type {any} */ rl) => (rl.scopeLogs ?? []).flatMap((/** @type {any} */ sl) => sl.logRecords ?? []));
    const script = state.script;
    if (script.failFirst > 0) {
      script.failFirst--;
      return answer(script.failStatus, { code: 14, message: 'unavailable (scripted)' }, {}, logRecords.length);
    }
    if (script.tooMany > 0) {
      script.tooMany--;
      return answer(429, { code: 8, message: 'slow down (scripted)' }, { 'retry-after': script.retryAfter }, logRecords.length);
    }
    if (script.rejectNext > 0) {
      script.rejectNext--;
      return answer(400, { code: 3, message: 'rejected (scripted)' }, {}, logRecords.length);
    }
    let rejected = 0;
    if (script.partialNext > 0) {
      rejected = Math.min(script.partialNext, logRecords.length);
      script.partialNext = 0;
    }
    for (const record of logRecords.slice(rejected)) {
      const attributes = Object.fromEntries((record.attributes ?? []).map((/** @type {any} */ a) => [a.key, plain(a.value)]));
      state.records.push({
        uid: /** @type {string | undefined} */ (attributes['log.record.uid']),
        seq: /** @type {number | undefined} */ (attributes['toolgate.audit.seq']),
        traceId: record.traceId,
        spanId: record.spanId,
        eventName: record.eventName,
        attributes,
      });
    }
    answer(200, rejected ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: 'rejected (scripted)' } } : {}, {}, logRecords.length);
  });

  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  collector.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => collector.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (collector.address()).port;
  let downUntil = 0;

  /** Stops accepting connections for `ms` (open ones are cut), then listens on the same port again. */
  async function goAway(/** @type {number} */ ms) {
    downUntil = Date.now() + ms;
    await new Promise((resolve) => {
      collector.close(() => resolve(undefined));
      for (const socket of sockets) socket.destroy();
    });
    setTimeout(() => collector.listen(port, '127.0.0.1'), ms).unref();
  }

  const control = createServer(async (req, res) => {
    cors(res, req);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      if (req.method === 'POST' && url.pathname === '/__otlp/down') {
        const { ms } = JSON.parse((await readText(req)) || '{}');
        await goAway(Math.min(Number(ms) || 1000, 30_000));
        return send(res, 200, { downUntil });
      }
      const match = /^\/__otlp\/([^/]+)(\/script)?$/.exec(url.pathname);
      if (!match) return send(res, 404, { message: 'not found' });
      const state = stateOf(decodeURIComponent(match[1] ?? ''));
      if (req.method === 'POST' && match[2]) {
        Object.assign(state.script, JSON.parse((await readText(req)) || '{}'));
        return send(res, 200, state.script);
      }
      return send(res, 200, { records: state.records, requests: state.requests, invalid: state.invalid, up: Date.now() >= downUntil });
    } catch (err) {
      return send(res, 500, { message: String(err) });
    }
  });
  await new Promise((resolve) => control.listen(0, '127.0.0.1', () => resolve(undefined)));
  const controlPort = /** @type {import('node:net').AddressInfo} */ (control.address()).port;

  return {
    /** The collector's base URL; a test's endpoint is `${url}/t/<tag>/v1/logs`. */
    url: `http://127.0.0.1:${port}`,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    goAway,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise((r) => collector.close(() => r(undefined))), new Promise((r) => control.close(() => r(undefined)))]);
    },
  };
}
