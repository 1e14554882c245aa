/**
 * `toolgate-audit`, the command that checks an audit export outside the browser:
 *
 *   toolgate-audit verify <file.jsonl> [--device <thumbprint>]... [--json]
 *
 * Exit status: 0 the chain verifies (a pending tail — format-3 records after the last seal — is
 * printed on a second line, not an error); 1 it is broken (the first broken link is printed); 2 usage or
 * I/O error, or not a toolgate-audit export. It runs the same verifier as the browser
 * (`verifyJsonl`, export.ts → verify.ts): `npm run build:cli` bundles this module with a Node
 * entry into bin/toolgate-audit.mjs (scripts/build-audit-cli.mjs), so there is one verifier.
 * The I/O is injected, so this module needs nothing of Node.
 */
import { verifyJsonl } from './export.js';
import type { VerifyResult } from './verify.js';

export interface CliIo {
  /** The file's bytes; may throw (or the stream may error) when it cannot be read. */
  read(path: string): ReadableStream<Uint8Array>;
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'Usage: toolgate-audit verify <file.jsonl> [--device <thumbprint>]... [--json]';

/** Runs the command; resolves the exit status. */
export async function runAuditCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'verify') return usage(io);
  const devices: string[] = [];
  let json = false;
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--device' && rest[i + 1]) devices.push(rest[++i]!);
    else if (!file && !arg.startsWith('--')) file = arg;
    else return usage(io);
  }
  if (!file) return usage(io);
  let result: VerifyResult;
  try {
    result = await verifyJsonl(io.read(file), devices.length > 0 ? { trustedDevices: devices } : {});
  } catch (err) {
    io.err(`toolgate-audit: ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  if (json) io.out(JSON.stringify(result));
  else if (result.ok) {
    io.out(`OK: ${result.count} records (seq ${result.firstSeq ?? '-'}…${result.lastSeq ?? '-'}), ${result.signatures} signatures, head ${result.headHash ?? '-'}`);
    const { pending } = result;
    if (pending) io.out(`PENDING: records ${pending.from}…${pending.to} (${pending.count}) carry no signature yet: linked, but not vouched for`);
  }
  else io.out(`BROKEN at record ${result.seq}: ${result.reason} — ${result.message}`);
  return result.ok ? 0 : 1;
}

function usage(io: CliIo): number {
  io.err(USAGE);
  return 2;
}
