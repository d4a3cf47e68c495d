// The access matrix (CAPMAP): the filtered objects' access lines counted by
// (accessing site, the object's slab cache or alloc type): reads, writes,
// access lines and distinct objects per pair. `kmap matrix` lists every
// pair; the Matrix view shows the top rows and columns by total with an
// "other" row and column, and each row's and column's totals.
//
// Sites are ctx.sites() keys (a function with symbols, else the hex IP).
// With otherTasks only lines whose pid differs from the allocating pid
// count (as in sites.ts). The counting pass over the lines, distinct
// objects included: matrix-grid.ts.

import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS } from '../store/kmap-store.ts';
import { addEntry } from '../store/columns.ts';
import { addExact, compareExact, ExactSum, MAX_EXACT, type Exact } from '../store/exact.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { columnsOf, countGrid, gridRows, otherRowObjects, type Grid } from './matrix-grid.ts';
import type { MatrixColumnKind, MatrixRow } from './types.ts';

/**
 * Reads + writes and access lines per site and per column of the kept
 * objects' counted lines: what the top rows and columns are chosen by.
 * One pass; a column's figures are added once per object.
 */
function siteAndColumnTotals(ctx: QueryContext, indices: Uint32Array, kind: MatrixColumnKind, otherTasks: boolean, numCols: number) {
  const store = ctx.store;
  const sites = ctx.sites();
  const siteOf = sites.siteOf;
  const { ids: colIds } = columnsOf(store, kind);
  const site = new Float64Array(sites.numSites);
  const siteLines = new Float64Array(sites.numSites);
  const col = new Float64Array(numCols);
  const colLines = new Float64Array(numCols);
  const n = store.numObjects;
  const starts = store.objects.accessStart.data;
  const objPid = store.objects.pid.data;
  const accIp = store.accesses.ip.data;
  const accPid = store.accesses.pid.data;
  const accR = store.accesses.reads.data;
  const accW = store.accesses.writes.data;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const start = starts[i];
    const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
    const owner = objPid[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
    let sum = 0;
    let count = 0;
    for (let a = start; a < end; a++) {
      if (otherTasks && (accPid[a] === ACCESS_PID_NONE || accPid[a] === owner)) continue;
      const s = siteOf[accIp[a]];
      const rw = accR[a] + accW[a];
      site[s] += rw;
      siteLines[s]++;
      sum += rw;
      count++;
    }
    col[colIds[i]] += sum;
    colLines[colIds[i]] += count;
  }
  return { site, siteLines, col, colLines };
}

/** Exact reads and writes of the cells whose double sums passed 2^53 - 1 (absurd files only). */
function exactCells(
  ctx: QueryContext,
  indices: Uint32Array,
  kind: MatrixColumnKind,
  otherTasks: boolean,
  cellOf: (site: number, column: number) => number[],
  wanted: Set<number>,
): Map<number, { reads: ExactSum; writes: ExactSum }> {
  const store = ctx.store;
  const out = new Map<number, { reads: ExactSum; writes: ExactSum }>();
  for (const c of wanted) out.set(c, { reads: new ExactSum(), writes: new ExactSum() });
  const siteOf = ctx.sites().siteOf;
  const { ids: colIds } = columnsOf(store, kind);
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const [start, end] = store.accessRange(i);
    const owner = store.objects.pid.data[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
    for (let a = start; a < end; a++) {
      const code = store.accesses.pid.data[a];
      if (otherTasks && (code === ACCESS_PID_NONE || code === owner)) continue;
      for (const cell of cellOf(siteOf[store.accesses.ip.data[a]], colIds[i])) {
        const e = out.get(cell);
        if (!e) continue;
        addEntry(e.reads, store.accesses.reads, a);
        addEntry(e.writes, store.accesses.writes, a);
      }
    }
  }
  return out;
}

/** The exact figure of a cell: its double sum, or the bigint recount when it passed 2^53 - 1. */
function cellValue(grid: Grid, exact: Map<number, { reads: ExactSum; writes: ExactSum }> | null, cell: number, which: 'reads' | 'writes'): Exact {
  const e = exact?.get(cell);
  return e ? e[which].value : grid[which][cell];
}

function needsExact(grid: Grid): Set<number> {
  const out = new Set<number>();
  for (let c = 0; c < grid.reads.length; c++) if (grid.reads[c] > MAX_EXACT || grid.writes[c] > MAX_EXACT) out.add(c);
  return out;
}

const identity = (n: number) => Int32Array.from({ length: n }, (_, k) => k);

/**
 * Cells counted at once (about 64 bytes each at the peak: countGrid's
 * interleaved scratch and the split grid): a grid
 * past this is counted in slices of sites.
 */
const MAX_GRID_CELLS = 1 << 20;

/**
 * Every (site, column) pair with at least one access line, sorted by
 * reads + writes descending, then site, then column (byte order): what
 * `kmap matrix` prints. Grids past MAX_GRID_CELLS are counted in slices of
 * sites, so memory stays bounded with hundreds of thousands of IPs.
 */
export function matrixRows(ctx: QueryContext, indices: Uint32Array, kind: MatrixColumnKind, otherTasks: boolean): MatrixRow[] {
  const store = ctx.store;
  if (otherTasks && LAYOUTS[store.variant ?? 'E'].accessPid === 'none') return [];
  const sites = ctx.sites();
  const { names } = columnsOf(store, kind);
  const numCols = names.length;
  const numSites = sites.numSites;
  const sliceRows = Math.max(1, Math.floor(MAX_GRID_CELLS / Math.max(1, numCols)));
  const rows: MatrixRow[] = [];
  for (let first = 0; first < numSites; first += sliceRows) {
    const count = Math.min(sliceRows, numSites - first);
    const rowOf = new Int32Array(numSites).fill(-1);
    for (let s = 0; s < count; s++) rowOf[first + s] = s;
    const { grid } = countGrid(ctx, indices, kind, otherTasks, rowOf, count, identity(numCols), numCols);
    const big = needsExact(grid);
    const exact = big.size > 0 ? exactCells(ctx, indices, kind, otherTasks, (s, c) => (rowOf[s] < 0 ? [] : [rowOf[s] * numCols + c]), big) : null;
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < numCols; c++) {
        const cell = r * numCols + c;
        if (grid.lines[cell] === 0) continue;
        rows.push({
          site: sites.key(first + r),
          column: names[c],
          reads: cellValue(grid, exact, cell, 'reads'),
          writes: cellValue(grid, exact, cell, 'writes'),
          accessLines: grid.lines[cell],
          objects: grid.objects[cell],
        });
      }
    }
  }
  // Several site ids never share a key (sites.ts), so rows are unique per pair.
  return rows.sort(
    (a, b) => compareExact(addExact(b.reads, b.writes), addExact(a.reads, a.writes)) || compareBytes(a.site, b.site) || compareBytes(a.column, b.column),
  );
}

/** A top-N view of the matrix, as the Matrix view draws it. */
export interface MatrixView {
  /** Row labels (site keys), the top rows by reads + writes; `otherRow` adds a last row for the rest. */
  rows: string[];
  columns: string[];
  otherRow: boolean;
  otherColumn: boolean;
  /** Sites and columns with any access line in all (before the cut). */
  numSites: number;
  numColumns: number;
  /**
   * Cells row-major over (rows + other) x (columns + other), then row
   * totals, column totals and the grand total (countGrid's layout).
   * Doubles: a figure past 2^53 - 1 is near (the CSV download is exact).
   */
  reads: Float64Array;
  writes: Float64Array;
  lines: Float64Array;
  objects: Float64Array;
}

/** A view past this many cells of every site x column (about 64 bytes each at the peak) is counted in two passes. */
const MAX_ONE_PASS_CELLS = 1 << 18;

/**
 * The top `maxRows` sites and `maxCols` columns by reads + writes of the
 * kept objects' lines (then access lines, then name: topKeys), everything
 * else in an "other" row and column; every figure, "other" and totals included, counted exactly.
 * When every site x column cell fits in MAX_ONE_PASS_CELLS, one pass over
 * the lines counts them all (onePassView) and the view is folded from it;
 * otherwise a pass ranks the sites and a second counts the grid with the
 * cut applied (twoPassView).
 */
export function matrixView(ctx: QueryContext, indices: Uint32Array, kind: MatrixColumnKind, otherTasks: boolean, maxRows: number, maxCols: number): MatrixView {
  const numCols = columnsOf(ctx.store, kind).names.length;
  if (otherTasks && LAYOUTS[ctx.store.variant ?? 'E'].accessPid === 'none') return emptyView();
  return ctx.sites().numSites * numCols <= MAX_ONE_PASS_CELLS
    ? onePassView(ctx, indices, kind, otherTasks, maxRows, maxCols)
    : twoPassView(ctx, indices, kind, otherTasks, maxRows, maxCols);
}

function emptyView(): MatrixView {
  return { rows: [], columns: [], otherRow: false, otherColumn: false, numSites: 0, numColumns: 0, reads: new Float64Array(1), writes: new Float64Array(1), lines: new Float64Array(1), objects: new Float64Array(1) };
}

/**
 * The top `limit` keys of `count` with access lines, by reads + writes,
 * then access lines, then name (byte order); `all` counts the keys with
 * lines. Two keys compared apart: folded into one double (rw + lines *
 * 1e-9) the lines stopped counting once reads + writes passed about 2^23.
 */
export function topKeys(count: number, rw: (k: number) => number, lines: (k: number) => number, name: (k: number) => string, limit: number): { kept: number[]; all: number } {
  const ks: number[] = [];
  for (let k = 0; k < count; k++) if (lines(k) > 0) ks.push(k);
  ks.sort((a, b) => rw(b) - rw(a) || lines(b) - lines(a) || compareBytes(name(a), name(b)));
  return { kept: ks.slice(0, limit), all: ks.length };
}

/** Keys -> their row (or column) in the view: kept ones in order, the rest "other" (or -1 without one). */
export function viewIndex(size: number, top: { kept: number[]; all: number }): { of: Int32Array; other: boolean; count: number } {
  const other = top.all > top.kept.length;
  const of = new Int32Array(size).fill(other ? top.kept.length : -1);
  top.kept.forEach((k, v) => (of[k] = v));
  return { of, other, count: top.kept.length + (other ? 1 : 0) };
}

/**
 * One pass counts every site x column cell (countGrid); the view's cells,
 * totals and ranking follow from them, distinct objects included (an
 * object has one column, so the columns' object sets are disjoint), except
 * the distinct objects of the "other" row: one object may reach several of
 * its sites. Those take a second pass over the objects with a counted line
 * (otherRowObjects).
 */
export function onePassView(ctx: QueryContext, indices: Uint32Array, kind: MatrixColumnKind, otherTasks: boolean, maxRows: number, maxCols: number): MatrixView {
  const store = ctx.store;
  const sites = ctx.sites();
  const { names } = columnsOf(store, kind);
  const numSites = sites.numSites;
  const numCols = names.length;
  // Site s is the grid's row row[s] (popular sites first, gridRows()).
  const row = gridRows(ctx);
  const { grid: full, counted, highestRow } = countGrid(ctx, indices, kind, otherTasks, row, numSites, identity(numCols), numCols);
  const fRow = numSites * numCols;
  const fCol = fRow + numSites;
  const fTotal = fCol + numCols;
  const topRows = topKeys(numSites, (s) => full.reads[fRow + row[s]] + full.writes[fRow + row[s]], (s) => full.lines[fRow + row[s]], (s) => sites.key(s), maxRows);
  const topCols = topKeys(numCols, (c) => full.reads[fCol + c] + full.writes[fCol + c], (c) => full.lines[fCol + c], (c) => names[c], maxCols);
  const rowIx = viewIndex(numSites, topRows);
  const colIx = viewIndex(numCols, topCols);
  const R = rowIx.count;
  const C = colIx.count;
  const otherR = rowIx.other ? R - 1 : -1;
  const rowBase = R * C;
  const colBase = rowBase + R;
  const total = colBase + C;
  const size = total + 1;
  const reads = new Float64Array(size);
  const writes = new Float64Array(size);
  const lines = new Float64Array(size);
  const objects = new Float64Array(size);
  for (let s = 0; s < numSites; s++) {
    const r = rowIx.of[s];
    if (r < 0) continue;
    for (let c = 0; c < numCols; c++) {
      const k = colIx.of[c];
      const f = row[s] * numCols + c;
      if (k < 0 || full.lines[f] === 0) continue;
      const v = r * C + k;
      reads[v] += full.reads[f];
      writes[v] += full.writes[f];
      lines[v] += full.lines[f];
      if (r !== otherR) objects[v] += full.objects[f];
    }
    reads[rowBase + r] += full.reads[fRow + row[s]];
    writes[rowBase + r] += full.writes[fRow + row[s]];
    lines[rowBase + r] += full.lines[fRow + row[s]];
    if (r !== otherR) objects[rowBase + r] += full.objects[fRow + row[s]];
  }
  for (let c = 0; c < numCols; c++) {
    const k = colIx.of[c];
    if (k < 0) continue;
    reads[colBase + k] += full.reads[fCol + c];
    writes[colBase + k] += full.writes[fCol + c];
    lines[colBase + k] += full.lines[fCol + c];
    objects[colBase + k] += full.objects[fCol + c];
  }
  reads[total] = full.reads[fTotal];
  writes[total] = full.writes[fTotal];
  lines[total] = full.lines[fTotal];
  objects[total] = full.objects[fTotal];
  if (otherR >= 0) {
    otherRowObjects(ctx, { objects: counted, highest: highestRow, byObject: false, counted: true, noRow: -1, otherBits: null, gridRow: row }, rowIx, colIx, otherTasks, kind, objects);
  }
  return viewOf(topRows, topCols, (s) => sites.key(s), names, { reads, writes, lines, objects });
}

/** The view of a cut (top sites and columns by topKeys) and its counted grid. */
export function viewOf(topRows: { kept: number[]; all: number }, topCols: { kept: number[]; all: number }, siteKey: (s: number) => string, names: readonly string[], grid: Grid): MatrixView {
  return {
    rows: topRows.kept.map(siteKey),
    columns: topCols.kept.map((c) => names[c]),
    otherRow: topRows.all > topRows.kept.length,
    otherColumn: topCols.all > topCols.kept.length,
    numSites: topRows.all,
    numColumns: topCols.all,
    ...grid,
  };
}

/**
 * A pass over the lines ranks the sites and columns (siteAndColumnTotals),
 * a second counts the grid of the top ones with "other" (countGrid with the
 * cut applied): for captures with too many sites x columns to count at once.
 */
export function twoPassView(ctx: QueryContext, indices: Uint32Array, kind: MatrixColumnKind, otherTasks: boolean, maxRows: number, maxCols: number): MatrixView {
  const sites = ctx.sites();
  const { names } = columnsOf(ctx.store, kind);
  const numSites = sites.numSites;
  const numCols = names.length;
  const totals = siteAndColumnTotals(ctx, indices, kind, otherTasks, numCols);
  const topRows = topKeys(numSites, (s) => totals.site[s], (s) => totals.siteLines[s], (s) => sites.key(s), maxRows);
  const topCols = topKeys(numCols, (c) => totals.col[c], (c) => totals.colLines[c], (c) => names[c], maxCols);
  const rowIx = viewIndex(numSites, topRows);
  const colIx = viewIndex(numCols, topCols);
  return viewOf(topRows, topCols, (s) => sites.key(s), names, countGrid(ctx, indices, kind, otherTasks, rowIx.of, rowIx.count, colIx.of, colIx.count).grid);
}
