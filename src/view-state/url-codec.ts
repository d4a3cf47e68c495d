// The versioned URL codec of the view state. Pure functions, no DOM.
//
// Query string, version 1:
//   v=1                 version (required for a link to be read as a view)
//   src=sample.kmap     data loaded from a URL (relative path or http(s) URL)
//   slab=a,b&slab=c     slab caches; a comma list and/or repeated; each name
//                       percent-encoded (a comma inside a name is %2C)
//   q=text              search
//   sort=size | -size   sort column (an ObjectColumn id), '-' for descending
//   obj=123             selected object idx (0-based, file order)
//
// Every field is validated; an unknown or bad parameter is dropped and
// reported as a notice (the UI shows them), never thrown. A link from an
// older version goes through one upgrader per version bump, in order.

import { EMPTY_VIEW_STATE, isObjectColumn, type ViewState } from './view-state.ts';

export const CURRENT_VERSION = 1;

export const LIMITS = {
  maxSlabs: 256,
  maxSlabNameLength: 128,
  maxSearchLength: 256,
  maxSrcLength: 2048,
  maxObj: 0xffffffff,
} as const;

/** Raw parameters: name -> raw (still percent-encoded) values, in order. */
export type RawParams = Map<string, string[]>;

/**
 * Upgraders by the version they read: UPGRADERS[n] turns version-n params
 * into version-(n+1) params and may add notices. v=1 is the only version so
 * far, so there are none yet; a v2 adds `1: (p, notices) => ...` here.
 */
export const UPGRADERS: Readonly<Record<number, (p: RawParams, notices: string[]) => RawParams>> = {};

export interface DecodeResult {
  state: ViewState;
  /** Human-readable notices about parameters that were ignored. */
  notices: string[];
}

const KNOWN = new Set(['v', 'src', 'slab', 'q', 'sort', 'obj']);

// Control characters (C0, DEL, C1) never belong in a name or a search.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Shortens a value for a notice (names from a URL are shown as text only). */
export function quoteForNotice(s: string): string {
  const cut = s.length > 40 ? s.slice(0, 40) + '…' : s;
  return JSON.stringify(cut);
}

function decodeComponent(raw: string): string | null {
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

function validSrc(src: string): boolean {
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

function single(params: RawParams, name: string, notices: string[]): string | null {
  const list = params.get(name);
  if (!list) return null;
  if (list.length > 1) notices.push(`URL parameter "${name}" appears ${list.length} times; only the first is used.`);
  return list[0];
}

/** Decodes a query string into a view state plus notices. Never throws. */
export function decodeViewState(search: string): DecodeResult {
  const notices: string[] = [];
  let params = parseRawParams(search);
  const state: ViewState = { ...EMPTY_VIEW_STATE, slabs: [] };
  if (params.size === 0) return { state, notices };

  const rawV = single(params, 'v', notices);
  let version: number;
  if (rawV === null) {
    notices.push(`The link has no version (v=); it is read as v=${CURRENT_VERSION}.`);
    version = CURRENT_VERSION;
  } else if (!/^[0-9]{1,4}$/.test(rawV) || Number(rawV) < 1) {
    notices.push(`Ignored the link's view: bad version ${quoteForNotice(decodeComponent(rawV) ?? rawV)}.`);
    return { state, notices };
  } else if (Number(rawV) > CURRENT_VERSION) {
    notices.push(
      `Ignored the link's view: it was made by a newer version of kmap explorer (v=${Number(rawV)}; this one reads up to v=${CURRENT_VERSION}).`,
    );
    return { state, notices };
  } else {
    version = Number(rawV);
  }
  while (version < CURRENT_VERSION) {
    const up = UPGRADERS[version];
    if (!up) {
      notices.push(`Ignored the link's view: no upgrader from v=${version}.`);
      return { state, notices };
    }
    params = up(params, notices);
    version++;
  }

  for (const name of params.keys()) {
    if (!KNOWN.has(name)) notices.push(`Ignored unknown URL parameter ${quoteForNotice(name)}.`);
  }

  const rawSrc = single(params, 'src', notices);
  if (rawSrc !== null) {
    const src = decodeComponent(rawSrc);
    if (src !== null && validSrc(src)) state.src = src;
    else notices.push(`Ignored "src": ${quoteForNotice(src ?? rawSrc)} is not a relative path or an http(s) URL.`);
  }

  const slabLists = params.get('slab') ?? [];
  const seen = new Set<string>();
  let badSlabs = 0;
  for (const raw of slabLists) {
    for (const piece of raw.split(',')) {
      if (piece === '') continue;
      const name = decodeComponent(piece);
      if (name === null || name.trim() === '' || name.length > LIMITS.maxSlabNameLength || CONTROL.test(name)) {
        badSlabs++;
        continue;
      }
      if (seen.has(name)) continue;
      if (seen.size >= LIMITS.maxSlabs) {
        badSlabs++;
        continue;
      }
      seen.add(name);
      state.slabs.push(name);
    }
  }
  if (badSlabs > 0) notices.push(`Ignored ${badSlabs} bad slab cache name${badSlabs === 1 ? '' : 's'} in "slab".`);

  const rawQ = single(params, 'q', notices);
  if (rawQ !== null) {
    const q = decodeComponent(rawQ);
    if (q === null || q.length > LIMITS.maxSearchLength || CONTROL.test(q)) {
      notices.push(`Ignored "q": not a valid search (at most ${LIMITS.maxSearchLength} printable characters).`);
    } else {
      state.search = q;
    }
  }

  const rawSort = single(params, 'sort', notices);
  if (rawSort !== null) {
    const sort = decodeComponent(rawSort) ?? '';
    const desc = sort.startsWith('-');
    const key = desc ? sort.slice(1) : sort;
    if (isObjectColumn(key)) state.sort = { key, desc };
    else notices.push(`Ignored "sort": ${quoteForNotice(sort)} is not a column.`);
  }

  const rawObj = single(params, 'obj', notices);
  if (rawObj !== null) {
    const obj = decodeComponent(rawObj) ?? '';
    if (/^[0-9]{1,10}$/.test(obj) && Number(obj) <= LIMITS.maxObj) state.obj = Number(obj);
    else notices.push(`Ignored "obj": ${quoteForNotice(obj)} is not an object number.`);
  }

  return { state, notices };
}

/** Percent-encodes a value (encodeURIComponent also encodes ',', the list separator of slab). */
function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Encodes a view state as a query string (without '?'), always with v=. */
export function encodeViewState(s: ViewState): string {
  const parts = [`v=${CURRENT_VERSION}`];
  if (s.src) parts.push(`src=${enc(s.src)}`);
  if (s.slabs.length > 0) parts.push(`slab=${s.slabs.map(enc).join(',')}`);
  if (s.search !== '') parts.push(`q=${enc(s.search)}`);
  if (s.sort) parts.push(`sort=${s.sort.desc ? '-' : ''}${s.sort.key}`);
  if (s.obj !== null) parts.push(`obj=${s.obj}`);
  return parts.join('&');
}
