/**
 * The bench page: every workload runs here, in headless Chromium, and returns raw samples to
 * bench/run.mjs (which does the statistics). Every loop is bounded by a count and by a time.
 * Workers are bundled by run.mjs and served next to the page (same origin, real URLs: a Blob URL
 * worker has a `location` some libraries cannot parse at load, e.g. @cfworker/json-schema).
 */
import { wrap, type Remote } from 'comlink';
import { McpConnection } from '../src/connections/connection.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { Gate } from '../src/gate/gate.js';
import { ALLOW_ALL_POLICY } from '../src/gate/policy.js';
import { jsonCodec } from '../workers/codecs/json.js';
import { msgpackCodec } from '../workers/codecs/msgpack.js';
import { bytesToBase64 } from '../workers/codecs/base64.js';
import type { Codec } from '../workers/codecs/codec.js';
import type { JsonRpcMessage } from '../workers/shared/wire.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import type { FloorApi } from './floor.worker.js';
import type { InnerApi } from './inner.worker.js';

/** The platform-baseline workers (postMessage echo, bare worker) are one line: a Blob URL is fine. */
const blobUrl = (source: string) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
const toolgateWorkerUrl = new URL('/workers/connection.js', location.href).href;
const floorWorkerUrl = new URL('/workers/floor.js', location.href).href;
const innerWorkerUrl = new URL('/workers/inner.js', location.href).href;

export interface LoopOptions {
  warmup: number;
  count: number;
  maxMs: number;
}
export interface ThroughputOptions {
  concurrency: number;
  warmupMs: number;
  windowMs: number;
  windows: number;
}
export interface ThroughputResult {
  /** Completed calls per second, one figure per window. */
  rates: number[];
  latencies: number[];
  errors: number;
}

const now = () => performance.now();

/** Sequential calls: one in flight. */
async function latency(call: () => Promise<unknown>, { warmup, count, maxMs }: LoopOptions): Promise<number[]> {
  const warmDeadline = now() + maxMs;
  for (let i = 0; i < warmup && now() < warmDeadline; i++) await call();
  const samples: number[] = [];
  const deadline = now() + maxMs;
  while (samples.length < count && now() < deadline) {
    const t0 = now();
    await call();
    samples.push(now() - t0);
  }
  return samples;
}

/** `concurrency` loops each keeping one call in flight, for a fixed time; completions counted per window. */
async function throughput(call: () => Promise<unknown>, o: ThroughputOptions): Promise<ThroughputResult> {
  const start = now();
  const measureFrom = start + o.warmupMs;
  const end = measureFrom + o.windowMs * o.windows;
  const stamps: number[] = [];
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (now() < end) {
        const t0 = now();
        try {
          await call();
        } catch (err) {
          if (++errors > 20) throw err;
          continue;
        }
        const t1 = now();
        if (t1 <= end) stamps.push(t1);
        if (t0 >= measureFrom && t1 <= end) latencies.push(t1 - t0);
      }
    }),
  );
  const rates = Array.from({ length: o.windows }, (_, w) => {
    const from = measureFrom + w * o.windowMs;
    const to = from + o.windowMs;
    return (stamps.filter((t) => t >= from && t < to).length * 1000) / o.windowMs;
  });
  return { rates, latencies, errors };
}

// ---------------------------------------------------------------------------------------------
// Clients under test

interface BenchClient {
  call(tool: string, args: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
  codec?: string;
}

export type ClientSpec =
  /** `gated`: every call goes page → gate (allow rule) → write-ahead audit → worker, as in the product. */
  | { kind: 'toolgate'; url: string; msgpack?: boolean; gated?: boolean }
  | { kind: 'sdk'; url: string };

async function openClient(spec: ClientSpec): Promise<BenchClient> {
  if (spec.kind === 'toolgate') {
    const connection = await McpConnection.open(
      { url: spec.url, msgpack: spec.msgpack === true, clientInfo: { name: 'toolgate-bench', version: '0' } },
      { createWorker: () => new Worker(toolgateWorkerUrl, { type: 'module', name: 'tg-connection' }) },
    );
    await connection.listTools();
    if (spec.gated) return gatedClient(connection);
    return {
      codec: connection.info?.codec,
      call: async (tool, args) => {
        const result = await connection.callTool(tool, args as never);
        if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content).slice(0, 200)}`);
        return result;
      },
      close: () => connection.close(),
    };
  }
  const client = new Client({ name: 'sdk-bench', version: '0' });
  const transport = new StreamableHTTPClientTransport(new URL(spec.url));
  await client.connect(transport);
  await client.listTools();
  return {
    codec: 'json',
    call: async (tool, args) => {
      const result = await client.callTool({ name: tool, arguments: args });
      if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content).slice(0, 200)}`);
      return result;
    },
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

/** The product path: a Gate with an allow-all policy over a fresh audit database. */
async function gatedClient(connection: McpConnection): Promise<BenchClient> {
  const dbName = `toolgate-bench-${crypto.randomUUID()}`;
  const audit = await AuditLog.open({ dbName, agent: { id: 'bench' } });
  const gate = await Gate.open({ audit, policy: ALLOW_ALL_POLICY, persist: false });
  const tools = await gate.addServer('bench', connection);
  const ids = new Map(tools.map((t) => [t.tool.name, t.id]));
  return {
    codec: connection.info?.codec,
    call: async (tool, args) => {
      const toolId = ids.get(tool);
      if (!toolId) throw new Error(`no gated tool ${tool}`);
      const outcome = await gate.call({ toolId, args: args as never, proposer: { kind: 'llm', providerLabel: 'local' } });
      if (outcome.status !== 'ok') throw new Error(`gated call ${outcome.status}: ${JSON.stringify(outcome).slice(0, 200)}`);
      return outcome;
    },
    close: async () => {
      gate.close();
      await connection.close();
      audit.close();
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(dbName);
        request.onsuccess = request.onerror = request.onblocked = resolve;
      });
    },
  };
}

export interface ToolCallWorkload {
  client: ClientSpec;
  text: string;
  latency: LoopOptions;
  throughput?: ThroughputOptions;
  /** Other payloads at one in flight (MessagePack vs JSON end to end). */
  extra?: { name: string; tool: string; args: Record<string, unknown>; loop: LoopOptions; throughput?: ThroughputOptions }[];
}

async function toolCall(w: ToolCallWorkload) {
  const client = await openClient(w.client);
  try {
    const echo = () => client.call('echo', { text: w.text });
    const lat = await latency(echo, w.latency);
    const tp = w.throughput ? await throughput(echo, w.throughput) : undefined;
    const extra: Record<string, number[]> = {};
    const extraThroughput: Record<string, ThroughputResult> = {};
    for (const e of w.extra ?? []) {
      const call = () => client.call(e.tool, e.args);
      extra[e.name] = await latency(call, e.loop);
      if (e.throughput) extraThroughput[e.name] = await throughput(call, e.throughput);
    }
    return { codec: client.codec, latency: lat, throughput: tp, extra, extraThroughput };
  } finally {
    await client.close();
  }
}

/**
 * Connect → tools listed, cold: each sample starts a new connection worker (ours) or a new SDK
 * Client, from `connect()` to the first `tools/list` result; closing is not timed. The SDK speaks
 * WebSocket through its WebSocketClientTransport (subprotocol `mcp`), HTTP through Streamable HTTP.
 */
async function connectList(o: { client: ClientSpec; loop: LoopOptions }): Promise<number[]> {
  const samples: number[] = [];
  const deadline = now() + o.loop.maxMs;
  for (let i = 0; i < o.loop.warmup + o.loop.count && now() < deadline; i++) {
    const t0 = now();
    let close: () => Promise<void>;
    if (o.client.kind === 'toolgate') {
      const connection = await McpConnection.open(
        { url: o.client.url, msgpack: o.client.msgpack === true, clientInfo: { name: 'toolgate-bench', version: '0' } },
        { createWorker: () => new Worker(toolgateWorkerUrl, { type: 'module', name: 'tg-connection' }) },
      );
      const tools = await connection.listTools();
      if (tools.length === 0) throw new Error('no tools listed');
      close = () => connection.close();
    } else {
      const client = new Client({ name: 'sdk-bench', version: '0' });
      const url = new URL(o.client.url);
      const ws = url.protocol === 'ws:' || url.protocol === 'wss:';
      const transport = ws ? new WebSocketClientTransport(url) : new StreamableHTTPClientTransport(url);
      await client.connect(transport);
      const { tools } = await client.listTools();
      if (tools.length === 0) throw new Error('no tools listed');
      close = async () => {
        if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession().catch(() => {});
        await client.close();
      };
    }
    const t1 = now();
    await close();
    if (i >= o.loop.warmup) samples.push(t1 - t0);
  }
  return samples;
}

/**
 * What a cold connect spends its time on (info, for the closing note): an empty module worker's first
 * answer (the platform's floor), a new connection worker up to
 * its first comlink answer (`diagnostics()`: script fetch, parse, evaluation), then the whole
 * `McpConnection.open()`, then the first `tools/list`.
 */
async function connectPhases(o: { url: string; loop: LoopOptions }): Promise<{ bareBoot: number[]; boot: number[]; open: number[]; list: number[] }> {
  const out = { bareBoot: [] as number[], boot: [] as number[], open: [] as number[], list: [] as number[] };
  const bareUrl = blobUrl('onmessage = (e) => postMessage(e.data);');
  const deadline = now() + o.loop.maxMs;
  for (let i = 0; i < o.loop.warmup + o.loop.count && now() < deadline; i++) {
    const b0 = now();
    const bare = new Worker(bareUrl, { type: 'module' });
    await new Promise((resolve) => {
      bare.onmessage = resolve;
      bare.postMessage(0);
    });
    const b1 = now();
    bare.terminate();
    const t0 = now();
    const worker = new Worker(toolgateWorkerUrl, { type: 'module', name: 'tg-connection' });
    await wrap<{ diagnostics(): unknown }>(worker).diagnostics();
    const t1 = now();
    worker.terminate();
    const t2 = now();
    const connection = await McpConnection.open(
      { url: o.url, clientInfo: { name: 'toolgate-bench', version: '0' } },
      { createWorker: () => new Worker(toolgateWorkerUrl, { type: 'module', name: 'tg-connection' }) },
    );
    const t3 = now();
    await connection.listTools();
    const t4 = now();
    await connection.close();
    if (i < o.loop.warmup) continue;
    out.bareBoot.push(b1 - b0);
    out.boot.push(t1 - t0);
    out.open.push(t3 - t2);
    out.list.push(t4 - t3);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Floors

/** A bare worker that posts back whatever it gets: the cost of two postMessage hops. */
async function floorPostMessage(o: LoopOptions): Promise<number[]> {
  const worker = new Worker(blobUrl('onmessage = (e) => postMessage(e.data);'));
  try {
    // The shape comlink sends for a call, so the clone cost is comparable.
    const message = { id: 'x', type: 'APPLY', path: ['callTool'], argumentList: [{ type: 'RAW', value: 'echo' }] };
    return await latency(
      () =>
        new Promise<void>((resolve) => {
          worker.onmessage = () => resolve();
          worker.postMessage(message);
        }),
      o,
    );
  } finally {
    worker.terminate();
  }
}

/** page → comlink → worker → WebSocket → Node `ws` echo → worker → page. */
async function floorWs(o: { url: string; frame: string; latency: LoopOptions; throughput: ThroughputOptions; inWorker: LoopOptions }) {
  const worker = new Worker(floorWorkerUrl, { type: 'module' });
  const api: Remote<FloorApi> = wrap<FloorApi>(worker);
  try {
    await api.open(o.url);
    const echo = () => api.echo(o.frame);
    const lat = await latency(echo, o.latency);
    const tp = await throughput(echo, o.throughput);
    const inWorker = await api.loop(o.frame, o.inWorker.warmup, o.inWorker.count, o.inWorker.maxMs);
    await api.close();
    return { latency: lat, throughput: tp, inWorker };
  } finally {
    worker.terminate();
  }
}

/** Our worker-side stack driven from inside a worker (no page hop). */
async function inner(o: { url: string; msgpack: boolean; text: string; loop: LoopOptions }) {
  const worker = new Worker(innerWorkerUrl, { type: 'module' });
  const api: Remote<InnerApi> = wrap<InnerApi>(worker);
  try {
    return await api.run({ url: o.url, msgpack: o.msgpack }, o.text, o.loop);
  } finally {
    worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Codecs

/** Deterministic pseudo-random numbers (mulberry32), so payloads are the same every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a an of to for with from by on in returns lists creates updates deletes searches fetches file files issue issues ' +
  'repository branch commit pull request comment user users project projects calendar event events invoice customer order ' +
  'orders message channel thread query filter limit page cursor results matching given optional required identifier name ' +
  'title description status date time zone label labels owner team workspace document documents folder permission ' +
  'access token scope read write only when if not found error sorted newest oldest maximum default value values'
).split(' ');

function sentence(r: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]!);
  const s = out.join(' ');
  return s[0]!.toUpperCase() + s.slice(1) + '.';
}

/** A `tools/list` result of `n` tools shaped like real servers' (GitHub, Linear, Google Workspace…). */
export function toolsListResult(n: number) {
  const r = rng(42);
  const verbs = ['list', 'get', 'create', 'update', 'delete', 'search', 'add', 'remove', 'archive', 'export'];
  const nouns = ['issues', 'pull_request', 'comment', 'branch', 'file', 'calendar_event', 'invoice', 'customer', 'message', 'document'];
  const tools = Array.from({ length: n }, (_, i) => {
    const verb = verbs[i % verbs.length]!;
    const noun = nouns[Math.floor(i / verbs.length) % nouns.length]!;
    const propCount = 2 + Math.floor(r() * 5);
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (let p = 0; p < propCount; p++) {
      const kind = r();
      const name = `${WORDS[Math.floor(r() * WORDS.length)]}_${p}`;
      properties[name] =
        kind < 0.5
          ? { type: 'string', description: sentence(r, 6 + Math.floor(r() * 10)) }
          : kind < 0.7
            ? { type: 'integer', minimum: 1, maximum: 100, default: 30, description: sentence(r, 5) }
            : kind < 0.85
              ? { type: 'string', enum: ['open', 'closed', 'all'], default: 'open', description: sentence(r, 4) }
              : { type: 'array', items: { type: 'string' }, description: sentence(r, 6) };
      if (r() < 0.4) required.push(name);
    }
    const tool: Record<string, unknown> = {
      name: `${verb}_${noun}_${i}`,
      title: `${verb[0]!.toUpperCase()}${verb.slice(1)} ${noun.replace('_', ' ')}`,
      description: `${sentence(r, 12 + Math.floor(r() * 25))} ${sentence(r, 8 + Math.floor(r() * 12))}`,
      inputSchema: { type: 'object', properties, required, additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' },
      annotations: { readOnlyHint: verb === 'list' || verb === 'get' || verb === 'search', destructiveHint: verb === 'delete', openWorldHint: true },
    };
    if (r() < 0.3) {
      tool.outputSchema = { type: 'object', properties: { id: { type: 'string' }, url: { type: 'string', format: 'uri' } }, required: ['id'] };
    }
    return tool;
  });
  return { tools, nextCursor: undefined };
}

/** A 1 MiB text resource (mostly ASCII prose, a few non-ASCII characters, as logs and docs have). */
export function textResource(bytes: number) {
  const r = rng(7);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = sentence(r, 8 + Math.floor(r() * 10)) + (r() < 0.05 ? ' — café ✓' : '');
    lines.push(line);
    size += line.length + 1;
  }
  return { contents: [{ uri: 'file:///bench/large.txt', mimeType: 'text/plain', text: lines.join('\n').slice(0, bytes) }] };
}

/** A tools/call result with `images` PNG-like (incompressible) image blocks and a caption. */
export function binaryResult(images: number, bytesEach: number) {
  const r = rng(99);
  const content: Record<string, unknown>[] = [];
  for (let i = 0; i < images; i++) {
    const bytes = new Uint8Array(bytesEach);
    for (let b = 0; b < bytesEach; b++) bytes[b] = Math.floor(r() * 256);
    content.push({ type: 'image', mimeType: 'image/png', data: bytesToBase64(bytes) });
  }
  content.push({ type: 'text', text: `${images} charts rendered.` });
  return { content };
}

const payloads: Record<string, () => unknown> = {
  'tools-list-200': () => toolsListResult(200),
  'text-1mib': () => textResource(1024 * 1024),
  'binary-4x96kib': () => binaryResult(4, 96 * 1024),
};

async function codec(o: { payload: string; loop: LoopOptions }) {
  const result = payloads[o.payload]!();
  const message = { jsonrpc: '2.0', id: 1, result } as unknown as JsonRpcMessage;
  const codecs = [jsonCodec, msgpackCodec] as Codec[];
  const out: Record<string, { bytes: number; encode: number[]; decode: number[]; total: number[] }> = {};
  const utf8 = new TextEncoder();
  for (const c of codecs) {
    const sample = c.encode(message);
    const bytes = typeof sample === 'string' ? utf8.encode(sample).byteLength : sample.byteLength;
    out[c.name] = { bytes, encode: [], decode: [], total: [] };
  }
  // JSON and MessagePack alternate (and swap order each iteration), so drifting load hits both alike.
  const deadline = now() + o.loop.maxMs;
  for (let i = 0; i < o.loop.warmup + o.loop.count && now() < deadline; i++) {
    for (const c of i % 2 ? [...codecs].reverse() : codecs) {
      const t0 = now();
      const frame = c.encode(message);
      const t1 = now();
      // A WebSocket hands binary frames over as an ArrayBuffer; that copy is not part of the codec.
      const received = typeof frame === 'string' ? frame : frame.slice().buffer;
      const t2 = now();
      c.decode(received);
      const t3 = now();
      if (i < o.loop.warmup) continue;
      const r = out[c.name]!;
      r.encode.push(t1 - t0);
      r.decode.push(t3 - t2);
      r.total.push(t1 - t0 + (t3 - t2));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Memory

const idle: McpConnection[] = [];

async function openIdle(o: { url: string; n: number; msgpack?: boolean }): Promise<number> {
  for (let i = 0; i < o.n; i++) {
    const connection = await McpConnection.open(
      { url: o.url, msgpack: o.msgpack === true, clientInfo: { name: 'toolgate-bench', version: '0' } },
      { createWorker: () => new Worker(toolgateWorkerUrl, { type: 'module', name: 'tg-connection' }) },
    );
    await connection.listTools();
    idle.push(connection);
  }
  return idle.length;
}

async function closeIdle(): Promise<void> {
  await Promise.all(idle.splice(0).map((c) => c.close()));
}

interface MemoryBreakdownEntry {
  bytes: number;
  attribution: { url: string; scope: string }[];
  types: string[];
}

/** `performance.measureUserAgentSpecificMemory()` (needs cross-origin isolation), summed by scope. */
async function measureMemory() {
  (globalThis as { gc?: () => void }).gc?.();
  const measure = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: MemoryBreakdownEntry[] }> })
    .measureUserAgentSpecificMemory;
  if (!measure) throw new Error(`measureUserAgentSpecificMemory unavailable (crossOriginIsolated=${crossOriginIsolated})`);
  const m = await measure.call(performance);
  const workers: number[] = [];
  let window = 0;
  let other = 0;
  for (const entry of m.breakdown) {
    const scopes = entry.attribution.map((a) => a.scope);
    if (scopes.includes('DedicatedWorkerGlobalScope')) workers.push(entry.bytes);
    else if (scopes.includes('Window')) window += entry.bytes;
    else other += entry.bytes;
  }
  return { total: m.bytes, window, other, workers };
}

/** A worker with no code of ours (empty module): what the platform alone costs per worker. */
const bare: Worker[] = [];
async function openBare(): Promise<void> {
  const worker = new Worker(blobUrl('onmessage = (e) => postMessage(e.data);'));
  await new Promise<void>((resolve) => {
    worker.onmessage = () => resolve();
    worker.postMessage(0);
  });
  bare.push(worker);
}
function closeBare(): void {
  for (const worker of bare.splice(0)) worker.terminate();
}

const bench = { floorPostMessage, floorWs, toolCall, connectList, connectPhases, inner, codec, openIdle, closeIdle, openBare, closeBare, measureMemory };
export type Bench = typeof bench;
(globalThis as unknown as { bench: Bench }).bench = bench;
document.title = 'ready';

/** For --profile: echo calls over the first idle connection, one in flight. */
async function profileLoop(o: { count: number; maxMs: number }): Promise<number> {
  const connection = idle[0];
  if (!connection) throw new Error('no idle connection');
  const samples = await latency(() => connection.callTool('echo', { text: 'hello from the bench' }), { warmup: 0, ...o });
  return samples.length;
}
(bench as Record<string, unknown>).profileLoop = profileLoop;

/**
 * Driver mode, for a browser started without any DevTools client attached (CDP's network
 * instrumentation adds to every fetch): `?plan=<JSON [fn, arg][]>` runs the steps in order and
 * POSTs `[result | { error }]` to `/results` on the page's own server.
 */
const plan = new URLSearchParams(location.search).get('plan');
if (plan) {
  void (async () => {
    const results: unknown[] = [];
    for (const [fn, arg] of JSON.parse(plan) as [keyof typeof bench, unknown][]) {
      try {
        results.push(await (bench[fn] as (a: unknown) => Promise<unknown>)(arg));
      } catch (err) {
        results.push({ error: String((err as Error)?.message ?? err) });
      }
    }
    await fetch('/results', { method: 'POST', body: JSON.stringify(results) });
  })();
}
