/** Namespaced tool ids: safe as LLM function names and collision-free. */
import { expect } from '@esm-bundle/chai';
import { TOOL_ID_PATTERN, ToolNamespace, baseToolId } from '../../src/gate/namespace.js';

describe('tool ids', () => {
  it('are <server>__<tool> when that is already safe', () => {
    expect(baseToolId('demo', 'search_notes')).to.equal('demo__search_notes');
  });

  it('are always valid function names, whatever the server sends', () => {
    for (const [server, tool] of [
      ['notes', 'search.notes'],
      ['my server', 'tool/with/slashes'],
      ['x', 'emoji_🙂'],
      ['x', 'echo\u200B'],
      ['x', ''],
      ['', 'x'],
      ['a'.repeat(50), 'b'.repeat(50)],
    ] as const) {
      expect(baseToolId(server, tool), `${server} ${tool}`).to.match(TOOL_ID_PATTERN);
    }
  });

  it('keep apart names that differ only in unsafe characters', () => {
    expect(baseToolId('x', 'search.notes')).not.to.equal(baseToolId('x', 'search_notes'));
    expect(baseToolId('x', 'echo\u200B')).not.to.equal(baseToolId('x', 'echo'));
    expect(baseToolId('a'.repeat(50), 'b'.repeat(50) + '1')).not.to.equal(baseToolId('a'.repeat(50), 'b'.repeat(50) + '2'));
  });

  it('two servers’ same-named tools never collide, and a later server cannot take an id', () => {
    const ns = new ToolNamespace();
    expect(ns.idFor('a', 'search')).to.equal('a__search');
    expect(ns.idFor('b', 'search')).to.equal('b__search');
    // `a__b` + `c` and `a` + `b__c` would both be `a__b__c`: the one that came first keeps it.
    const first = ns.idFor('a', 'b__c');
    const second = ns.idFor('a__b', 'c');
    expect(first).to.equal('a__b__c');
    expect(second).not.to.equal(first);
    expect(second).to.match(TOOL_ID_PATTERN);
    // Stable while the tool exists; freed when it goes.
    expect(ns.idFor('a', 'b__c')).to.equal(first);
    ns.release('a');
    expect(ns.idFor('a__b', 'c')).to.equal(second);
  });
});
