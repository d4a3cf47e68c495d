// Filter and sort over the store's objects: produces the selection (a
// Uint32Array of object indices) that the table's window reads. Filtering is
// filter.ts; sorting is a radix sort over one numeric key per object.

import type { KmapStore } from '../store/kmap-store.ts';
import { keyWords } from '../store/columns.ts';
import { objectSums } from './object-sums.ts';
import { radixSortSelection } from './radix-sort.ts';
import type { QueryContext } from './context.ts';
import { filterObjects, type FilterResult } from './filter.ts';
import type { ObjectColumn, SortSpec, ViewQuery } from './types.ts';

export interface Selection extends Omit<FilterResult, 'indices'> {
  /** Object indices, in display order. */
  readonly indices: Uint32Array;
}

/** The filter (filter.ts) then the sort: the selection the objects table pages through. */
export function selectObjects(ctx: QueryContext, query: ViewQuery): Selection {
  const result = filterObjects(ctx, query.filter);
  const indices = result.indices;
  if (query.sort && !(query.sort.key === 'idx' && !query.sort.desc)) sortSelection(ctx, indices, query.sort);
  return { ...result, indices };
}

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
 * (names, IPs: 64-bit values never become numbers); or null, the object's
 * index itself. Addresses and 64-bit columns are read in sortSelection.
 */
function sortKeys(ctx: QueryContext, column: Exclude<ObjectColumn, 'address' | 'size' | 'allocIndex' | 'freeIndex'>): ArrayLike<number> | { ids: ArrayLike<number>; rank: Uint32Array } | null {
  const store = ctx.store;
  const o = store.objects;
  switch (column) {
    case 'idx':
      return null;
    case 'allocIp':
    case 'freeIp':
      return { ids: o[column].data, rank: ipRanks(store) };
    case 'pid':
      return o.pid.data;
    case 'type':
      return { ids: o.type.data, rank: nameRanks(store.types.names()) };
    case 'command':
      return { ids: o.command.data, rank: nameRanks(store.commands.names()) };
    case 'slab':
      return { ids: o.slab.data, rank: nameRanks(store.slabs.names()) };
    case 'accessLines':
    case 'reads':
    case 'writes':
      // Per-object sums over the access lines, computed once per store (objectSums).
      return objectSums(ctx)[column === 'accessLines' ? 'lines' : column];
  }
}

/**
 * Sorts `indices` in place; ties keep file order in both directions. Its
 * temporaries (the key words, the sort's buffers) are the context's scratch.
 */
export function sortSelection(ctx: QueryContext, indices: Uint32Array, sort: SortSpec<ObjectColumn>): void {
  const store = ctx.store;
  const n = indices.length;
  const lo = ctx.scratch.u32('sortSelection.lo', n, false); // every key word written below
  let hi: Uint32Array | null = null;
  if (sort.key === 'address') {
    const vaHi = store.objects.vaHi.data;
    const vaLo = store.objects.vaLo.data;
    hi = ctx.scratch.u32('sortSelection.hi', n);
    for (let i = 0; i < n; i++) {
      lo[i] = vaLo[indices[i]];
      hi[i] = vaHi[indices[i]];
    }
  } else if (sort.key === 'size' || sort.key === 'allocIndex' || sort.key === 'freeIndex') {
    // 64-bit values: exact 32-bit words (a value above 2^53 - 1 from its exact form).
    hi = keyWords(store.objects[sort.key], 0, n, lo, null, (k) => indices[k]);
  } else {
    // Keys are non-negative integers below 2^53 (counts, ranks); a sum of
    // reads or writes above that sorts by its nearest double.
    const keys = sortKeys(ctx, sort.key);
    if (keys === null) lo.set(indices);
    else if ('rank' in keys) {
      const { ids, rank } = keys;
      for (let i = 0; i < n; i++) lo[i] = rank[ids[indices[i]]];
    } else {
      for (let i = 0; i < n; i++) {
        const k = keys[indices[i]];
        lo[i] = k >>> 0;
        if (k > 0xffffffff) {
          hi ??= ctx.scratch.u32('sortSelection.hi', n);
          hi[i] = Math.floor(k / 0x100000000);
        }
      }
    }
  }
  radixSortSelection(indices, lo, hi, sort.desc, ctx.scratch);
}
