// The versioned URL codec of the view state. Pure functions, no DOM.
//
// Query string, version 3:
//   v=3                 version (required for a link to be read as a view)
//   src=sample.kmap     data loaded from a URL (relative path or http(s) URL)
//   symbols=a.map       symbol file loaded from a URL (same rules as src)
//   file=run1.kmap      the file the view was made on, when opened from disk,
//   fp=1552123-HEX16    with its fingerprint (size and a hash of its first MiB)
//   tab=breakdown       the view: objects (default), breakdown, sites, lifetimes, matrix
//   by=site             the Breakdown grouping: type, slab (default), command, pid, site
//   lby=type            the Lifetimes grouping: slab (default), type
//   qby=type            the Quality grouping: slab (default), type
//   mcols=type          the Matrix columns: slab (default), type
//   mcolor=reads        the Matrix colouring: both (default), reads, writes
//   morder=cluster      the Matrix order: total (default), cluster
//   win=100-2000        the index window [start, end) (the Lifetimes brush)
//   winm=liveAtEnd      what the window keeps: allocated (default), liveAtEnd, survived
//   flag=readOnly       only objects with a data-quality flag (query/types.ts, QUALITY_FLAGS)
//   slab=a,b&slab=c     filter lists: slab caches, alloc types (type=),
//   type= comm=         commands (comm=), allocation sites (site=) and
//   site= asite=        access sites (asite=). A comma list and/or repeated;
//                       each name percent-encoded (a comma inside is %2C)
//   empty=comm,slab     the list parameters whose filter holds the empty name
//                       (a kmap field can be empty: kernel threads' commands);
//                       a separate parameter because no list item can be ''
//   pid=1,-1            allocating pids
//   state=live|freed    liveness (default all)
//   nosent=1            hide sentinel objects
//   size=64-4096        size range in bytes, either end optional (64-, -4096)
//   other=1             only objects touched by tasks other than the allocating one
//   q=text              the field-scoped search (query/search-syntax.ts)
//   sort=size | -size   objects table sort column, '-' for descending
//   obj=123             selected object idx (0-based, file order)
//
// Every field is validated; an unknown or bad parameter is dropped and
// reported as a notice (the UI shows them), never thrown. A link from an
// older version goes through one upgrader per version bump, in order.

import {
  LIFETIME_GROUPINGS,
  MATRIX_COLUMN_KINDS,
  OBJECT_STATES,
  QUALITY_FLAGS,
  WINDOW_MEANINGS,
  type ObjectFilter,
  type ObjectState,
  type WindowMeaning,
} from '../query/types.ts';
import {
  DEFAULT_BY,
  DEFAULT_LBY,
  DEFAULT_MATRIX,
  DEFAULT_QBY,
  DEFAULT_TAB,
  MATRIX_COLORS,
  MATRIX_ORDERS,
  emptyViewState,
  isBreakdownKey,
  isObjectColumn,
  isViewTab,
  type ViewState,
} from './view-state.ts';
import { FINGERPRINT_PATTERN } from './fingerprint.ts';

export const CURRENT_VERSION = 3;

export const LIMITS = {
  maxListItems: 256,
  maxNameLength: 256,
  maxSearchLength: 256,
  maxSrcLength: 2048,
  maxObj: 0xffffffff,
} as const;

/** Raw parameters: name -> raw (still percent-encoded) values, in order. */
export type RawParams = Map<string, string[]>;

/**
 * Upgraders by the version they read: UPGRADERS[n] turns version-n params
 * into version-(n+1) params and may add notices.
 * 1 -> 2: version 2 added parameters and kept the meaning of all of
 * version 1's (src, slab, q, sort, obj), so a version-1 link reads as is.
 * 2 -> 3: version 3 added the Lifetimes, Matrix and Quality views, the
 * index window, the quality flag and the file's name and fingerprint (lby,
 * qby, mcols, mcolor, morder, win, winm, flag, file, fp) and kept the
 * meaning of every version-2 parameter.
 */
export const UPGRADERS: Readonly<Record<number, (p: RawParams, notices: string[]) => RawParams>> = {
  1: (p) => p,
  2: (p) => p,
};

export interface DecodeResult {
  state: ViewState;
  /** Human-readable notices about parameters that were ignored. */
  notices: string[];
}

/** The list parameters and the filter field each fills. */
const LIST_PARAMS = [
  ['slab', 'slabs', 'slab cache name'],
  ['type', 'types', 'type name'],
  ['comm', 'commands', 'command'],
  ['site', 'allocSites', 'allocation site'],
  ['asite', 'accessSites', 'access site'],
] as const satisfies readonly (readonly [string, keyof ObjectFilter, string])[];

/** One-of parameters of the view's settings: name, allowed values, what a notice calls a bad one. */
const CHOICE_PARAMS = [
  ['lby', LIFETIME_GROUPINGS, 'a Lifetimes grouping'],
  ['qby', LIFETIME_GROUPINGS, 'a Quality grouping'],
  ['flag', QUALITY_FLAGS, 'a data-quality flag'],
  ['mcols', MATRIX_COLUMN_KINDS, 'a kind of Matrix column'],
  ['mcolor', MATRIX_COLORS, 'a Matrix colouring'],
  ['morder', MATRIX_ORDERS, 'a Matrix order'],
] as const;

/** The largest window bound a link carries (2^53 - 1: indices are compared as doubles). */
const MAX_WINDOW_BOUND = Number.MAX_SAFE_INTEGER;

const KNOWN = new Set(['v', 'src', 'symbols', 'file', 'fp', 'tab', 'by', 'lby', 'qby', 'flag', 'mcols', 'mcolor', 'morder', 'win', 'winm', 'empty', 'pid', 'state', 'nosent', 'size', 'other', 'q', 'sort', 'obj', ...LIST_PARAMS.map((l) => l[0])]);

// Control characters (C0, DEL, C1) never belong in a src or symbols path.
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

function single(params: RawParams, name: string, notices: string[]): string | null {
  const list = params.get(name);
  if (!list) return null;
  if (list.length > 1) notices.push(`URL parameter "${name}" appears ${list.length} times; only the first is used.`);
  return list[0];
}

/** Reads a comma list parameter (repeatable), dropping bad and duplicate items. */
function readList(params: RawParams, name: string, what: string, notices: string[]): string[] {
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

/** Decodes a query string into a view state plus notices. Never throws. */
export function decodeViewState(search: string): DecodeResult {
  const notices: string[] = [];
  let params = parseRawParams(search);
  const state = emptyViewState();
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

  for (const name of ['src', 'symbols'] as const) {
    const raw = single(params, name, notices);
    if (raw === null) continue;
    const value = decodeComponent(raw);
    if (value !== null && validSrc(value)) state[name] = value;
    else notices.push(`Ignored "${name}": ${quoteForNotice(value ?? raw)} is not a relative path or an http(s) URL.`);
  }

  const rawFile = single(params, 'file', notices);
  const rawFp = single(params, 'fp', notices);
  if (rawFile !== null || rawFp !== null) {
    const name = rawFile === null ? null : decodeComponent(rawFile);
    const fp = rawFp === null ? null : decodeComponent(rawFp);
    if (name && name.length <= LIMITS.maxNameLength && !CONTROL.test(name) && fp && FINGERPRINT_PATTERN.test(fp)) state.file = { name, fp };
    else notices.push('Ignored "file" and "fp": a link names its file with both, a file name and a fingerprint like 1552123-0123456789abcdef.');
  }

  const rawTab = single(params, 'tab', notices);
  if (rawTab !== null) {
    const tab = decodeComponent(rawTab) ?? '';
    if (isViewTab(tab)) state.tab = tab;
    else notices.push(`Ignored "tab": ${quoteForNotice(tab)} is not a view.`);
  }
  const rawBy = single(params, 'by', notices);
  if (rawBy !== null) {
    const by = decodeComponent(rawBy) ?? '';
    if (isBreakdownKey(by)) state.by = by;
    else notices.push(`Ignored "by": ${quoteForNotice(by)} is not a grouping.`);
  }

  const choices: Record<(typeof CHOICE_PARAMS)[number][0], string | null> = { lby: null, qby: null, flag: null, mcols: null, mcolor: null, morder: null };
  for (const [param, allowed, what] of CHOICE_PARAMS) {
    const raw = single(params, param, notices);
    if (raw === null) continue;
    const value = decodeComponent(raw) ?? '';
    if ((allowed as readonly string[]).includes(value)) choices[param] = value;
    else notices.push(`Ignored "${param}": ${quoteForNotice(value)} is not ${what} (${allowed.join(', ')}).`);
  }
  if (choices.lby) state.lby = choices.lby as ViewState['lby'];
  if (choices.qby) state.qby = choices.qby as ViewState['qby'];
  if (choices.flag) state.filter.flag = choices.flag as ViewState['filter']['flag'];
  if (choices.mcols) state.matrix.cols = choices.mcols as ViewState['matrix']['cols'];
  if (choices.mcolor) state.matrix.color = choices.mcolor as ViewState['matrix']['color'];
  if (choices.morder) state.matrix.order = choices.morder as ViewState['matrix']['order'];

  const f = state.filter;
  const rawWin = single(params, 'win', notices);
  const rawWinM = single(params, 'winm', notices);
  let meaning: WindowMeaning = 'allocated';
  if (rawWinM !== null) {
    const m = decodeComponent(rawWinM) ?? '';
    if ((WINDOW_MEANINGS as readonly string[]).includes(m)) meaning = m as WindowMeaning;
    else notices.push(`Ignored "winm": ${quoteForNotice(m)} is not one of ${WINDOW_MEANINGS.join(', ')}; the window keeps objects allocated in it.`);
  }
  if (rawWin !== null) {
    const w = /^([0-9]{1,16})-([0-9]{1,16})$/.exec(decodeComponent(rawWin) ?? '');
    const start = w ? Number(w[1]) : NaN;
    const end = w ? Number(w[2]) : NaN;
    if (w && start < end && end <= MAX_WINDOW_BOUND) f.window = { start, end, meaning };
    else notices.push(`Ignored "win": ${quoteForNotice(decodeComponent(rawWin) ?? rawWin)} is not an index range like 100-2000 (start below end).`);
  } else if (rawWinM !== null) {
    notices.push('Ignored "winm": the link has no window (win=).');
  }

  for (const [param, field, what] of LIST_PARAMS) f[field] = readList(params, param, what, notices);
  for (const param of readList(params, 'empty', 'list name', notices)) {
    const entry = LIST_PARAMS.find((l) => l[0] === param);
    if (!entry) {
      notices.push(`Ignored ${quoteForNotice(param)} in "empty": not one of ${LIST_PARAMS.map((l) => l[0]).join(', ')}.`);
      continue;
    }
    const list = f[entry[1]];
    if (list.length >= LIMITS.maxListItems) notices.push(`Ignored the empty ${entry[2]} in "empty": "${param}" is full.`);
    else list.unshift('');
  }

  const pids = readList(params, 'pid', 'pid', notices);
  const badPids = pids.filter((p) => !/^-?[0-9]{1,10}$/.test(p));
  if (badPids.length > 0) notices.push(`Ignored ${badPids.length} bad pid${badPids.length === 1 ? '' : 's'} in "pid".`);
  f.pids = pids.filter((p) => /^-?[0-9]{1,10}$/.test(p)).map(Number);

  const rawState = single(params, 'state', notices);
  if (rawState !== null) {
    const s = decodeComponent(rawState) ?? '';
    if ((OBJECT_STATES as readonly string[]).includes(s)) f.state = s as ObjectState;
    else notices.push(`Ignored "state": ${quoteForNotice(s)} is not all, live or freed.`);
  }
  for (const [param, field] of [['nosent', 'hideSentinels'], ['other', 'otherTasks']] as const) {
    const raw = single(params, param, notices);
    if (raw === null) continue;
    if (raw === '1' || raw === '0') f[field] = raw === '1';
    else notices.push(`Ignored "${param}": use 1 or 0.`);
  }
  const rawSize = single(params, 'size', notices);
  if (rawSize !== null) {
    const m = /^([0-9]{0,15})-([0-9]{0,15})$/.exec(decodeComponent(rawSize) ?? '');
    if (m && (m[1] !== '' || m[2] !== '') && (m[1] === '' || m[2] === '' || Number(m[1]) <= Number(m[2]))) {
      f.minSize = m[1] === '' ? null : Number(m[1]);
      f.maxSize = m[2] === '' ? null : Number(m[2]);
    } else {
      notices.push(`Ignored "size": ${quoteForNotice(decodeComponent(rawSize) ?? rawSize)} is not a range like 64-4096 (smallest first).`);
    }
  }

  const rawQ = single(params, 'q', notices);
  if (rawQ !== null) {
    const q = decodeComponent(rawQ);
    if (q === null || q.length > LIMITS.maxSearchLength) {
      notices.push(`Ignored "q": not a valid search (at most ${LIMITS.maxSearchLength} characters).`);
    } else {
      f.search = q;
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

/** Percent-encodes a value (encodeURIComponent also encodes ',', the list separator). */
function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Encodes a view state as a query string (without '?'), always with v=; defaults are left out. */
export function encodeViewState(s: ViewState): string {
  const f = s.filter;
  const parts = [`v=${CURRENT_VERSION}`];
  if (s.src) parts.push(`src=${enc(s.src)}`);
  if (s.symbols) parts.push(`symbols=${enc(s.symbols)}`);
  if (s.file) parts.push(`file=${enc(s.file.name)}`, `fp=${s.file.fp}`);
  if (s.tab !== DEFAULT_TAB) parts.push(`tab=${s.tab}`);
  if (s.by !== DEFAULT_BY) parts.push(`by=${s.by}`);
  if (s.lby !== DEFAULT_LBY) parts.push(`lby=${s.lby}`);
  if (s.qby !== DEFAULT_QBY) parts.push(`qby=${s.qby}`);
  if (s.matrix.cols !== DEFAULT_MATRIX.cols) parts.push(`mcols=${s.matrix.cols}`);
  if (s.matrix.color !== DEFAULT_MATRIX.color) parts.push(`mcolor=${s.matrix.color}`);
  if (s.matrix.order !== DEFAULT_MATRIX.order) parts.push(`morder=${s.matrix.order}`);
  if (f.flag) parts.push(`flag=${f.flag}`);
  if (f.window) {
    parts.push(`win=${f.window.start}-${f.window.end}`);
    if (f.window.meaning !== 'allocated') parts.push(`winm=${f.window.meaning}`);
  }
  const withEmpty: string[] = [];
  for (const [param, field] of LIST_PARAMS) {
    const list = f[field].filter((x) => x !== '');
    if (list.length > 0) parts.push(`${param}=${list.map(enc).join(',')}`);
    if (list.length < f[field].length) withEmpty.push(param);
  }
  if (withEmpty.length > 0) parts.push(`empty=${withEmpty.join(',')}`);
  if (f.pids.length > 0) parts.push(`pid=${f.pids.join(',')}`);
  if (f.state !== 'all') parts.push(`state=${f.state}`);
  if (f.hideSentinels) parts.push('nosent=1');
  if (f.minSize !== null || f.maxSize !== null) parts.push(`size=${f.minSize ?? ''}-${f.maxSize ?? ''}`);
  if (f.otherTasks) parts.push('other=1');
  if (f.search !== '') parts.push(`q=${enc(f.search)}`);
  if (s.sort) parts.push(`sort=${s.sort.desc ? '-' : ''}${s.sort.key}`);
  if (s.obj !== null) parts.push(`obj=${s.obj}`);
  return parts.join('&');
}
