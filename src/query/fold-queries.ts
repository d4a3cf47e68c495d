// The access sites and the matrix of an aggregate-only store, answered from
// its fold (store/access-fold.ts: the access lines summed by access IP, slab
// cache and alloc type, over all lines and over other-task lines) instead of
// from the lines, which it did not keep.
//
// What a fold can answer: filters on slab caches, alloc types, live or
// freed, sentinel alloc IPs and other tasks, which a cell decides whole (its
// objects share one group: cache, type, liveness and sentinel); foldFilterProblem() names any other condition, and the data worker
// refuses it with that message rather than answer for objects the filter
// would not keep. Reads, writes and access lines are exact.
//
// Distinct objects: each cell counted its own exactly (an object's lines are
// contiguous). An object is in one group (slab, type), so the objects of
// cells of different groups never overlap and add up; two cells of one
// group (two IPs of one function, with symbols, or of an "other" row) may
// share objects, and their union is not in per-cell counts. So a figure
// summed over cells is exact when no two of them share a group, and is
// otherwise not known: null in the sites and the matrix rows, NaN in the
// matrix view. A column's (and the total's) distinct objects are counted
// per object (its lines and other-task lines are kept per object), so
// always exact. Distinct pids are not kept: null.
//
// The same answers as sites.ts and matrix.ts wherever a figure is known: the
// reference tests compare the two on stores parsed whole and folded.

import { LAYOUTS } from '../format/variants.ts';
import { CELL_SUMS, GROUP_LIVE, GROUP_SENTINEL, type AccessFold, type CellSum } from '../store/access-fold.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { addExact, compareExact, ExactSum, MAX_EXACT, type Exact } from '../store/exact.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { columnsOf } from './matrix-grid.ts';
import { topKeys, viewIndex, viewOf, type MatrixView } from './matrix.ts';
import { EMPTY_FILTER, type MatrixColumnKind, type MatrixRow, type ObjectFilter, type SiteRow } from './types.ts';

const TOP_CACHES = 8;

/** Filter fields a fold answers for. */
const FOLD_FIELDS = new Set<keyof ObjectFilter>(['slabs', 'types', 'state', 'hideSentinels', 'otherTasks']);

/** The labels of filter fields, for the message. */
const FIELD_LABELS: Partial<Record<keyof ObjectFilter, string>> = {
  commands: 'command',
  pids: 'pid',
  minSize: 'size',
  maxSize: 'size',
  allocSites: 'allocation site',
  accessSites: 'access site',
  window: 'the lifetime window',
  flag: 'data-quality flag',
  search: 'search',
};

/**
 * Null when a fold can answer the access sites and the matrix for `filter`;
 * else the message that says why not, naming the filters it cannot apply.
 */
export function foldFilterProblem(filter: ObjectFilter): string | null {
  const set: string[] = [];
  for (const key of Object.keys(EMPTY_FILTER) as (keyof ObjectFilter)[]) {
    if (FOLD_FIELDS.has(key)) continue;
    const v = filter[key];
    const d = EMPTY_FILTER[key];
    const differs = Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v.trim() !== (d as string) : v !== d;
    if (differs) {
      const label = FIELD_LABELS[key] ?? key;
      if (!set.includes(label)) set.push(label);
    }
  }
  if (set.length === 0) return null;
  return (
    `This kmap was loaded aggregates only: its access lines were summed by access IP and the objects' cache, type, liveness and sentinel as they were read, ` +
    `so the access sites and the matrix can be narrowed by cache, type, live or freed, sentinels and other tasks only, not by ${set.join(', ')}. ` +
    'Clear those filters here, or read the whole file with the command line (kmap sites FILE, kmap matrix FILE --cols slab).'
  );
}

/** 0/1 by id: names equal to one of `wanted` (null: all). */
function nameMask(names: readonly string[], wanted: readonly string[]): Uint8Array | null {
  if (wanted.length === 0) return null;
  const want = new Set(wanted);
  const mask = new Uint8Array(names.length);
  for (let id = 0; id < names.length; id++) if (want.has(names[id])) mask[id] = 1;
  return mask;
}

/** The cells a filter keeps, with the figures that count (the other-task ones with otherTasks), as offsets in a cell's sums. */
interface Kept {
  fold: AccessFold;
  cells: number[];
  sums: { lines: CellSum; reads: CellSum; writes: CellSum; objects: CellSum };
  at: { lines: number; reads: number; writes: number; objects: number };
}

function keptCells(store: KmapStore, filter: ObjectFilter): Kept | null {
  const fold = store.fold!;
  const layout = LAYOUTS[store.variant ?? 'E'];
  if (filter.otherTasks && layout.accessPid === 'none') return null;
  const o = filter.otherTasks;
  const sums = { lines: o ? 'otherLines' : 'lines', reads: o ? 'otherReads' : 'reads', writes: o ? 'otherWrites' : 'writes', objects: o ? 'otherObjects' : 'objects' } as const;
  const at = { lines: CELL_SUMS.indexOf(sums.lines), reads: CELL_SUMS.indexOf(sums.reads), writes: CELL_SUMS.indexOf(sums.writes), objects: CELL_SUMS.indexOf(sums.objects) };
  const cells: number[] = [];
  // A filter on a cache or type the variant lacks keeps nothing, as filterObjects does.
  if ((!layout.hasSlab && filter.slabs.length > 0) || (!layout.hasType && filter.types.length > 0)) return { fold, cells, sums, at };
  const slabs = layout.hasSlab ? nameMask(store.slabs.names(), filter.slabs) : null;
  const types = layout.hasType ? nameMask(store.types.names(), filter.types) : null;
  const S = CELL_SUMS.length;
  const live = filter.state === 'all' ? -1 : filter.state === 'live' ? GROUP_LIVE : 0;
  for (let c = 0; c < fold.numCells; c++) {
    if (slabs && slabs[fold.cellSlab[c]] !== 1) continue;
    if (types && types[fold.cellType[c]] !== 1) continue;
    if (live >= 0 && (fold.cellFlags[c] & GROUP_LIVE) !== live) continue;
    if (filter.hideSentinels && (fold.cellFlags[c] & GROUP_SENTINEL) !== 0) continue;
    if (fold.sums[c * S + at.lines] === 0) continue;
    cells.push(c);
  }
  return { fold, cells, sums, at };
}

/**
 * Figures summed over some cells: near reads and writes (exact again from
 * the cells past 2^53 - 1), lines, and distinct objects while no two cells
 * share a group (NaN after).
 */
class CellSums {
  reads = 0;
  writes = 0;
  lines = 0;
  objects = 0;
  readonly cells: number[] = [];
  private readonly groups = new Set<number>();

  add(k: Kept, c: number): void {
    const base = c * CELL_SUMS.length;
    const s = k.fold.sums;
    this.cells.push(c);
    this.lines += s[base + k.at.lines];
    this.reads += s[base + k.at.reads];
    this.writes += s[base + k.at.writes];
    const g = k.fold.cellGroup[c];
    if (this.groups.has(g)) this.objects = NaN;
    else this.objects += s[base + k.at.objects];
    this.groups.add(g);
  }

  exact(k: Kept, which: 'reads' | 'writes'): Exact {
    if (this[which] <= MAX_EXACT) return this[which];
    const e = new ExactSum();
    for (const c of this.cells) e.addExact(k.fold.cellValue(c, k.sums[which]));
    return e.value;
  }

  /** Distinct objects, null when not known. */
  get knownObjects(): number | null {
    return Number.isNaN(this.objects) ? null : this.objects;
  }
}

/** Access sites from the fold, in accessSites()'s order; objects null where not known, pids null (not kept). */
export function foldSites(ctx: QueryContext, filter: ObjectFilter): SiteRow[] {
  const store = ctx.store;
  const k = keptCells(store, filter);
  if (!k) return [];
  const sites = ctx.sites();
  const hasSlab = LAYOUTS[store.variant ?? 'E'].hasSlab;
  const bySite = new Map<number, { sums: CellSums; caches: Map<number, number> }>();
  for (const c of k.cells) {
    const s = sites.siteOf[k.fold.cellIp[c]];
    let e = bySite.get(s);
    if (!e) bySite.set(s, (e = { sums: new CellSums(), caches: new Map() }));
    e.sums.add(k, c);
    if (hasSlab) {
      const slab = k.fold.cellSlab[c];
      e.caches.set(slab, (e.caches.get(slab) ?? 0) + k.fold.sums[c * CELL_SUMS.length + k.at.lines]);
    }
  }
  const rows: SiteRow[] = [];
  for (const [s, { sums, caches }] of bySite) {
    const list = [...caches].map(([id, accessLines]) => ({ name: store.slabs.name(id), accessLines }));
    list.sort((x, y) => y.accessLines - x.accessLines || compareBytes(x.name, y.name));
    rows.push({
      site: sites.key(s),
      reads: sums.exact(k, 'reads'),
      writes: sums.exact(k, 'writes'),
      accessLines: sums.lines,
      objects: sums.knownObjects,
      pids: null,
      caches: list.slice(0, TOP_CACHES),
      numCaches: list.length,
    });
  }
  return rows.sort((a, b) => compareExact(addExact(b.reads, b.writes), addExact(a.reads, a.writes)) || compareBytes(a.site, b.site));
}

/** The matrix column of a cell: its slab or type id, 0 when the variant lacks the field (columnsOf's one column). */
function columnOfCell(store: KmapStore, kind: MatrixColumnKind): (c: number) => number {
  const layout = LAYOUTS[store.variant ?? 'E'];
  const fold = store.fold!;
  if (kind === 'slab' ? !layout.hasSlab : !layout.hasType) return () => 0;
  return kind === 'slab' ? (c) => fold.cellSlab[c] : (c) => fold.cellType[c];
}

/** Every (site, column) pair with lines, in matrixRows()'s order; objects null where not known. */
export function foldMatrixRows(ctx: QueryContext, filter: ObjectFilter, kind: MatrixColumnKind): MatrixRow[] {
  const k = keptCells(ctx.store, filter);
  if (!k) return [];
  const sites = ctx.sites();
  const { names } = columnsOf(ctx.store, kind);
  const columnOf = columnOfCell(ctx.store, kind);
  const pairs = new Map<number, { site: number; column: number; sums: CellSums }>();
  for (const c of k.cells) {
    const site = sites.siteOf[k.fold.cellIp[c]];
    const column = columnOf(c);
    const key = site * names.length + column;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = { site, column, sums: new CellSums() }));
    p.sums.add(k, c);
  }
  const rows: MatrixRow[] = [];
  for (const { site, column, sums } of pairs.values()) {
    rows.push({
      site: sites.key(site),
      column: names[column],
      reads: sums.exact(k, 'reads'),
      writes: sums.exact(k, 'writes'),
      accessLines: sums.lines,
      objects: sums.knownObjects,
    });
  }
  return rows.sort(
    (a, b) => compareExact(addExact(b.reads, b.writes), addExact(a.reads, a.writes)) || compareBytes(a.site, b.site) || compareBytes(a.column, b.column),
  );
}

/**
 * The Matrix view from the fold: the cut of matrixView() (top sites and
 * columns by reads + writes, then lines, then name; the rest "other"), in
 * its layout (cells, row totals, column totals, the total). Distinct
 * objects NaN where not known; a column's and the total's counted per
 * object over `indices` (the filter's objects).
 */
export function foldMatrixView(ctx: QueryContext, indices: Uint32Array, filter: ObjectFilter, kind: MatrixColumnKind, maxRows: number, maxCols: number): MatrixView {
  const store = ctx.store;
  const sites = ctx.sites();
  const { ids: colIds, names } = columnsOf(store, kind);
  const numSites = sites.numSites;
  const numCols = names.length;
  const k = keptCells(store, filter) ?? { cells: [] as number[] };
  const kept = 'fold' in k ? k : null;
  const columnOf = columnOfCell(store, kind);
  // Ranking: reads + writes and lines per site and per column.
  const siteRw = new Float64Array(numSites);
  const siteLines = new Float64Array(numSites);
  const colRw = new Float64Array(numCols);
  const colLines = new Float64Array(numCols);
  const S = CELL_SUMS.length;
  if (kept) {
    for (const c of kept.cells) {
      const base = c * S;
      const f = kept.fold.sums;
      const rw = f[base + kept.at.reads] + f[base + kept.at.writes];
      const s = sites.siteOf[kept.fold.cellIp[c]];
      const col = columnOf(c);
      siteRw[s] += rw;
      siteLines[s] += f[base + kept.at.lines];
      colRw[col] += rw;
      colLines[col] += f[base + kept.at.lines];
    }
  }
  const topRows = topKeys(numSites, (s) => siteRw[s], (s) => siteLines[s], (s) => sites.key(s), maxRows);
  const topCols = topKeys(numCols, (c) => colRw[c], (c) => colLines[c], (c) => names[c], maxCols);
  const rowIx = viewIndex(numSites, topRows);
  const colIx = viewIndex(numCols, topCols);
  const R = rowIx.count;
  const C = colIx.count;
  const rowBase = R * C;
  const colBase = rowBase + R;
  const total = colBase + C;
  // Cells and row totals summed over fold cells; columns and the total from the objects.
  const sums = new Map<number, CellSums>();
  const sumsAt = (v: number) => {
    let e = sums.get(v);
    if (!e) sums.set(v, (e = new CellSums()));
    return e;
  };
  if (kept) {
    for (const c of kept.cells) {
      const r = rowIx.of[sites.siteOf[kept.fold.cellIp[c]]];
      const col = colIx.of[columnOf(c)];
      if (r < 0 || col < 0) continue;
      sumsAt(r * C + col).add(kept, c);
      sumsAt(rowBase + r).add(kept, c);
      sumsAt(colBase + col).add(kept, c);
      sumsAt(total).add(kept, c);
    }
  }
  const size = total + 1;
  const grid = { reads: new Float64Array(size), writes: new Float64Array(size), lines: new Float64Array(size), objects: new Float64Array(size) };
  for (const [v, e] of sums) {
    grid.reads[v] = e.reads;
    grid.writes[v] = e.writes;
    grid.lines[v] = e.lines;
    grid.objects[v] = e.objects;
  }
  // Per object: the kept objects with a counted line, by view column.
  const other = filter.otherTasks ? store.fold!.otherLines.data : null;
  for (let v = colBase; v <= total; v++) grid.objects[v] = 0;
  if (kept) {
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p];
      const [start, end] = store.accessRange(i);
      if (other ? other[i] === 0 : end === start) continue;
      const col = colIx.of[colIds[i]];
      if (col < 0) continue;
      grid.objects[colBase + col]++;
      grid.objects[total]++;
    }
  }
  return viewOf(topRows, topCols, (s) => sites.key(s), names, grid);
}
