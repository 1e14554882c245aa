/**
 * The secret detector: every kind of the fake-secret corpus is found and redacted; ordinary text
 * is left alone — measured on everything the demo server and `@modelcontextprotocol/server-everything`
 * return (tool definitions, results, resources, prompts), the false-positive figure in the README.
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import type { JsonObject, Tool } from '../../workers/shared/wire.js';
import { redactString, redactValue } from '../../src/audit/redact.js';
import { findSecrets, loadSecretRules, secretRulesLoaded, shannonEntropy } from '../../src/audit/secrets.js';
import { testEnv } from '../support/env.js';
import { SECRET_CORPUS, SECRET_DOCUMENT } from '../support/servers/secret-corpus.mjs';

before(() => loadSecretRules());

describe('findSecrets() on the fake-secret corpus', () => {
  it('loads the secretlint rule set lazily', () => {
    expect(secretRulesLoaded()).to.equal(true);
  });

  for (const entry of SECRET_CORPUS) {
    it(`finds ${entry.kind}: ${entry.text.slice(0, 40).replace(/\n/g, ' ')}…`, () => {
      const findings = findSecrets(entry.text);
      // In a JSON document the secret's line breaks are escaped.
      const shown = entry.text.includes(entry.secret) ? entry.secret : JSON.stringify(entry.secret).slice(1, -1);
      const at = entry.text.indexOf(shown);
      const covering = findings.find((f) => f.start <= at && f.end >= at + Math.min(shown.length, 12));
      expect(covering, JSON.stringify(findings)).to.not.equal(undefined);
      expect(covering!.kind).to.equal(entry.kind);
      const redacted = redactString(entry.text);
      expect(redacted).to.contain(`[REDACTED:${entry.kind}]`);
      for (const part of entry.secret.split(/\s+/).filter((p) => p.length >= 8)) expect(redacted).to.not.contain(part);
    });
  }

  it('redacts the whole corpus as one document, and counts what it replaced', () => {
    const { value, count, kinds } = redactValue({ content: [{ type: 'text', text: SECRET_DOCUMENT }] });
    const text = value.content[0]!.text;
    for (const entry of SECRET_CORPUS) for (const part of entry.secret.split(/\s+/).filter((p) => p.length >= 8)) expect(text).to.not.contain(part);
    expect(count).to.be.at.least(SECRET_CORPUS.length);
    expect(kinds).to.include.members([...new Set(SECRET_CORPUS.map((e) => e.kind))]);
  });

  it('ignores secretlint-disable comments: a server cannot switch detection off', () => {
    const entry = SECRET_CORPUS.find((e) => e.kind === 'github')!;
    expect(redactString(`// secretlint-disable\n${entry.text}\n// secretlint-enable`)).to.not.contain(entry.secret);
  });

  it('leaves hashes, UUIDs, numbers, dates, paths and prose alone', () => {
    const ordinary = [
      'sha256 3f2a9c0b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff',
      'request 5b0e8a4e-3c1d-4c7a-9f21-8d3e6b2a1c90 finished',
      'Order 1764547200123 shipped on 2026-12-01T10:20:30Z, 3 items, total 4111.11 EUR.',
      'See /usr/local/lib/node_modules/@modelcontextprotocol/server-everything/dist/index.js',
      'The password field is required; the token expires in 30 minutes.',
      'password: string, token: optional, secret: Hidden',
      'git commit 9fceb02d0ae598e95dc970b74767f19372d61af8 on branch main',
      'Call +1 555-0100 or write to the front desk.',
      'https://example.com/docs/getting-started/installation-guide?section=linux&version=2',
    ];
    for (const text of ordinary) expect(findSecrets(text).filter((f) => f.kind !== 'email'), text).to.deep.equal([]);
  });

  it('measures character entropy', () => {
    expect(shannonEntropy('aaaa')).to.equal(0);
    expect(shannonEntropy('abcd')).to.equal(2);
  });
});

/** Arguments for a tool from its schema: defaults, first enum values, small plain values. */
function sampleArgs(tool: Tool): JsonObject {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const args: JsonObject = {};
  for (const [name, prop] of Object.entries(props)) {
    if (prop.default !== undefined) args[name] = prop.default as never;
    else if (Array.isArray(prop.enum)) args[name] = prop.enum[0] as never;
    else if (prop.type === 'number' || prop.type === 'integer') args[name] = 2;
    else if (prop.type === 'boolean') args[name] = false;
    else if (prop.type === 'array') args[name] = [];
    else if (prop.type === 'string') args[name] = name === 'id' ? 'note-1' : 'Lisbon';
  }
  return args;
}

/** Interactive or environment-dumping tools are not "ordinary results". */
const SKIP = /elicit|sampling|get-env|roots|long-running|logging|subscriber|research|delete|link_account|retitle|count_slowly|task|log_steps/i;

async function ordinaryTexts(url: string): Promise<string[]> {
  const connection = await McpConnection.open({ url, transport: 'auto' });
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) if (k !== 'data' && k !== 'blob') collect(v);
    }
  };
  try {
    const tools = await connection.listTools();
    collect(tools);
    for (const tool of tools) {
      if (SKIP.test(tool.name)) continue;
      try {
        collect(await connection.callTool(tool.name, sampleArgs(tool)));
      } catch (err) {
        collect((err as Error).message);
      }
    }
    const resources = await connection.listResources().catch(() => []);
    collect(resources);
    for (const resource of resources.slice(0, 20)) collect(await connection.readResource(resource.uri).catch(() => null));
    const prompts = await connection.listPrompts().catch(() => []);
    collect(prompts);
    for (const prompt of prompts) {
      const args = Object.fromEntries((prompt.arguments ?? []).map((a) => [a.name, a.name === 'tag' ? 'work' : a.name === 'id' ? 'note-1' : 'test']));
      collect(await connection.getPrompt(prompt.name, args).catch(() => null));
    }
  } finally {
    await connection.close();
  }
  return texts;
}

describe('False positives on ordinary results', () => {
  it('finds nothing in what the demo server and server-everything return', async function () {
    this.timeout(60_000);
    const env = testEnv() as unknown as { httpUrl: string; everythingUrl?: string };
    if (!env.everythingUrl) throw new Error('server-everything did not start (test/support/servers/sdk-servers.mjs)');
    const texts = [...(await ordinaryTexts(env.httpUrl)), ...(await ordinaryTexts(env.everythingUrl))];
    const chars = texts.reduce((n, t) => n + t.length, 0);
    const hits = texts.flatMap((t) => findSecrets(t).map((f) => `${f.kind}: ${t.slice(Math.max(0, f.start - 10), f.end + 10)}`));
    // The figure quoted in the README's security section.
    console.log(`secret detector on ordinary results: ${texts.length} strings, ${chars} characters, ${hits.length} findings${hits.length ? `: ${hits.join(' | ')}` : ''}`);
    expect(texts.length).to.be.greaterThan(100);
    expect(hits).to.deep.equal([]);
  });
});
