// Reading the raw parameters of a link: splitting the query string,
// percent-decoding, one value or a comma list per parameter, and the checks
// every field shares (lengths, control characters, src paths). Pure; every
// problem becomes a notice, nothing throws. The fields themselves are in
// url-fields.ts, the versions in url-codec.ts.

export const LIMITS = {
  maxListItems: 256,
  maxNameLength: 256,
  maxSearchLength: 256,
  maxSrcLength: 2048,
  maxObj: 0xffffffff,
} as const;

/** Raw parameters: name -> raw (still percent-encoded) values, in order. */
export type RawParams = Map<string, string[]>;

// Control characters (C0, DEL, C1) never belong in a src or symbols path.
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Shortens a value for a notice (names from a URL are shown as text only). */
export function quoteForNotice(s: string): string {
  const cut = s.length > 40 ? s.slice(0, 40) + '…' : s;
  return JSON.stringify(cut);
}

export function decodeComponent(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Splits a query string (with or without '?') into raw name/value pairs. */
export function parseRawParams(search: string): RawParams {
  const out: RawParams = new Map();
  const s = search.startsWith('?') ? search.slice(1) : search;
  if (s === '') return out;
  for (const part of s.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const name = decodeComponent(rawName) ?? rawName;
    const list = out.get(name);
    if (list) list.push(rawValue);
    else out.set(name, [rawValue]);
  }
  return out;
}

/** Whether a src= or symbols= value is a path below the app's base or an http(s) URL. */
export function validSrc(src: string): boolean {
  if (src.length === 0 || src.length > LIMITS.maxSrcLength || CONTROL.test(src)) return false;
  if (/^https?:\/\//i.test(src)) {
    try {
      const u = new URL(src);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }
  // A path on this origin: no scheme, no protocol-relative '//', no
  // backslash. A relative one must stay below the app's base once resolved
  // (the URL parser also reads an encoded %2e%2e as '..', so the segments
  // alone do not tell); a root-relative one ('/...') names its place itself.
  if (src.startsWith('//') || src.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(src)) return false;
  if (src.split('/').some((seg) => seg === '..')) return false;
  const base = 'http://base.invalid/a/b/';
  try {
    return new URL(src, base).href.startsWith(src.startsWith('/') ? 'http://base.invalid/' : base);
  } catch {
    return false;
  }
}

export function single(params: RawParams, name: string, notices: string[]): string | null {
  const list = params.get(name);
  if (!list) return null;
  if (list.length > 1) notices.push(`URL parameter "${name}" appears ${list.length} times; only the first is used.`);
  return list[0];
}

/** Reads a comma list parameter (repeatable), dropping bad and duplicate items. */
export function readList(params: RawParams, name: string, what: string, notices: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let bad = 0;
  for (const raw of params.get(name) ?? []) {
    for (const piece of raw.split(',')) {
      if (piece === '') continue;
      const value = decodeComponent(piece);
      // Any name a kmap can hold (spaces only, control characters: a task
      // can name itself so) comes back; names are shown as text only.
      if (value === null || value === '' || value.length > LIMITS.maxNameLength) {
        bad++;
        continue;
      }
      if (seen.has(value)) continue;
      if (seen.size >= LIMITS.maxListItems) {
        bad++;
        continue;
      }
      seen.add(value);
      out.push(value);
    }
  }
  if (bad > 0) notices.push(`Ignored ${bad} bad ${what}${bad === 1 ? '' : 's'} in "${name}".`);
  return out;
}

