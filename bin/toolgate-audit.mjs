#!/usr/bin/env node
// @ts-check
/**
 * toolgate-audit — checks a Toolgate audit export outside the browser.
 *
 *   toolgate-audit verify <file.jsonl> [--device <thumbprint>]... [--json]
 *
 * Exit status: 0 the chain verifies; 1 it is broken (the first broken link is printed);
 * 2 usage or I/O error, or not a toolgate-audit export.
 *
 * Same rules as src/audit/verify.ts + src/audit/export.ts (format v1, see src/audit/record.ts):
 * hash = SHA-256 hex of the RFC 8785 canonical JSON of the record without `hash`/`sig`;
 * `prevHash` links; `sig` = ECDSA P-256/SHA-256 (IEEE P1363, base64url) over the UTF-8 `hash`,
 * by the key whose RFC 7638 thumbprint is `device` (keys come from the header line and their
 * thumbprints are recomputed; `--device` pins which devices are trusted).
 */
import { createHash, webcrypto } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import canonicalize from 'canonicalize';

const GENESIS_HASH = '0'.repeat(64);
const REORDER_WINDOW = 32;
const subtle = webcrypto.subtle;

/** @param {string | Buffer} data */
const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

/** @param {Record<string, unknown>} record */
function recordHash(record) {
  const { hash: _h, sig: _s, ...rest } = record;
  const json = canonicalize(rest);
  if (json === undefined) throw new Error('not JSON');
  return sha256Hex(json);
}

/** @param {JsonWebKey} jwk */
function thumbprint(jwk) {
  const json = canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }) ?? '';
  return createHash('sha256').update(json).digest('base64url');
}

/**
 * @typedef {{ ok: true, count: number, firstSeq?: number, lastSeq?: number, headHash?: string, signatures: number }
 *   | { ok: false, seq: number, reason: string, message: string, count: number }} VerifyResult
 */

/**
 * Verifies the lines of an export.
 * @param {AsyncIterable<string>} lines
 * @param {{ trustedDevices?: string[] }} [options]
 * @returns {Promise<VerifyResult>}
 */
export async function verifyLines(lines, options = {}) {
  const iterator = (async function* () {
    for await (const line of lines) if (line.trim()) yield JSON.parse(line);
  })();
  const first = await iterator.next();
  const header = first.value;
  if (first.done || header?.format !== 'toolgate-audit' || header.v !== 1 || typeof header.keys !== 'object' || header.keys === null) {
    throw Object.assign(new Error('Not a toolgate-audit v1 export (bad header line)'), { code: 'TG_AUDIT_BROKEN_CHAIN' });
  }
  /** @type {Record<string, JsonWebKey>} */
  const keys = header.keys;
  /** @type {Map<string, Promise<CryptoKey | null>>} */
  const cryptoKeys = new Map();
  /** @param {string} device */
  const keyFor = (device) => {
    let key = cryptoKeys.get(device);
    if (!key) {
      const jwk = keys[device];
      const trusted = !options.trustedDevices || options.trustedDevices.includes(device);
      key = jwk && trusted && thumbprint(jwk) === device
        ? subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
        : Promise.resolve(null);
      cryptoKeys.set(device, key);
    }
    return key;
  };

  let count = 0;
  let signatures = 0;
  /** @type {any} */ let firstRecord;
  /** @type {any} */ let prev;
  let lastSigned = 0;
  let startCovered = false;
  /** @type {number | undefined} */ let latestCheckpoint;
  /** @returns {VerifyResult} */
  const fail = (/** @type {number} */ seq, /** @type {string} */ reason, /** @type {string} */ message) => ({ ok: false, seq, reason, message, count });

  let pending = await iterator.next();
  while (!pending.done) {
    const record = pending.value;
    pending = await iterator.next();
    const next = pending.done ? undefined : pending.value;
    count++;
    if (typeof record !== 'object' || record === null || !Number.isInteger(record.seq) || typeof record.hash !== 'string' || typeof record.prevHash !== 'string') {
      return fail(prev ? prev.seq + 1 : 0, 'malformed', `Entry ${count} is not an audit record`);
    }
    if (prev) {
      const expected = prev.seq + 1;
      if (record.seq <= prev.seq) return fail(record.seq, 'reordered', `Record ${record.seq} comes after record ${prev.seq}`);
      if (record.seq > expected) {
        if (next && next.seq === expected) return fail(expected, 'reordered', `Record ${expected} comes after record ${record.seq}`);
        return fail(expected, 'deleted', `Record ${expected} is missing (record ${prev.seq} is followed by ${record.seq})`);
      }
    }
    let computed;
    try {
      computed = recordHash(record);
    } catch {
      return fail(record.seq, 'malformed', `Record ${record.seq} is not canonical JSON`);
    }
    if (computed !== record.hash) {
      for (let delta = 1; delta <= REORDER_WINDOW; delta++) {
        for (const seq of [record.seq - delta, record.seq + delta]) {
          if (seq > 0 && recordHash({ ...record, seq }) === record.hash) {
            return fail(record.seq, 'reordered', `Record ${record.seq} is record ${seq} moved out of place`);
          }
        }
      }
      return fail(record.seq, 'edited', `Record ${record.seq} does not match its hash`);
    }
    if (prev) {
      if (record.prevHash !== prev.hash) return fail(prev.seq, 'edited', `Record ${record.seq} does not continue from record ${prev.seq}: ${prev.seq} was rewritten`);
    } else {
      firstRecord = record;
      startCovered = record.seq === 1 && record.prevHash === GENESIS_HASH;
      if (record.seq === 1 && !startCovered) return fail(1, 'edited', 'Record 1 does not start from the genesis hash');
    }
    if (record.kind === 'checkpoint') {
      latestCheckpoint = record.prunedThrough;
      if (record.prunedThrough + 1 === firstRecord.seq && record.anchorHash === firstRecord.prevHash) startCovered = true;
    }
    if (record.sig !== undefined) {
      const key = await keyFor(record.device);
      if (!key) return fail(record.seq, 'unknown-key', `Record ${record.seq} is signed by an unknown or untrusted device ${record.device}`);
      let valid = false;
      try {
        valid = await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(String(record.sig), 'base64url'), new TextEncoder().encode(record.hash));
      } catch {
        valid = false;
      }
      if (!valid) return fail(record.seq, 'forged-signature', `The signature of record ${record.seq} is not the device's`);
      signatures++;
      lastSigned = record.seq;
    }
    prev = record;
  }
  if (firstRecord && !startCovered) {
    const missing = latestCheckpoint !== undefined ? latestCheckpoint + 1 : 1;
    return fail(missing, 'deleted', `Records before ${firstRecord.seq} are missing and no checkpoint vouches for their removal`);
  }
  if (prev && lastSigned !== prev.seq) {
    return fail(lastSigned + 1 > firstRecord.seq ? lastSigned + 1 : firstRecord.seq, 'unsigned-tail', `Records after ${lastSigned || 'the start'} carry no signature`);
  }
  if (header.head && (prev?.seq !== header.head.seq || prev?.hash !== header.head.hash)) {
    return fail((prev?.seq ?? 0) + 1, 'deleted', `The export ends at ${prev?.seq ?? 'nothing'}, its header says ${header.head.seq}`);
  }
  /** @type {VerifyResult} */
  const result = { ok: true, count, signatures };
  if (firstRecord) result.firstSeq = firstRecord.seq;
  if (prev) {
    result.lastSeq = prev.seq;
    result.headHash = prev.hash;
  }
  return result;
}

const USAGE = 'Usage: toolgate-audit verify <file.jsonl> [--device <thumbprint>]... [--json]';

/** @param {string[]} argv */
export async function main(argv) {
  const [command, ...rest] = argv;
  if (command !== 'verify') {
    console.error(USAGE);
    return 2;
  }
  /** @type {string[]} */ const devices = [];
  let json = false;
  /** @type {string | undefined} */ let file;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') json = true;
    else if (arg === '--device' && rest[i + 1]) devices.push(/** @type {string} */ (rest[++i]));
    else if (!file && arg && !arg.startsWith('--')) file = arg;
    else {
      console.error(USAGE);
      return 2;
    }
  }
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  /** @type {VerifyResult} */
  let result;
  try {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    result = await verifyLines(lines, devices.length > 0 ? { trustedDevices: devices } : {});
  } catch (err) {
    console.error(`toolgate-audit: ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  if (json) console.log(JSON.stringify(result));
  else if (result.ok) console.log(`OK: ${result.count} records (seq ${result.firstSeq ?? '-'}…${result.lastSeq ?? '-'}), ${result.signatures} signatures, head ${result.headHash ?? '-'}`);
  else console.log(`BROKEN at record ${result.seq}: ${result.reason} — ${result.message}`);
  return result.ok ? 0 : 1;
}

// Run when executed (also through an npm bin symlink), not when imported by tests.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const self = fileURLToPath(import.meta.url);
if (process.argv[1] && realpathSync(process.argv[1]) === self) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
