/** Types of secret-corpus.mjs, for the browser tests. */
export declare const SECRET_CORPUS: { kind: string; secret: string; text: string }[];
export declare const SECRET_DOCUMENT: string;
