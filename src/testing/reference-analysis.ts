// A deliberately simple, slow and obvious implementation of the analysis
// queries added with `kmap lifetimes`, `kmap live` and `kmap matrix` (and of
// the index window filter), written from their contract (the CLI's usage
// text, the comments of ../query/types.ts: LifetimeRow, LiveBin, MatrixRow,
// IndexWindow) and ../../docs/kmap-format.md, before reading
// ../query/lifetimes.ts, ../query/matrix.ts, ../query/lifetime-charts.ts or
// ../query/filter.ts (only their exported signatures were read afterwards,
// to call them from the tests). Used only to check them
// (../query/analysis.reference.test.ts).
//
// Like ./reference-queries.ts it reads the `kmap dump` NDJSON (indices as
// decimal strings), does all index and size arithmetic with BigInt and groups
// with Maps keyed by strings. Only types come from ../query/.
//
// The rules, as the contract states them:
// - lifetime = free index - alloc index, for freed objects (free index != 0);
//   buckets [0, 1) and [2^k, 2^(k+1)); a freed object whose free index is
//   below its alloc index is left out (and counted).
// - live at index t: alloc <= t < free, or alloc <= t when never freed. So
//   an object freed at t is not live at t, even when another is allocated
//   at t; free == alloc is never live; a damaged free < alloc is never live.
// - live bins: the capture's range [min alloc index over ALL objects, max
//   index seen (alloc or free) over ALL objects + 1) split into N bins of
//   width floor(span / N), the last taking the remainder; a bin of width 0
//   reports 0; otherwise its maximum over every integer t in it. (The bin
//   edges are reported as numbers, as LiveBin has them: not exact at 2^53
//   and above; the maxima are exact.)
// - window [start, end): allocated: start <= alloc < end; liveAtEnd: alloc <
//   end and (never freed or free >= end); survived: start <= alloc < end and
//   (never freed or free >= end). Variant A (no indices) keeps nothing.
// - matrix: access lines by (site key, slab or type); with otherTasks only
//   lines whose pid is present and differs from the object's pid.
// - matrix view: the top maxRows sites and maxCols columns by reads + writes,
//   then access lines, then name (code points); the rest in an "other" row
//   and column; every cell, row and column total and the grand total with
//   its distinct objects as a set.

import type { IndexWindow, LifetimeGrouping, LifetimeRow, LiveBin, MatrixColumnKind, MatrixRow, ObjectFilter } from '../query/types.ts';
import { refCompareCodePoints, refFilter, refSiteKey, type DumpAccess, type DumpObject, type RefCapture, type RefQueryVariant } from './reference-queries.ts';

const HAS_INDICES: Record<RefQueryVariant, boolean> = { A: false, B: true, C: true, D: true, E: true };
const HAS_SLAB: Record<RefQueryVariant, boolean> = { A: false, B: false, C: false, D: true, E: true };
const HAS_TYPE: Record<RefQueryVariant, boolean> = { A: false, B: false, C: true, D: true, E: true };
const HAS_ACCESS_PID: Record<RefQueryVariant, boolean> = { A: true, B: true, C: false, D: false, E: true };

/** A BigInt as the queries report it: a number up to 2^53 - 1, a bigint above. */
function exact(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function objectAt(cap: RefCapture, idx: number): DumpObject {
  const o = cap.objects[idx];
  if (!o || o.idx !== idx) throw new Error(`dump has no object ${idx} at position ${idx}`);
  return o;
}

const parsedIndices = new WeakMap<DumpObject, { alloc: bigint; free: bigint }>();

/** The object's indices as BigInt (parsed once; the dump prints them as decimal strings). */
function indices(o: DumpObject): { alloc: bigint; free: bigint } {
  let p = parsedIndices.get(o);
  if (!p) parsedIndices.set(o, (p = { alloc: BigInt(o.allocIndex), free: BigInt(o.freeIndex) }));
  return p;
}

function allocIndex(o: DumpObject): bigint {
  return indices(o).alloc;
}

function freeIndex(o: DumpObject): bigint {
  return indices(o).free;
}

/** Live at index t by the contract: alloc <= t < free, or alloc <= t when never freed. */
export function refLiveAt(o: DumpObject, t: bigint): boolean {
  const a = allocIndex(o);
  const f = freeIndex(o);
  if (f === 0n) return a <= t;
  return a <= t && t < f;
}

// ---------------------------------------------------------------------------
// The index window
// ---------------------------------------------------------------------------

/** Whether the window keeps object `o` (B-E). Compares BigInt indices with the window's numbers exactly. */
export function refInWindow(o: DumpObject, w: IndexWindow): boolean {
  const a = allocIndex(o);
  const f = freeIndex(o);
  const stillThereAtEnd = f === 0n || f >= w.end;
  switch (w.meaning) {
    case 'allocated':
      return w.start <= a && a < w.end;
    case 'liveAtEnd':
      return a < w.end && stillThereAtEnd;
    case 'survived':
      return w.start <= a && a < w.end && stillThereAtEnd;
  }
}

/** The kept objects that the window keeps (all of them for a null window; none in variant A). */
export function refWindow(cap: RefCapture, kept: readonly number[], w: IndexWindow | null): number[] {
  if (w === null) return [...kept];
  if (!HAS_INDICES[cap.variant]) return [];
  return kept.filter((idx) => refInWindow(objectAt(cap, idx), w));
}

/** refFilter with the window applied after it: the objects an ObjectFilter with `window` keeps. */
export function refFilterWithWindow(cap: RefCapture, f: ObjectFilter): number[] {
  return refWindow(cap, refFilter(cap, f), f.window);
}

// ---------------------------------------------------------------------------
// Lifetimes
// ---------------------------------------------------------------------------

function lifetimeGroup(cap: RefCapture, o: DumpObject, by: LifetimeGrouping): string {
  if (by === 'slab') return HAS_SLAB[cap.variant] ? o.slab : '';
  return HAS_TYPE[cap.variant] ? o.type : '';
}

/** The bucket of a lifetime: [0, 1) for 0, else [2^k, 2^(k+1)) with 2^k <= lifetime. */
export function refBucket(lifetime: bigint): [bigint, bigint] {
  if (lifetime < 0n) throw new Error('negative lifetime');
  if (lifetime === 0n) return [0n, 1n];
  const k = BigInt(lifetime.toString(2).length - 1);
  return [1n << k, 1n << (k + 1n)];
}

export interface RefLifetimes {
  rows: LifetimeRow[];
  /** Freed objects left out because their free index is below their alloc index. */
  damaged: number;
}

/** `kmap lifetimes`: freed objects by (group, lifetime bucket); rows by group (code points), then bucketLow. */
export function refLifetimes(cap: RefCapture, kept: readonly number[], by: LifetimeGrouping): RefLifetimes {
  const cells = new Map<string, { group: string; low: bigint; high: bigint; objects: number; bytes: bigint }>();
  let damaged = 0;
  if (HAS_INDICES[cap.variant]) {
    for (const idx of kept) {
      const o = objectAt(cap, idx);
      const f = freeIndex(o);
      if (f === 0n) continue; // live: no lifetime
      const a = allocIndex(o);
      if (f < a) {
        damaged++;
        continue;
      }
      const group = lifetimeGroup(cap, o, by);
      const [low, high] = refBucket(f - a);
      const key = JSON.stringify([group, low.toString()]);
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { group, low, high, objects: 0, bytes: 0n }));
      cell.objects += 1;
      cell.bytes += BigInt(o.size);
    }
  }
  const rows = [...cells.values()]
    .sort((x, y) => refCompareCodePoints(x.group, y.group) || (x.low < y.low ? -1 : x.low > y.low ? 1 : 0))
    .map((c) => ({ group: c.group, bucketLow: exact(c.low), bucketHigh: exact(c.high), objects: c.objects, bytes: exact(c.bytes) }));
  return { rows, damaged };
}

// ---------------------------------------------------------------------------
// Live objects per bin
// ---------------------------------------------------------------------------

/** The capture's index range [lo, hi): min alloc index over all objects, max index seen + 1. Null for variant A or no objects. */
export function refIndexRange(cap: RefCapture): { lo: bigint; hi: bigint } | null {
  if (!HAS_INDICES[cap.variant] || cap.objects.length === 0) return null;
  let lo: bigint | null = null;
  let max = 0n;
  for (const o of cap.objects) {
    const a = allocIndex(o);
    const f = freeIndex(o);
    if (lo === null || a < lo) lo = a;
    if (a > max) max = a;
    if (f > max) max = f;
  }
  return { lo: lo!, hi: max + 1n };
}

/** The N bins [start, end) of [lo, hi): width floor(span / N), the last one up to hi. */
export function refBinEdges(lo: bigint, hi: bigint, n: number): [bigint, bigint][] {
  const width = (hi - lo) / BigInt(n);
  const out: [bigint, bigint][] = [];
  for (let i = 0; i < n; i++) {
    const start = lo + BigInt(i) * width;
    out.push([start, i === n - 1 ? hi : start + width]);
  }
  return out;
}

/**
 * Live objects and bytes at every index of [lo, hi), counted object by
 * object: an object is live on one run of indices starting at its alloc index
 * (or nowhere), so each object walks from its alloc index while refLiveAt
 * says it is live. Only for small spans.
 */
function liveAtEveryIndex(cap: RefCapture, kept: readonly number[], lo: bigint, hi: bigint): { objects: number[]; bytes: bigint[] } {
  // The same kept array at several bin counts: count once (the callers do not change a kept array after use).
  const cached = everyIndexCache.get(kept);
  if (cached && cached.cap === cap) return cached.at;
  const at = countEveryIndex(cap, kept, lo, hi);
  everyIndexCache.set(kept, { cap, at });
  return at;
}

const everyIndexCache = new WeakMap<readonly number[], { cap: RefCapture; at: { objects: number[]; bytes: bigint[] } }>();

function countEveryIndex(cap: RefCapture, kept: readonly number[], lo: bigint, hi: bigint): { objects: number[]; bytes: bigint[] } {
  const span = Number(hi - lo);
  const objects = new Array<number>(span).fill(0);
  const bytes = new Array<bigint>(span).fill(0n);
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    const size = BigInt(o.size);
    for (let t = allocIndex(o); t < hi && refLiveAt(o, t); t++) {
      objects[Number(t - lo)] += 1;
      bytes[Number(t - lo)] += size;
    }
  }
  return { objects, bytes };
}

/**
 * The kept objects' live intervals [alloc, free) as two sorted lists of
 * events: +1 at each alloc index, -1 at each free index (never freed: no -1;
 * free <= alloc: never live, no events at all).
 */
function liveEvents(cap: RefCapture, kept: readonly number[]): { starts: { at: bigint; size: bigint }[]; ends: { at: bigint; size: bigint }[] } {
  const cached = eventsCache.get(kept);
  if (cached && cached.cap === cap) return cached.events;
  const events = sortedEvents(cap, kept);
  eventsCache.set(kept, { cap, events });
  return events;
}

const eventsCache = new WeakMap<readonly number[], { cap: RefCapture; events: ReturnType<typeof sortedEvents> }>();

function sortedEvents(cap: RefCapture, kept: readonly number[]): { starts: { at: bigint; size: bigint }[]; ends: { at: bigint; size: bigint }[] } {
  const starts: { at: bigint; size: bigint }[] = [];
  const ends: { at: bigint; size: bigint }[] = [];
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    const a = allocIndex(o);
    const f = freeIndex(o);
    const size = BigInt(o.size);
    if (f !== 0n && f <= a) continue; // never live
    starts.push({ at: a, size });
    if (f !== 0n) ends.push({ at: f, size });
  }
  const byAt = (x: { at: bigint }, y: { at: bigint }) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0);
  starts.sort(byAt);
  ends.sort(byAt);
  return { starts, ends };
}

/** How many (object, index) pairs the every-index count would visit: the kept objects' live runs inside [lo, hi). */
function everyIndexWork(cap: RefCapture, kept: readonly number[], hi: bigint): bigint {
  let work = 0n;
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    const a = allocIndex(o);
    const f = freeIndex(o);
    const end = f === 0n || f > hi ? hi : f;
    if (end > a) work += end - a;
  }
  return work;
}

export type RefLiveMethod = 'every index' | 'event points' | 'auto';

/** 'auto' counts index by index when it visits at most this many (object, index) pairs on a span at most EVERY_INDEX_SPAN. */
const EVERY_INDEX_WORK = 60_000n;
const EVERY_INDEX_SPAN = 20_000n;

/**
 * `kmap live`: the bins of the capture's index range, each with the largest
 * number of kept objects live at one index in it and the largest live bytes
 * (maybe at another index).
 *
 * 'every index' counts every index of the range (small spans only). 'event
 * points' evaluates each bin only at its start and at the kept alloc indices
 * inside it, which is enough because a live count rises only at an alloc
 * index: between two of them it can only fall. It evaluates them in
 * increasing order with a sweep over the sorted alloc and free events (an
 * object freed at t is not live at t, so every event at or before t
 * applies). 'auto' takes 'every index' for small inputs, 'event points'
 * otherwise; the tests check that the two agree.
 */
export function refLive(cap: RefCapture, kept: readonly number[], bins: number, method: RefLiveMethod = 'auto'): LiveBin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be a positive integer, not ${bins}`);
  const range = refIndexRange(cap);
  if (range === null) return [];
  return refLiveOver(cap, kept, refBinEdges(range.lo, range.hi, bins), method);
}

/** Bins [lo + floor(b * span / n), lo + floor((b + 1) * span / n)): the charts' even bins. */
export function refEvenEdges(lo: bigint, hi: bigint, n: number): [bigint, bigint][] {
  const at = (b: number) => lo + ((hi - lo) * BigInt(b)) / BigInt(n);
  return Array.from({ length: n }, (_, b) => [at(b), b + 1 === n ? hi : at(b + 1)] as [bigint, bigint]);
}

/** The live maxima in given bins (refLive's rule). */
export function refLiveOver(cap: RefCapture, kept: readonly number[], edges: [bigint, bigint][], method: RefLiveMethod = 'auto'): LiveBin[] {
  const range = refIndexRange(cap);
  if (range === null) return [];
  const { lo, hi } = range;
  const useEvery =
    method === 'every index' || (method === 'auto' && hi - lo <= EVERY_INDEX_SPAN && everyIndexWork(cap, kept, hi) <= EVERY_INDEX_WORK);
  const out: LiveBin[] = [];
  const push = (s: bigint, e: bigint, maxN: number, maxB: bigint) =>
    out.push({ binStart: Number(s), binEnd: Number(e), maxLiveObjects: maxN, maxLiveBytes: exact(maxB) });
  if (useEvery) {
    const at = liveAtEveryIndex(cap, kept, lo, hi);
    for (const [s, e] of edges) {
      let maxN = 0;
      let maxB = 0n;
      for (let t = Number(s - lo); t < Number(e - lo); t++) {
        if (at.objects[t] > maxN) maxN = at.objects[t];
        if (at.bytes[t] > maxB) maxB = at.bytes[t];
      }
      push(s, e, maxN, maxB);
    }
    return out;
  }
  const { starts, ends } = liveEvents(cap, kept);
  // The sweep: live objects and bytes at t, for t that never decreases.
  let i = 0;
  let j = 0;
  let n = 0;
  let b = 0n;
  const liveAt = (t: bigint) => {
    while (i < starts.length && starts[i].at <= t) {
      n++;
      b += starts[i++].size;
    }
    while (j < ends.length && ends[j].at <= t) {
      n--;
      b -= ends[j++].size;
    }
  };
  let p = 0; // the next alloc event not yet used as a candidate
  for (const [s, e] of edges) {
    let maxN = 0;
    let maxB = 0n;
    if (s < e) {
      liveAt(s);
      maxN = n;
      maxB = b;
      while (p < starts.length && starts[p].at <= s) p++;
      while (p < starts.length && starts[p].at < e) {
        liveAt(starts[p++].at);
        if (n > maxN) maxN = n;
        if (b > maxB) maxB = b;
      }
    }
    push(s, e, maxN, maxB);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The access matrix
// ---------------------------------------------------------------------------

function matrixColumn(cap: RefCapture, o: DumpObject, kind: MatrixColumnKind): string {
  if (kind === 'slab') return HAS_SLAB[cap.variant] ? o.slab : '';
  return HAS_TYPE[cap.variant] ? o.type : '';
}

function byOtherTask(cap: RefCapture, o: DumpObject, a: DumpAccess): boolean {
  return HAS_ACCESS_PID[cap.variant] && a.pid !== null && a.pid !== o.pid;
}

/** `kmap matrix`: access lines by (site, column); reads + writes descending, then site, then column (code points). */
export function refMatrix(cap: RefCapture, kept: readonly number[], kind: MatrixColumnKind, otherTasks: boolean): MatrixRow[] {
  type Cell = { site: string; column: string; reads: bigint; writes: bigint; accessLines: number; objects: Set<number> };
  // site -> column -> cell
  const bySite = new Map<string, Map<string, Cell>>();
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    const column = matrixColumn(cap, o, kind);
    for (const a of o.accesses) {
      if (otherTasks && !byOtherTask(cap, o, a)) continue;
      const site = refSiteKey(cap, a.ip);
      let byColumn = bySite.get(site);
      if (!byColumn) bySite.set(site, (byColumn = new Map()));
      let cell = byColumn.get(column);
      if (!cell) byColumn.set(column, (cell = { site, column, reads: 0n, writes: 0n, accessLines: 0, objects: new Set() }));
      cell.reads += BigInt(a.reads);
      cell.writes += BigInt(a.writes);
      cell.accessLines += 1;
      cell.objects.add(o.idx);
    }
  }
  const cells = [...bySite.values()].flatMap((byColumn) => [...byColumn.values()]);
  return cells
    .sort((x, y) => {
      const d = y.reads + y.writes - (x.reads + x.writes);
      if (d !== 0n) return d > 0n ? 1 : -1;
      return refCompareCodePoints(x.site, y.site) || refCompareCodePoints(x.column, y.column);
    })
    .map((c) => ({ site: c.site, column: c.column, reads: exact(c.reads), writes: exact(c.writes), accessLines: c.accessLines, objects: c.objects.size }));
}

/** The Matrix view: the top cut with "other", in matrixView's layout (cells row-major, row totals, column totals, grand total). */
export function refMatrixView(cap: RefCapture, kept: readonly number[], kind: MatrixColumnKind, otherTasks: boolean, maxRows: number, maxCols: number) {
  type Line = { site: string; column: string; reads: number; writes: number; object: number };
  const lines: Line[] = [];
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    for (const a of o.accesses) {
      if (otherTasks && !byOtherTask(cap, o, a)) continue;
      lines.push({ site: refSiteKey(cap, a.ip), column: matrixColumn(cap, o, kind), reads: Number(a.reads), writes: Number(a.writes), object: o.idx });
    }
  }
  const ranked = (key: (l: Line) => string, limit: number) => {
    const t = new Map<string, { rw: number; n: number }>();
    for (const l of lines) {
      const e = t.get(key(l)) ?? { rw: 0, n: 0 };
      t.set(key(l), { rw: e.rw + l.reads + l.writes, n: e.n + 1 });
    }
    const all = [...t.keys()].sort((x, y) => t.get(y)!.rw - t.get(x)!.rw || t.get(y)!.n - t.get(x)!.n || refCompareCodePoints(x, y));
    return { kept: all.slice(0, limit), other: all.length > limit, all: all.length };
  };
  const rows = ranked((l) => l.site, maxRows);
  const cols = ranked((l) => l.column, maxCols);
  const R = rows.kept.length + (rows.other ? 1 : 0);
  const C = cols.kept.length + (cols.other ? 1 : 0);
  const size = R * C + R + C + 1;
  const acc = Array.from({ length: size }, () => ({ reads: 0, writes: 0, lines: 0, objects: new Set<number>() }));
  for (const l of lines) {
    const r = rows.kept.includes(l.site) ? rows.kept.indexOf(l.site) : R - 1;
    const c = cols.kept.includes(l.column) ? cols.kept.indexOf(l.column) : C - 1;
    for (const k of [r * C + c, R * C + r, R * C + R + c, size - 1]) {
      acc[k].reads += l.reads;
      acc[k].writes += l.writes;
      acc[k].lines += 1;
      acc[k].objects.add(l.object);
    }
  }
  return {
    rows: rows.kept,
    columns: cols.kept,
    otherRow: rows.other,
    otherColumn: cols.other,
    numSites: rows.all,
    numColumns: cols.all,
    reads: acc.map((a) => a.reads),
    writes: acc.map((a) => a.writes),
    lines: acc.map((a) => a.lines),
    objects: acc.map((a) => a.objects.size),
  };
}

// ---------------------------------------------------------------------------
// CSV, as the contract states it
// ---------------------------------------------------------------------------

/** One CSV field: a name starting with = + - @ tab or CR gets a leading '; RFC 4180 quotes for , " CR LF. */
export function refCsvField(v: string | number | bigint): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.split('"').join('""') + '"' : s;
}

/** A header line and one line per row, each ending in '\n'. */
export function refCsv<T extends object>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  let out = columns.join(',') + '\n';
  for (const r of rows) out += columns.map((c) => refCsvField(r[c] as string | number | bigint)).join(',') + '\n';
  return out;
}
