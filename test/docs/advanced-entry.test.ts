/**
 * `toolgate/advanced` (src/advanced.ts) on a page of its own: it defines no element (only the main
 * entry does), and it is where the raw connection — documented as bypassing the gate — the core
 * classes and the helpers are.
 */
import { expect } from '@esm-bundle/chai';
import * as advanced from '../../src/advanced.js';

describe('src/advanced.ts', () => {
  it('defines no element', () => {
    for (const tag of ['tg-agent', 'tg-server', 'tg-connections', 'tg-approval', 'tg-audit-log']) expect(customElements.get(tag), tag).to.equal(undefined);
  });

  it('exports the raw connection, the core classes and the helpers', () => {
    expect(advanced.McpConnection.open).to.be.a('function');
    expect(advanced.Gate.open).to.be.a('function');
    expect(advanced.AuditLog.open).to.be.a('function');
    expect(advanced.matchGlob('notes/*', 'notes/search')).to.equal(true);
    expect(advanced.assignServerIds([{ url: 'wss://a.example/x' }, { url: 'wss://a.example/y' }])[0]).to.equal('a-example');
    expect(new advanced.TokenBucket(2, 1, () => 0).take()).to.equal(true);
  });
});
