/**
 * MCP Apps visibility in the gate, with real connections to two app servers: app-only tools never
 * reach a model or the person's tool list, a view reaches only its own server's app tools, and
 * every refusal is a `decision` in the audit log (rule `visibility`).
 */
import { expect } from '@open-wc/testing';
import { AuditLog } from '../../src/audit/audit-log.js';
import { recordTool } from '../../src/audit/record.js';
import { McpConnection } from '../../src/connections/connection.js';
import { Gate } from '../../src/gate/gate.js';
import type { Proposer } from '../../src/gate/tool-gate.js';
import { deleteToolgateDb } from '../../src/storage/db.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { APPS_POLICY, appsEnv } from '../support/app-fixture.js';

describe('MCP Apps visibility in the gate', function () {
  this.timeout(30000);
  const dbName = `apps-visibility-${crypto.randomUUID()}`;
  let audit: AuditLog;
  let gate: Gate;
  const connections: McpConnection[] = [];

  before(async () => {
    audit = await AuditLog.open({ dbName });
    gate = await Gate.open({ audit, persist: false, policy: { ...APPS_POLICY, tools: [{ server: '*', action: 'allow' }] } });
    for (const [id, path] of [['counter', '/counter/mcp'], ['basic', '/basic/mcp']] as const) {
      const connection = await McpConnection.open({ url: new URL(path, appsEnv().appsOrigin).href, apps: true });
      connections.push(connection);
      await gate.addServer(id, connection);
    }
  });
  after(async () => {
    gate.close();
    for (const c of connections) await c.close();
    audit.close();
    await deleteToolgateDb(dbName);
  });

  const view: Proposer = { kind: 'app', serverId: 'counter', tool: 'show_counter', resourceUri: 'ui://counter/view.html' };
  const id = (server: string, name: string) => gate.tools({ kind: 'person' }).concat(gate.tools(view)).find((t) => t.serverId === server && t.tool.name === name)?.id;

  it('lists tools by who asks', () => {
    const names = (p: Proposer) => gate.tools(p).map((t) => `${t.serverId}/${t.tool.name}`).sort();
    expect(names({ kind: 'llm', providerLabel: 'local' })).to.deep.equal(['basic/get-time', 'counter/secret_report', 'counter/show_counter']);
    expect(names({ kind: 'person' })).to.deep.equal(['basic/get-time', 'counter/secret_report', 'counter/show_counter']);
    expect(names(view)).to.deep.equal(['counter/increment', 'counter/show_counter']);
  });

  it('refuses and audits calls across the visibility line', async () => {
    const incrementId = id('counter', 'increment')!;
    const byModel = await gate.call({ toolId: incrementId, args: { by: 1 }, proposer: { kind: 'llm', providerLabel: 'local' } });
    expect(byModel.status === 'refused' && byModel.error.code).to.equal(ErrorCode.TOOL_UNKNOWN);

    const crossServer = await gate.call({ toolId: id('basic', 'get-time')!, args: {}, proposer: view });
    expect(crossServer.status === 'refused' && crossServer.error.code).to.equal(ErrorCode.APP_TOOL_FORBIDDEN);

    const modelOnly = await gate.call({ toolId: id('counter', 'secret_report')!, args: {}, proposer: view });
    expect(modelOnly.status === 'refused' && modelOnly.error.code).to.equal(ErrorCode.APP_TOOL_FORBIDDEN);

    const allowed = await gate.call({ toolId: incrementId, args: { by: 3 }, proposer: view });
    expect(allowed.status).to.equal('ok');

    const head = await audit.head();
    const decisions = (await audit.range(1, head!.seq)).filter((r) => r.kind === 'decision' && r.decision.rule === 'visibility');
    expect(decisions.map((r) => recordTool(r))).to.deep.equal(['increment', 'get-time', 'secret_report']);
    const requests = (await audit.range(1, head!.seq)).filter((r) => r.kind === 'tool-request' && 'proposer' in r && r.proposer === 'app:counter/show_counter');
    expect(requests.length).to.equal(3);
  });
});
