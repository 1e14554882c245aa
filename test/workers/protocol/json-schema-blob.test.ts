/**
 * The lazily loaded JSON Schema validator in a worker started from a blob: URL (a host that inlines
 * the connection worker). The library's top level builds a URL from `location`, which is not one
 * there; the loader must hide it during the import and give it back afterwards.
 */
import { expect } from '@esm-bundle/chai';

interface Outcome {
  ok?: boolean;
  valid?: boolean;
  invalid?: boolean;
  protocolAfter?: string;
  error?: string;
}

/** Runs `body` (module source) in a module worker started from a Blob URL; it posts one Outcome. */
function runInBlobWorker(body: string): Promise<Outcome> {
  const url = URL.createObjectURL(new Blob([body], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  return new Promise<Outcome>((resolve) => {
    worker.onmessage = (event: MessageEvent<Outcome>) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      resolve({ error: event.message || 'worker error' });
    };
  }).finally(() => {
    worker.terminate();
    URL.revokeObjectURL(url);
  });
}

const loaderUrl = new URL('/workers/protocol/json-schema-loader.ts', location.origin).href;

describe('JSON Schema validator in a blob: worker', () => {
  it('loads through the loader and validates', async () => {
    const outcome = await runInBlobWorker(`
      try {
        const { loadJsonSchema } = await import(${JSON.stringify(loaderUrl)});
        const { Validator } = await loadJsonSchema();
        const again = await loadJsonSchema();
        const v = new Validator({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] }, '2020-12', true);
        postMessage({
          ok: again.Validator === Validator,
          valid: v.validate({ n: 2 }).valid,
          invalid: v.validate({ n: 0 }).valid,
          protocolAfter: self.location.protocol,
        });
      } catch (err) {
        postMessage({ error: String(err) });
      }
    `);
    expect(outcome).to.deep.equal({ ok: true, valid: true, invalid: false, protocolAfter: 'blob:' });
  });

  it('is needed where the base URI is not a URL: the library alone fails there at load', async () => {
    // The control: the module with the top-level URL computation, imported without the loader. Chromium
    // cannot parse origin + pathname of a blob: worker; where a browser can, the library loads as is.
    const direct = new URL('/node_modules/@cfworker/json-schema/dist/esm/dereference.js', location.origin).href;
    const outcome = await runInBlobWorker(`
      let unparsable = false;
      try {
        new URL(self.location.origin + self.location.pathname + self.location.search);
      } catch {
        unparsable = true;
      }
      try {
        await import(${JSON.stringify(direct)});
        postMessage({ ok: true, invalid: unparsable });
      } catch (err) {
        postMessage({ ok: false, invalid: unparsable, error: String(err) });
      }
    `);
    expect(outcome.ok, outcome.error).to.equal(!outcome.invalid);
  });
});
