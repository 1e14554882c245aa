// @ts-check
/**
 * The Node CLI against exports made in a real browser (test/cli/fixtures/, written by
 * `node bench/audit-bench.mjs --fixture`; the browser test test/audit/export.test.ts checks the
 * same files with the in-browser verifier).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/toolgate-audit.mjs', import.meta.url));
const fixture = (/** @type {string} */ name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** @param {string[]} args @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
async function cliRun(args) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = /** @type {{ code: number, stdout: string, stderr: string }} */ (err);
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** @typedef {(lines: string[]) => string[]} Rewrite */

/**
 * Rewrites the lines of a good fixture (format 2 unless `from` says) and returns the path of the result.
 * @param {string} dir @param {string} name @param {Rewrite} fn @param {string} [from]
 */
async function variant(dir, name, fn, from = 'audit-export.jsonl') {
  const lines = (await readFile(fixture(from), 'utf8')).trim().split('\n');
  const out = fn(lines);
  const path = join(dir, name);
  await writeFile(path, out.join('\n') + '\n');
  return path;
}

test('verifies a browser export: exit 0 and a summary', async () => {
  const { code, stdout } = await cliRun(['verify', fixture('audit-export.jsonl')]);
  assert.equal(code, 0);
  assert.match(stdout, /^OK: 12 records \(seq 4…15\)/);
});

test('--json prints the result; --device pins the device', async () => {
  const header = JSON.parse((await readFile(fixture('audit-export.jsonl'), 'utf8')).split('\n')[0] ?? '');
  const device = String(Object.keys(header.keys)[0]);
  const ok = await cliRun(['verify', fixture('audit-export.jsonl'), '--json', '--device', device]);
  assert.equal(ok.code, 0);
  assert.deepEqual(JSON.parse(ok.stdout), { ok: true, count: 12, signatures: 10, firstSeq: 4, lastSeq: 15, headHash: header.head.hash });
  const other = await cliRun(['verify', fixture('audit-export.jsonl'), '--json', '--device', 'someone-else']);
  assert.equal(other.code, 1);
  assert.equal(JSON.parse(other.stdout).reason, 'unknown-key');
});

test('finds the edited record of the tampered fixture: exit 1', async () => {
  const { code, stdout } = await cliRun(['verify', fixture('audit-export-tampered.jsonl')]);
  assert.equal(code, 1);
  assert.match(stdout, /^BROKEN at record 9: edited/);
});

test('finds deleted, reordered, forged and cut-short exports', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tg-audit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const seqOf = (/** @type {string} */ line) => JSON.parse(line).seq;
  /** @type {[string, Rewrite, { seq: number, reason: string }][]} */
  const cases = [
    ['deleted', (l) => l.filter((line, i) => i === 0 || seqOf(line) !== 10), { seq: 10, reason: 'deleted' }],
    ['reordered', (l) => { const c = [...l]; const i = c.findIndex((x, k) => k > 0 && seqOf(x) === 10); [c[i], c[i + 1]] = [/** @type {string} */ (c[i + 1]), /** @type {string} */ (c[i])]; return c; }, { seq: 10, reason: 'reordered' }],
    ['forged', (l) => l.map((line, i) => { if (i === 0) return line; const r = JSON.parse(line); if (r.seq === 12) r.sig = JSON.parse(/** @type {string} */ (l[l.length - 1])).sig; return JSON.stringify(r); }), { seq: 12, reason: 'forged-signature' }],
    ['start-deleted', (l) => [/** @type {string} */ (l[0]), ...l.slice(2)], { seq: 4, reason: 'deleted' }],
    ['cut-short', (l) => l.slice(0, -1), { seq: 15, reason: 'deleted' }],
  ];
  for (const [name, fn, expected] of cases) {
    const path = await variant(dir, `${name}.jsonl`, fn);
    const { code, stdout } = await cliRun(['verify', path, '--json']);
    assert.equal(code, 1, name);
    const result = JSON.parse(stdout);
    assert.deepEqual({ seq: result.seq, reason: result.reason }, expected, name);
  }
});

test('format 3: verifies a sealed export; a pending tail is printed, not an error; a forged seal is', async (t) => {
  const ok = await cliRun(['verify', fixture('audit-export-v3.jsonl')]);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /^OK: \d+ records/);
  assert.doesNotMatch(ok.stdout, /PENDING/);

  const dir = await mkdtemp(join(tmpdir(), 'tg-audit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const lastSeq = (/** @type {string[]} */ l) => JSON.parse(/** @type {string} */ (l[l.length - 1])).seq;
  // The head's seal not yet there (exported from another page's live chain, say): pending.
  const unsealed = await variant(dir, 'unsealed.jsonl', (l) => l.map((line, i) => (i === l.length - 1 ? JSON.stringify({ ...JSON.parse(line), sig: undefined }) : line)), 'audit-export-v3.jsonl');
  const lines = (await readFile(unsealed, 'utf8')).trim().split('\n');
  const pending = await cliRun(['verify', unsealed]);
  assert.equal(pending.code, 0);
  assert.match(pending.stdout, new RegExp(`\\nPENDING: records \\d+…${lastSeq(lines)} \\(\\d+\\) carry no signature yet`));
  const json = JSON.parse((await cliRun(['verify', unsealed, '--json'])).stdout);
  assert.equal(json.ok, true);
  assert.equal(json.pending.to, lastSeq(lines));
  // The sealed head rewritten and re-hashed: its seal no longer vouches for it.
  const rewrite = (/** @type {string} */ line) => {
    const { hash: _hash, sig, ...rest } = JSON.parse(line);
    const edited = { ...rest, detail: { forged: true } };
    return JSON.stringify({ ...edited, hash: createHash('sha256').update(String(canonicalize(edited))).digest('hex'), sig });
  };
  const forged = await variant(dir, 'forged.jsonl', (l) => l.map((line, i) => (i === l.length - 1 ? rewrite(line) : line)), 'audit-export-v3.jsonl');
  const broken = JSON.parse((await cliRun(['verify', forged, '--json'])).stdout);
  assert.deepEqual({ seq: broken.seq, reason: broken.reason }, { seq: lastSeq(lines), reason: 'forged-signature' });
});

test('exit 2 on usage errors and non-exports', async (t) => {
  assert.equal((await cliRun([])).code, 2);
  assert.equal((await cliRun(['verify'])).code, 2);
  const dir = await mkdtemp(join(tmpdir(), 'tg-audit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'x.jsonl');
  await writeFile(path, '{"hello":1}\n');
  const bad = await cliRun(['verify', path]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Not a toolgate-audit v1 export/);
});
