// The sort key of each object for a table column, as one or two unsigned
// 32-bit words that order like the column (object-query.ts sorts by them,
// sort-orders.ts orders the whole store by them).

import type { KmapStore } from '../store/kmap-store.ts';
import { keyWords } from '../store/columns.ts';
import { objectSums } from './object-sums.ts';
import type { QueryContext } from './context.ts';
import type { ObjectColumn } from './types.ts';

/** Rank of each id when the ids are ordered by `compare` (ties share no rank: stable by id). */
function ranks(count: number, compare: (a: number, b: number) => number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => compare(a, b) || a - b);
  const rank = new Uint32Array(count);
  for (let r = 0; r < count; r++) rank[order[r]] = r;
  return rank;
}

function nameRanks(names: readonly string[]): Uint32Array {
  return ranks(names.length, (a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
}

function ipRanks(store: KmapStore): Uint32Array {
  const hi = store.ips.hi.data;
  const lo = store.ips.lo.data;
  return ranks(store.ips.size, (a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
}

/**
 * How the sort key of each object for `column` is read, as a number that
 * orders like the column: a column of numbers; ids whose rank orders them
 * (names, IPs: 64-bit values never become numbers; the ranks made once per
 * context, as the first rows, the windows and the order of one sort each
 * read them: 74 ms for 65 k names, about 2 s at the cap of 2^20); or null,
 * the object's index itself. Addresses and 64-bit columns are read in
 * SortKeyReader.fill. A format without slabs or types holds id 0 in that
 * column and no names: the key is 0 (rank[0] is undefined, stored as 0).
 */
function sortKeys(ctx: QueryContext, column: Exclude<ObjectColumn, 'address' | 'size' | 'allocIndex' | 'freeIndex'>): ArrayLike<number> | { ids: ArrayLike<number>; rank: Uint32Array } | null {
  const store = ctx.store;
  const o = store.objects;
  switch (column) {
    case 'idx':
      return null;
    case 'allocIp':
    case 'freeIp':
      return { ids: o[column].data, rank: ctx.memo('sortKeys.ipRanks', () => ipRanks(store)) };
    case 'pid':
      return o.pid.data;
    case 'type':
      return { ids: o.type.data, rank: ctx.memo('sortKeys.typeRanks', () => nameRanks(store.types.names())) };
    case 'command':
      return { ids: o.command.data, rank: ctx.memo('sortKeys.commandRanks', () => nameRanks(store.commands.names())) };
    case 'slab':
      return { ids: o.slab.data, rank: ctx.memo('sortKeys.slabRanks', () => nameRanks(store.slabs.names())) };
    case 'accessLines':
    case 'reads':
    case 'writes':
      // Per-object sums over the access lines, computed once per store (objectSums).
      return objectSums(ctx)[column === 'accessLines' ? 'lines' : column];
  }
}

/**
 * Reads the sort keys of one column: fill() writes the key words of
 * indices[k] into lo[k] (and hi[k] for keys past 32 bits), for k in
 * [start, end), so a caller can fill a whole selection at once
 * (sortKeyWords), in steps (sort-orders.ts makes a store order in turns) or
 * block by block into small buffers (first-in-order.ts). What costs once
 * per column (the ranks of names and IPs, the per-object sums) is read when
 * the reader is made.
 */
export class SortKeyReader {
  private readonly store: KmapStore;
  private readonly column: ObjectColumn;
  private readonly keys: ArrayLike<number> | { ids: ArrayLike<number>; rank: Uint32Array } | null = null;
  /**
   * Keys that may need two words, known when the reader is made:
   * addresses, 64-bit columns holding a value past 2^32 - 1 (their Float64
   * form) and per-object sums past it (a Float64Array). The high words of
   * the last are written only where not 0 (see fill).
   */
  readonly wide: boolean;
  /**
   * The keys themselves, one integer below 2^32 per object, when a column of
   * integers is read straight (sizes and indices in their narrow form,
   * pids, per-object sums below 2^32); null for ranks, addresses, doubles
   * and the object index. What fill() writes for object i is direct[i].
   */
  readonly direct: Uint8Array | Uint16Array | Uint32Array | null = null;
  /**
   * The ids whose ranks are the keys (names, IPs), when the column is read
   * that way: what fill() writes for object i is rank[ids[i]]; else null.
   */
  readonly ranked: { readonly ids: ArrayLike<number>; readonly rank: Uint32Array } | null = null;
  /**
   * The low words of the keys, one per object, when they are a column of
   * their own (addresses: vaLo); else null. They order the objects whose
   * keys share a high word.
   */
  readonly directLow: Uint32Array | null = null;
  /** The high words beside directLow (addresses: vaHi); else null. */
  readonly directHigh: Uint32Array | null = null;

  constructor(ctx: QueryContext, column: ObjectColumn) {
    this.store = ctx.store;
    this.column = column;
    if (column === 'address') {
      this.wide = true;
      this.directLow = this.store.objects.vaLo.data;
      this.directHigh = this.store.objects.vaHi.data;
    } else if (column === 'size' || column === 'allocIndex' || column === 'freeIndex') {
      const data = this.store.objects[column].data;
      this.wide = data instanceof Float64Array;
      if (!(data instanceof Float64Array)) this.direct = data;
    } else {
      this.keys = sortKeys(ctx, column);
      const keys = this.keys;
      // Per-object sums are doubles once one passes 2^32 - 1 (ObjectSums).
      this.wide = keys instanceof Float64Array;
      if (keys instanceof Uint8Array || keys instanceof Uint16Array || keys instanceof Uint32Array) this.direct = keys;
      else if (keys !== null && 'rank' in keys) this.ranked = keys;
    }
  }

  /**
   * Key words of indices[k] into lo[k] for k in [start, end). `hi` is the
   * high words' array when the caller has one (always when `wide`), zero
   * in [start, end): only the high words of keys past 32 bits are written;
   * `makeHi` makes it (zeroed, as long as lo) the first time a key of a
   * narrow column needs one (a sum of reads past 2^32). Returns the hi
   * array in use (null while every key fits lo).
   */
  fill(indices: Uint32Array, lo: Uint32Array, hi: Uint32Array | null, start: number, end: number, makeHi: () => Uint32Array): Uint32Array | null {
    const o = this.store.objects;
    const column = this.column;
    if (column === 'address') {
      const vaHi = o.vaHi.data;
      const vaLo = o.vaLo.data;
      const h = hi ?? makeHi();
      for (let i = start; i < end; i++) {
        lo[i] = vaLo[indices[i]];
        h[i] = vaHi[indices[i]];
      }
      return h;
    }
    if (column === 'size' || column === 'allocIndex' || column === 'freeIndex') {
      // 64-bit values: exact 32-bit words (a value above 2^53 - 1 from its exact form).
      const col = o[column];
      if (!this.wide) {
        // Every value fits 32 bits (the column's narrow form): read straight.
        const data = col.data;
        for (let i = start; i < end; i++) lo[i] = data[indices[i]];
        return hi;
      }
      const h = hi ?? makeHi();
      keyWords(col, 0, end - start, lo.subarray(start, end), h.subarray(start, end), (k) => indices[start + k]);
      return h;
    }
    // Keys are non-negative integers below 2^53 (counts, ranks); a sum of
    // reads or writes above that sorts by its nearest double, and one of
    // 2^64 or more (two absurd lines) as 2^64 - 1: after every smaller one.
    const keys = this.keys;
    if (keys === null) {
      lo.set(indices.subarray(start, end), start);
    } else if ('rank' in keys) {
      const { ids, rank } = keys;
      for (let i = start; i < end; i++) lo[i] = rank[ids[indices[i]]];
    } else {
      for (let i = start; i < end; i++) {
        const k = keys[indices[i]];
        lo[i] = k >>> 0;
        if (k > 0xffffffff) {
          hi ??= makeHi();
          hi[i] = Math.min(0xffffffff, Math.floor(k / 0x100000000));
          if (k >= 2 ** 64) lo[i] = 0xffffffff;
        }
      }
    }
    return hi;
  }
}

/**
 * The key words of the objects `indices` for `column`, in order: `lo`, and
 * `hi` for keys past 32 bits (null when every key fits `lo`). Views of the
 * context's scratch ('sortSelection.lo', 'sortSelection.hi'): valid until
 * the next call, and the radix sort overwrites them.
 */
export function sortKeyWords(ctx: QueryContext, indices: Uint32Array, column: ObjectColumn): { lo: Uint32Array; hi: Uint32Array | null } {
  const n = indices.length;
  const lo = ctx.scratch.u32('sortSelection.lo', n, false); // every key word written below
  const hi = new SortKeyReader(ctx, column).fill(indices, lo, null, 0, n, () => ctx.scratch.u32('sortSelection.hi', n));
  return { lo, hi };
}
