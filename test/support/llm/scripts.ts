/**
 * The scripted LLM server (test/support/services/llm.mjs) from a browser test: register a script
 * of turns (built by turns.mjs: one model answer as the SSE events an OpenAI-compatible server or
 * the Anthropic Messages API would send) and read back the requests the server got.
 */
import { testEnv } from '../env.js';
import type { Turn } from './turns.mjs';

export { anthropicTurn, openAiTurn, pieces } from './turns.mjs';
export type { Answer, ScriptEvent, ScriptedCall, Turn } from './turns.mjs';

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | undefined>;
  body: Record<string, unknown> & { messages: Record<string, unknown>[]; tools?: Record<string, unknown>[] };
  aborted: boolean;
  turn: number;
}

export function llmUrl(): string {
  const url = (testEnv() as unknown as { llmUrl?: string }).llmUrl;
  if (!url) throw new Error('llmUrl missing from the test environment (test/support/services/llm.mjs)');
  return url;
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
