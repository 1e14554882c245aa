/**
 * One MCP connection, living inside its worker: config checks, transport, RPC engine and MCP
 * session, with status and problems pushed to the page. State is in #private fields because
 * comlink lets the page reach any named property.
 */
import { ErrorCode, TgError, invalidArgument } from './shared/errors.js';
import { serializeError } from './shared/transfer-handlers.js';
import { McpClient } from './protocol/client.js';
import { RpcEngine } from './protocol/rpc.js';
import type { CallToolResult, JsonObject, Progress, Tool } from './protocol/wire.js';
import { WebSocketTransport, DEFAULT_MAX_FRAME_BYTES } from './transports/websocket.js';
import type {
  ConnectionApi,
  ConnectionConfig,
  ConnectionDiagnostics,
  ConnectionEvent,
  ConnectionInfo,
  ConnectionStatus,
  WorkerCallOptions,
} from './connection-api.js';

const DEFAULT_CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Hosts where plaintext `ws://` is acceptable: traffic never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function checkConfig(config: ConnectionConfig): ConnectionConfig {
  if (typeof config !== 'object' || config === null) throw invalidArgument('config', 'an object');
  if (typeof config.url !== 'string') throw invalidArgument('config.url', 'a string');
  let url: URL;
  try {
    url = new URL(config.url);
  } catch (cause) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Not a valid URL: ${config.url}`, { cause });
  }
  if (config.transport !== undefined && config.transport !== 'websocket') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Transport ${String(config.transport)} is not available yet`);
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    throw new TgError(ErrorCode.INVALID_CONFIG, `A WebSocket URL must start with wss:// (got ${url.protocol})`);
  }
  if (url.protocol === 'ws:' && !isLoopbackHost(url.hostname) && !config.allowInsecure) {
    throw new TgError(ErrorCode.INVALID_CONFIG, `Plaintext ws:// is only allowed to loopback hosts; use wss:// for ${url.host}`);
  }
  for (const key of ['maxFrameBytes', 'requestTimeoutMs'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0 && value <= MAX_TIMEOUT_MS * 10)) {
      throw new TgError(ErrorCode.INVALID_CONFIG, `${key} must be a positive integer (got ${String(value)})`);
    }
  }
  return config;
}

export class Connection implements ConnectionApi {
  #rpc?: RpcEngine;
  #client?: McpClient;
  #transport?: WebSocketTransport;
  #onEvent: (event: ConnectionEvent) => void = () => {};
  #problems = 0;
  #status: ConnectionStatus | undefined;
  readonly #calls = new Map<string, AbortController>();

  async connect(config: ConnectionConfig, onEvent: (event: ConnectionEvent) => void): Promise<ConnectionInfo> {
    if (this.#status) throw new TgError(ErrorCode.INVALID_CONFIG, 'connect() was already called on this connection');
    if (typeof onEvent !== 'function') throw invalidArgument('onEvent', 'a function');
    this.#onEvent = onEvent;
    this.#setStatus('connecting');
    try {
      const checked = checkConfig(config);
      const transport = new WebSocketTransport({
        url: checked.url,
        msgpack: checked.msgpack === true,
        maxFrameBytes: checked.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      });
      const rpc = new RpcEngine(transport, checked.requestTimeoutMs ? { defaultTimeoutMs: checked.requestTimeoutMs } : {});
      rpc.onerror = (error) => this.#problem(error);
      rpc.onclose = (reason) => void this.#setStatus(reason ? 'failed' : 'closed', reason);
      const client = new McpClient(rpc, {
        clientInfo: checked.clientInfo ?? DEFAULT_CLIENT_INFO,
        onToolsChanged: (tools) => void this.#emit({ type: 'tools-changed', tools }),
        onproblem: (error) => this.#problem(error),
      });
      this.#transport = transport;
      this.#rpc = rpc;
      await transport.start();
      const session = await client.initialize(checked.requestTimeoutMs ? { timeoutMs: checked.requestTimeoutMs } : {});
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
    return this.#session().listTools();
  }

  async callTool(
    name: string,
    args: JsonObject,
    options: WorkerCallOptions = {},
    onProgress?: (progress: Progress) => void,
  ): Promise<CallToolResult> {
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('name', 'a non-empty string');
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw invalidArgument('args', 'an object');
    const client = this.#session();
    const { callId, timeoutMs } = options;
    if (callId !== undefined && this.#calls.has(callId)) throw invalidArgument('options.callId', 'unique among calls in flight');
    const controller = new AbortController();
    const deliveries: Promise<unknown>[] = [];
    if (callId !== undefined) this.#calls.set(callId, controller);
    try {
      return await client.callTool(name, args, {
        signal: controller.signal,
        ...(timeoutMs !== undefined && { timeoutMs }),
        ...(onProgress && { onProgress: (p: Progress) => void deliveries.push(Promise.resolve(onProgress(p))) }),
      });
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
