/**
 * Chain verification: walks records in order and reports the FIRST broken link.
 *
 * The Node CLI (bin/toolgate-audit.mjs) is this module bundled (src/audit/cli.ts); the fixtures
 * test/cli/fixtures/*.jsonl are checked in the browser and by the CLI.
 */
import { GENESIS_HASH, SEALED_FORMAT_VERSION, recordHash, fromBase64Url, type AuditRecord } from './record.js';
import { jwkThumbprint } from '../storage/keys.js';

export type BreakReason =
  /** The record's content no longer matches its hash, or the next record does not continue from it. */
  | 'edited'
  /** A record is missing (a gap in `seq`, or the start without a checkpoint vouching for it). */
  | 'deleted'
  /** Records are out of order, or a record was renumbered into another place. */
  | 'reordered'
  /** A signature does not verify with the device's public key. */
  | 'forged-signature'
  /** A signature names a device whose public key is not known (or not trusted). */
  | 'unknown-key'
  /**
   * Format 1/2 records after the last signature: their writer signed every batch, so nothing
   * vouches for them (appended by someone without the key). Format 3 records there are `pending`.
   */
  | 'unsigned-tail'
  /** Not a record at all (bad JSON, missing fields). */
  | 'malformed';

/**
 * The format-3 records after the last signature (`from`…`to`): their seal is yet to come (the
 * writer seals every few hundred records or a second, and when it hands over or closes), or their
 * page went away before it sealed. The chain links them, but no signature vouches for them yet:
 * not a break, and not proof either.
 */
export interface PendingTail {
  from: number;
  to: number;
  count: number;
}

export type VerifyResult =
  | { ok: true; count: number; firstSeq?: number; lastSeq?: number; headHash?: string; signatures: number; pending?: PendingTail }
  | { ok: false; seq: number; reason: BreakReason; message: string; count: number };

export interface VerifyOptions {
  /** Public JWKs by RFC 7638 thumbprint. Each key's thumbprint is recomputed, so a key cannot claim another's id. */
  keys: Record<string, JsonWebKey>;
  /** When given, only these device thumbprints are accepted (pin the device out of band). */
  trustedDevices?: readonly string[];
}

const encoder = new TextEncoder();
/** How far a renumbered record is searched for when its hash does not match (reorder vs. edit). */
const REORDER_WINDOW = 32;

/** Verifies a chain given in seq order (from the store, an export, or an array). */
export async function verifyChain(
  source: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const cryptoKeys = new Map<string, Promise<CryptoKey | null>>();
  const keyFor = (device: string): Promise<CryptoKey | null> => {
    let key = cryptoKeys.get(device);
    if (!key) {
      const jwk = options.keys[device];
      const trusted = !options.trustedDevices || options.trustedDevices.includes(device);
      key =
        jwk && trusted && jwkThumbprint(jwk) === device
          ? crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
          : Promise.resolve(null);
      cryptoKeys.set(device, key);
    }
    return key;
  };

  let count = 0;
  let signatures = 0;
  let first: AuditRecord | undefined;
  let prev: AuditRecord | undefined;
  let lastSigned = 0;
  /** Since the last signature: the first record of a format that signed every batch (1, 2). */
  let unsignedOld: number | undefined;
  let startCovered = false;
  let latestCheckpoint: number | undefined;
  const fail = (seq: number, reason: BreakReason, message: string): VerifyResult => ({ ok: false, seq, reason, message, count });

  // One record of lookahead tells a gap (deleted) from a swap (reordered).
  const iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<AuditRecord>)[Symbol.iterator]()) as
    | AsyncIterator<AuditRecord>
    | Iterator<AuditRecord>;
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
    let computed: string;
    try {
      computed = recordHash(record);
    } catch {
      return fail(record.seq, 'malformed', `Record ${record.seq} is not canonical JSON`);
    }
    if (computed !== record.hash) {
      for (let delta = 1; delta <= REORDER_WINDOW; delta++) {
        for (const seq of [record.seq - delta, record.seq + delta]) {
          if (seq > 0 && recordHash({ ...record, seq } as AuditRecord) === record.hash) {
            return fail(record.seq, 'reordered', `Record ${record.seq} is record ${seq} moved out of place`);
          }
        }
      }
      return fail(record.seq, 'edited', `Record ${record.seq} does not match its hash`);
    }
    if (prev) {
      if (record.prevHash !== prev.hash) {
        return fail(prev.seq, 'edited', `Record ${record.seq} does not continue from record ${prev.seq}: ${prev.seq} was rewritten`);
      }
    } else {
      first = record;
      startCovered = record.seq === 1 && record.prevHash === GENESIS_HASH;
      if (record.seq === 1 && !startCovered) return fail(1, 'edited', 'Record 1 does not start from the genesis hash');
    }
    if (record.kind === 'checkpoint') {
      latestCheckpoint = record.prunedThrough;
      if (first && record.prunedThrough + 1 === first.seq && record.anchorHash === first.prevHash) startCovered = true;
    }
    if (record.sig !== undefined) {
      const key = await keyFor(record.device);
      if (!key) return fail(record.seq, 'unknown-key', `Record ${record.seq} is signed by an unknown or untrusted device ${record.device}`);
      let valid = false;
      try {
        valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64Url(record.sig), encoder.encode(record.hash));
      } catch {
        valid = false;
      }
      if (!valid) return fail(record.seq, 'forged-signature', `The signature of record ${record.seq} is not the device's`);
      signatures++;
      lastSigned = record.seq;
      unsignedOld = undefined;
    } else if (unsignedOld === undefined && !((record.v as number) >= SEALED_FORMAT_VERSION)) unsignedOld = record.seq;
    prev = record;
  }

  if (first && !startCovered) {
    const missing = latestCheckpoint !== undefined ? latestCheckpoint + 1 : 1;
    return fail(missing, 'deleted', `Records before ${first.seq} are missing and no checkpoint vouches for their removal`);
  }
  if (prev && lastSigned !== prev.seq && unsignedOld !== undefined) {
    return fail(lastSigned + 1 > (first?.seq ?? 1) ? lastSigned + 1 : first!.seq, 'unsigned-tail', `Records after ${lastSigned || 'the start'} carry no signature`);
  }
  const result: VerifyResult = { ok: true, count, signatures };
  if (first) result.firstSeq = first.seq;
  if (prev) {
    result.lastSeq = prev.seq;
    result.headHash = prev.hash;
    if (lastSigned !== prev.seq) {
      const from = Math.max(lastSigned + 1, first!.seq);
      result.pending = { from, to: prev.seq, count: prev.seq - from + 1 };
    }
  }
  return result;
}
