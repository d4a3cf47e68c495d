// The access matrix's counting pass: the kept objects' access lines counted
// into a grid of (site row) x (column) cells, with each row's and column's
// totals. matrix.ts chooses the rows and columns (every site for `kmap
// matrix`, the top ones and "other" for the Matrix view) and reads the grid.
//
// Distinct objects: an object has one column, and its lines are contiguous,
// so a cell counts an object when its row's last-seen object differs;
// per-object site sets are not needed, except for a view's "other" row,
// which several sites share (otherRowObjects, decided mostly by each
// object's highest grid row: gridRows).

import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { linePass, LinePass } from './line-passes.ts';
import type { SiteKeys } from './site-keys.ts';
import type { MatrixColumnKind } from './types.ts';

/** The column id of each object and the column names ('' for all when the variant lacks the field). */
export function columnsOf(store: KmapStore, kind: MatrixColumnKind): { ids: ArrayLike<number>; names: readonly string[] } {
  const layout = LAYOUTS[store.variant ?? 'E'];
  if (kind === 'slab' ? !layout.hasSlab : !layout.hasType) return { ids: new Uint8Array(store.numObjects), names: [''] };
  return kind === 'slab' ? { ids: store.objects.slab.data, names: store.slabs.names() } : { ids: store.objects.type.data, names: store.types.names() };
}

/**
 * Counts over a grid of rowOf(site) x colOf(column) cells (-1 skips), plus
 * each row's and column's totals and the grand total, with distinct objects
 * exact everywhere. Cell (r, c) is at r * numCols + c; row totals at
 * numRows * numCols + r, column totals after those, the grand total last.
 */
export interface Grid {
  reads: Float64Array;
  writes: Float64Array;
  lines: Float64Array;
  objects: Float64Array;
}

/**
 * A counted grid; the kept objects with a counted line, in the order met,
 * and beside each the highest row any of its counted lines fell in (views
 * of scratch: read them before the next query).
 */
export interface CountedGrid {
  grid: Grid;
  counted: Uint32Array;
  highestRow: Int32Array;
}

/**
 * One pass over the kept objects' lines into the cells; the totals are then
 * summed from the cells, except distinct objects of a column (and of all),
 * which are the objects of that column with a counted line: an object has
 * one column, so a row's distinct objects are the sum over its cells, but a
 * column's are not the sum over its rows (one object, several sites).
 */
export function countGrid(
  ctx: QueryContext,
  indices: Uint32Array,
  kind: MatrixColumnKind,
  otherTasks: boolean,
  rowOfSite: Int32Array,
  numRows: number,
  colOfColumn: Int32Array,
  numCols: number,
): CountedGrid {
  const store = ctx.store;
  const siteOf = ctx.sites().siteOf;
  const { ids: colIds } = columnsOf(store, kind);
  const numCells = numRows * numCols + numRows + numCols + 1;
  // Counted interleaved (reads, writes, lines, objects of a cell side by
  // side: one cache line per line counted, not four), then split.
  const acc = ctx.scratch.f64('countGrid.acc', numRows * numCols * 4);
  // Row of each IP id: one load a line instead of two dependent ones.
  const rowOfIp = new Int32Array(siteOf.length);
  for (let ip = 0; ip < siteOf.length; ip++) rowOfIp[ip] = rowOfSite[siteOf[ip]];
  // The last object counted in each row: an object's lines all fall in its
  // one column, so a new (row, object) pair is a new object of the cell.
  // Per row, not per cell: a few kB that stay in the first-level cache.
  const lastObj = new Int32Array(numRows).fill(-1);
  const colObjects = new Float64Array(numCols);
  const n = store.numObjects;
  const starts = store.objects.accessStart.data;
  const objPid = store.objects.pid.data;
  const accIp = store.accesses.ip.data;
  const accPid = store.accesses.pid.data;
  const accR = store.accesses.reads.data;
  const accW = store.accesses.writes.data;
  // The kept objects with a counted line and their highest row (onePassView's
  // second pass visits only these: about half the objects have no line).
  const counted = ctx.scratch.u32('countGrid.counted', indices.length, false);
  const highestRow = ctx.scratch.i32('countGrid.highestRow', indices.length, false);
  let numCounted = 0;
  const numAccesses = store.numAccesses;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const start = starts[i];
    const end = i + 1 < n ? starts[i + 1] : numAccesses;
    if (start === end) continue;
    const c = colOfColumn[colIds[i]];
    if (c < 0) continue;
    const strip = c * numRows;
    let highest = -1;
    // The same loop twice, with and without the other-tasks test, so that
    // the common case tests nothing per line beyond its row.
    if (otherTasks) {
      const owner = objPid[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
      for (let a = start; a < end; a++) {
        if (accPid[a] === ACCESS_PID_NONE || accPid[a] === owner) continue;
        const r = rowOfIp[accIp[a]];
        if (r < 0) continue;
        const at = (strip + r) << 2;
        acc[at] += accR[a];
        acc[at + 1] += accW[a];
        acc[at + 2]++;
        if (lastObj[r] !== i) {
          lastObj[r] = i;
          acc[at + 3]++;
        }
        highest = Math.max(highest, r);
      }
    } else {
      for (let a = start; a < end; a++) {
        const r = rowOfIp[accIp[a]];
        if (r < 0) continue;
        // Column-major while counting: an object's lines stay in its column's strip.
        const at = (strip + r) << 2;
        acc[at] += accR[a];
        acc[at + 1] += accW[a];
        acc[at + 2]++;
        if (lastObj[r] !== i) {
          lastObj[r] = i;
          acc[at + 3]++;
        }
        highest = Math.max(highest, r);
      }
    }
    if (highest >= 0) {
      colObjects[c]++;
      highestRow[numCounted] = highest;
      counted[numCounted++] = i;
    }
  }
  const grid: Grid = {
    reads: new Float64Array(numCells),
    writes: new Float64Array(numCells),
    lines: new Float64Array(numCells),
    objects: new Float64Array(numCells),
  };
  const { reads, writes, lines, objects } = grid;
  for (let r = 0; r < numRows; r++) {
    for (let c = 0; c < numCols; c++) {
      const cell = r * numCols + c;
      const at = (c * numRows + r) << 2;
      reads[cell] = acc[at];
      writes[cell] = acc[at + 1];
      lines[cell] = acc[at + 2];
      objects[cell] = acc[at + 3];
    }
  }
  const rowBase = numRows * numCols;
  const colBase = rowBase + numRows;
  const total = colBase + numCols;
  objects.set(colObjects, colBase);
  for (let r = 0; r < numRows; r++) {
    for (let c = 0; c < numCols; c++) {
      const cell = r * numCols + c;
      reads[rowBase + r] += reads[cell];
      writes[rowBase + r] += writes[cell];
      lines[rowBase + r] += lines[cell];
      objects[rowBase + r] += objects[cell];
      reads[colBase + c] += reads[cell];
      writes[colBase + c] += writes[cell];
      lines[colBase + c] += lines[cell];
    }
  }
  for (let c = 0; c < numCols; c++) {
    reads[total] += reads[colBase + c];
    writes[total] += writes[colBase + c];
    lines[total] += lines[colBase + c];
    objects[total] += objects[colBase + c];
  }
  return { grid, counted: counted.subarray(0, numCounted), highestRow: highestRow.subarray(0, numCounted) };
}

/**
 * Each site's row in the one-pass grid: the sites in the order of the
 * Matrix view's top rows over the whole store (reads + writes, then access
 * lines, most first, then key: topKeys' order). The top rows of a view are
 * then mostly the grid's first rows (for the whole store exactly those), and
 * the "other" row's pass (otherRowObjects) decides most objects by the
 * highest grid row of their lines alone. Only that pass's speed depends on
 * the order, never a count: rows from an older store (a file still loading)
 * are as right: the rows made are kept per SiteKeys (new IPs or new
 * symbols make a new one), so a file that loads makes them again only when
 * it has new IPs. One pass over the lines, made in turns by the site
 * index's warm-up (line-passes.ts).
 */
class GridRowsPass extends LinePass<Int32Array> {
  /** Per IP: reads + writes and lines, until finish() ranks the sites by them. */
  private rwPerIp = new Float64Array(this.store.ips.size);
  private linesPerIp = new Float64Array(this.store.ips.size);

  constructor(private readonly ctx: QueryContext) {
    super(ctx.store);
  }

  protected visit(from: number, to: number): void {
    const ip = this.store.accesses.ip.data;
    const r = this.store.accesses.reads.data;
    const w = this.store.accesses.writes.data;
    const rwPerIp = this.rwPerIp;
    const linesPerIp = this.linesPerIp;
    for (let a = from; a < to; a++) {
      rwPerIp[ip[a]] += r[a] + w[a];
      linesPerIp[ip[a]]++;
    }
  }

  protected finish(): Int32Array {
    const sites = this.ctx.sites();
    const { rwPerIp, linesPerIp } = this;
    this.rwPerIp = this.linesPerIp = new Float64Array(0);
    const rw = new Float64Array(sites.numSites);
    const lines = new Float64Array(sites.numSites);
    for (let i = 0; i < rwPerIp.length; i++) {
      rw[sites.siteOf[i]] += rwPerIp[i];
      lines[sites.siteOf[i]] += linesPerIp[i];
    }
    const keys = Array.from({ length: sites.numSites }, (_, s) => sites.key(s));
    const order = Array.from({ length: sites.numSites }, (_, s) => s).sort((x, y) => rw[y] - rw[x] || lines[y] - lines[x] || compareBytes(keys[x], keys[y]));
    const rows = new Int32Array(sites.numSites);
    order.forEach((s, row) => (rows[s] = row));
    return rows;
  }
}

/** The context's pass for gridRows, begun now if it was not (the site index's warm-up makes it in turns). */
export function gridRowsPass(ctx: QueryContext): LinePass<Int32Array> {
  return linePass(ctx, 'gridRows', (c) => new GridRowsPass(c));
}

/** The last rows made for each SiteKeys: a store that grew without new IPs (a file loading) keeps them. */
const gridRowsBySites = new WeakMap<SiteKeys, Int32Array>();

export function gridRows(ctx: QueryContext): Int32Array {
  const sites = ctx.sites();
  const known = gridRowsBySites.get(sites);
  if (known) return known;
  const rows = gridRowsPass(ctx).result();
  gridRowsBySites.set(sites, rows);
  return rows;
}

/** What otherRowObjects decides objects by. */
export interface OtherRowInput {
  /** The candidates: kept objects (some may have no counted line). */
  objects: Uint32Array;
  /** The highest grid row (gridRows) of each candidate's lines: by position in `objects`, or by object id when `byObject`. */
  highest: ArrayLike<number>;
  byObject: boolean;
  /** Whether `highest` is over the counted lines only (else over all lines: an upper bound of the counted ones). */
  counted: boolean;
  /** `highest` of an object without lines (skipped); -1 when every candidate has a counted line. */
  noRow: number;
  /** With other tasks: a bit per object id that has an other-task line (the others are skipped); null: read the lines. */
  otherBits: Uint32Array | null;
  /** Site id -> grid row: what `highest` counts in (gridRows). */
  gridRow: Int32Array;
}

/**
 * The distinct objects of the view's "other" row, per view column, added to
 * `objects` (countGrid's layout: cells row-major, then row totals): one
 * object may reach several "other" sites, so they are not a sum of cells.
 * Each candidate is decided by the highest grid row of its lines where it
 * can be: below every "other" row, all its sites are top rows; on an
 * "other" row (of a counted line), it has a counted line there. Only an
 * object whose highest row is a top row above an "other" one (or an
 * "other" one that may not be counted) has its lines read, until the first
 * counted line on an "other" site. With grid rows in the order of the
 * sites' lines, the top rows are mostly the first ones, and few objects are
 * read.
 */
export function otherRowObjects(
  ctx: QueryContext,
  input: OtherRowInput,
  rowIx: { of: Int32Array; count: number },
  colIx: { of: Int32Array; count: number },
  otherTasks: boolean,
  kind: MatrixColumnKind,
  objects: Float64Array,
): void {
  const store = ctx.store;
  const sites = ctx.sites();
  const siteOf = sites.siteOf;
  const numSites = sites.numSites;
  const { ids: colIds } = columnsOf(store, kind);
  const R = rowIx.count;
  const C = colIx.count;
  const otherR = R - 1;
  const rowBase = R * C;
  const { objects: objs, highest, byObject, counted, noRow, otherBits, gridRow: row } = input;
  const n = store.numObjects;
  const starts = store.objects.accessStart.data;
  const objPid = store.objects.pid.data;
  const accIp = store.accesses.ip.data;
  const accPid = store.accesses.pid.data;
  // Whether each IP id's site is in the "other" row: one load a line.
  const otherIp = new Uint8Array(siteOf.length);
  for (let ip = 0; ip < siteOf.length; ip++) otherIp[ip] = rowIx.of[siteOf[ip]] === otherR ? 1 : 0;
  // The same by grid row, and the lowest grid row in "other" (numSites when none).
  const otherGridRow = new Uint8Array(numSites);
  let lowestOther = numSites;
  for (let s = 0; s < numSites; s++) {
    if (rowIx.of[s] !== otherR) continue;
    otherGridRow[row[s]] = 1;
    lowestOther = Math.min(lowestOther, row[s]);
  }
  for (let p = 0; p < objs.length; p++) {
    const i = objs[p];
    const m = highest[byObject ? i : p];
    if (m < lowestOther || m === noRow) continue;
    if (otherBits !== null && (otherBits[i >>> 5] & (1 << (i & 31))) === 0) continue;
    const k = colIx.of[colIds[i]];
    if (k < 0) continue;
    if (otherGridRow[m] === 1 && (counted || !otherTasks)) {
      objects[otherR * C + k]++;
      continue;
    }
    const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
    const owner = objPid[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
    for (let a = starts[i]; a < end; a++) {
      if (otherIp[accIp[a]] === 0) continue;
      if (otherTasks && (accPid[a] === ACCESS_PID_NONE || accPid[a] === owner)) continue;
      objects[otherR * C + k]++;
      break;
    }
  }
  objects[rowBase + otherR] = 0;
  for (let k = 0; k < C; k++) objects[rowBase + otherR] += objects[otherR * C + k];
}
