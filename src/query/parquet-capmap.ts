// The CAPMAP's cells (the capmap table of ./parquet-schema.ts): access lines
// counted by (access function, slab, alloc type) over every line of the
// capture, with their reads, writes and distinct objects.
//
// Two ways count them, and both give the same cells:
// - the accesses' counting sort counts them in its scatter pass
//   (AccessRows.sortedLines, ./parquet-access-rows.ts), where each line's (slab, function) key is
//   at hand: a cell is found from its key through a chain of the key's
//   types, with no Map and no second pass over 21 M lines (on the 1 GB
//   benchmark kmap the separate pass took 0.5 s while DuckDB waited);
// - countCells() below, a Map of cells over the lines in file order, for
//   what the fused count does not take: sums that may pass 2^53 - 1 (kept
//   as bigints), more than a few dozen alloc types (the chain is walked per
//   line), and the radix sort of a key space too large for a count array
//   (hostile files).
//
// Invariants: an object's lines are contiguous in both walks (file order,
// and the sort keeps ties in file order), so a cell counts an object when
// its last-seen object differs; with `exact`, reads and writes are summed as
// doubles (the capture's totals are at most 2^53 - 1, so every cell's is),
// else as bigints.

import type { KmapStore } from '../store/kmap-store.ts';
import type { AccessRowsSource } from './parquet-access-source.ts';
import { MAX_EXACT } from '../store/exact.ts';

export class CapmapCells {
  readonly fn: number[] = [];
  readonly slab: number[] = [];
  readonly type: number[] = [];
  readonly reads: number[] = [];
  readonly writes: number[] = [];
  readonly readsBig: bigint[] = [];
  readonly writesBig: bigint[] = [];
  readonly lines: number[] = [];
  readonly objects: number[] = [];
  readonly lastObj: number[] = [];

  constructor(readonly exact: boolean) {}

  get size(): number {
    return this.fn.length;
  }

  /** A new empty cell for (site, slab id, type id); its index. */
  open(site: number, slab: number, type: number): number {
    this.fn.push(site);
    this.slab.push(slab);
    this.type.push(type);
    this.reads.push(0);
    this.writes.push(0);
    this.readsBig.push(0n);
    this.writesBig.push(0n);
    this.lines.push(0);
    this.objects.push(0);
    this.lastObj.push(-1);
    return this.fn.length - 1;
  }

  /** Counts one line of object obj into cell c (exact cells only). */
  add(c: number, obj: number, reads: number, writes: number): void {
    this.reads[c] += reads;
    this.writes[c] += writes;
    this.countLine(c, obj);
  }

  /** Counts one line of object obj into cell c, its sums as bigints. */
  addBig(c: number, obj: number, reads: bigint, writes: bigint): void {
    this.readsBig[c] += reads;
    this.writesBig[c] += writes;
    this.countLine(c, obj);
  }

  /** The line, and its object when the cell's last line was another object's. */
  private countLine(c: number, obj: number): void {
    this.lines[c]++;
    if (this.lastObj[c] !== obj) {
      this.lastObj[c] = obj;
      this.objects[c]++;
    }
  }

  /** The cells in the capmap's row order: slab rank, then site rank, then type id (slabRank null: no slab). */
  order(slabRank: Uint32Array | null, siteRank: Uint32Array): number[] {
    const { fn, slab, type } = this;
    return fn.map((_, c) => c).sort((a, b) => (slabRank ? slabRank[slab[a]] - slabRank[slab[b]] : 0) || siteRank[fn[a]] - siteRank[fn[b]] || type[a] - type[b]);
  }
}

/** Whether the fused count may sum this capture's reads and writes as doubles. */
export function exactSums(s: KmapStore): boolean {
  return !s.accesses.reads.wide && !s.accesses.writes.wide && s.readsNear <= MAX_EXACT && s.writesNear <= MAX_EXACT;
}

/**
 * The cells counted over the lines in file order with a Map (any capture).
 * A cell's key is a number while (site, slab, type) fits 2^53; a hostile
 * file with a million of each falls back to string keys.
 */
export function countCells(src: AccessRowsSource): CapmapCells {
  const hasSlab = src.slabRank !== null;
  const hasType = src.hasType;
  const numSlabs = Math.max(1, src.slabRank?.length ?? 1);
  const numTypes = Math.max(1, src.numTypes);
  const numeric = Math.max(1, src.siteRank.length) * numSlabs * numTypes <= MAX_EXACT;
  const cells = new CapmapCells(src.exactSums);
  const cellOf = new Map<number | string, number>();
  const { ip: ipIds, reads: r, writes: w, readsWide, writesWide, siteOf, accessStart: starts } = src;
  const n = src.numObjects;
  for (let i = 0; i < n; i++) {
    const ls = starts[i];
    const le = i + 1 < n ? starts[i + 1] : src.numAccesses;
    const slabId = hasSlab ? src.slab[i] : 0;
    const typeId = hasType ? src.type[i] : 0;
    const group = slabId * numTypes + typeId;
    for (let j = ls; j < le; j++) {
      const site = siteOf[ipIds[j]];
      const key = numeric ? site * numSlabs * numTypes + group : `${site},${slabId},${typeId}`;
      let c = cellOf.get(key);
      if (c === undefined) {
        c = cells.open(site, slabId, typeId);
        cellOf.set(key, c);
      }
      if (cells.exact) cells.add(c, i, r[j], w[j]);
      else cells.addBig(c, i, readsWide?.get(j) ?? BigInt(r[j]), writesWide?.get(j) ?? BigInt(w[j]));
    }
  }
  return cells;
}
