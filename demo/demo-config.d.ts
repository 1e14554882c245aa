/** Served by the `toolgate-demo-mcp-server` plugin in vite.config.ts (dev server only). */
declare module 'virtual:toolgate-demo-config' {
  export interface DemoConfig {
    /** The demo MCP server: WebSocket and Streamable HTTP on one port (`/mcp`). */
    mcp: { wsUrl: string; httpUrl: string; port: number };
    /** The OAuth-protected demo MCP server (Streamable HTTP) and its authorization server. */
    oauth: { issuer: string; httpUrl: string };
    /** The MCP App server (Streamable HTTP and WebSocket) and the sandbox proxy on another host. */
    apps: { httpUrl: string; wsUrl: string; sandboxUrl: string };
    /** Set when `TG_LLM_BASE_URL` is: an OpenAI-compatible endpoint for `<tg-provider>`. */
    llm?: { baseUrl: string; model: string; apiKey?: string };
  }
  const config: DemoConfig;
  export default config;
}
