// @ts-check
/**
 * One vocabulary (DESIGN.md "Conventions" 5–6): every Toolgate error code is spelled once, in the
 * `ErrorCode` table of workers/shared/errors.ts; argument errors come from `invalidArgument()`; no
 * second table of codes grows anywhere else.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, sourceFiles, ts, walk, where } from './source-files.mjs';

const TABLE = 'workers/shared/errors.ts';
/** The numbers servers send in JSON-RPC `error.code` (not Toolgate codes) have their one table in the wire types. */
const RPC_TABLE = 'workers/shared/wire.ts';

/** Text of string-ish literals: '…', "…", `…` and the pieces of a template. */
function literalText(/** @type {ts.Node} */ node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) return node.text;
  return undefined;
}

/** Offending literals in `files`: those `test(text)` accepts, as `path:line text`. */
function findLiterals(/** @type {string[]} */ files, /** @type {(text: string) => boolean} */ test) {
  /** @type {string[]} */
  const found = [];
  for (const path of files) {
    const file = parse(path);
    walk(file, (node) => {
      const text = literalText(node);
      if (text !== undefined && test(text)) found.push(`${where(file, node)} ${JSON.stringify(text.slice(0, 60))}`);
    });
  }
  return found;
}

const files = sourceFiles();

test('the sources are found (the rules below would pass vacuously otherwise)', () => {
  assert.ok(files.includes(TABLE) && files.includes('src/gate/gate.ts') && files.length > 100, `found ${files.length} files`);
});

test("no 'TG_…' string outside the ErrorCode table: every code is ErrorCode.X", () => {
  const found = findLiterals(
    files.filter((f) => f !== TABLE),
    (text) => /(^|[^A-Za-z0-9])TG_[A-Z]/.test(text),
  );
  assert.deepEqual(found, [], `spell these as ErrorCode.… (${TABLE}):\n${found.join('\n')}`);
});

test("no inline argument TypeError: 'ERR_INVALID_ARG_TYPE' only inside invalidArgument()", () => {
  const found = findLiterals(
    files.filter((f) => f !== TABLE),
    (text) => text.includes('ERR_INVALID_ARG_TYPE'),
  );
  assert.deepEqual(found, [], `throw invalidArgument(name, expected) instead:\n${found.join('\n')}`);
});

test('no second table of error codes (a `const …ErrorCode` outside the two tables)', () => {
  /** @type {string[]} */
  const found = [];
  for (const path of files) {
    const file = parse(path);
    walk(file, (node) => {
      if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !/ErrorCodes?$/.test(node.name.text)) return;
      const allowed = (path === TABLE && node.name.text === 'ErrorCode') || (path === RPC_TABLE && node.name.text === 'RpcErrorCode');
      if (!allowed) found.push(`${where(file, node)} ${node.name.text}`);
    });
  }
  assert.deepEqual(found, [], `add the codes to ErrorCode in ${TABLE} instead:\n${found.join('\n')}`);
});

test('every key of the table is its code without the TG_ prefix, and no code appears twice', () => {
  const file = parse(TABLE);
  /** @type {[string, string][]} */
  const entries = [];
  walk(file, (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'ErrorCode') {
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      assert.ok(init && ts.isObjectLiteralExpression(init), 'ErrorCode is an object literal');
      for (const prop of init.properties) {
        assert.ok(ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && ts.isStringLiteral(prop.initializer), `${where(file, prop)} is a plain KEY: 'TG_KEY' entry`);
        entries.push([prop.name.text, prop.initializer.text]);
      }
    }
  });
  assert.ok(entries.length > 50, `found ${entries.length} codes`);
  for (const [key, value] of entries) assert.equal(value, `TG_${key}`, `ErrorCode.${key}`);
  const values = entries.map(([, value]) => value);
  assert.equal(new Set(values).size, values.length, 'a code appears twice');
});
