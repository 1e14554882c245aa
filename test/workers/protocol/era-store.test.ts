/**
 * The era per origin kept in IndexedDB across workers: records are checked and expire, hydrating
 * seeds the in-memory map, and a real connection with `persistEra` stores what it detected.
 */
import { expect } from '@esm-bundle/chai';
import { deleteDB, openDB } from 'idb';
import { McpConnection } from '../../../src/connections/connection.js';
import { DEFAULT_ERA_DATABASE, dropEra, ERA_TTL_MS, hydrateEra, persistEra, storedEra, useEraDatabase } from '../../../workers/protocol/era-store.js';
import { forgetEra, rememberedEra } from '../../../workers/protocol/era-decision.js';
import { testEnv } from '../../support/env.js';
import { waitFor } from '../../support/async.js';

const URL_A = 'https://mcp.example.com/mcp';

describe('era store (IndexedDB)', () => {
  let name: string;
  beforeEach(() => {
    name = `tg-eras-test-${crypto.randomUUID()}`;
    useEraDatabase(name);
    forgetEra(URL_A);
  });
  afterEach(async () => {
    useEraDatabase(DEFAULT_ERA_DATABASE);
    await deleteDB(name);
  });

  it('persists an era per origin and seeds a fresh in-memory map from it', async () => {
    await persistEra(URL_A, { era: 'modern', version: '2026-07-28' });
    forgetEra(URL_A); // as a new worker would start
    expect(rememberedEra(URL_A)).to.equal(undefined);
    await hydrateEra('https://mcp.example.com/other/path'); // same origin
    expect(rememberedEra(URL_A)).to.deep.equal({ era: 'modern', version: '2026-07-28' });
    await dropEra(URL_A);
    expect(await storedEra(URL_A)).to.equal(undefined);
  });

  it('ignores records that are stale, malformed or name a version this client does not speak', async () => {
    const db = await openDB(name, 1, { upgrade: (d) => void d.createObjectStore('eras', { keyPath: 'origin' }) });
    const origin = new URL(URL_A).origin;
    const bad = [
      { origin, era: 'modern', version: '2026-07-28', savedAt: Date.now() - ERA_TTL_MS - 1 },
      { origin, era: 'modern', version: '2099-01-01', savedAt: Date.now() },
      { origin, era: 'legacy', version: '2026-07-28', savedAt: Date.now() },
      { origin, era: 'modern', version: '2026-07-28', transport: 'sse', savedAt: Date.now() },
      { origin, era: 'quantum', version: '2025-11-25', savedAt: Date.now() },
    ];
    for (const record of bad) {
      await db.put('eras', record);
      forgetEra(URL_A);
      await hydrateEra(URL_A);
      expect(rememberedEra(URL_A), JSON.stringify(record)).to.equal(undefined);
    }
    await db.put('eras', { origin, era: 'legacy', version: '2024-11-05', transport: 'sse', savedAt: Date.now() });
    db.close();
    await hydrateEra(URL_A);
    expect(rememberedEra(URL_A)).to.deep.equal({ era: 'legacy', version: '2024-11-05', transport: 'sse' });
  });
});

describe('era persistence through a real connection', () => {
  it('a connection with persistEra stores the era it detected for the origin; without it, nothing', async function () {
    this.timeout(30_000); // two HTTP connections with detection: slow on a loaded machine, not a speed claim
    const url = (testEnv() as unknown as { sdkJsonUrl: string }).sdkJsonUrl;
    await dropEra(url); // the default database, shared with the worker
    const plain = await McpConnection.open({ url });
    await plain.close();
    expect(await storedEra(url)).to.equal(undefined);
    const connection = await McpConnection.open({ url, persistEra: true });
    try {
      expect(connection.info?.protocolEra).to.equal('legacy');
      const stored = await waitFor(() => storedEra(url), 'the stored era');
      expect(stored).to.deep.equal({ era: 'legacy', version: connection.info?.protocolVersion });
    } finally {
      await connection.close();
      await dropEra(url);
    }
  });
});
