// The one table of a link's fields: for each part of the view state, the
// parameters that carry it, how they are read (validated, with a notice for
// what is dropped) and how they are written (defaults left out). The order
// of the table is the order a link writes them in. url-codec.ts drives it;
// the parameter names a link may hold are the table's (KNOWN_PARAMS).

import { LIFETIME_GROUPINGS, MATRIX_COLUMN_KINDS, OBJECT_STATES, QUALITY_FLAGS, WINDOW_MEANINGS, type ObjectFilter } from '../query/types.ts';
import { FINGERPRINT_PATTERN } from './fingerprint.ts';
import { CONTROL, decodeComponent, LIMITS, quoteForNotice, readList, single, validSrc, type RawParams } from './url-params.ts';
import {
  DEFAULT_BY,
  DEFAULT_LBY,
  DEFAULT_MATRIX,
  DEFAULT_QBY,
  DEFAULT_TAB,
  MATRIX_COLORS,
  MATRIX_ORDERS,
  isBreakdownKey,
  isObjectColumn,
  isViewTab,
  type ViewState,
} from './view-state.ts';

export interface UrlField {
  /** The parameters this field reads and writes. */
  params: readonly string[];
  /** Reads its parameters (if present) into `state`; what it drops goes to `notices`. */
  decode(params: RawParams, state: ViewState, notices: string[]): void;
  /** Its `name=value` parts, percent-encoded; none for a default. */
  encode(state: ViewState): string[];
}

/** Percent-encodes a value (encodeURIComponent also encodes ',', the list separator). */
const enc = (s: string) => encodeURIComponent(s);

/** A field with one of a few values, left out at its default. */
function choice<T extends string>(
  param: string,
  allowed: readonly T[],
  what: string,
  get: (s: ViewState) => T | null,
  set: (s: ViewState, v: T) => void,
  fallback: T | null,
): UrlField {
  return {
    params: [param],
    decode(params, state, notices) {
      const raw = single(params, param, notices);
      if (raw === null) return;
      const value = decodeComponent(raw) ?? '';
      if ((allowed as readonly string[]).includes(value)) set(state, value as T);
      else notices.push(`Ignored "${param}": ${quoteForNotice(value)} is not ${what} (${allowed.join(', ')}).`);
    },
    encode: (s) => (get(s) !== null && get(s) !== fallback ? [`${param}=${get(s)}`] : []),
  };
}

/** A 0/1 filter flag. */
function toggle(param: string, field: 'hideSentinels' | 'otherTasks'): UrlField {
  return {
    params: [param],
    decode(params, state, notices) {
      const raw = single(params, param, notices);
      if (raw === null) return;
      if (raw === '1' || raw === '0') state.filter[field] = raw === '1';
      else notices.push(`Ignored "${param}": use 1 or 0.`);
    },
    encode: (s) => (s.filter[field] ? [`${param}=1`] : []),
  };
}

/** A src= or symbols= path or URL. */
function location(param: 'src' | 'symbols'): UrlField {
  return {
    params: [param],
    decode(params, state, notices) {
      const raw = single(params, param, notices);
      if (raw === null) return;
      const value = decodeComponent(raw);
      if (value !== null && validSrc(value)) state[param] = value;
      else notices.push(`Ignored "${param}": ${quoteForNotice(value ?? raw)} is not a relative path or an http(s) URL.`);
    },
    encode: (s) => (s[param] ? [`${param}=${enc(s[param]!)}`] : []),
  };
}

/** The list parameters and the filter field each fills; names are any text a kmap holds. */
export const LIST_PARAMS = [
  ['slab', 'slabs', 'slab cache name'],
  ['type', 'types', 'type name'],
  ['comm', 'commands', 'command'],
  ['site', 'allocSites', 'allocation site'],
  ['asite', 'accessSites', 'access site'],
] as const satisfies readonly (readonly [string, keyof ObjectFilter, string])[];

/**
 * The name lists, and `empty=`: the lists whose filter holds the empty name
 * (a kmap field can be empty: kernel threads' commands), a parameter of its
 * own because no list item can be ''.
 */
const LISTS: UrlField = {
  params: [...LIST_PARAMS.map((l) => l[0]), 'empty'],
  decode(params, state, notices) {
    const f = state.filter;
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
  },
  encode(s) {
    const parts: string[] = [];
    const withEmpty: string[] = [];
    for (const [param, field] of LIST_PARAMS) {
      const list = s.filter[field].filter((x) => x !== '');
      if (list.length > 0) parts.push(`${param}=${list.map(enc).join(',')}`);
      if (list.length < s.filter[field].length) withEmpty.push(param);
    }
    if (withEmpty.length > 0) parts.push(`empty=${withEmpty.join(',')}`);
    return parts;
  },
};

/** The largest window bound a link carries (2^53 - 1: indices are compared as doubles). */
const MAX_WINDOW_BOUND = Number.MAX_SAFE_INTEGER;

export const URL_FIELDS: readonly UrlField[] = [
  location('src'),
  location('symbols'),
  {
    params: ['file', 'fp'],
    decode(params, state, notices) {
      const rawFile = single(params, 'file', notices);
      const rawFp = single(params, 'fp', notices);
      if (rawFile === null && rawFp === null) return;
      const name = rawFile === null ? null : decodeComponent(rawFile);
      const fp = rawFp === null ? null : decodeComponent(rawFp);
      if (name && name.length <= LIMITS.maxNameLength && !CONTROL.test(name) && fp && FINGERPRINT_PATTERN.test(fp)) state.file = { name, fp };
      else notices.push('Ignored "file" and "fp": a link names its file with both, a file name and a fingerprint like 1552123-0123456789abcdef.');
    },
    encode: (s) => (s.file ? [`file=${enc(s.file.name)}`, `fp=${s.file.fp}`] : []),
  },
  {
    params: ['tab'],
    decode(params, state, notices) {
      const raw = single(params, 'tab', notices);
      if (raw === null) return;
      const tab = decodeComponent(raw) ?? '';
      if (isViewTab(tab)) state.tab = tab;
      else notices.push(`Ignored "tab": ${quoteForNotice(tab)} is not a view.`);
    },
    encode: (s) => (s.tab !== DEFAULT_TAB ? [`tab=${s.tab}`] : []),
  },
  {
    params: ['by'],
    decode(params, state, notices) {
      const raw = single(params, 'by', notices);
      if (raw === null) return;
      const by = decodeComponent(raw) ?? '';
      if (isBreakdownKey(by)) state.by = by;
      else notices.push(`Ignored "by": ${quoteForNotice(by)} is not a grouping.`);
    },
    encode: (s) => (s.by !== DEFAULT_BY ? [`by=${s.by}`] : []),
  },
  choice('lby', LIFETIME_GROUPINGS, 'a Lifetimes grouping', (s) => s.lby, (s, v) => (s.lby = v), DEFAULT_LBY),
  choice('qby', LIFETIME_GROUPINGS, 'a Quality grouping', (s) => s.qby, (s, v) => (s.qby = v), DEFAULT_QBY),
  choice('mcols', MATRIX_COLUMN_KINDS, 'a kind of Matrix column', (s) => s.matrix.cols, (s, v) => (s.matrix.cols = v), DEFAULT_MATRIX.cols),
  choice('mcolor', MATRIX_COLORS, 'a Matrix colouring', (s) => s.matrix.color, (s, v) => (s.matrix.color = v), DEFAULT_MATRIX.color),
  choice('morder', MATRIX_ORDERS, 'a Matrix order', (s) => s.matrix.order, (s, v) => (s.matrix.order = v), DEFAULT_MATRIX.order),
  choice('flag', QUALITY_FLAGS, 'a data-quality flag', (s) => s.filter.flag, (s, v) => (s.filter.flag = v), null),
  {
    params: ['win', 'winm'],
    decode(params, state, notices) {
      const rawWin = single(params, 'win', notices);
      const rawWinM = single(params, 'winm', notices);
      let meaning: (typeof WINDOW_MEANINGS)[number] = 'allocated';
      if (rawWinM !== null) {
        const m = decodeComponent(rawWinM) ?? '';
        if ((WINDOW_MEANINGS as readonly string[]).includes(m)) meaning = m as typeof meaning;
        else notices.push(`Ignored "winm": ${quoteForNotice(m)} is not one of ${WINDOW_MEANINGS.join(', ')}; the window keeps objects allocated in it.`);
      }
      if (rawWin !== null) {
        const w = /^([0-9]{1,16})-([0-9]{1,16})$/.exec(decodeComponent(rawWin) ?? '');
        const start = w ? Number(w[1]) : NaN;
        const end = w ? Number(w[2]) : NaN;
        if (w && start < end && end <= MAX_WINDOW_BOUND) state.filter.window = { start, end, meaning };
        else notices.push(`Ignored "win": ${quoteForNotice(decodeComponent(rawWin) ?? rawWin)} is not an index range like 100-2000 (start below end).`);
      } else if (rawWinM !== null) {
        notices.push('Ignored "winm": the link has no window (win=).');
      }
    },
    encode(s) {
      const w = s.filter.window;
      if (!w) return [];
      return [`win=${w.start}-${w.end}`, ...(w.meaning !== 'allocated' ? [`winm=${w.meaning}`] : [])];
    },
  },
  LISTS,
  {
    params: ['pid'],
    decode(params, state, notices) {
      const pids = readList(params, 'pid', 'pid', notices);
      const good = (p: string) => /^-?[0-9]{1,10}$/.test(p);
      const bad = pids.filter((p) => !good(p));
      if (bad.length > 0) notices.push(`Ignored ${bad.length} bad pid${bad.length === 1 ? '' : 's'} in "pid".`);
      state.filter.pids = pids.filter(good).map(Number);
    },
    encode: (s) => (s.filter.pids.length > 0 ? [`pid=${s.filter.pids.join(',')}`] : []),
  },
  choice('state', OBJECT_STATES, 'a liveness', (s) => s.filter.state, (s, v) => (s.filter.state = v), 'all'),
  toggle('nosent', 'hideSentinels'),
  {
    params: ['size'],
    decode(params, state, notices) {
      const raw = single(params, 'size', notices);
      if (raw === null) return;
      const m = /^([0-9]{0,15})-([0-9]{0,15})$/.exec(decodeComponent(raw) ?? '');
      if (m && (m[1] !== '' || m[2] !== '') && (m[1] === '' || m[2] === '' || Number(m[1]) <= Number(m[2]))) {
        state.filter.minSize = m[1] === '' ? null : Number(m[1]);
        state.filter.maxSize = m[2] === '' ? null : Number(m[2]);
      } else {
        notices.push(`Ignored "size": ${quoteForNotice(decodeComponent(raw) ?? raw)} is not a range like 64-4096 (smallest first).`);
      }
    },
    encode: (s) => (s.filter.minSize !== null || s.filter.maxSize !== null ? [`size=${s.filter.minSize ?? ''}-${s.filter.maxSize ?? ''}`] : []),
  },
  toggle('other', 'otherTasks'),
  {
    params: ['q'],
    decode(params, state, notices) {
      const raw = single(params, 'q', notices);
      if (raw === null) return;
      const q = decodeComponent(raw);
      if (q === null || q.length > LIMITS.maxSearchLength) notices.push(`Ignored "q": not a valid search (at most ${LIMITS.maxSearchLength} characters).`);
      else state.filter.search = q;
    },
    encode: (s) => (s.filter.search !== '' ? [`q=${enc(s.filter.search)}`] : []),
  },
  {
    params: ['sort'],
    decode(params, state, notices) {
      const raw = single(params, 'sort', notices);
      if (raw === null) return;
      const sort = decodeComponent(raw) ?? '';
      const desc = sort.startsWith('-');
      const key = desc ? sort.slice(1) : sort;
      if (isObjectColumn(key)) state.sort = { key, desc };
      else notices.push(`Ignored "sort": ${quoteForNotice(sort)} is not a column.`);
    },
    encode: (s) => (s.sort ? [`sort=${s.sort.desc ? '-' : ''}${s.sort.key}`] : []),
  },
  {
    params: ['obj'],
    decode(params, state, notices) {
      const raw = single(params, 'obj', notices);
      if (raw === null) return;
      const obj = decodeComponent(raw) ?? '';
      if (/^[0-9]{1,10}$/.test(obj) && Number(obj) <= LIMITS.maxObj) state.obj = Number(obj);
      else notices.push(`Ignored "obj": ${quoteForNotice(obj)} is not an object number.`);
    },
    encode: (s) => (s.obj !== null ? [`obj=${s.obj}`] : []),
  },
];

/** Every parameter a link may hold besides `v`. */
export const KNOWN_PARAMS: ReadonlySet<string> = new Set(URL_FIELDS.flatMap((f) => f.params));
