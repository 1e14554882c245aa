import { expect } from '@esm-bundle/chai';
import { redact, redactString, redactValue, luhn } from '../../src/audit/redact.js';
import { loadSecretRules } from '../../src/audit/secrets.js';

describe('redact', () => {
  before(() => loadSecretRules());

  it('removes bearer tokens, API keys and JWTs from strings', () => {
    expect(redactString('Authorization: Bearer abc.DEF-123_456~xyz')).to.equal('Authorization: Bearer [REDACTED:bearer]');
    // Not OpenAI's format (no T3BlbkFJ marker): still caught, by the entropy check.
    expect(redactString('key sk-proj-AbCdEf0123456789AbCdEf0123456789AbCdEfGh used')).to.equal('key [REDACTED:high-entropy] used');
    expect(redactString('ghp_0123456789abcdefghijklmnopqrstuvwxyz')).to.equal('[REDACTED:github]');
    expect(redactString('AKIAABCDEFGHIJKLMNOP')).to.equal('[REDACTED:aws]');
    expect(redactString('t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig_nature_0123')).to.equal('t=[REDACTED:jwt]');
  });

  it('removes emails, card numbers (Luhn only) and national ids', () => {
    expect(redactString('mail ada@example.org now')).to.equal('mail [REDACTED:email] now');
    expect(redactString('card 4111 1111 1111 1111.')).to.equal('card [REDACTED:card].');
    expect(redactString('order 4111 1111 1111 1112')).to.equal('order 4111 1111 1111 1112');
    expect(redactString('ssn 123-45-6789')).to.equal('ssn [REDACTED:ssn]');
    expect(redactString('iban DE89 3704 0044 0532 0130 00')).to.equal('iban [REDACTED:iban]');
    expect(luhn('4242424242424242')).to.equal(true);
  });

  it('replaces values under credential-like keys whole, walks nested values, never mutates', () => {
    const input = { headers: { Authorization: 'anything', 'X-Api-Key': 42 }, list: ['bob@example.com', 7, null], n: 4111111111111111, password: { a: 1 } };
    const copy = structuredClone(input);
    const out = redact(input);
    expect(out).to.deep.equal({
      headers: { Authorization: '[REDACTED:authorization]', 'X-Api-Key': '[REDACTED:xapikey]' },
      list: ['[REDACTED:email]', 7, null],
      n: 4111111111111111,
      password: '[REDACTED:password]',
    });
    expect(input).to.deep.equal(copy);
    expect(redactValue(input)).to.include({ count: 4 });
    expect(redactValue(input).kinds).to.deep.equal(['authorization', 'email', 'password', 'xapikey']);
  });

  it('takes custom patterns and keys', () => {
    const out = redact({ note: 'ticket ACME-1234', token: 'x' }, { patterns: [{ name: 'ticket', pattern: /ACME-(\d+)/g, replacement: '[T$1]' }], sensitiveKeys: [] });
    expect(out).to.deep.equal({ note: 'ticket [T1234]', token: 'x' });
  });
});
