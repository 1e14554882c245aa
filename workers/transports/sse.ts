/**
 * Server-sent events read from a fetch body (EventSource cannot POST or send headers).
 * Comment lines are ignored by the parser; an event larger than `maxEventBytes` is an error.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ErrorCode, TgError } from '../shared/errors.js';

export interface SseCallbacks {
  onEvent(event: EventSourceMessage): void;
  onRetry?(ms: number): void;
}

/** Resolves when the stream ends; rejects with `TG_PROTOCOL_ERROR` on an oversized event. */
export async function readSse(body: ReadableStream<Uint8Array>, callbacks: SseCallbacks, maxEventBytes: number): Promise<void> {
  let failure: TgError | undefined;
  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent: (event) => callbacks.onEvent(event),
    onRetry: (ms) => callbacks.onRetry?.(ms),
    onError: (error) => {
      failure ??= new TgError(ErrorCode.PROTOCOL_ERROR, `Bad event stream: ${error.message}`, { cause: error });
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      if (failure) throw failure;
    }
  } finally {
    reader.releaseLock();
  }
}
