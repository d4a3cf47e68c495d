// The dashboard's Content-Security-Policy: the one definition that every
// place serving the app uses. vite.config.ts sends it as a header from
// `vite` (dev, with a per-request nonce) and `vite preview`, and writes it
// into the built index.html as a <meta> for static hosts that send no header;
// e2e/server.mjs sends it on every response. Plain JavaScript so that Node
// loads it without a build step (types: csp.d.mts).
//
// What the app needs, and nothing more:
// - scripts and styles only from its own origin: the built index.html loads
//   one module script and one stylesheet; React's style={{}} goes through
//   the CSSOM, which style-src does not govern. No inline code, no eval.
// - connect-src 'self' http: https: because `?src=` and `?symbols=` links may
//   name a kmap on any http(s) server (validSrc in
//   src/view-state/url-codec.ts); CORS is that server's business.
// - worker-src 'self': the data worker, its parsing workers and its reading
//   worker are module files of the build (no blob: worker).
// - img-src 'self' data: for the empty favicon (`data:,`) in index.html and
//   for a chart's PNG, which is its SVG (built as text from the chart's data,
//   src/app/charts/svg-export.ts) loaded as a data: image and drawn on a
//   canvas. "Download CSV" navigates an <a download> to a blob: URL, which
//   no fetch directive governs; nothing draws or loads an image from a blob:.
// - Trusted Types: no DOM sink takes a string unless a policy made it. React
//   feeds none; the one the app feeds is `new Worker(url)` (in the page and
//   in the data worker, which enforces the policy too), which the default
//   policy (the only one allowed) passes for same-origin URLs
//   (src/trusted-worker-urls.ts).

/** The policy's directives, in the order they are written. */
export const CSP_DIRECTIVES = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'http:', 'https:'],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'require-trusted-types-for': ["'script'"],
  'trusted-types': ['default'],
});

/** Directives a <meta http-equiv="Content-Security-Policy"> cannot carry (browsers ignore them there). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/**
 * The policy as a header value. `nonce` (base64) adds 'nonce-…' to
 * script-src and style-src: the dev server's per-request nonce for Vite's
 * and the React plugin's inline tags. `meta: true` leaves out what a <meta>
 * cannot carry.
 */
export function contentSecurityPolicy({ nonce, meta = false } = {}) {
  if (nonce !== undefined && !/^[A-Za-z0-9+/_-]+=*$/.test(nonce)) throw new Error(`csp: bad nonce ${JSON.stringify(nonce)}`);
  return Object.entries(CSP_DIRECTIVES)
    .filter(([name]) => !(meta && HEADER_ONLY.has(name)))
    .map(([name, sources]) => {
      const withNonce = nonce !== undefined && (name === 'script-src' || name === 'style-src');
      return [name, ...sources, ...(withNonce ? [`'nonce-${nonce}'`] : [])].join(' ');
    })
    .join('; ');
}
