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
  const outside = [...calls].filter(([path]) => !DOOR.some((door) => door.test(path))).flatMap(([, at]) => at);
  assert.deepEqual(outside, [], `call through the gate's entry instead:\n${outside.join('\n')}`);
});

