/**
 * `npm start`: the demo page with the demo MCP server started beside it (WebSocket and
 * Streamable HTTP on 127.0.0.1:8787). `npm run build`: the library, ESM, with each
 * connection worker as its own chunk.
 */
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const DEMO_MCP_PORT = Number(process.env.TG_DEMO_MCP_PORT ?? 8787);

/** Runs the demo MCP server for as long as the dev server runs. */
function demoMcpServer(): Plugin {
  return {
    name: 'toolgate-demo-mcp-server',
    apply: 'serve',
    async configureServer(server) {
      // @ts-expect-error -- plain ESM JavaScript, type-checked by tsconfig.node.json
      const { startDemoServer } = (await import('./demo/server/server.mjs')) as {
        startDemoServer(options: { port: number }): Promise<{ wsUrl: string; httpUrl: string; close(): Promise<void> }>;
      };
      const demo = await startDemoServer({ port: DEMO_MCP_PORT });
      server.config.logger.info(`  demo MCP server: ${demo.wsUrl} (WebSocket), ${demo.httpUrl} (Streamable HTTP)`);
      server.httpServer?.once('close', () => void demo.close());
    },
  };
}

export default defineConfig({
  root: here('./demo'),
  publicDir: here('./public'),
  server: { host: '127.0.0.1', port: 5173, strictPort: false, fs: { allow: [here('.')] } },
  plugins: [demoMcpServer()],
  worker: { format: 'es' },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: { entry: here('./src/index.ts'), formats: ['es'], fileName: () => 'toolgate.js' },
  },
});
