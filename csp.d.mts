// Types of csp.mjs (plain JavaScript so that Node and the e2e server load it as it is).

/** The policy's directives, in the order they are written. */
export declare const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>>;

/**
 * The policy as a header value; `nonce` adds 'nonce-…' to script-src and
 * style-src, `meta: true` leaves out what a <meta> cannot carry.
 */
export declare function contentSecurityPolicy(options?: { nonce?: string; meta?: boolean }): string;
