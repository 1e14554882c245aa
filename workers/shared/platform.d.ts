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
