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
// Sums are 64-bit words: a merged sum past 2^64 - 1 is written as its low 64
// bits and counted in `wrapped` (a sum that wrapped within a slice was counted
// by that slice; the low bits still add up right).

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
  private readonly blocks: TableBlock[] = [];
  /** Merged sums past 2^64 - 1 (see the header). */
  wrapped = 0;

  /** The next slice's capmap, in file order. */
  add(block: TableBlock): void {
    this.blocks.push(block);
  }

  /** The capture's capmap: with one slice, its block as it is. */
  result(): TableBlock {
    if (this.blocks.length === 0) throw new Error('capmap merge: no slice');
    if (this.blocks.length === 1) return this.blocks[0];
    // Each string column's dictionary: the slices' dictionaries joined in slice order, each name at its first
    // appearance (the whole store's table, by the stitch's rule: the same dictionaries, ids and all).
    const dicts = [FN, SLAB, TYPE].map((c) => {
      const ids = new Map<string, number>();
      for (const b of this.blocks) for (const name of b.columns[c].dict ?? []) if (!ids.has(name)) ids.set(name, ids.size);
      return { column: c, ids };
    });
    const cells = new Map<string, Cell>();
    for (const b of this.blocks) {
      const name = (c: number, r: number) => (b.columns[c].nulls?.[r] ? null : b.columns[c].dict![b.columns[c].data[r]]);
      for (let r = 0; r < b.numRows; r++) {
        const fn = name(FN, r)!;
        const slab = name(SLAB, r);
        const type = name(TYPE, r);
        // null is a mark of its own, apart from any name.
        const key = `${fn}\0${slab ?? '\u0001null'}\0${type ?? '\u0001null'}`;
        let cell = cells.get(key);
        if (!cell) {
          cell = { fn, slab, type, sums: SUMS.map(() => 0n), counts: COUNTS.map(() => 0) };
          cells.set(key, cell);
        }
        SUMS.forEach((c, k) => (cell.sums[k] += word(b.columns[c].data, r)));
        COUNTS.forEach((c, k) => (cell.counts[k] += Number(word(b.columns[c].data, r))));
      }
    }
    const typeIds = dicts[2].ids;
    const rank = (t: string | null) => (t === null ? 0 : typeIds.get(t)!);
    const order = [...cells.values()].sort((a, b) => compareBytes(a.slab ?? '', b.slab ?? '') || compareBytes(a.fn, b.fn) || rank(a.type) - rank(b.type));
    return this.block(order, dicts.map((d) => d.ids));
  }

  /** The cells, in order, as a block whose string columns use these dictionaries (name -> id). */
  private block(order: readonly Cell[], [fnIds, slabIds, typeIds]: ReadonlyMap<string, number>[]): TableBlock {
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
      cell.sums.forEach((v, k) => {
        if (v > 0xffffffffffffffffn) this.wrapped++;
        putBig(sums[k], r, v);
      });
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
