/**
 * The pieces a `<tg-app-view>` test needs, all real: an audit log and a gate in a fresh database, a
 * connection (worker) to one of the app servers of test/support/servers/app-servers.mjs, view pins,
 * and the sandbox proxy on 127.0.0.1 (the test page is on localhost: another host).
 */
import { fixture, html } from '@open-wc/testing';
import { AuditLog } from '../../src/audit/audit-log.js';
import { McpConnection } from '../../src/connections/connection.js';
import { Gate } from '../../src/gate/gate.js';
import type { Policy } from '../../src/gate/policy.js';
import { sandboxTarget } from '../../src/apps/sandbox-origin.js';
import { toolUi } from '../../src/apps/ui-meta.js';
import { validateArgs } from '../../src/apps/validate-args.js';
import { ViewPins, memoryViewPinStorage, type ViewPinStorage } from '../../src/apps/view-pins.js';
import '../../src/elements/app-view/tg-app-view.js';
import type { AppViewSource, TgAppView } from '../../src/elements/app-view/tg-app-view.js';
import { deleteToolgateDb } from '../../src/storage/db.js';
import { executeServerCommand } from '@web/test-runner-commands';
import type { Tool } from '../../workers/shared/wire.js';

export interface AppsEnv {
  appsSandboxUrl: string;
  appsOrigin: string;
  appsLeakOrigin: string;
}

export function appsEnv(): AppsEnv {
  return window.__TG_TEST_ENV__ as unknown as AppsEnv;
}

export interface AppFixture {
  el: TgAppView;
  audit: AuditLog;
  gate: Gate;
  connection: McpConnection;
  tool: Tool;
  source: AppViewSource;
  close(): Promise<void>;
}

const opened: AppFixture[] = [];

/** Untrusted by default (so a view's call asks); the app servers' port is on the allow-list. */
export const APPS_POLICY: Policy = { version: 1, servers: [{ url: 'http://127.0.0.1:*' }, { url: 'ws://127.0.0.1:*' }] };

export async function appFixture(options: {
  path: string;
  serverId: string;
  tool: string;
  policy?: Policy;
  sandbox?: string | null;
  pinStorage?: ViewPinStorage;
}): Promise<AppFixture> {
  const env = appsEnv();
  const base = new URL(options.path, env.appsOrigin);
  if (options.path.endsWith('/ws')) base.protocol = 'ws:';
  const dbName = `apps-${crypto.randomUUID()}`;
  const audit = await AuditLog.open({ dbName });
  const gate = await Gate.open({ audit, persist: false, policy: options.policy ?? APPS_POLICY });
  const connection = await McpConnection.open({ url: base.href, apps: true });
  await gate.addServer(options.serverId, connection);
  const tool = connection.tools.find((t) => t.name === options.tool);
  if (!tool) throw new Error(`no tool ${options.tool}`);
  const resourceUri = toolUi(tool).resourceUri!;
  const source: AppViewSource = {
    sandbox: sandboxTarget(options.sandbox === undefined ? env.appsSandboxUrl : options.sandbox, location.href),
    identity: { serverId: options.serverId, serverUrl: base.href, tool, resourceUri },
    reader: connection,
    pins: new ViewPins(options.pinStorage ?? memoryViewPinStorage(), audit),
    audit,
    requests: { gate, readResource: (uri) => connection.readResource(uri), validate: validateArgs },
  };
  const el = await fixture<TgAppView>(html`<tg-app-view .source=${source}></tg-app-view>`);
  const f: AppFixture = {
    el,
    audit,
    gate,
    connection,
    tool,
    source,
    close: async () => {
      gate.close();
      await connection.close();
      audit.close();
      await deleteToolgateDb(dbName);
    },
  };
  opened.push(f);
  return f;
}

export async function closeAppFixtures(): Promise<void> {
  for (const f of opened.splice(0)) await f.close();
}

/** Reads, clicks or reloads inside the view frame that matches the selector `view` (see frame-commands.mjs). */
export async function inView(view: string, action: 'text' | 'click' | 'reload', selector = 'body'): Promise<string | boolean | null> {
  const answer = await executeServerCommand<{ value: string | boolean | null }, unknown>('app-frame', { view, action, selector });
  return answer?.value ?? null;
}

/** Waits until `probe` resolves something `until` accepts (bounded). */
export async function eventually<T>(probe: () => Promise<T>, until: (value: T) => boolean, what: string, timeoutMs = 15000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await probe();
    if (until(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
