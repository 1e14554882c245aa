/**
 * Builders for the scripted LLM server (test/support/services/llm.mjs): one model answer as the
 * SSE events an OpenAI-compatible server or the Anthropic Messages API would send, and helpers
 * to register a script and read back the requests the server got.
 */
import { testEnv } from '../env.js';

export type ScriptEvent = { event?: string; data: string | object } | { raw: string } | { waitMs: number };
export interface Turn {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  events?: ScriptEvent[];
  end?: 'close' | 'destroy' | 'hang';
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | undefined>;
  body: Record<string, unknown> & { messages: Record<string, unknown>[]; tools?: Record<string, unknown>[] };
  aborted: boolean;
  turn: number;
}

export interface ScriptedCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Send this text as the arguments instead of `JSON.stringify(args)` (e.g. broken JSON). */
  rawArgs?: string;
}

export interface Answer {
  /** Text deltas, in order. */
  text?: string[];
  toolCalls?: ScriptedCall[];
  usage?: { input: number; output: number };
  /** Override the stop/finish reason. */
  stop?: string;
}

export function llmUrl(): string {
  const url = (testEnv() as unknown as { llmUrl?: string }).llmUrl;
  if (!url) throw new Error('llmUrl missing from the test environment (test/support/services/llm.mjs)');
  return url;
}

/** Splits a string into `n` roughly equal pieces (tool-call argument fragments). */
export function pieces(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** An OpenAI Chat Completions stream: content deltas, tool calls in 3 fragments each, usage chunk, [DONE]. */
export function openAiTurn(answer: Answer, options: { end?: Turn['end']; omitDone?: boolean } = {}): Turn {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'scripted' };
  const chunk = (delta: object, finish: string | null = null) => ({ data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] } });
  const events: ScriptEvent[] = [chunk({ role: 'assistant', content: '' })];
  for (const t of answer.text ?? []) events.push(chunk({ content: t }));
  (answer.toolCalls ?? []).forEach((call, index) => {
    const args = pieces(call.rawArgs ?? JSON.stringify(call.args), 3);
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: args[0] } }] }));
    for (const piece of args.slice(1)) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(chunk({}, answer.stop ?? (answer.toolCalls?.length ? 'tool_calls' : 'stop')));
  if (answer.usage) {
    const u = answer.usage;
    events.push({ data: { ...base, choices: [], usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output } } });
  }
  if (!options.omitDone) events.push({ data: '[DONE]' });
  return { events, ...(options.end && { end: options.end }) };
}

/** An Anthropic Messages stream: message_start, text and tool_use blocks (input_json_delta in pieces), message_delta, message_stop. */
export function anthropicTurn(answer: Answer): Turn {
  const events: ScriptEvent[] = [];
  const ev = (type: string, data: object) => events.push({ event: type, data: { type, ...data } });
  ev('message_start', {
    message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'scripted', content: [], stop_reason: null, usage: { input_tokens: answer.usage?.input ?? 0, output_tokens: 1 } },
  });
  let index = 0;
  if (answer.text?.length) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
    ev('ping', {});
    for (const t of answer.text) ev('content_block_delta', { index, delta: { type: 'text_delta', text: t } });
    ev('content_block_stop', { index });
    index++;
  }
  for (const call of answer.toolCalls ?? []) {
    ev('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } });
    for (const piece of pieces(call.rawArgs ?? JSON.stringify(call.args), 3)) ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    ev('content_block_stop', { index });
    index++;
  }
  ev('message_delta', { delta: { stop_reason: answer.stop ?? (answer.toolCalls?.length ? 'tool_use' : 'end_turn'), stop_sequence: null }, usage: { output_tokens: answer.usage?.output ?? 1 } });
  ev('message_stop', {});
  return { events };
}

/** Registers a script; returns its id and the base URL to give a provider. */
export async function registerScript(turns: Turn[]): Promise<{ id: string; base: string }> {
  const response = await fetch(`${llmUrl()}/__script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ turns }),
  });
  if (!response.ok) throw new Error(`register script: HTTP ${response.status}`);
  const { id } = (await response.json()) as { id: string };
  return { id, base: `${llmUrl()}/s/${id}` };
}

export async function recordedRequests(id: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${llmUrl()}/__script/${id}`);
  if (!response.ok) throw new Error(`script requests: HTTP ${response.status}`);
  return ((await response.json()) as { requests: RecordedRequest[] }).requests;
}
