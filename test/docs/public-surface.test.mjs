// @ts-check
/**
 * The package's public surface, counted by the TypeScript compiler (values and types alike): the
 * main entry (src/index.ts) stays at most 80 names — elements, the runtime, public types, the error
 * codes and the event classes — and offers no way past the gate (the raw connection, the core
 * classes and the helpers are in `toolgate/advanced`, src/advanced.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const file = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

function exportedNames(entries) {
  const config = ts.getParsedCommandLineOfConfigFile(file('tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram(entries.map(file), { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  return Object.fromEntries(
    entries.map((entry) => {
      const source = program.getSourceFile(file(entry));
      const symbol = source && checker.getSymbolAtLocation(source);
      if (!symbol) throw new Error(`${entry} is not a module`);
      const exported = checker.getExportsOfModule(symbol);
      // `export type { X }` of a class is a type here, though X is a value where it is declared.
      const typeOnly = (s) => (s.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
      const isValue = (s) => !typeOnly(s) && ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0;
      return [entry, { all: exported.map((s) => s.getName()).sort(), values: exported.filter(isValue).map((s) => s.getName()).sort() }];
    }),
  );
}

const names = exportedNames(['src/index.ts', 'src/advanced.ts']);
const main = names['src/index.ts']?.all ?? [];
const advanced = names['src/advanced.ts']?.all ?? [];
const mainValues = names['src/index.ts']?.values ?? [];
const advancedValues = names['src/advanced.ts']?.values ?? [];

test(`the main entry exports at most 80 names (it has ${main.length}; toolgate/advanced has ${advanced.length})`, () => {
  assert.ok(main.length <= 80, `src/index.ts exports ${main.length} names: ${main.join(', ')}`);
  for (const name of ['TgAgent', 'TgConnections', 'createRuntime', 'Runtime', 'RuntimeOptions', 'ServerState', 'Policy', 'ErrorCode', 'TgError', 'TgToolCallEvent', 'OpenAiCompatibleProvider']) {
    assert.ok(main.includes(name), `src/index.ts exports ${name}`);
  }
});

test('nothing in the main entry reaches a connection past the gate; the advanced entry has those parts', () => {
  for (const name of ['McpConnection', 'createConnectionWorker', 'ToolCallController', 'AgentController', 'ConnectionsController', 'matchGlob', 'TokenBucket', 'GatedServer']) {
    assert.ok(!main.includes(name), `src/index.ts does not export ${name}`);
  }
  for (const name of ['McpConnection', 'Gate', 'AuditLog', 'Agent', 'matchGlob', 'TokenBucket', 'assignServerIds', 'verifyJsonl']) {
    assert.ok(advanced.includes(name), `src/advanced.ts exports ${name}`);
  }
});

test('each value has one home: nothing the main entry exports is exported again by toolgate/advanced (a type may be)', () => {
  assert.ok(mainValues.length > 20 && advancedValues.length > 20);
  assert.deepEqual(mainValues.filter((name) => advancedValues.includes(name)), []);
  // The core classes are types in the main entry (to annotate `runtime.gate`, …) and values in the
  // advanced one; so are the elements the main entry defines on first use (src/elements/autoload.ts).
  assert.deepEqual(main.filter((name) => advancedValues.includes(name)), ['Agent', 'AuditLog', 'Gate', 'ServerRegistry', 'TgApproval', 'TgAuditLog', 'TgConnections', 'TgElicitation', 'TgManualForm']);
});
