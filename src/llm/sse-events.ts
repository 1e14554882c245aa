/**
 * Server-Sent Events read from a model's streamed answer with `eventsource-parser` (works on any
 * `ReadableStream`, in every browser); apart from http.ts, so it loads with a provider's first request.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';

/**
 * Yields the SSE events of a response body. A body that breaks while being read is
 * `TG_LLM_STREAM_BROKEN`; an abort rethrows the abort. Stops reading (and cancels the body)
 * when the consumer stops iterating.
 */
export async function* sseEvents(response: Response, signal: AbortSignal, provider: string): AsyncGenerator<EventSourceMessage> {
  if (!response.body) throw new TgError(ErrorCode.LLM_BAD_RESPONSE, `${provider} sent no response body`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  let finished = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal.aborted) throw err;
        throw new TgError(ErrorCode.LLM_STREAM_BROKEN, `${provider} stream broke: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (chunk.done) {
        finished = true;
        parser.feed(decoder.decode());
        // A last event without its blank line is incomplete: the stream was cut, so it is not emitted.
        yield* queue.splice(0);
        return;
      }
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      yield* queue.splice(0);
    }
  } finally {
    if (!finished) reader.cancel().catch(() => {});
  }
}
