/** Types of firewall-texts.mjs, for the browser tests. */
export declare const tagged: (s: string) => string;
export declare const HIDDEN_INSTRUCTION: string;
export declare const ZERO_WIDTH: string;
export declare const BIDI: string;
export declare const POISON_DESCRIPTION: string;
export declare const HUGE_DESCRIPTION: string;
export declare const POISON_RESULT: string;
export declare const ARTICLE: string;
