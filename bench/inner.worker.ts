/**
 * Breakdown: our worker-side Connection (transport + codec + RPC engine + MCP client) driven from
 * inside a worker, so the page → worker → page hop (comlink, structured clone, two task hops) can
 * be told apart from the cost of the protocol stack itself.
 */
import { expose } from 'comlink';
import { Connection } from '../workers/connection.js';
import type { ConnectionConfig } from '../workers/connection-api.js';

const api = {
  async run(
    config: ConnectionConfig,
    text: string,
    opts: { warmup: number; count: number; maxMs: number },
  ): Promise<{ samples: number[]; codec: string }> {
    const connection = new Connection();
    const info = await connection.connect(config, () => {});
    try {
      for (let i = 0; i < opts.warmup; i++) await connection.callTool('echo', { text });
      const samples: number[] = [];
      const deadline = performance.now() + opts.maxMs;
      while (samples.length < opts.count && performance.now() < deadline) {
        const t0 = performance.now();
        await connection.callTool('echo', { text });
        samples.push(performance.now() - t0);
      }
      return { samples, codec: info.codec };
    } finally {
      await connection.close();
    }
  },
};

export type InnerApi = typeof api;
expose(api);
