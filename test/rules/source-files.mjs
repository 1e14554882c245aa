// @ts-check
/**
 * The product's TypeScript sources (src/ and workers/), parsed with the TypeScript compiler, for the
 * rules a dependency graph cannot see (string literals, calls). Parsing, not regular expressions,
 * so comments and doc text never count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every `.ts` file below `dirs` (paths relative to the repo, `/`-separated), declaration files excluded. */
export function sourceFiles(dirs = ['src', 'workers']) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {string} */ dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return out.sort();
}

/** @type {Map<string, ts.SourceFile>} */
const parsed = new Map();

/** The file's syntax tree (parsed once per test process). @param {string} path */
export function parse(path) {
  let file = parsed.get(path);
  if (!file) parsed.set(path, (file = ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.Latest, true)));
  return file;
}

/**
 * Calls `visit` for every node of the file.
 * @param {ts.SourceFile} file
 * @param {(node: ts.Node) => void} visit
 */
export function walk(file, visit) {
  const go = (/** @type {ts.Node} */ node) => {
    visit(node);
    ts.forEachChild(node, go);
  };
  go(file);
}

/** `path:line` of a node, for failure messages. */
export function where(/** @type {ts.SourceFile} */ file, /** @type {ts.Node} */ node) {
  return `${relative(ROOT, join(ROOT, file.fileName))}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
}

export { ts };
