// The capmap of a capture written in slices (format/kmap-slicer.ts): each
// slice's capmap block (ParquetTables.capmapBlock) merged into the one the
// whole capture's store gives, row for row and in its order.
//
// Why merging by names is exact:
// - a cell is (access_fn, slab, alloc_type); its names are the same in every
//   slice, its ids are not (each slice interns its own);
// - reads, writes and access lines add up;
// - an object lies in one slice (a slice holds whole objects), so a cell's
//   distinct objects add up too;
// - the whole capmap's order is slab, then access_fn (byte order of names,
//   which ids do not change), then the alloc type's id: its first appearance
//   in the file, which is the slices' types in slice order, each slice's in
//   its own id order (the rule of the parallel parse's stitch,
//   store/store-parts.ts).
// Sums are added exactly (each slice's cells' exact sums: AccessRows.capmapSums),
// so a merged sum past 2^64 - 1 is written as its low 64 bits and counted
// once, as the whole capture's capmap counts it. Memory: each slice is folded
// into the cells as it comes (the cells and names are the capture's, not
// the file's), and only the first block is kept, for a capture of one slice.

import { compareBytes } from './compare.ts';
import { PARQUET_COLUMNS, type BlockColumn, type TableBlock } from './parquet-schema.ts';
import { putBig, putNumber } from './parquet-words.ts';

const DEFS = PARQUET_COLUMNS.capmap;
const col = (name: string) => DEFS.findIndex((d) => d.name === name);
const FN = col('access_fn');
const SLAB = col('slab');
const TYPE = col('alloc_type');
const SUMS = [col('reads'), col('writes')];
const COUNTS = [col('access_lines'), col('objects')];

/** A 64-bit word pair of a BIGINT column at row r. */
function word(data: Uint32Array | Uint8Array, r: number): bigint {
  return (BigInt(data[2 * r + 1]) << 32n) | BigInt(data[2 * r]);
}

interface Cell {
  readonly fn: string;
  /** null where the variant has no slab (or alloc type). */
  readonly slab: string | null;
  readonly type: string | null;
  readonly sums: bigint[];
  readonly counts: number[];
}

export class CapmapMerge {
  /** The first slice's block and its wraps: the capmap itself when it is the only slice. */
  private first: { block: TableBlock; wrapped: number } | null = null;
  private slices = 0;
  /** Every slice so far came with its exact sums. */
  private exact = true;
  /**
   * Each string column's dictionary (access_fn, slab, alloc_type: name -> id),
   * the slices' dictionaries joined in slice order, each name at its first
   * appearance: the whole store's table, by the stitch's rule (the same
   * dictionaries, ids and all).
   */
  private readonly dicts = [FN, SLAB, TYPE].map(() => new Map<string, number>());
  /** The cells so far, by (access_fn, slab, alloc_type); a slice is folded in as it comes, then let go. */
  private readonly cells = new Map<string, Cell>();

  /**
   * The next slice's capmap, in file order, with its sums exactly (in its
   * row order) and how many of them wrapped in the slice. Without the exact
   * sums (null) a capture can only be one slice: the block's 64-bit words
   * have lost what passed 2^64 - 1.
   */
  add(block: TableBlock, exact: { reads: bigint[]; writes: bigint[] } | null, wrapped: number): void {
    if (this.slices++ === 0) this.first = { block, wrapped };
    else if (!exact || !this.exact) throw new Error('capmap merge: slices after the first need their exact sums (ParquetTables.capmapSums)');
    this.exact &&= exact !== null;
    [FN, SLAB, TYPE].forEach((c, k) => {
      for (const name of block.columns[c].dict ?? []) if (!this.dicts[k].has(name)) this.dicts[k].set(name, this.dicts[k].size);
    });
    const name = (c: number, r: number) => (block.columns[c].nulls?.[r] ? null : block.columns[c].dict![block.columns[c].data[r]]);
    for (let r = 0; r < block.numRows; r++) {
      const fn = name(FN, r)!;
      const slab = name(SLAB, r);
      const type = name(TYPE, r);
      // null is a mark of its own, apart from any name.
      const key = `${fn}\0${slab ?? '\u0001null'}\0${type ?? '\u0001null'}`;
      let cell = this.cells.get(key);
      if (!cell) {
        cell = { fn, slab, type, sums: SUMS.map(() => 0n), counts: COUNTS.map(() => 0) };
        this.cells.set(key, cell);
      }
      const sums = exact ? [exact.reads[r], exact.writes[r]] : SUMS.map((c) => word(block.columns[c].data, r));
      sums.forEach((v, k) => (cell.sums[k] += v));
      COUNTS.forEach((c, k) => (cell.counts[k] += Number(word(block.columns[c].data, r))));
    }
  }

  /** The capture's capmap and how many of its sums passed 2^64 - 1 (with one slice: its block and count as they are). */
  result(): { block: TableBlock; wrapped: number } {
    if (!this.first) throw new Error('capmap merge: no slice');
    if (this.slices === 1) return this.first;
    const typeIds = this.dicts[2];
    const rank = (t: string | null) => (t === null ? 0 : typeIds.get(t)!);
    const order = [...this.cells.values()].sort((a, b) => compareBytes(a.slab ?? '', b.slab ?? '') || compareBytes(a.fn, b.fn) || rank(a.type) - rank(b.type));
    let wrapped = 0;
    for (const cell of order) for (const v of cell.sums) if (v > 0xffffffffffffffffn) wrapped++;
    return { block: this.block(order), wrapped };
  }

  /** The cells, in order, as a block whose string columns use these dictionaries (name -> id). */
  private block(order: readonly Cell[]): TableBlock {
    const [fnIds, slabIds, typeIds] = this.dicts;
    const n = order.length;
    const fn = new Uint32Array(n);
    const slab = new Uint32Array(n);
    const type = new Uint32Array(n);
    const slabNulls = new Uint8Array(n);
    const typeNulls = new Uint8Array(n);
    const sums = SUMS.map(() => new Uint32Array(2 * n));
    const counts = COUNTS.map(() => new Uint32Array(2 * n));
    order.forEach((cell, r) => {
      fn[r] = fnIds.get(cell.fn)!;
      if (cell.slab === null) slabNulls[r] = 1;
      else slab[r] = slabIds.get(cell.slab)!;
      if (cell.type === null) typeNulls[r] = 1;
      else type[r] = typeIds.get(cell.type)!;
      cell.sums.forEach((v, k) => putBig(sums[k], r, v));
      cell.counts.forEach((v, k) => putNumber(counts[k], r, v));
    });
    const byColumn = new Map<number, { data: Uint32Array | Uint8Array; nulls: Uint8Array | null; dict: readonly string[] | null }>([
      [FN, { data: fn, nulls: null, dict: [...fnIds.keys()] }],
      [SLAB, { data: slab, nulls: slabNulls.includes(1) ? slabNulls : null, dict: [...slabIds.keys()] }],
      [TYPE, { data: type, nulls: typeNulls.includes(1) ? typeNulls : null, dict: [...typeIds.keys()] }],
      ...SUMS.map((c, k) => [c, { data: sums[k], nulls: null, dict: null }] as const),
      ...COUNTS.map((c, k) => [c, { data: counts[k], nulls: null, dict: null }] as const),
    ]);
    const columns: BlockColumn[] = DEFS.map((def, c) => ({ def, ...byColumn.get(c)! }));
    return { numRows: n, columns };
  }
}
