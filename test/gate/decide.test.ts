/** `decide()` as a table: policy × annotations × trust × roles × pins × proposer → decision. Pure, no I/O. */
import { expect } from '@esm-bundle/chai';
import { ANNOTATION_DEFAULTS, decide, effectiveAnnotations, isVisible, type DecideInput } from '../../src/gate/decide.js';
import type { Policy } from '../../src/gate/policy.js';
import type { ToolAnnotations } from '../../workers/shared/wire.js';

const NOTES = 'wss://notes.example/mcp';
const HASH = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

const trustedNotes: Policy = { version: 1, servers: [{ url: 'wss://notes.example/*', trusted: true }] };
const untrustedNotes: Policy = { version: 1, servers: [{ url: 'wss://notes.example/*' }] };
const READ: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
const DESTRUCTIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, openWorldHint: false };
const WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, openWorldHint: false };
const READ_OPEN: ToolAnnotations = { readOnlyHint: true, openWorldHint: true };

interface Case {
  name: string;
  policy: Policy;
  tool?: string;
  annotations?: ToolAnnotations;
  url?: string;
  serverId?: string;
  consented?: boolean;
  roles?: string[];
  pin?: { quarantined: boolean; alwaysAllowed: boolean };
  hash?: string;
  flags?: number;
  proposer?: DecideInput['proposer'];
  expect: { decision: 'allow' | 'ask' | 'deny'; rule?: string; code?: string; output?: 'send' | 'withhold' | 'review'; reason?: RegExp };
}

const llm = (providerLabel: string) => ({ kind: 'llm', providerLabel }) as const;

const cases: Case[] = [
  // Annotation defaults and trust
  { name: 'trusted + readOnly → allow', policy: trustedNotes, annotations: READ, expect: { decision: 'allow', rule: 'annotations' } },
  { name: 'trusted + destructive → ask', policy: trustedNotes, annotations: DESTRUCTIVE, expect: { decision: 'ask', rule: 'annotations', reason: /destructive/ } },
  { name: 'trusted + non-destructive write → ask', policy: trustedNotes, annotations: WRITE, expect: { decision: 'ask', reason: /change data/ } },
  { name: 'trusted + readOnly but open-world → allow (reads only), output sent', policy: trustedNotes, annotations: READ_OPEN, expect: { decision: 'allow', output: 'send' } },
  { name: 'untrusted + readOnly claim → ask (a claim only)', policy: untrustedNotes, annotations: READ, expect: { decision: 'ask', reason: /not trusted/ } },
  { name: 'no allow-list at all: every server untrusted → ask', policy: { version: 1 }, annotations: READ, expect: { decision: 'ask' } },
  { name: 'trusted + no annotations: spec defaults (not read-only, destructive, open world) → ask', policy: trustedNotes, annotations: undefined, expect: { decision: 'ask', reason: /destructive.*open world/ } },
  { name: 'trusted + only openWorldHint:false: readOnly defaults to false → ask', policy: trustedNotes, annotations: { openWorldHint: false }, expect: { decision: 'ask' } },
  { name: 'untrusted + open-world (by default) → result review', policy: untrustedNotes, annotations: { readOnlyHint: true }, expect: { decision: 'ask', output: 'review' } },
  { name: 'untrusted + closed-world claim → no result review', policy: untrustedNotes, annotations: READ, expect: { decision: 'ask', output: 'send' } },
  // Allow-list and consent
  { name: 'server not on the allow-list → deny', policy: trustedNotes, url: 'wss://evil.example/mcp', annotations: READ, expect: { decision: 'deny', rule: 'server-allow-list', code: 'TG_SERVER_NOT_ALLOWED' } },
  { name: 'server not on the list but consented → untrusted → ask', policy: trustedNotes, url: 'wss://evil.example/mcp', consented: true, annotations: READ, expect: { decision: 'ask' } },
  { name: 'URL pattern star never crosses the host', policy: { version: 1, servers: [{ url: 'wss://*.notes.example', trusted: true }] }, url: 'wss://evil.test/.notes.example/mcp', annotations: READ, expect: { decision: 'deny', code: 'TG_SERVER_NOT_ALLOWED' } },
  { name: 'URL with credentials never matches', policy: { version: 1, servers: [{ url: '*', trusted: true }] }, url: 'wss://user:pw@notes.example/mcp', annotations: READ, expect: { decision: 'deny' } },
  // Tool rules
  { name: 'deny rule wins over trust', policy: { ...trustedNotes, tools: [{ id: 'no-search', tool: 'search', action: 'deny' }] }, annotations: READ, expect: { decision: 'deny', rule: 'no-search', code: 'TG_POLICY_DENIED' } },
  { name: 'allow rule with wildcard', policy: { ...untrustedNotes, tools: [{ server: 'notes', tool: 'delete_*', action: 'allow' }] }, tool: 'delete_note', annotations: DESTRUCTIVE, expect: { decision: 'allow', rule: 'tools[0]' } },
  { name: 'ask rule overrides trusted readOnly', policy: { ...trustedNotes, tools: [{ id: 'careful', server: NOTES, tool: '*', action: 'ask' }] }, annotations: READ, expect: { decision: 'ask', rule: 'careful' } },
  { name: 'first matching rule wins', policy: { ...untrustedNotes, tools: [{ id: 'a', tool: 'search', action: 'allow' }, { id: 'b', tool: '*', action: 'deny' }] }, annotations: READ, expect: { decision: 'allow', rule: 'a' } },
  { name: 'rule keyed by hash: other hash does not match', policy: { ...untrustedNotes, tools: [{ id: 'h', tool: 'search', hash: OTHER, action: 'allow' }] }, annotations: READ, expect: { decision: 'ask', rule: 'annotations' } },
  { name: 'rule keyed by hash: same hash matches', policy: { ...untrustedNotes, tools: [{ id: 'h', tool: 'search', hash: HASH, action: 'allow' }] }, annotations: READ, expect: { decision: 'allow', rule: 'h' } },
  { name: 'rule limited to a role: person without it → not matched', policy: { ...untrustedNotes, tools: [{ id: 'r', tool: '*', roles: ['admin'], action: 'allow' }] }, annotations: READ, roles: ['devops'], expect: { decision: 'ask' } },
  { name: 'rule limited to a role: person with it → matched', policy: { ...untrustedNotes, tools: [{ id: 'r', tool: '*', roles: ['admin'], action: 'allow' }] }, annotations: READ, roles: ['admin'], expect: { decision: 'allow', rule: 'r' } },
  { name: 'rule limited to proposers: vendor model denied', policy: { ...trustedNotes, tools: [{ id: 'no-vendors', proposers: ['vendor:*'], action: 'deny' }] }, annotations: READ, proposer: llm('vendor:openai'), expect: { decision: 'deny', rule: 'no-vendors' } },
  { name: 'rule limited to proposers: local model unaffected', policy: { ...trustedNotes, tools: [{ id: 'no-vendors', proposers: ['vendor:*'], action: 'deny' }] }, annotations: READ, proposer: llm('local'), expect: { decision: 'allow' } },
  // Roles (visibility)
  { name: 'hidden by roles → deny as unknown', policy: { ...trustedNotes, roles: { hr: ['notes/get_salary_info'] } }, tool: 'get_salary_info', annotations: READ, roles: ['devops'], expect: { decision: 'deny', rule: 'roles', code: 'TG_TOOL_UNKNOWN' } },
  { name: 'visible to the role that lists it', policy: { ...trustedNotes, roles: { hr: ['notes/get_salary_info'] } }, tool: 'get_salary_info', annotations: READ, roles: ['hr'], expect: { decision: 'allow' } },
  { name: 'a tool no role mentions stays visible', policy: { ...trustedNotes, roles: { hr: ['notes/get_salary_info'] } }, tool: 'search', annotations: READ, roles: ['devops'], expect: { decision: 'allow' } },
  { name: 'rolesDefault hidden hides unmentioned tools', policy: { ...trustedNotes, roles: { hr: ['notes/get_salary_info'] }, rolesDefault: 'hidden' }, tool: 'search', annotations: READ, roles: ['devops'], expect: { decision: 'deny', rule: 'roles' } },
  // Pins, quarantine, flags
  { name: 'always-allowed pin → allow even when destructive', policy: trustedNotes, annotations: DESTRUCTIVE, pin: { quarantined: false, alwaysAllowed: true }, expect: { decision: 'allow', rule: 'pin' } },
  { name: 'quarantined → ask even for trusted readOnly', policy: trustedNotes, annotations: READ, pin: { quarantined: true, alwaysAllowed: false }, expect: { decision: 'ask', rule: 'quarantine', reason: /changed/ } },
  { name: 'quarantined → ask even with an allow rule without hash', policy: { ...trustedNotes, tools: [{ id: 'all', action: 'allow' }] }, annotations: READ, pin: { quarantined: true, alwaysAllowed: false }, expect: { decision: 'ask', rule: 'quarantine' } },
  { name: 'quarantined but an allow rule bound to the new hash → allow', policy: { ...trustedNotes, tools: [{ id: 'pre-approved', hash: HASH, action: 'allow' }] }, annotations: READ, pin: { quarantined: true, alwaysAllowed: false }, expect: { decision: 'allow', rule: 'pre-approved' } },
  { name: 'quarantined and denied by rule → deny', policy: { ...trustedNotes, tools: [{ id: 'no', action: 'deny' }] }, annotations: READ, pin: { quarantined: true, alwaysAllowed: false }, expect: { decision: 'deny', rule: 'no' } },
  { name: 'hidden-instruction flags → ask even trusted readOnly', policy: trustedNotes, annotations: READ, flags: 2, expect: { decision: 'ask', rule: 'flags' } },
  // Data flow (provider label)
  { name: 'local-only server, vendor model → allowed but withheld', policy: { version: 1, servers: [{ url: 'wss://notes.example/*', trusted: true, labels: ['local'] }] }, annotations: READ, proposer: llm('vendor:openai'), expect: { decision: 'allow', output: 'withhold' } },
  { name: 'local-only server, local model → sent', policy: { version: 1, servers: [{ url: 'wss://notes.example/*', trusted: true, labels: ['local'] }] }, annotations: READ, proposer: llm('local'), expect: { decision: 'allow', output: 'send' } },
  { name: 'vendor:* label pattern', policy: { version: 1, servers: [{ url: 'wss://notes.example/*', trusted: true, labels: ['vendor:*'] }] }, annotations: READ, proposer: llm('vendor:anthropic'), expect: { decision: 'allow', output: 'send' } },
  { name: 'person proposer + label-restricted server → withheld from later models', policy: { version: 1, servers: [{ url: 'wss://notes.example/*', trusted: true, labels: ['local'] }] }, annotations: READ, proposer: { kind: 'person' }, expect: { decision: 'allow', output: 'withhold' } },
  { name: 'reviewResults always', policy: { version: 1, servers: [{ url: 'wss://notes.example/*', trusted: true, reviewResults: 'always' }] }, annotations: READ, expect: { decision: 'allow', output: 'review' } },
  { name: 'reviewResults never on an untrusted open-world tool', policy: { version: 1, servers: [{ url: 'wss://notes.example/*', reviewResults: 'never' }] }, annotations: { openWorldHint: true }, expect: { decision: 'ask', output: 'send' } },
];

describe('decide()', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = decide({
        policy: c.policy,
        server: { id: c.serverId ?? 'notes', url: c.url ?? NOTES, ...(c.consented && { consented: true }) },
        tool: { name: c.tool ?? 'search', ...(c.annotations && { annotations: c.annotations }) },
        definitionHash: c.hash ?? HASH,
        roles: c.roles ?? [],
        ...(c.pin && { pin: c.pin }),
        ...(c.flags !== undefined && { flags: c.flags }),
        proposer: c.proposer ?? llm('local'),
      });
      expect(result.decision, result.reason).to.equal(c.expect.decision);
      if (c.expect.rule) expect(result.rule).to.equal(c.expect.rule);
      if (c.expect.code) expect(result.code).to.equal(c.expect.code);
      if (c.expect.output) expect(result.output).to.equal(c.expect.output);
      if (c.expect.reason) expect(result.reason).to.match(c.expect.reason);
      expect(result.reason).to.be.a('string').and.not.empty;
    });
  }

  it('is pure: the same input gives the same output and the input is not changed', () => {
    const policy: Policy = { ...trustedNotes, tools: [{ tool: '*', action: 'ask' }] };
    const input: DecideInput = { policy, server: { id: 'notes', url: NOTES }, tool: { name: 'x', annotations: READ }, definitionHash: HASH, roles: ['a'], proposer: llm('local') };
    const before = JSON.stringify(input);
    expect(decide(input)).to.deep.equal(decide(input));
    expect(JSON.stringify(input)).to.equal(before);
  });
});

describe('effectiveAnnotations()', () => {
  it('fills in the spec defaults and says which hints were stated', () => {
    expect(ANNOTATION_DEFAULTS).to.deep.equal({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true });
    expect(effectiveAnnotations(undefined)).to.deep.equal({ ...ANNOTATION_DEFAULTS, stated: [] });
    expect(effectiveAnnotations({ readOnlyHint: true })).to.deep.equal({ readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true, stated: ['readOnlyHint'] });
    expect(effectiveAnnotations({ idempotentHint: true, openWorldHint: false }).stated).to.deep.equal(['idempotentHint', 'openWorldHint']);
  });
});

describe('isVisible()', () => {
  const policy: Policy = { version: 1, roles: { hr: ['hr/*'], devops: ['infra/*', 'wss://shared.example/mcp/get_*'] } };
  it('maps roles to tools by connection id or URL pattern', () => {
    expect(isVisible(policy, { id: 'hr', url: 'wss://hr.example/mcp' }, 'get_salary_info', ['devops'])).to.equal(false);
    expect(isVisible(policy, { id: 'hr', url: 'wss://hr.example/mcp' }, 'get_salary_info', ['hr'])).to.equal(true);
    expect(isVisible(policy, { id: 'x', url: 'wss://shared.example/mcp' }, 'get_time', ['devops'])).to.equal(true);
    expect(isVisible(policy, { id: 'x', url: 'wss://shared.example/mcp' }, 'get_time', ['hr'])).to.equal(false);
    expect(isVisible(policy, { id: 'notes', url: 'wss://n.example/mcp' }, 'search', [])).to.equal(true);
  });
});
