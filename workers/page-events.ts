/**
 * The worker's side of the event channel to the page: a status only when it changes (each
 * reconnect attempt is news; nothing after `failed`, nothing but a new `connecting` after `closed`),
 * problems numbered, and every delivery settling without throwing — the page may be gone, and then
 * the worker is about to be terminated.
 */
import { serializeError } from './shared/transfer-handlers.js';
import type { TgError } from './shared/errors.js';
import type { ConnectionEvent } from './connection-api.js';
import type { ConnectionStatus } from './shared/connection-types.js';

export class PageEvents {
  #listener: (event: ConnectionEvent) => void = () => {};
  #status: ConnectionStatus | undefined;
  #problems = 0;

  get status(): ConnectionStatus | undefined {
    return this.#status;
  }

  listen(listener: (event: ConnectionEvent) => void): void {
    this.#listener = listener;
  }

  /** Settles when the page has taken the status (or it was no news). */
  setStatus(status: ConnectionStatus, error?: unknown, retry?: { attempt: number; delayMs: number }): Promise<void> {
    const repeat = this.#status === status && status !== 'reconnecting';
    if (repeat || this.#status === 'failed' || (this.#status === 'closed' && status !== 'connecting')) return Promise.resolve();
    this.#status = status;
    return this.emit({ type: 'status', status, ...(error !== undefined && { error: serializeError(error) }), ...retry });
  }

  problem(error: TgError): void {
    void this.emit({ type: 'problem', error: serializeError(error), count: ++this.#problems });
  }

  /** Settles when the page has taken the event (or is gone); never rejects. */
  emit(event: ConnectionEvent): Promise<void> {
    try {
      return Promise.resolve(this.#listener(event)).then(ignore, ignore);
    } catch {
      return Promise.resolve();
    }
  }
}

const ignore = (): void => {};
