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
// Each field is one entry of URL_FIELDS (url-fields.ts): its parameters,
// how they are read and checked, how they are written, in that order; the
// raw reading is url-params.ts.

import { KNOWN_PARAMS, URL_FIELDS } from './url-fields.ts';
import { decodeComponent, parseRawParams, quoteForNotice, single, type RawParams } from './url-params.ts';
import { emptyViewState, type ViewState } from './view-state.ts';

export { LIMITS, parseRawParams, quoteForNotice, validSrc, type RawParams } from './url-params.ts';

export const CURRENT_VERSION = 3;

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
    if (name !== 'v' && !KNOWN_PARAMS.has(name)) notices.push(`Ignored unknown URL parameter ${quoteForNotice(name)}.`);
  }
  for (const field of URL_FIELDS) field.decode(params, state, notices);
  return { state, notices };
}

/** Encodes a view state as a query string (without '?'), always with v=; defaults are left out. */
export function encodeViewState(s: ViewState): string {
  return [`v=${CURRENT_VERSION}`, ...URL_FIELDS.flatMap((field) => field.encode(s))].join('&');
}
