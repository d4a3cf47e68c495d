// The objects of a loaded store summed by cell of (alloc type, slab cache,
// alloc IP, live or freed, sentinel alloc IP or not): objects, bytes, access
// lines, reads and writes. A filter on caches, types, live or freed and
// sentinels keeps whole cells (the groups of site-cells.ts, split by alloc
// IP), so the Breakdown by type, cache or site, the Breakdown chart's
// (type, cache, site) cells and the summary's totals are sums over the cells
// it keeps, in time proportional to the cells: a few tens of thousands where
// the objects are millions (each of those otherwise reads every kept object:
// 30-120 ms at 9.9 M objects, before the filter itself).
//
// Built once per context, in steps of objects, by the data worker's warm-up
// after a load (warmObjectCells), from the per-object sums (object-sums.ts)
// and, where the warm-up has made them first, the quality codes (quality.ts);
// a question that needs it first has the rest built at once. An object's
// cell is found through its alloc IP (a chain of the IP's cells: an IP
// allocates from one cache and type, so the chains are short). Given up
// (`usable` false, its arrays let go) past MAX_CELL_SHARE of the objects, where
// the cells would save little.
//
// Figures are summed in doubles; any figure of an answer past 2^53 - 1
// (absurd files) makes the answer null, and the caller reads the objects,
// which sum such figures exactly.
//
// Each cell also counts its objects' lifetimes as the Lifetimes view's
// histogram does (lifetime-charts.ts: objects and bytes per bucket slot,
// live, freed before their alloc index), and their quality codes' parts
// that the cell's key does not decide (quality.ts: the free-IP flag or
// live, the access flag), while there are at most HIST_MAX_CELLS cells:
// about 1.2 KB a cell. Past that those counts are let go (the cells stay)
// and the Lifetimes and Quality views read the objects.

import { LAYOUTS } from '../format/variants.ts';
import { GROUP_LIVE, GROUP_SENTINEL } from '../store/access-fold.ts';
import { resized } from '../store/columns.ts';
import { MAX_EXACT } from '../store/exact.ts';
import type { QueryContext } from './context.ts';
import { sentinelIpMask } from './filter.ts';
import { HISTOGRAM_BUCKETS } from './lifetime-charts.ts';
import { LIVE_SLOT, slotOf } from './lifetimes.ts';
import { objectSums } from './object-sums.ts';
import { QUALITY_PARTS, QualityCoder, qualityCodesIfMade } from './quality.ts';

/** The figures of a cell, in this order in `sums`. */
export const OBJECT_CELL_SUMS = ['objects', 'bytes', 'lines', 'reads', 'writes'] as const;
const S = OBJECT_CELL_SUMS.length;
/** Cells past this share of the objects: given up. */
const MAX_CELL_SHARE = 1 / 4;
/** Cells always allowed (a small store). */
const MIN_CELL_CAP = 1 << 12;
/** Cells with lifetime and quality counts: past this many, those are let go. */
const HIST_MAX_CELLS = 1 << 12;
const B = HISTOGRAM_BUCKETS;
/** Lifetime figures a cell: objects per bucket slot, bytes per bucket slot, live, inconsistent (LIFE_LIVE, LIFE_INCONSISTENT). */
export const LIFE_STRIDE = 2 * B + 2;
const L = LIFE_STRIDE;
export const LIFE_LIVE = 2 * B;
export const LIFE_INCONSISTENT = 2 * B + 1;

export class ObjectCells {
  /** The store's size it sums (objects:lines). */
  readonly stamp: string;
  usable = true;
  numCells = 0;
  /** Per cell: its type id, slab id (0 where the variant lacks them), alloc IP id and flags (GROUP_LIVE, GROUP_SENTINEL). */
  cellType = new Uint32Array(256);
  cellSlab = new Uint32Array(256);
  cellIp = new Uint32Array(256);
  cellFlags = new Uint8Array(256);
  /** S figures a cell (OBJECT_CELL_SUMS). */
  sums = new Float64Array(256 * S);
  /**
   * L lifetime figures a cell (objects at slot, bytes at B + slot, then
   * LIFE_LIVE, LIFE_INCONSISTENT); null without indices in the variant,
   * past HIST_MAX_CELLS cells, or once the cells are given up. Like the
   * rest of the cells, not counted in QueryContext.heldBytes until complete.
   */
  life: Float64Array | null;
  /** QUALITY_PARTS counts a cell (its objects by QualityCoder.parts); null past HIST_MAX_CELLS cells or once given up. */
  quality: Float64Array | null = new Float64Array(256 * QUALITY_PARTS);
  /** Objects summed: [0, next). */
  private next = 0;
  /** Cell + 1 of each alloc IP's first cell (0: none), and the next cell of the same IP (+ 1). */
  private firstOfIp: Int32Array;
  private nextOfCell = new Int32Array(256);
  private readonly sentinel: Uint8Array;
  private readonly maxCells: number;

  private readonly maxLifeCells: number;
  /** The quality parts of each object where the codes are not made: made once (the store's size is this one's). */
  private coder: QualityCoder | null = null;

  /** `maxCells`, `maxLifeCells`: the caps, for the tests (else MAX_CELL_SHARE of the objects, at least MIN_CELL_CAP; HIST_MAX_CELLS for the lifetime and quality counts). */
  constructor(
    private readonly ctx: QueryContext,
    maxCells?: number,
    maxLifeCells = HIST_MAX_CELLS,
  ) {
    const store = ctx.store;
    this.stamp = `${store.numObjects}:${store.numAccesses}`;
    this.maxLifeCells = maxLifeCells;
    this.life = LAYOUTS[store.variant ?? 'E'].hasIndices ? new Float64Array(256 * L) : null;
    this.firstOfIp = new Int32Array(store.ips.size);
    this.sentinel = sentinelIpMask(store);
    this.maxCells = maxCells ?? Math.max(MIN_CELL_CAP, store.numObjects * MAX_CELL_SHARE);
  }

  get done(): boolean {
    return !this.usable || this.next >= this.ctx.store.numObjects;
  }

  /** Objects not summed yet (0 once done). */
  get objectsToGo(): number {
    return this.done ? 0 : this.ctx.store.numObjects - this.next;
  }

  /** Sums the next `count` objects (at most: to the last); true once every object is. */
  step(count: number): boolean {
    if (this.done) return true;
    const store = this.ctx.store;
    const layout = LAYOUTS[store.variant ?? 'E'];
    const { lines, reads, writes } = objectSums(this.ctx);
    const o = store.objects;
    const type = layout.hasType ? o.type.data : null;
    const slab = layout.hasSlab ? o.slab.data : null;
    const ip = o.allocIp.data;
    const size = o.size.data;
    const alloc = o.allocIndex.data;
    const free = o.freeIndex.data;
    const sentinel = this.sentinel;
    // The parts from the codes where the warm-up has made them (it makes them first), else each object's own.
    const codes = qualityCodesIfMade(this.ctx);
    const coder = codes === null && this.quality !== null ? (this.coder ??= new QualityCoder(this.ctx)) : null;
    const to = Math.min(store.numObjects, this.next + count);
    for (let i = this.next; i < to; i++) {
      const t = type ? type[i] : 0;
      const sl = slab ? slab[i] : 0;
      const a = ip[i];
      const flags = (store.isLive(i) ? GROUP_LIVE : 0) | (sentinel[a] === 1 ? GROUP_SENTINEL : 0);
      let c = this.firstOfIp[a] - 1;
      while (c >= 0 && (this.cellType[c] !== t || this.cellSlab[c] !== sl || this.cellFlags[c] !== flags)) c = this.nextOfCell[c] - 1;
      if (c < 0) {
        c = this.newCell(t, sl, a, flags);
        if (c < 0) return true; // given up
      }
      const at = c * S;
      const sums = this.sums;
      sums[at] += 1;
      sums[at + 1] += size[i];
      sums[at + 2] += lines[i];
      sums[at + 3] += reads[i];
      sums[at + 4] += writes[i];
      const life = this.life;
      if (life !== null) {
        const slot = slotOf(store, i, alloc[i], free[i]);
        const base = c * L;
        if (slot >= 0) {
          life[base + slot]++;
          life[base + B + slot] += size[i];
        } else life[base + (slot === LIVE_SLOT ? LIFE_LIVE : LIFE_INCONSISTENT)]++;
      }
      const quality = this.quality;
      if (quality !== null) quality[c * QUALITY_PARTS + (codes !== null ? QualityCoder.partsOf(codes[i]) : coder!.parts(i))]++;
    }
    this.next = to;
    if (this.done) this.firstOfIp = this.nextOfCell = new Int32Array(0); // only the build reads them
    return this.done;
  }

  private newCell(type: number, slab: number, ip: number, flags: number): number {
    const c = this.numCells;
    if (c >= this.maxCells) {
      this.abandon();
      return -1;
    }
    if (c >= this.maxLifeCells) this.life = this.quality = null;
    if (c === this.cellType.length) {
      const n = c * 2;
      this.cellType = resized(this.cellType, n);
      this.cellSlab = resized(this.cellSlab, n);
      this.cellIp = resized(this.cellIp, n);
      this.cellFlags = resized(this.cellFlags, n);
      this.nextOfCell = resized(this.nextOfCell, n);
      this.sums = resized(this.sums, n * S);
      if (this.life !== null) this.life = resized(this.life, n * L);
      if (this.quality !== null) this.quality = resized(this.quality, n * QUALITY_PARTS);
    }
    this.cellType[c] = type;
    this.cellSlab[c] = slab;
    this.cellIp[c] = ip;
    this.cellFlags[c] = flags;
    // The IP's chain: newest first.
    this.nextOfCell[c] = this.firstOfIp[ip];
    this.firstOfIp[ip] = c + 1;
    this.numCells++;
    return c;
  }

  /** Given up: every array let go; the queries read the objects. */
  private abandon(): void {
    this.usable = false;
    this.numCells = 0;
    this.cellType = this.cellSlab = this.cellIp = new Uint32Array(0);
    this.cellFlags = new Uint8Array(0);
    this.sums = new Float64Array(0);
    this.life = this.quality = null;
    this.firstOfIp = this.nextOfCell = new Int32Array(0);
  }

  /** Bytes held (QueryContext.heldBytes). */
  heldBytes(): number {
    return this.cellType.byteLength + this.cellSlab.byteLength + this.cellIp.byteLength + this.cellFlags.byteLength + this.sums.byteLength + (this.life?.byteLength ?? 0) + (this.quality?.byteLength ?? 0) + this.firstOfIp.byteLength + this.nextOfCell.byteLength;
  }

  /** Figure k (OBJECT_CELL_SUMS) of cell c. */
  sum(c: number, k: number): number {
    return this.sums[c * S + k];
  }
}

/** Cells begun in steps, per context (once done, the context's memo). */
const begun = new WeakMap<QueryContext, ObjectCells>();

function cellsOf(ctx: QueryContext): ObjectCells {
  let cells = begun.get(ctx);
  const store = ctx.store;
  if (!cells || cells.stamp !== `${store.numObjects}:${store.numAccesses}`) {
    cells = new ObjectCells(ctx);
    begun.set(ctx, cells);
  }
  return cells;
}

/** The context's object cells, complete (the rest of a warm-up summed at once). */
export function objectCells(ctx: QueryContext): ObjectCells {
  return ctx.memo('objectCells', () => {
    const cells = cellsOf(ctx);
    cells.step(Number.POSITIVE_INFINITY);
    return cells;
  });
}

/** Objects the context's cells have still to sum: every object before they began, 0 once complete (or given up). */
export function objectCellsToGo(ctx: QueryContext): number {
  const cells = begun.get(ctx);
  const store = ctx.store;
  return cells && cells.stamp === `${store.numObjects}:${store.numAccesses}` ? cells.objectsToGo : store.numObjects;
}

/** Sums the next `count` objects of the context's object cells; true once they are complete (and the context's memo). */
export function warmObjectCells(ctx: QueryContext, count: number): boolean {
  if (!cellsOf(ctx).step(count)) return false;
  objectCells(ctx);
  return true;
}

/** Whether every value is at most 2^53 - 1, so that the doubles summed are exact. */
export function allExact(...values: number[]): boolean {
  for (const v of values) if (!(v <= MAX_EXACT)) return false;
  return true;
}
