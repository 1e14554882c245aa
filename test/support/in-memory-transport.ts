/**
 * Two linked in-memory transports for protocol tests without I/O. Messages are cloned and
 * delivered on a later microtask, as a real transport would, so ordering bugs still show.
 */
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import type { JsonRpcMessage } from '../../workers/shared/wire.js';
import type { Transport } from '../../workers/transports/transport.js';

export class InMemoryTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TgError) => void;
  onclose?: (reason?: TgError) => void;
  readonly codecName = 'json' as const;
  /** Every message this side sent, in order. */
  readonly sent: JsonRpcMessage[] = [];
  peer?: InMemoryTransport;
  #closed = false;

  static createLinkedPair(): [client: InMemoryTransport, server: InMemoryTransport] {
    const a = new InMemoryTransport();
    const b = new InMemoryTransport();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  async start(): Promise<void> {}

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed) throw new TgError(ErrorCode.CONNECTION_CLOSED, 'in-memory transport closed');
    this.sent.push(message);
    this.peer?.deliver(structuredClone(message));
  }

  /** Hands a raw (possibly malformed) value to this side's `onmessage`. */
  deliver(raw: unknown): void {
    queueMicrotask(() => {
      if (!this.#closed) this.onmessage?.(raw);
    });
  }

  async close(): Promise<void> {
    this.drop(undefined);
    this.peer?.drop(undefined);
  }

  /** Closes this side only, as a dropped connection would, with an optional reason. */
  drop(reason: TgError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    queueMicrotask(() => this.onclose?.(reason));
  }
}

type Handler = (params: Record<string, unknown> | undefined, id: string | number) => unknown;

/**
 * A scripted JSON-RPC peer on the server end of a linked pair: answers requests with handlers,
 * records notifications, and can push arbitrary frames.
 */
export class ScriptedPeer {
  readonly notifications: { method: string; params?: Record<string, unknown> }[] = [];
  readonly requests: { id: string | number; method: string; params?: Record<string, unknown> }[] = [];
  readonly responses: unknown[] = [];
  readonly #handlers = new Map<string, Handler>();

  constructor(readonly transport: InMemoryTransport) {
    transport.onmessage = (raw) => this.#receive(raw as Record<string, unknown>);
  }

  /** A handler returning `undefined` leaves the request unanswered (to test timeouts). */
  on(method: string, handler: Handler): this {
    this.#handlers.set(method, handler);
    return this;
  }

  send(message: unknown): void {
    this.transport.peer?.deliver(structuredClone(message));
  }

  reply(id: string | number, result: unknown): void {
    this.send({ jsonrpc: '2.0', id, result });
  }

  #receive(message: Record<string, unknown>): void {
    const method = message.method as string | undefined;
    const params = message.params as Record<string, unknown> | undefined;
    if (method === undefined) {
      this.responses.push(message);
      return;
    }
    if (!('id' in message)) {
      this.notifications.push({ method, ...(params && { params }) });
      return;
    }
    const id = message.id as string | number;
    this.requests.push({ id, method, ...(params && { params }) });
    const handler = this.#handlers.get(method);
    if (!handler) {
      this.send({ jsonrpc: '2.0', id, error: { code: -32601, message: `no handler for ${method}` } });
      return;
    }
    try {
      const result = handler(params, id);
      if (result !== undefined) this.reply(id, result);
    } catch (err) {
      const { code = -32603, message: text = String(err) } = err as { code?: number; message?: string };
      this.send({ jsonrpc: '2.0', id, error: { code, message: text } });
    }
  }
}

/** Resolves after pending microtasks and one macrotask. */
export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));
