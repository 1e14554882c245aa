/**
 * `npm start`: the demo page with the demo MCP server started beside it (WebSocket and
 * Streamable HTTP on 127.0.0.1:8787, or `TG_DEMO_MCP_PORT`). `npm run build`: the library, ESM, with each
 * connection worker as its own chunk.
 */
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** What the demo page learns from the dev server (`import config from 'virtual:toolgate-demo-config'`). */
const DEMO_CONFIG_ID = 'virtual:toolgate-demo-config';
const RUNNING_DEMO = Symbol.for('toolgate.demo-mcp-server.close');

/**
 * Runs the demo MCP server for as long as the dev server runs, and tells the page where it is:
 * `TG_DEMO_MCP_PORT` (default 8787; 0 picks a free port, as the e2e test does) and, when
 * `TG_LLM_BASE_URL` is set, the OpenAI-compatible endpoint (`TG_LLM_MODEL`, `TG_LLM_API_KEY`).
 */
function demoMcpServer(): Plugin {
  let pageConfig: Record<string, unknown> | undefined;
  return {
    name: 'toolgate-demo-mcp-server',
    apply: 'serve',
    config() {
      // Scan the library and the workers too, so every dependency is pre-bundled at start: one
      // found later (a worker's, a lazily loaded element's) makes Vite reload the page mid-session.
      return { optimizeDeps: { entries: ['index.html', here('./src/**/*.ts'), here('./workers/**/*.ts')] } };
    },
    async configureServer(server) {
      const port = Number(process.env.TG_DEMO_MCP_PORT ?? 8787);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`TG_DEMO_MCP_PORT must be 0..65535, got ${process.env.TG_DEMO_MCP_PORT}`);
      // @ts-expect-error -- plain ESM JavaScript, type-checked by tsconfig.node.json
      const { startDemoServer } = (await import('./demo/server/server.mjs')) as {
        startDemoServer(options: { port: number; changingTool?: boolean; oauth?: { issuer: string } }): Promise<{ port: number; wsUrl: string; httpUrl: string; close(): Promise<void> }>;
      };
      // @ts-expect-error -- plain ESM JavaScript, type-checked by tsconfig.node.json
      const { startAuthorizationServer } = (await import('./demo/server/oauth/authorization-server.mjs')) as {
        startAuthorizationServer(): Promise<{ issuer: string; addResource(resource: string): void; close(): Promise<void> }>;
      };
      // A restart (config change, `r`) builds the new server before closing the old one: free the
      // port first. The registry is global because a config change re-imports this module.
      const registry = globalThis as { [RUNNING_DEMO]?: () => Promise<void> };
      await registry[RUNNING_DEMO]?.();
      const demo = await startDemoServer({ port, changingTool: true });
      // The OAuth scene: a local authorization server (oidc-provider; it signs in a fixed test
      // account and consents at once) and a second demo MCP server that wants its tokens.
      const as = await startAuthorizationServer();
      const protectedDemo = await startDemoServer({ port: 0, oauth: { issuer: as.issuer } });
      as.addResource(protectedDemo.httpUrl);
      // The MCP Apps scene: an app server (ext-apps server helpers), and the sandbox proxy from
      // public/ on a second origin of ANOTHER HOST than the page's (localhost vs 127.0.0.1).
      // @ts-expect-error -- plain ESM JavaScript, type-checked by tsconfig.node.json
      const { startAppServer } = (await import('./demo/server/app-server.mjs')) as {
        startAppServer(): Promise<{ httpUrl: string; wsUrl: string; close(): Promise<void> }>;
      };
      // @ts-expect-error -- plain ESM JavaScript, type-checked by tsconfig.node.json
      const { startSandboxHost } = (await import('./demo/server/sandbox-host.mjs')) as {
        startSandboxHost(options: { frameAncestors: string }): Promise<{ url: string; close(): Promise<void> }>;
      };
      const apps = await startAppServer();
      const sandbox = await startSandboxHost({ frameAncestors: 'http://127.0.0.1:* http://localhost:*' });
      // The page is opened on 127.0.0.1; the sandbox is reached as localhost (same machine, another host).
      const sandboxUrl = sandbox.url.replace('//127.0.0.1:', '//localhost:');
      let closed: Promise<void> | undefined;
      const close = () => (closed ??= Promise.allSettled([demo.close(), protectedDemo.close(), as.close(), apps.close(), sandbox.close()]).then(() => undefined));
      registry[RUNNING_DEMO] = close;
      const llmBaseUrl = process.env.TG_LLM_BASE_URL;
      pageConfig = {
        mcp: { wsUrl: demo.wsUrl, httpUrl: demo.httpUrl, port: demo.port },
        oauth: { issuer: as.issuer, httpUrl: protectedDemo.httpUrl },
        apps: { httpUrl: apps.httpUrl, wsUrl: apps.wsUrl, sandboxUrl },
        ...(llmBaseUrl && {
          llm: {
            baseUrl: llmBaseUrl,
            model: process.env.TG_LLM_MODEL ?? 'default',
            // Only ever the developer's own key on their own machine: the dev server serves it to the page.
            ...(process.env.TG_LLM_API_KEY && { apiKey: process.env.TG_LLM_API_KEY }),
          },
        }),
      };
      server.config.logger.info(`  demo MCP server: ${demo.wsUrl} (WebSocket), ${demo.httpUrl} (Streamable HTTP)`);
      server.config.logger.info(`  OAuth-protected demo MCP server: ${protectedDemo.httpUrl} (authorization server ${as.issuer})`);
      server.config.logger.info(`  MCP App server: ${apps.httpUrl}; views sandboxed at ${sandboxUrl}`);
      if (llmBaseUrl) server.config.logger.info(`  model: ${llmBaseUrl} (${process.env.TG_LLM_MODEL ?? 'default'})`);
      server.httpServer?.once('close', () => void close());
    },
    resolveId(id) {
      return id === DEMO_CONFIG_ID ? `\0${DEMO_CONFIG_ID}` : undefined;
    },
    load(id) {
      if (id !== `\0${DEMO_CONFIG_ID}`) return undefined;
      if (!pageConfig) throw new Error('the demo MCP server has not started');
      return `export default ${JSON.stringify(pageConfig)};`;
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
    // Two entries sharing chunks: `toolgate` (the elements, the runtime) and `toolgate/advanced` (src/advanced.ts).
    lib: { entry: { toolgate: here('./src/index.ts'), advanced: here('./src/advanced.ts') }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
  },
});
