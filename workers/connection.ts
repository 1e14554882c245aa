/**
 * One MCP connection, living inside its worker: config checks, transport, RPC engine and MCP
 * session, with status and problems pushed to the page. State is in #private fields because
 * comlink lets the page reach any named property.
 */
import { ErrorCode, TgError, errorCode, invalidArgument } from './shared/errors.js';
import { serializeError } from './shared/transfer-handlers.js';
import { McpClient } from './protocol/client.js';
import { RpcEngine } from './protocol/rpc.js';
import { Method, type CallToolResult, type JsonObject, type Progress, type Tool } from './protocol/wire.js';
import { WebSocketTransport, DEFAULT_MAX_FRAME_BYTES } from './transports/websocket.js';
import { StreamableHttpTransport } from './transports/streamable-http.js';
import type { Transport } from './transports/transport.js';
import type {
  ConnectionApi,
  ConnectionConfig,
  ConnectionDiagnostics,
  ConnectionEvent,
  ConnectionInfo,
  ConnectionStatus,
  ElicitationHandler,
  ElicitationRequest,
  WorkerCallOptions,
} from './connection-api.js';

const DEFAULT_CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Hosts where plaintext `ws://` is acceptable: traffic never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Which transport a config asks for: explicit, or by URL scheme. */
function transportFor(config: ConnectionConfig, url: URL): 'websocket' | 'http' {
  const byScheme = url.protocol === 'ws:' || url.protocol === 'wss:' ? 'websocket' : 'http';
  const kind = config.transport ?? 'auto';
  if (kind !== 'auto' && kind !== 'websocket' && kind !== 'http') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Unknown transport ${String(kind)} (use auto, websocket or http)`);
  }
  if (kind !== 'auto' && kind !== byScheme) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Transport ${kind} does not match the URL scheme ${url.protocol}`);
  }
  return byScheme;
}

function checkConfig(config: ConnectionConfig): { url: URL; transport: 'websocket' | 'http' } {
  if (typeof config !== 'object' || config === null) throw invalidArgument('config', 'an object');
  if (typeof config.url !== 'string') throw invalidArgument('config.url', 'a string');
  let url: URL;
  try {
    url = new URL(config.url);
  } catch (cause) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Not a valid URL: ${config.url}`, { cause });
  }
  if (!['wss:', 'ws:', 'https:', 'http:'].includes(url.protocol)) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `An MCP server URL must start with wss:// or https:// (got ${url.protocol})`);
  }
  const plaintext = url.protocol === 'ws:' || url.protocol === 'http:';
  if (plaintext && !isLoopbackHost(url.hostname) && !config.allowInsecure) {
    throw new TgError(
      ErrorCode.INVALID_CONFIG,
      `Plaintext ${url.protocol}// is only allowed to loopback hosts; use ${url.protocol === 'ws:' ? 'wss' : 'https'}:// for ${url.host}`,
    );
  }
  for (const key of ['maxFrameBytes', 'requestTimeoutMs'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0 && value <= MAX_TIMEOUT_MS * 10)) {
      throw new TgError(ErrorCode.INVALID_CONFIG, `${key} must be a positive integer (got ${String(value)})`);
    }
  }
  return { url, transport: transportFor(config, url) };
}

function createTransport(config: ConnectionConfig, kind: 'websocket' | 'http'): Transport {
  const maxBytes = config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  return kind === 'websocket'
    ? new WebSocketTransport({ url: config.url, msgpack: config.msgpack === true, maxFrameBytes: maxBytes })
    : new StreamableHttpTransport({ url: config.url, maxMessageBytes: maxBytes });
}

export class Connection implements ConnectionApi {
  #rpc?: RpcEngine;
  #client?: McpClient;
  #transport?: Transport;
  #requestTimeoutMs?: number;
  #reinitializing?: Promise<unknown>;
  #onEvent: (event: ConnectionEvent) => void = () => {};
  #problems = 0;
  #status: ConnectionStatus | undefined;
  readonly #calls = new Map<string, AbortController>();

  async connect(
    config: ConnectionConfig,
    onEvent: (event: ConnectionEvent) => void,
    onElicit?: ElicitationHandler,
  ): Promise<ConnectionInfo> {
    if (this.#status) throw new TgError(ErrorCode.INVALID_CONFIG, 'connect() was already called on this connection');
    if (typeof onEvent !== 'function') throw invalidArgument('onEvent', 'a function');
    this.#onEvent = onEvent;
    this.#setStatus('connecting');
    try {
      const { transport: kind } = checkConfig(config);
      const transport = createTransport(config, kind);
      this.#requestTimeoutMs = config.requestTimeoutMs;
      const rpc = new RpcEngine(transport, config.requestTimeoutMs ? { defaultTimeoutMs: config.requestTimeoutMs } : {});
      rpc.onerror = (error) => this.#problem(error);
      rpc.onclose = (reason) => void this.#setStatus(reason ? 'failed' : 'closed', reason);
      if (onElicit) {
        // Elicitation is declared only when the page can show it to a person.
        rpc.setRequestHandler(Method.ELICIT, async (params) => ({ ...(await onElicit(elicitationRequest(params))) }));
      }
      const client = new McpClient(rpc, {
        clientInfo: config.clientInfo ?? DEFAULT_CLIENT_INFO,
        ...(onElicit && { capabilities: { elicitation: {} } }),
        onVersionNegotiated: (version) => transport.setProtocolVersion?.(version),
        onToolsChanged: (tools) => void this.#emit({ type: 'tools-changed', tools }),
        onproblem: (error) => this.#problem(error),
      });
      this.#transport = transport;
      this.#rpc = rpc;
      await transport.start();
      const session = await this.#initialize(client);
      this.#client = client;
      await this.#setStatus('ready'); // lands on the page before connect() resolves
      const info: ConnectionInfo = {
        protocolVersion: session.protocolVersion,
        serverInfo: session.serverInfo,
        capabilities: session.capabilities,
        codec: transport.codecName,
      };
      if (session.instructions !== undefined) info.instructions = session.instructions;
      return info;
    } catch (err) {
      void this.#setStatus('failed', err); // before closing, so the status names the cause
      await this.#rpc?.close().catch(() => {});
      throw err;
    }
  }

  listTools(): Promise<Tool[]> {
    return this.#withSession((client) => client.listTools());
  }

  async callTool(
    name: string,
    args: JsonObject,
    options: WorkerCallOptions = {},
    onProgress?: (progress: Progress) => void,
  ): Promise<CallToolResult> {
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('name', 'a non-empty string');
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw invalidArgument('args', 'an object');
    const { callId, timeoutMs } = options;
    if (callId !== undefined && this.#calls.has(callId)) throw invalidArgument('options.callId', 'unique among calls in flight');
    const controller = new AbortController();
    const deliveries: Promise<unknown>[] = [];
    if (callId !== undefined) this.#calls.set(callId, controller);
    try {
      return await this.#withSession((client) => client.callTool(name, args, {
        signal: controller.signal,
        ...(timeoutMs !== undefined && { timeoutMs }),
        ...(onProgress && { onProgress: (p: Progress) => void deliveries.push(Promise.resolve(onProgress(p))) }),
      }));
    } finally {
      if (callId !== undefined) this.#calls.delete(callId);
      // Progress travels on its own comlink channel; let it land before the result does.
      await Promise.allSettled(deliveries);
    }
  }

  cancel(callId: string, reason = 'cancelled by the page'): void {
    this.#calls.get(callId)?.abort(reason);
  }

  diagnostics(): ConnectionDiagnostics {
    const stats = this.#rpc?.stats ?? { invalidFrames: 0, unknownResponses: 0 };
    return { ...stats, inFlight: this.#calls.size };
  }

  async close(): Promise<void> {
    for (const controller of this.#calls.values()) controller.abort('connection closing');
    await this.#rpc?.close();
    await this.#setStatus('closed');
  }

  /** Initializes, then opens the server-to-client stream where the transport has one. */
  async #initialize(client: McpClient) {
    const session = await client.initialize(this.#requestTimeoutMs ? { timeoutMs: this.#requestTimeoutMs } : {});
    await this.#transport?.openEventStream?.();
    return session;
  }

  /**
   * Runs an operation; if the HTTP session expired (404), re-initializes once — shared by every
   * operation that hit the same expiry — and retries once. The server never saw the first attempt.
   */
  async #withSession<T>(operation: (client: McpClient) => Promise<T>): Promise<T> {
    const client = this.#session();
    try {
      return await operation(client);
    } catch (err) {
      if (errorCode(err) !== ErrorCode.SESSION_EXPIRED) throw err;
      this.#reinitializing ??= this.#initialize(client).finally(() => (this.#reinitializing = undefined));
      await this.#reinitializing;
      return operation(client);
    }
  }

  #session(): McpClient {
    if (this.#rpc?.closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed');
    if (!this.#client) throw new TgError(ErrorCode.NOT_CONNECTED, 'Not connected: call connect() first');
    return this.#client;
  }

  #setStatus(status: ConnectionStatus, error?: unknown): Promise<void> {
    if (this.#status === status || this.#status === 'failed' || (this.#status === 'closed' && status !== 'connecting')) {
      return Promise.resolve();
    }
    this.#status = status;
    return this.#emit(error === undefined ? { type: 'status', status } : { type: 'status', status, error: serializeError(error) });
  }

  #problem(error: TgError): void {
    this.#problems++;
    void this.#emit({ type: 'problem', error: serializeError(error), count: this.#problems });
  }

  /** Settles when the page has taken the event (or is gone); never rejects. */
  #emit(event: ConnectionEvent): Promise<void> {
    try {
      return Promise.resolve(this.#onEvent(event)).then(
        () => {},
        () => {},
      );
    } catch {
      return Promise.resolve(); // the page went away; the worker will be terminated
    }
  }
}

/** The untrusted params of `elicitation/create`, checked before they reach the page. */
function elicitationRequest(params: JsonObject | undefined): ElicitationRequest {
  const message = params?.message;
  const schema = params?.requestedSchema;
  const mode = params?.mode ?? 'form';
  if (mode !== 'form') throw Object.assign(new Error(`Elicitation mode ${String(mode)} is not supported`), { rpcCode: -32602 });
  if (typeof message !== 'string' || typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw Object.assign(new Error('elicitation/create needs a message and a requestedSchema object'), { rpcCode: -32602 });
  }
  return { message, requestedSchema: schema as JsonObject, mode: 'form' };
}
