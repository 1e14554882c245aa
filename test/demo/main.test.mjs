// @ts-check
/** The CLI: starts on PORT, prints its URLs, serves, and exits cleanly on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { connectRaw } from './raw-client.mjs';

const MAIN = fileURLToPath(new URL('../../demo/server/main.mjs', import.meta.url));

it('main.mjs serves on PORT with test hooks and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', TG_TEST_HOOKS: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    const wsUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs printed: ${out}`)), 10_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const ws = /ws:\/\/127\.0\.0\.1:\d+\/mcp/.exec(out);
        if (ws && /http:\/\/127\.0\.0\.1:\d+\/mcp/.test(out)) {
          clearTimeout(timer);
          resolve(ws[0]);
        }
      });
    });
    const client = await connectRaw(`${wsUrl}?tag=cli`, ['mcp']);
    await client.initialize();
    const hooks = await fetch(new URL('/__test/sockets?tag=cli', wsUrl.replace('ws:', 'http:')));
    assert.deepEqual(await hooks.json(), { open: 1, protocols: ['mcp'] });

    const closed = client.closed();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.equal((await closed).code, 1006, 'close() terminates open sockets');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
