import { expect } from '@esm-bundle/chai';
import { redact, redactString, luhn } from '../../src/audit/redact.js';

describe('redact', () => {
  it('removes bearer tokens, API keys and JWTs from strings', () => {
    expect(redactString('Authorization: Bearer abc.DEF-123_456~xyz')).to.equal('Authorization: Bearer [REDACTED]');
    expect(redactString('key sk-proj-AbCdEf0123456789AbCdEf01 used')).to.equal('key [REDACTED:key] used');
    expect(redactString('ghp_0123456789abcdefghijklmnopqrstuvwxyz')).to.equal('[REDACTED:key]');
    expect(redactString('AKIAABCDEFGHIJKLMNOP')).to.equal('[REDACTED:key]');
    expect(redactString('t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig_nature')).to.equal('t=[REDACTED:jwt]');
  });

  it('removes emails, card numbers (Luhn only) and national ids', () => {
    expect(redactString('mail ada@example.org now')).to.equal('mail [REDACTED:email] now');
    expect(redactString('card 4111 1111 1111 1111.')).to.equal('card [REDACTED:card].');
    expect(redactString('order 4111 1111 1111 1112')).to.equal('order 4111 1111 1111 1112');
    expect(redactString('ssn 123-45-6789')).to.equal('ssn [REDACTED:id]');
    expect(redactString('iban DE89 3704 0044 0532 0130 00')).to.equal('iban [REDACTED:iban]');
    expect(luhn('4242424242424242')).to.equal(true);
  });

  it('replaces values under credential-like keys whole, walks nested values, never mutates', () => {
    const input = { headers: { Authorization: 'anything', 'X-Api-Key': 42 }, list: ['bob@example.com', 7, null], n: 4111111111111111, password: { a: 1 } };
    const copy = structuredClone(input);
    const out = redact(input);
    expect(out).to.deep.equal({
      headers: { Authorization: '[REDACTED]', 'X-Api-Key': '[REDACTED]' },
      list: ['[REDACTED:email]', 7, null],
      n: 4111111111111111,
      password: '[REDACTED]',
    });
    expect(input).to.deep.equal(copy);
  });

  it('takes custom patterns and keys', () => {
    const out = redact({ note: 'ticket ACME-1234', token: 'x' }, { patterns: [{ name: 'ticket', pattern: /ACME-\d+/g, replacement: '[T]' }], sensitiveKeys: [] });
    expect(out).to.deep.equal({ note: 'ticket [T]', token: 'x' });
  });
});
