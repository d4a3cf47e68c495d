// The whole store in the order of a table column, kept per context, so that
// sorting a selection that holds much of the store is a walk of that order
// keeping the selected objects (one read an object of the store, about
// 3 ns) instead of a radix sort of the selection (14 ns a selected object,
// several passes, and 64-bit keys such as addresses twice that).
//
// An order is made the first time a sort of at least MAKE_SHARE of the
// store asks for it, when the caller says it will sort again (the data
// worker's loaded kmap) (it costs what that sort would: a radix sort of every
// object, stable, so ties are in file order), and kept for the next sorts
// by the same column, of any selection of at least WALK_SHARE of the store
// (below that the radix sort of the few is cheaper). Descending walks the
// order backwards run by run: each run of equal keys is kept forwards, so
// ties stay in file order both ways (the radix sort's rule, which the
// tests compare against). A run's start is a bit per position.
//
// At most MAX_ORDERS columns are kept (4 bytes an object each, and the run
// bits: 44 MB at 10 M objects), the least recently used let go first. They
// belong to the context's memo, so a store that grew (a file loading) or a
// new context (new store, symbols) starts without any; QueryContext.heldBytes
// counts them.

import { radixSortWithKeys } from './radix-sort.ts';
import type { QueryContext } from './context.ts';
import { sortKeyWords } from './sort-keys.ts';
import type { ObjectColumn, SortSpec } from './types.ts';

/** Orders kept per context. */
const MAX_ORDERS = 2;
/** A sort of at least this share of the store makes the column's order. */
const MAKE_SHARE = 1 / 2;
/** A sort of at least this share walks a kept order. */
const WALK_SHARE = 1 / 8;

interface Order {
  /** Every object index, ascending by key, ties in file order. */
  readonly order: Uint32Array;
  /** Bit p: position p starts a run of equal keys. */
  readonly runStarts: Uint32Array;
}

/** The orders of one context (its memo 'sortOrders'), most recently used last. */
class SortOrders {
  readonly byColumn = new Map<ObjectColumn, Order>();

  heldBytes(): number {
    let n = 0;
    for (const o of this.byColumn.values()) n += o.order.byteLength + o.runStarts.byteLength;
    return n;
  }
}

/**
 * The store's objects ordered by `column`, with the starts of its runs of
 * equal keys (from the keys the sort leaves in its order). Into `reuse`
 * when given: an order let go, whose memory is already touched (a fresh
 * array costs its first touch: about 150 ms for 10 M objects on the
 * benchmark machine).
 */
function makeOrder(ctx: QueryContext, column: ObjectColumn, reuse: Order | null): Order {
  const n = ctx.store.numObjects;
  const order = reuse?.order ?? new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const keys = sortKeyWords(ctx, order, column);
  const { lo, hi } = radixSortWithKeys(order, keys.lo, keys.hi, ctx.scratch);
  const runStarts = reuse?.runStarts.fill(0) ?? new Uint32Array(Math.ceil(n / 32) + 1);
  for (let p = 0; p < n; p++) {
    if (p === 0 || lo[p] !== lo[p - 1] || (hi !== null && hi[p] !== hi[p - 1])) runStarts[p >>> 5] |= 1 << (p & 31);
  }
  return { order, runStarts };
}

/**
 * Sorts `indices` (distinct objects in ascending index, as sortSelection
 * takes them) by walking the store's order by the sort's column, when one
 * is kept (and the selection is at least WALK_SHARE of the store) or, with
 * `mayMake`, worth making (MAKE_SHARE); false when the caller should sort
 * it itself.
 */
export function sortByStoreOrder(ctx: QueryContext, indices: Uint32Array, sort: SortSpec<ObjectColumn>, mayMake: boolean): boolean {
  const n = ctx.store.numObjects;
  const m = indices.length;
  if (m < 2 || m < n * WALK_SHARE) return false;
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  let kept = orders.byColumn.get(sort.key);
  if (!kept) {
    if (!mayMake || m < n * MAKE_SHARE) return false;
    // The least recently used order makes room, and lends its arrays.
    let reuse: Order | null = null;
    if (orders.byColumn.size >= MAX_ORDERS) {
      const oldest = orders.byColumn.keys().next().value!;
      reuse = orders.byColumn.get(oldest)!;
      orders.byColumn.delete(oldest);
    }
    kept = makeOrder(ctx, sort.key, reuse);
    orders.byColumn.set(sort.key, kept);
  } else {
    // Most recently used last.
    orders.byColumn.delete(sort.key);
    orders.byColumn.set(sort.key, kept);
  }
  const { order, runStarts } = kept;
  // Every object: the order itself (backwards run by run when descending), no selection to test.
  const all = m === n;
  // Otherwise the selection as a bitmap (n / 8 bytes, where a byte an object
  // missed the cache at random reads), tested without a branch: each object
  // of the order is written at the next slot, which advances by its bit (a
  // random share of the store selected mispredicts a branch on it). The walk
  // stops once all m are found, so no write goes past them.
  const selected = all ? null : ctx.scratch.u32('sortOrders.selected', (n >>> 5) + 1);
  if (selected) for (let p = 0; p < m; p++) selected[indices[p] >>> 5] |= 1 << (indices[p] & 31);
  let out = 0;
  if (all && !sort.desc) {
    indices.set(order);
    out = n;
  } else if (all) {
    for (let end = n; end > 0; ) {
      let start = end - 1;
      while ((runStarts[start >>> 5] & (1 << (start & 31))) === 0) start--;
      for (let q = start; q < end; q++) indices[out++] = order[q];
      end = start;
    }
  } else if (!sort.desc) {
    for (let q = 0; q < n && out < m; q++) {
      const i = order[q];
      indices[out] = i;
      out += (selected![i >>> 5] >>> (i & 31)) & 1;
    }
  } else {
    // Runs from the last, each kept forwards.
    for (let end = n; end > 0 && out < m; ) {
      let start = end - 1;
      while ((runStarts[start >>> 5] & (1 << (start & 31))) === 0) start--;
      for (let q = start; q < end && out < m; q++) {
        const i = order[q];
        indices[out] = i;
        out += (selected![i >>> 5] >>> (i & 31)) & 1;
      }
      end = start;
    }
  }
  if (out !== m) throw new Error(`sortByStoreOrder: ${m} objects selected, ${out} found in the order (a selection with repeats or past the store?)`);
  return true;
}

/** The columns whose orders `ctx` keeps, least recently used first. */
export function keptSortOrders(ctx: QueryContext): ObjectColumn[] {
  return [...ctx.memo('sortOrders', () => new SortOrders()).byColumn.keys()];
}

/** Lets the context's kept orders go (they are made again by the next sorts: before a slice or an export, which need the room more). */
export function dropSortOrders(ctx: QueryContext): void {
  ctx.memo('sortOrders', () => new SortOrders()).byColumn.clear();
}
