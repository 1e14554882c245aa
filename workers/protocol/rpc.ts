/**
 * JSON-RPC 2.0 engine over a Transport: id correlation, per-request timeouts with a hard maximum,
 * cancellation (`notifications/cancelled`, or the transport's own abort where it has one), progress (`progressToken`), answers to `ping`, and
 * rejecting every pending request with `TG_CONNECTION_CLOSED` when the transport closes.
 * A bad frame is reported through `onerror` and counted; the connection survives it.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import type { Transport } from '../transports/transport.js';
import {
  Method,
  RpcErrorCode,
  type JsonObject,
  type JsonRpcFailure,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcSuccess,
  type Progress,
  type RequestId,
} from '../shared/wire.js';
import { classify } from './classify.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface RequestOptions {
  /** Time without a response (reset by progress) before `TG_TIMEOUT`. */
  timeoutMs?: number;
  /** Hard limit that progress does not reset. Default: 10 × timeoutMs. */
  maxTotalTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** False for requests that must never be cancelled (`initialize`). */
  cancellable?: boolean;
}

export type RequestHandler = (params: JsonObject | undefined) => JsonObject | Promise<JsonObject>;
export type NotificationHandler = (params: JsonObject | undefined) => void;

interface Pending {
  method: string;
  resolve(result: JsonObject): void;
  reject(error: unknown): void;
  onProgress?: (progress: Progress) => void;
  lastProgress: number;
  restartTimer(): void;
  dispose(): void;
}

/** Counts of frames that were reported and dropped. */
export interface RpcStats {
  invalidFrames: number;
  unknownResponses: number;
}

/** How many settled-by-us ids to remember, so a late response to them is ignored quietly. */
const ABANDONED_ID_MEMORY = 256;

export class RpcEngine {
  /** Non-fatal problems: bad frames, unknown ids, handler failures. */
  onerror?: (error: TgError) => void;
  /** Fires once when the transport closes; `reason` is absent for a requested close. */
  onclose?: (reason?: TgError) => void;

  readonly #transport: Transport;
  readonly #defaultTimeoutMs: number;
  readonly #pending = new Map<RequestId, Pending>();
  readonly #abandoned = new Set<RequestId>();
  readonly #requestHandlers = new Map<string, RequestHandler>();
  readonly #notificationHandlers = new Map<string, NotificationHandler>();
  readonly #stats: RpcStats = { invalidFrames: 0, unknownResponses: 0 };
  #nextId = 1;
  #closed = false;

  constructor(transport: Transport, options: { defaultTimeoutMs?: number } = {}) {
    this.#transport = transport;
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#requestHandlers.set(Method.PING, () => ({}));
    transport.onmessage = (message) => this.#receive(message);
    transport.onerror = (error) => this.#report(error, 'invalidFrames');
    transport.onclose = (reason) => this.#handleClose(reason);
  }

  get stats(): Readonly<RpcStats> {
    return { ...this.#stats };
  }

  get closed(): boolean {
    return this.#closed;
  }

  setRequestHandler(method: string, handler: RequestHandler): void {
    this.#requestHandlers.set(method, handler);
  }

  setNotificationHandler(method: string, handler: NotificationHandler): void {
    this.#notificationHandlers.set(method, handler);
  }

  request(method: string, params?: JsonObject, options: RequestOptions = {}): Promise<JsonObject> {
    if (this.#closed) return Promise.reject(new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed'));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(cancelledError(signal.reason));

    const id = this.#nextId++;
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
    const maxTotalMs = options.maxTotalTimeoutMs ?? timeoutMs * 10;
    const cancellable = options.cancellable ?? true;
    let outgoingParams = params;
    if (options.onProgress) {
      // The request id doubles as the progress token: unique among active requests by construction.
      const meta = { ...(params?._meta as JsonObject | undefined), progressToken: id };
      outgoingParams = { ...params, _meta: meta };
    }

    return new Promise<JsonObject>((resolve, reject) => {
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      const onTimeout = (limitMs: number) => () =>
        this.#abandon(id, new TgError(ErrorCode.TIMEOUT, `${method} timed out after ${limitMs} ms`, {
          data: { method, timeoutMs: limitMs },
        }), cancellable ? 'timeout' : undefined);
      const totalTimer = setTimeout(onTimeout(maxTotalMs), maxTotalMs);
      const onAbort = () => {
        const reason = typeof signal?.reason === 'string' ? signal.reason : 'cancelled by the client';
        this.#abandon(id, cancelledError(signal?.reason), cancellable ? reason : undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      const entry: Pending = {
        method,
        resolve,
        reject,
        lastProgress: -Infinity,
        restartTimer: () => {
          clearTimeout(idleTimer);
          idleTimer = setTimeout(onTimeout(timeoutMs), timeoutMs);
        },
        dispose: () => {
          clearTimeout(idleTimer);
          clearTimeout(totalTimer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      if (options.onProgress) entry.onProgress = options.onProgress;
      entry.restartTimer();
      this.#pending.set(id, entry);

      const message: JsonRpcRequest = { jsonrpc: '2.0', id, method };
      if (outgoingParams !== undefined) message.params = outgoingParams;
      this.#transport.send(message).catch((err: unknown) => this.#settle(id)?.reject(err));
    });
  }

  async notify(method: string, params?: JsonObject): Promise<void> {
    if (this.#closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'Connection is closed');
    const message: JsonRpcNotification = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params;
    await this.#transport.send(message);
  }

  /** Closes the transport; pending requests reject with `TG_CONNECTION_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#transport.close();
    this.#handleClose(undefined); // in case the transport reported nothing
  }

  /** Removes a pending entry and stops its timers; returns it if it was still pending. */
  #settle(id: RequestId): Pending | undefined {
    const entry = this.#pending.get(id);
    if (!entry) return undefined;
    this.#pending.delete(id);
    entry.dispose();
    return entry;
  }

  /** Settles a request on our side (timeout, cancel) and tells the server, best effort. */
  #abandon(id: RequestId, error: TgError, cancelReason: string | undefined): void {
    const entry = this.#settle(id);
    if (!entry) return;
    this.#abandoned.add(id);
    if (this.#abandoned.size > ABANDONED_ID_MEMORY) {
      this.#abandoned.delete(this.#abandoned.values().next().value as RequestId);
    }
    entry.reject(error);
    if (cancelReason !== undefined && !this.#closed) {
      // Where the transport can close the request's own stream, that is the cancellation (2026-07-28 HTTP).
      if (this.#transport.abort?.(id, cancelReason)) return;
      this.notify(Method.CANCELLED, { requestId: id, reason: cancelReason }).catch(() => {
        /* the connection is going away; nothing left to cancel */
      });
    }
  }

  #receive(raw: unknown): void {
    const incoming = classify(raw);
    switch (incoming.kind) {
      case 'invalid':
        this.#report(new TgError(ErrorCode.PROTOCOL_ERROR, `Invalid JSON-RPC frame: ${incoming.reason}`), 'invalidFrames');
        return;
      case 'success':
      case 'failure':
        this.#handleResponse(incoming.message);
        return;
      case 'notification':
        this.#handleNotification(incoming.message);
        return;
      case 'request':
        void this.#handleRequest(incoming.message);
        return;
    }
  }

  #handleResponse(message: JsonRpcSuccess | JsonRpcFailure): void {
    const id = message.id;
    const entry = id === null ? undefined : this.#settle(id);
    if (!entry) {
      if (id !== null && this.#abandoned.delete(id)) return; // late answer to a cancelled request
      const detail = 'error' in message ? `: ${message.error.message}` : '';
      this.#report(
        new TgError(ErrorCode.PROTOCOL_ERROR, `Response for unknown request id ${JSON.stringify(id)}${detail}`, {
          data: { id },
        }),
        'unknownResponses',
      );
      return;
    }
    if ('result' in message) {
      entry.resolve(message.result);
      return;
    }
    const { code, message: text, data } = message.error;
    entry.reject(new TgError(ErrorCode.RPC_ERROR, `${entry.method} failed: ${text}`, { rpcCode: code, data }));
  }

  #handleNotification(message: JsonRpcNotification): void {
    if (message.method === Method.PROGRESS) {
      this.#handleProgress(message.params);
      return;
    }
    const handler = this.#notificationHandlers.get(message.method);
    if (!handler) return; // JSON-RPC: notifications we do not know are ignored
    try {
      handler(message.params);
    } catch (cause) {
      this.#report(new TgError(ErrorCode.PROTOCOL_ERROR, `Handler for ${message.method} failed`, { cause }), 'invalidFrames');
    }
  }

  #handleProgress(params: JsonObject | undefined): void {
    const token = params?.progressToken;
    const entry = typeof token === 'string' || typeof token === 'number' ? this.#pending.get(token) : undefined;
    const progress = params?.progress;
    if (!entry || typeof progress !== 'number') return;
    // Progress must increase; a stale or repeated value is not news and does not extend the deadline.
    if (!(progress > entry.lastProgress)) return;
    entry.lastProgress = progress;
    entry.restartTimer();
    const update: Progress = { progress };
    if (typeof params?.total === 'number') update.total = params.total;
    if (typeof params?.message === 'string') update.message = params.message;
    try {
      entry.onProgress?.(update);
    } catch {
      /* a failing progress listener must not break the call */
    }
  }

  async #handleRequest(message: JsonRpcRequest): Promise<void> {
    const handler = this.#requestHandlers.get(message.method);
    let reply: JsonRpcSuccess | JsonRpcFailure;
    if (!handler) {
      reply = failure(message.id, RpcErrorCode.METHOD_NOT_FOUND, `Method not found: ${message.method}`);
    } else {
      try {
        reply = { jsonrpc: '2.0', id: message.id, result: await handler(message.params) };
      } catch (err) {
        const rpcCode = (err as { rpcCode?: unknown }).rpcCode;
        reply = failure(
          message.id,
          typeof rpcCode === 'number' ? rpcCode : RpcErrorCode.INTERNAL_ERROR,
          err instanceof Error ? err.message : 'Internal error',
        );
      }
    }
    if (this.#closed) return;
    this.#transport.send(reply).catch((cause: unknown) =>
      this.#report(new TgError(ErrorCode.PROTOCOL_ERROR, `Could not answer ${message.method}`, { cause }), 'invalidFrames'),
    );
  }

  #handleClose(reason: TgError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    const pending = [...this.#pending.keys()];
    for (const id of pending) {
      const entry = this.#settle(id);
      entry?.reject(
        new TgError(ErrorCode.CONNECTION_CLOSED, `Connection closed while ${entry.method} was pending`, {
          cause: reason,
        }),
      );
    }
    this.onclose?.(reason);
  }

  #report(error: TgError, counter: keyof RpcStats): void {
    this.#stats[counter]++;
    this.onerror?.(error);
  }
}

function failure(id: RequestId, code: number, message: string): JsonRpcFailure {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

function cancelledError(reason: unknown): TgError {
  const text = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'cancelled';
  return new TgError(ErrorCode.CANCELLED, `Request cancelled: ${text}`, { cause: reason });
}
