// @ts-check
/**
 * One model answer as the SSE events an OpenAI-compatible server or the Anthropic Messages API
 * would send, for the scripted LLM server (test/support/services/llm.mjs). Plain JavaScript, so
 * that the browser tests (through scripts.ts) and the Node end-to-end tests build turns alike.
 */

/** @typedef {import('../services/llm.mjs').Turn} Turn */
/** @typedef {import('../services/llm.mjs').ScriptEvent} ScriptEvent */
/** @typedef {{ id: string, name: string, args: Record<string, unknown>, rawArgs?: string }} ScriptedCall */
/** @typedef {{ text?: string[], toolCalls?: ScriptedCall[], usage?: { input: number, output: number }, stop?: string }} Answer (types with docs: turns.d.mts) */

/**
 * Splits a string into `n` roughly equal pieces (tool-call argument fragments).
 * @param {string} text
 * @param {number} n
 * @returns {string[]}
 */
export function pieces(text, n) {
  const size = Math.max(1, Math.ceil(text.length / n));
  /** @type {string[]} */
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/**
 * An OpenAI Chat Completions stream: content deltas, tool calls in 3 fragments each, usage chunk, [DONE].
 * @param {Answer} answer
 * @param {{ end?: Turn['end'], omitDone?: boolean }} [options]
 * @returns {Turn}
 */
export function openAiTurn(answer, options = {}) {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'scripted' };
  const chunk = (/** @type {object} */ delta, /** @type {string | null} */ finish = null) => ({ data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] } });
  /** @type {ScriptEvent[]} */
  const events = [chunk({ role: 'assistant', content: '' })];
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

/**
 * An Anthropic Messages stream: message_start, text and tool_use blocks (input_json_delta in pieces), message_delta, message_stop.
 * @param {Answer} answer
 * @returns {Turn}
 */
export function anthropicTurn(answer) {
  /** @type {ScriptEvent[]} */
  const events = [];
  const ev = (/** @type {string} */ type, /** @type {object} */ data) => events.push({ event: type, data: { type, ...data } });
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
