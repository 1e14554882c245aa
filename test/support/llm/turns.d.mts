/** Types of turns.mjs, for the browser tests (scripts.ts re-exports them). */
export type ScriptEvent = { event?: string; data: string | object } | { raw: string } | { waitMs: number };
export interface Turn {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  events?: ScriptEvent[];
  end?: 'close' | 'destroy' | 'hang';
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

/** Splits a string into `n` roughly equal pieces (tool-call argument fragments). */
export declare function pieces(text: string, n: number): string[];
/** An OpenAI Chat Completions stream: content deltas, tool calls in 3 fragments each, usage chunk, [DONE]. */
export declare function openAiTurn(answer: Answer, options?: { end?: Turn['end']; omitDone?: boolean }): Turn;
/** An Anthropic Messages stream: message_start, text and tool_use blocks (input_json_delta in pieces), message_delta, message_stop. */
export declare function anthropicTurn(answer: Answer): Turn;
