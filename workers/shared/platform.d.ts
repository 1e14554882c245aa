/**
 * The few platform APIs the shared vocabulary uses, which both a page and a worker have. Declared
 * here because this project compiles against ES2022 alone (see tsconfig.json): anything else a
 * shared module reached for would be an error, not a silent dependency on one side's globals.
 */
declare function structuredClone<T>(value: T): T;

/** WebCrypto's key handle (only passed through: a non-extractable key the host gives the worker). */
interface CryptoKey {
  readonly type: string;
  readonly extractable: boolean;
}

/** The WHATWG URL parser (safe-url.ts): only what the shared checks read. */
declare class URL {
  constructor(url: string, base?: string);
  readonly href: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly username: string;
  readonly password: string;
}

/** High Resolution Time (backoff.ts): a monotonic clock, unlike `Date.now()`. */
declare const performance: { now(): number };
