/** Line diff between two tool definitions, for the approval card and the server card's review (loaded on first use: `loadDefinitionDiff` in pins.ts). */
import { diffLines } from 'diff';
import type { Tool } from '../../workers/shared/wire.js';
import { definitionText, type DiffLine } from './pins.js';

export function definitionDiff(before: Tool, after: Tool): DiffLine[] {
  const out: DiffLine[] = [];
  for (const part of diffLines(definitionText(before), definitionText(after))) {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
    for (const line of part.value.replace(/\n$/, '').split('\n')) out.push({ kind, text: line });
  }
  return out;
}
