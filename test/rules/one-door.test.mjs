// @ts-check
/**
 * One door (DESIGN.md "Dependency rules"): nothing but the gate calls a connection's `callTool`. A
 * dependency graph cannot see calls, so this reads the syntax trees: every call `x.callTool(…)` in
 * src/ must be in the gate, or in the connection forwarding to its own worker. workers/ is the worker
 * (its sessions implement the call); it is not the page and not checked here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, sourceFiles, ts, walk, where } from './source-files.mjs';

/** Where a `callTool` call belongs: the gate's entry, and McpConnection forwarding to its worker. */
const DOOR = [/^src\/gate\//, /^src\/connections\/connection\.ts$/];

/**
 * Calls that predate the one door and are removed by #14 step 3 (the runtime branch). Each entry must
 * still hold such a call, so this list cannot outlive them: when one goes, delete its entry.
 */
const LEAVING = ['src/elements/agent/tool-call.controller.ts'];

/** `path:line` of every `….callTool(…)` call in src/. */
function callToolCalls() {
  /** @type {Map<string, string[]>} */
  const found = new Map();
  for (const path of sourceFiles(['src'])) {
    const file = parse(path);
    walk(file, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'callTool') {
        found.set(path, [...(found.get(path) ?? []), where(file, node)]);
      }
    });
  }
  return found;
}

test('only the gate calls a connection’s callTool', () => {
  const calls = callToolCalls();
  assert.ok([...calls.keys()].some((path) => path.startsWith('src/gate/')), 'the gate’s own call is found (else the scan is broken)');
  const outside = [...calls].filter(([path]) => !DOOR.some((door) => door.test(path)) && !LEAVING.includes(path)).flatMap(([, at]) => at);
  assert.deepEqual(outside, [], `call through the gate's entry instead:\n${outside.join('\n')}`);
});

test('the list of calls leaving is not stale', () => {
  const calls = callToolCalls();
  const gone = LEAVING.filter((path) => !calls.has(path));
  assert.deepEqual(gone, [], `these no longer call callTool: remove them from LEAVING in ${import.meta.url}`);
});
