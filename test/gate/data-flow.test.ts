/** What of a result reaches the model: labels, audience, redaction. */
import { expect } from '@esm-bundle/chai';
import { loadSecretRules } from '../../src/audit/secrets.js';
import { AUDIENCE_NOTICE, WITHHELD_NOTICE, labelAllowed, outputAllowed, viewForModel } from '../../src/gate/data-flow.js';
import { redactionOptions } from '../../src/gate/policy.js';
import type { CallToolResult } from '../../workers/shared/wire.js';

describe('labelAllowed() and outputAllowed()', () => {
  it('matches provider labels against the server’s allowed patterns (default: all)', () => {
    expect(labelAllowed('vendor:openai', undefined)).to.equal(true);
    expect(labelAllowed('vendor:openai', ['local'])).to.equal(false);
    expect(labelAllowed('local', ['local'])).to.equal(true);
    expect(labelAllowed('vendor:openai', ['local', 'vendor:*'])).to.equal(true);
    expect(labelAllowed('vendor:openai', [])).to.equal(false);
  });
  it('lets a person’s call reach later models only when every provider may have it', () => {
    expect(outputAllowed({ kind: 'person' }, undefined)).to.equal(true);
    expect(outputAllowed({ kind: 'person' }, { labels: ['*'] })).to.equal(true);
    expect(outputAllowed({ kind: 'person' }, { labels: ['local'] })).to.equal(false);
    expect(outputAllowed({ kind: 'llm', providerLabel: 'local' }, { labels: ['local'] })).to.equal(true);
  });
});

describe('viewForModel()', () => {
  const redaction = {};
  before(() => loadSecretRules());

  it('withholds everything with a short notice when the provider may not receive it', () => {
    const result: CallToolResult = { content: [{ type: 'text', text: 'salary: 100k' }], structuredContent: { salary: 100000 } };
    expect(viewForModel(result, { allowed: false, redaction })).to.deep.equal({ forModel: [{ type: 'text', text: WITHHELD_NOTICE }], withheld: true });
  });

  it('never sends audience:["user"] content, and then drops structuredContent too', () => {
    const result: CallToolResult = {
      content: [
        { type: 'text', text: 'for both' },
        { type: 'text', text: 'for the person only', annotations: { audience: ['user'] } },
        { type: 'text', text: 'for the model', annotations: { audience: ['assistant'] } },
      ],
      structuredContent: { secret: 'for the person only' },
    };
    const view = viewForModel(result, { allowed: true, redaction });
    expect(view.forModel.map((b) => (b.type === 'text' ? b.text : b.type))).to.deep.equal(['for both', 'for the model', AUDIENCE_NOTICE]);
    expect(view.withheld).to.equal(true);
    expect(view.structuredForModel).to.equal(undefined);
  });

  it('redacts what goes (text, embedded resources, structuredContent) with default and policy patterns', () => {
    const own = redactionOptions({ version: 1, redaction: { patterns: [{ name: 'emp', pattern: 'EMP-\\d{6}' }] } });
    const result: CallToolResult = {
      content: [
        { type: 'text', text: 'Mail ana@example.com, employee EMP-123456, key sk-proj-AbCdEf0123456789AbCdEf0123456789AbCdEfGh' },
        { type: 'resource', resource: { uri: 'note://1', text: 'ssn 123-45-6789' } },
      ],
      structuredContent: { email: 'ana@example.com', token: 'abc' },
    };
    const view = viewForModel(result, { allowed: true, redaction: own });
    expect(view.withheld).to.equal(false);
    const first = view.forModel[0];
    expect(first?.type === 'text' && first.text).to.equal('Mail [REDACTED:email], employee [REDACTED:emp], key [REDACTED:high-entropy]');
    const second = view.forModel[1];
    expect(second?.type === 'resource' && 'text' in second.resource && second.resource.text).to.equal('ssn [REDACTED:ssn]');
    expect(view.structuredForModel).to.deep.equal({ email: '[REDACTED:email]', token: '[REDACTED:token]' });
    // The person's copy is untouched.
    expect(result.content[0]).to.deep.equal({ type: 'text', text: 'Mail ana@example.com, employee EMP-123456, key sk-proj-AbCdEf0123456789AbCdEf0123456789AbCdEfGh' });
  });

  it('policy can drop the built-in patterns', () => {
    const only = redactionOptions({ version: 1, redaction: { defaults: false, patterns: [{ name: 'x', pattern: 'secret', replacement: '***' }] } });
    const view = viewForModel({ content: [{ type: 'text', text: 'ana@example.com secret' }] }, { allowed: true, redaction: only });
    expect(view.forModel[0]).to.deep.equal({ type: 'text', text: 'ana@example.com ***' });
  });
});
