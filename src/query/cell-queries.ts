// The access sites and the matrix answered from cells of summed access
// lines instead of from the lines: cells of (access IP, object group) that an
// aggregate-only store kept instead of its lines (store/access-fold.ts), or
// cells of (site, object group) that a loaded store's index sums once
// (site-cells.ts), so that the views answer in time proportional to the
// cells rather than the lines.
//
// What cells can answer: filters on slab caches, alloc types, live or freed,
// sentinel alloc IPs and other tasks, which a cell decides whole (its
// objects share one group: cache, type, liveness and sentinel);
// foldFilterProblem() names any other condition. An aggregate-only store
// refuses such a filter with that message (it has no lines to read); a store
// with its lines reads them instead. Reads, writes and access lines are exact.
//
// Distinct objects: each cell counted its own exactly (an object's lines are
// contiguous). An object is in one group (slab, type), so the objects of
// cells of different groups never overlap and add up; two cells of one
// group (two IPs of one function, with symbols, or of an "other" row) may
// share objects, and their union is not in per-cell counts. So a figure
// summed over cells is exact when no two of them share a group, and is
// otherwise not known: null in the sites and the matrix rows, NaN in the
// matrix view. Cells keyed by site (the index) never put two cells of one
// group in a site's row or a (site, column) pair, and the index keeps what
// the "other" row and the pids need besides (site-cells.ts): all its figures
// are known. A column's (and the total's) distinct objects are counted per
// object, so always exact. Distinct pids: from the index's pid bitmaps, not
// kept by a fold (null).
//
// The same answers as sites.ts and matrix.ts wherever a figure is known: the
// reference tests compare them on stores parsed whole, folded and indexed.

import { LAYOUTS } from '../format/variants.ts';
import { CELL_SUMS, GROUP_LIVE, GROUP_SENTINEL, type CellSum } from '../store/access-fold.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { addExact, compareExact, ExactSum, MAX_EXACT, type Exact } from '../store/exact.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { columnsOf, otherRowObjects } from './matrix-grid.ts';
import { topKeys, viewIndex, viewOf, type MatrixView } from './matrix.ts';
import type { SiteCells } from './site-cells.ts';
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

/** Cells of summed access lines (an AccessFold, a SiteCells index): what the queries here read. */
export interface CellTable {
  readonly numCells: number;
  readonly cellSlab: Uint32Array;
  readonly cellType: Uint32Array;
  readonly cellFlags: Uint8Array;
  readonly cellGroup: Uint32Array;
  readonly sums: Float64Array;
  cellValue(cell: number, sum: CellSum): Exact;
}

/** Cells, the site id of each, and the index behind them (null: a fold, which keeps no pids or per-object sites). */
interface CellSource {
  table: CellTable;
  site: ArrayLike<number>;
  index: SiteCells | null;
}

/** What asking a fold of per-object sums alone for sites says (a caller's mistake: see AccessFold.sumsOnly). */
export const FOLD_WITHOUT_CELLS = 'this kmap was read with its access lines summed per object alone: it knows no access sites';

/** An aggregate-only store's fold, its cells' IPs mapped to sites. */
function foldSource(ctx: QueryContext): CellSource {
  const fold = ctx.store.fold!;
  if (!fold.keepsCells) throw new Error(FOLD_WITHOUT_CELLS);
  const siteOf = ctx.sites().siteOf;
  const site = new Int32Array(fold.numCells);
  for (let c = 0; c < fold.numCells; c++) site[c] = siteOf[fold.cellIp[c]];
  return { table: fold, site, index: null };
}

function indexSource(cells: SiteCells): CellSource {
  if (!cells.usable) throw new Error('this site index was abandoned (too many cells for the lines): read the lines');
  return { table: cells, site: cells.cellSite, index: cells };
}

/** The cells a filter keeps, with the figures that count (the other-task ones with otherTasks), as offsets in a cell's sums. */
interface Kept {
  src: CellSource;
  cells: number[];
  sums: { lines: CellSum; reads: CellSum; writes: CellSum; objects: CellSum };
  at: { lines: number; reads: number; writes: number; objects: number };
}

/**
 * Whether `filter` keeps the objects of a group (slab id, type id, flags),
 * as filterObjects decides; null when it keeps no line at all (other tasks
 * in a variant without access pids).
 */
export function groupFilter(store: KmapStore, filter: ObjectFilter): ((slab: number, type: number, flags: number) => boolean) | null {
  const layout = LAYOUTS[store.variant ?? 'E'];
  if (filter.otherTasks && layout.accessPid === 'none') return null;
  // A filter on a cache or type the variant lacks keeps nothing, as filterObjects does.
  if ((!layout.hasSlab && filter.slabs.length > 0) || (!layout.hasType && filter.types.length > 0)) return () => false;
  const slabs = layout.hasSlab ? nameMask(store.slabs.names(), filter.slabs) : null;
  const types = layout.hasType ? nameMask(store.types.names(), filter.types) : null;
  const live = filter.state === 'all' ? -1 : filter.state === 'live' ? GROUP_LIVE : 0;
  const hide = filter.hideSentinels;
  return (slab, type, flags) =>
    (slabs === null || slabs[slab] === 1) && (types === null || types[type] === 1) && (live < 0 || (flags & GROUP_LIVE) === live) && !(hide && (flags & GROUP_SENTINEL) !== 0);
}

function keptCells(store: KmapStore, src: CellSource, filter: ObjectFilter): Kept | null {
  const table = src.table;
  const keeps = groupFilter(store, filter);
  if (keeps === null) return null;
  const o = filter.otherTasks;
  const sums = { lines: o ? 'otherLines' : 'lines', reads: o ? 'otherReads' : 'reads', writes: o ? 'otherWrites' : 'writes', objects: o ? 'otherObjects' : 'objects' } as const;
  const at = { lines: CELL_SUMS.indexOf(sums.lines), reads: CELL_SUMS.indexOf(sums.reads), writes: CELL_SUMS.indexOf(sums.writes), objects: CELL_SUMS.indexOf(sums.objects) };
  const cells: number[] = [];
  const S = CELL_SUMS.length;
  for (let c = 0; c < table.numCells; c++) {
    if (table.sums[c * S + at.lines] === 0) continue;
    if (keeps(table.cellSlab[c], table.cellType[c], table.cellFlags[c])) cells.push(c);
  }
  return { src, cells, sums, at };
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
    const s = k.src.table.sums;
    this.cells.push(c);
    this.lines += s[base + k.at.lines];
    this.reads += s[base + k.at.reads];
    this.writes += s[base + k.at.writes];
    const g = k.src.table.cellGroup[c];
    if (this.groups.has(g)) this.objects = NaN;
    else this.objects += s[base + k.at.objects];
    this.groups.add(g);
  }

  exact(k: Kept, which: 'reads' | 'writes'): Exact {
    if (this[which] <= MAX_EXACT) return this[which];
    const e = new ExactSum();
    for (const c of this.cells) e.addExact(k.src.table.cellValue(c, k.sums[which]));
    return e.value;
  }

  /** Distinct objects, null when not known. */
  get knownObjects(): number | null {
    return Number.isNaN(this.objects) ? null : this.objects;
  }
}

/** 1 per cell id kept. */
function keptMask(k: Kept): Uint8Array {
  const mask = new Uint8Array(k.src.table.numCells);
  for (const c of k.cells) mask[c] = 1;
  return mask;
}

/** Distinct access pids per site over the kept cells (the other-task ones with otherTasks): their rows of the index's pid bitmap ORed. */
function sitePids(index: SiteCells, k: Kept, otherTasks: boolean): Float64Array {
  const bits = (otherTasks ? index.otherPidBits : index.pidBits)!;
  const words = index.pidWords;
  const kept = keptMask(k);
  const row = new Uint32Array(words);
  const out = new Float64Array(index.numSites);
  for (let s = 0; s < index.numSites; s++) {
    let any = false;
    for (let p = index.siteStart[s]; p < index.siteStart[s + 1]; p++) {
      const c = index.cellsOfSite[p];
      if (kept[c] !== 1) continue;
      if (!any) row.fill(0);
      any = true;
      const base = c * words;
      for (let w = 0; w < words; w++) row[w] |= bits[base + w];
    }
    if (!any) continue;
    let n = 0;
    for (let w = 0; w < words; w++) n += popcount(row[w]);
    out[s] = n;
  }
  return out;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Access sites from cells, in accessSites()'s order; objects null where not known, pids null without an index. */
function cellSites(ctx: QueryContext, src: CellSource, filter: ObjectFilter): SiteRow[] {
  const store = ctx.store;
  const k = keptCells(store, src, filter);
  if (!k) return [];
  const sites = ctx.sites();
  const hasSlab = LAYOUTS[store.variant ?? 'E'].hasSlab;
  const pids = src.index ? sitePids(src.index, k, filter.otherTasks) : null;
  const bySite = new Map<number, { sums: CellSums; caches: Map<number, number> }>();
  for (const c of k.cells) {
    const s = src.site[c];
    let e = bySite.get(s);
    if (!e) bySite.set(s, (e = { sums: new CellSums(), caches: new Map() }));
    e.sums.add(k, c);
    if (hasSlab) {
      const slab = src.table.cellSlab[c];
      e.caches.set(slab, (e.caches.get(slab) ?? 0) + src.table.sums[c * CELL_SUMS.length + k.at.lines]);
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
      pids: pids ? pids[s] : null,
      caches: list.slice(0, TOP_CACHES),
      numCaches: list.length,
    });
  }
  return rows.sort((a, b) => compareExact(addExact(b.reads, b.writes), addExact(a.reads, a.writes)) || compareBytes(a.site, b.site));
}

/** Access sites from an aggregate-only store's fold; pids null (not kept). */
export function foldSites(ctx: QueryContext, filter: ObjectFilter): SiteRow[] {
  return cellSites(ctx, foldSource(ctx), filter);
}

/** Access sites from a store's index (every figure known): for a filter foldFilterProblem() accepts, and an index that kept its pids. */
export function indexSites(ctx: QueryContext, cells: SiteCells, filter: ObjectFilter): SiteRow[] {
  if (!cells.pidsKnown) throw new Error('this index kept no pids: read the lines (accessSites)');
  return cellSites(ctx, indexSource(cells), filter);
}

/** The matrix column of a cell: its slab or type id, 0 when the variant lacks the field (columnsOf's one column). */
function columnOfCell(store: KmapStore, table: Pick<CellTable, 'cellSlab' | 'cellType'>, kind: MatrixColumnKind): (c: number) => number {
  const layout = LAYOUTS[store.variant ?? 'E'];
  if (kind === 'slab' ? !layout.hasSlab : !layout.hasType) return () => 0;
  return kind === 'slab' ? (c) => table.cellSlab[c] : (c) => table.cellType[c];
}

/** Every (site, column) pair with lines, in matrixRows()'s order; objects null where not known. */
function cellMatrixRows(ctx: QueryContext, src: CellSource, filter: ObjectFilter, kind: MatrixColumnKind): MatrixRow[] {
  const k = keptCells(ctx.store, src, filter);
  if (!k) return [];
  const sites = ctx.sites();
  const { names } = columnsOf(ctx.store, kind);
  const columnOf = columnOfCell(ctx.store, src.table, kind);
  const pairs = new Map<number, { site: number; column: number; sums: CellSums }>();
  for (const c of k.cells) {
    const site = src.site[c];
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

export function foldMatrixRows(ctx: QueryContext, filter: ObjectFilter, kind: MatrixColumnKind): MatrixRow[] {
  return cellMatrixRows(ctx, foldSource(ctx), filter, kind);
}

export function indexMatrixRows(ctx: QueryContext, cells: SiteCells, filter: ObjectFilter, kind: MatrixColumnKind): MatrixRow[] {
  return cellMatrixRows(ctx, indexSource(cells), filter, kind);
}

/**
 * The Matrix view from cells: the cut of matrixView() (top sites and
 * columns by reads + writes, then lines, then name; the rest "other"), in
 * its layout (cells, row totals, column totals, the total). A column's and
 * the total's distinct objects counted per object over `indicesOf()` (the
 * filter's objects) from a fold, per group from the index; the "other"
 * row's from the index's counts by highest row or per-object highest rows
 * (otherRowObjects), NaN from a fold where not known.
 */
function cellMatrixView(ctx: QueryContext, src: CellSource, indicesOf: () => Uint32Array, filter: ObjectFilter, kind: MatrixColumnKind, maxRows: number, maxCols: number): MatrixView {
  const store = ctx.store;
  const sites = ctx.sites();
  const { ids: colIds, names } = columnsOf(store, kind);
  const numSites = sites.numSites;
  const numCols = names.length;
  const kept = keptCells(store, src, filter);
  const columnOf = columnOfCell(store, src.table, kind);
  // Ranking: reads + writes and lines per site and per column.
  const siteRw = new Float64Array(numSites);
  const siteLines = new Float64Array(numSites);
  const colRw = new Float64Array(numCols);
  const colLines = new Float64Array(numCols);
  const S = CELL_SUMS.length;
  const f = src.table.sums;
  for (const c of kept?.cells ?? []) {
    const base = c * S;
    const rw = f[base + kept!.at.reads] + f[base + kept!.at.writes];
    const s = src.site[c];
    const col = columnOf(c);
    siteRw[s] += rw;
    siteLines[s] += f[base + kept!.at.lines];
    colRw[col] += rw;
    colLines[col] += f[base + kept!.at.lines];
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
  // Cells and row totals summed over cells; columns and the total from the objects.
  const sums = new Map<number, CellSums>();
  const sumsAt = (v: number) => {
    let e = sums.get(v);
    if (!e) sums.set(v, (e = new CellSums()));
    return e;
  };
  for (const c of kept?.cells ?? []) {
    const r = rowIx.of[src.site[c]];
    const col = colIx.of[columnOf(c)];
    if (r < 0 || col < 0) continue;
    sumsAt(r * C + col).add(kept!, c);
    sumsAt(rowBase + r).add(kept!, c);
    sumsAt(colBase + col).add(kept!, c);
    sumsAt(total).add(kept!, c);
  }
  const size = total + 1;
  const grid = { reads: new Float64Array(size), writes: new Float64Array(size), lines: new Float64Array(size), objects: new Float64Array(size) };
  for (const [v, e] of sums) {
    grid.reads[v] = e.reads;
    grid.writes[v] = e.writes;
    grid.lines[v] = e.lines;
    grid.objects[v] = e.objects;
  }
  for (let v = colBase; v <= total; v++) grid.objects[v] = 0;
  const index = src.index;
  if (kept && index) {
    // The index counted each group's objects with a line (and with an other-task line): a column's are its kept groups'.
    const keeps = groupFilter(store, filter)!;
    const columnOfGroup = columnOfCell(store, { cellSlab: index.groupSlab, cellType: index.groupType }, kind);
    const counts = filter.otherTasks ? index.groupOtherObjects : index.groupObjects;
    for (let g = 0; g < index.numGroups; g++) {
      if (counts[g] === 0 || !keeps(index.groupSlab[g], index.groupType[g], index.groupFlags[g])) continue;
      const col = colIx.of[columnOfGroup(g)];
      if (col < 0) continue;
      grid.objects[colBase + col] += counts[g];
      grid.objects[total] += counts[g];
    }
  }
  if (kept && !index) {
    // A fold: per object, the kept objects with a counted line, by view column.
    const indices = indicesOf();
    const otherCount = filter.otherTasks ? store.fold!.otherLines.data : null;
    const starts = store.objects.accessStart.data;
    const n = store.numObjects;
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p];
      if (otherCount !== null ? otherCount[i] === 0 : (i + 1 < n ? starts[i + 1] : store.numAccesses) === starts[i]) continue;
      const col = colIx.of[colIds[i]];
      if (col < 0) continue;
      grid.objects[colBase + col]++;
      grid.objects[total]++;
    }
  }
  if (kept && index && rowIx.other) {
    // Several sites share the "other" row, so its cells' objects are not sums of cells.
    for (let col = 0; col < C; col++) grid.objects[(R - 1) * C + col] = 0;
    grid.objects[rowBase + R - 1] = 0;
    // Top rows that are the grid's first R - 1: an object is in "other" when its highest row is past them.
    const prefix = !filter.otherTasks && index.rowCounts !== null && topRows.kept.every((s) => index.gridRow[s] < R - 1);
    if (prefix) {
      const keeps = groupFilter(store, filter)!;
      const columnOfGroup = columnOfCell(store, { cellSlab: index.groupSlab, cellType: index.groupType }, kind);
      const counts = index.rowCounts!;
      for (let g = 0; g < index.numGroups; g++) {
        if (index.groupObjects[g] === 0 || !keeps(index.groupSlab[g], index.groupType[g], index.groupFlags[g])) continue;
        const col = colIx.of[columnOfGroup(g)];
        if (col < 0) continue;
        let n = 0;
        for (let row = R - 1, base = g * index.numSites; row < index.numSites; row++) n += counts[base + row];
        grid.objects[(R - 1) * C + col] += n;
        grid.objects[rowBase + R - 1] += n;
      }
    } else {
      const otherBits = filter.otherTasks ? index.hasOther : null;
      otherRowObjects(
        ctx,
        { objects: indicesOf(), highest: index.highestRow, byObject: true, counted: false, noRow: index.noRow, otherBits, gridRow: index.gridRow },
        rowIx,
        colIx,
        filter.otherTasks,
        kind,
        grid.objects,
      );
    }
  }
  return viewOf(topRows, topCols, (s) => sites.key(s), names, grid);
}

export function foldMatrixView(ctx: QueryContext, indices: Uint32Array, filter: ObjectFilter, kind: MatrixColumnKind, maxRows: number, maxCols: number): MatrixView {
  return cellMatrixView(ctx, foldSource(ctx), () => indices, filter, kind, maxRows, maxCols);
}

/**
 * The Matrix view from a store's index. `indices`: the filter's objects, or
 * how to get them: only an "other" row that the counts by highest row do
 * not decide reads them (so that the whole store's view, or one without
 * "other", filters no object: with other tasks that filter reads every
 * kept object's lines).
 */
export function indexMatrixView(
  ctx: QueryContext,
  cells: SiteCells,
  indices: Uint32Array | (() => Uint32Array),
  filter: ObjectFilter,
  kind: MatrixColumnKind,
  maxRows: number,
  maxCols: number,
): MatrixView {
  return cellMatrixView(ctx, indexSource(cells), typeof indices === 'function' ? indices : () => indices, filter, kind, maxRows, maxCols);
}
