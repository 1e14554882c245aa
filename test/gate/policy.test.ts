/** Policy validation (coded errors listing every problem) and pattern matching. */
import { expect } from '@esm-bundle/chai';
import { matchGlob, matchServer, matchUrlPattern, validatePolicy, type Policy } from '../../src/gate/policy.js';

describe('validatePolicy()', () => {
  it('accepts a full policy and returns a frozen copy', () => {
    const input: Policy = {
      version: 1,
      servers: [{ url: 'wss://notes.example/*', trusted: true, labels: ['local'], reviewResults: 'never' }],
      tools: [{ id: 'r', server: 'notes', tool: 'delete_*', hash: 'a'.repeat(64), roles: ['admin'], proposers: ['person'], action: 'deny' }],
      roles: { hr: ['hr/*'] },
      rolesDefault: 'visible',
      rateLimits: [{ server: '*', capacity: 5, refillPerSecond: 0.5 }],
      redaction: { defaults: true, patterns: [{ name: 'emp', pattern: 'EMP-\\d+', flags: 'i' }] },
      maxDescriptionLength: 500,
    };
    const policy = validatePolicy(input);
    expect(policy).to.deep.equal(input);
    expect(policy).not.to.equal(input);
    expect(Object.isFrozen(policy.tools![0])).to.equal(true);
  });

  it('throws TG_POLICY_INVALID listing every problem with its path', () => {
    let error: { code?: string; data?: { problems: { path: string }[] }; message?: string } | undefined;
    try {
      validatePolicy({
        version: 2,
        servers: [{ url: 'notes.example', trusted: 'yes' }],
        tools: [{ action: 'maybe', hash: 'xyz' }],
        roles: { hr: ['no-slash'] },
        rateLimits: [{ capacity: 0, refillPerSecond: -1 }],
        redaction: { patterns: [{ name: 'bad', pattern: '(' }] },
        extra: true,
      });
    } catch (err) {
      error = err as typeof error;
    }
    expect(error?.code).to.equal('TG_POLICY_INVALID');
    expect(error?.data?.problems.map((p) => p.path)).to.have.members([
      'extra',
      'version',
      'servers[0].url',
      'servers[0].trusted',
      'tools[0].hash',
      'tools[0].action',
      'roles.hr[0]',
      'rateLimits[0].capacity',
      'rateLimits[0].refillPerSecond',
      'redaction.patterns[0].pattern',
    ]);
    expect(error?.message).to.contain('tools[0].action must be "allow", "ask" or "deny"');
  });

  it('rejects non-objects', () => {
    expect(() => validatePolicy(null)).to.throw().with.property('code', 'TG_POLICY_INVALID');
    expect(() => validatePolicy([])).to.throw().with.property('code', 'TG_POLICY_INVALID');
  });
});

describe('patterns', () => {
  it('globs: * is any run, everything else literal', () => {
    expect(matchGlob('delete_*', 'delete_note')).to.equal(true);
    expect(matchGlob('delete_*', 'undelete_note')).to.equal(false);
    expect(matchGlob('a.b', 'axb')).to.equal(false);
    expect(matchGlob('*', '')).to.equal(true);
  });

  it('URL patterns: origin stars stay in the host, no path means any path, credentials never match', () => {
    expect(matchUrlPattern('wss://notes.example', 'wss://notes.example/mcp')).to.equal(true);
    expect(matchUrlPattern('wss://*.example.com', 'wss://a.b.example.com/x')).to.equal(true);
    expect(matchUrlPattern('wss://*.example.com', 'wss://evil.test/.example.com')).to.equal(false);
    expect(matchUrlPattern('wss://*.example.com', 'wss://evil.test?.example.com')).to.equal(false);
    expect(matchUrlPattern('wss://notes.example/mcp', 'wss://notes.example/mcp2')).to.equal(false);
    expect(matchUrlPattern('wss://notes.example/*', 'wss://notes.example/x')).to.equal(true);
    expect(matchUrlPattern('wss://notes.example/*', 'ws://notes.example/x')).to.equal(false);
    expect(matchUrlPattern('ws://127.0.0.1:*', 'ws://127.0.0.1:8080/mcp?tag=x')).to.equal(true);
    expect(matchUrlPattern('WSS://Notes.Example', 'wss://notes.example/')).to.equal(true);
    expect(matchUrlPattern('*', 'wss://u:p@notes.example/')).to.equal(false);
    expect(matchUrlPattern('*', 'not a url')).to.equal(false);
  });

  it('server patterns: URL pattern when it has ://, else the connection id', () => {
    const server = { id: 'notes', url: 'wss://notes.example/mcp' };
    expect(matchServer(undefined, server)).to.equal(true);
    expect(matchServer('notes', server)).to.equal(true);
    expect(matchServer('note*', server)).to.equal(true);
    expect(matchServer('wss://notes.example', server)).to.equal(true);
    expect(matchServer('wss://other.example', server)).to.equal(false);
    expect(matchServer('other', server)).to.equal(false);
  });
});
