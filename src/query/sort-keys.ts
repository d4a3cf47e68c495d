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
 * (names, IPs: 64-bit values never become numbers); or null, the object's
 * index itself. Addresses and 64-bit columns are read in sortKeyWords.
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
 * The key words of the objects `indices` for `column`, in order: `lo`, and
 * `hi` for keys past 32 bits (null when every key fits `lo`). Views of the
 * context's scratch ('sortSelection.lo', 'sortSelection.hi'): valid until
 * the next call, and the radix sort overwrites them.
 */
export function sortKeyWords(ctx: QueryContext, indices: Uint32Array, column: ObjectColumn): { lo: Uint32Array; hi: Uint32Array | null } {
  const store = ctx.store;
  const n = indices.length;
  const lo = ctx.scratch.u32('sortSelection.lo', n, false); // every key word written below
  let hi: Uint32Array | null = null;
  if (column === 'address') {
    const vaHi = store.objects.vaHi.data;
    const vaLo = store.objects.vaLo.data;
    hi = ctx.scratch.u32('sortSelection.hi', n);
    for (let i = 0; i < n; i++) {
      lo[i] = vaLo[indices[i]];
      hi[i] = vaHi[indices[i]];
    }
  } else if (column === 'size' || column === 'allocIndex' || column === 'freeIndex') {
    // 64-bit values: exact 32-bit words (a value above 2^53 - 1 from its exact form).
    hi = keyWords(store.objects[column], 0, n, lo, null, (k) => indices[k]);
  } else {
    // Keys are non-negative integers below 2^53 (counts, ranks); a sum of
    // reads or writes above that sorts by its nearest double, and one of
    // 2^64 or more (two absurd lines) as 2^64 - 1: after every smaller one.
    const keys = sortKeys(ctx, column);
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
          hi[i] = Math.min(0xffffffff, Math.floor(k / 0x100000000));
          if (k >= 2 ** 64) lo[i] = 0xffffffff;
        }
      }
    }
  }
  return { lo, hi };
}
