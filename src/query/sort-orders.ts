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
// An order can also be made a few steps at a time (makeOrderInSteps: the
// data worker makes it in turns between answers, after firstInOrder gave a
// new sort's first rows), and a kept order walked a few steps at a time
// (sortByStoreOrderInSteps). Until it is done, a making holds the sort's
// scratch ('sortSelection.*', 'radixSort.*') across the worker's messages,
// so the next sort on the context finishes it first when it would walk it
// (same column, enough of the store) and otherwise drops it; the data
// worker also drops it when the sort it was for is replaced
// (dropOrderMaking), and runs no other sort during a walk in steps.
//
// At most MAX_ORDERS columns are kept (4 bytes an object each, and the run
// bits: 44 MB at 10 M objects), the least recently used let go first. They
// belong to the context's memo, so a store that grew (a file loading) or a
// new context (new store, symbols) starts without any; QueryContext.heldBytes
// counts them.

import { radixSortWithKeysSteps } from './radix-sort.ts';
import { runToEnd } from './steps.ts';
import type { QueryContext } from './context.ts';
import { SortKeyReader } from './sort-keys.ts';
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

/** An order being made in steps (startMaking): the column and the steps left. */
interface Making {
  readonly column: ObjectColumn;
  readonly steps: Generator<void, Order>;
  /** Its arrays' bytes (the order, and the run bits lent by an order let go), counted in heldBytes while it is made. */
  readonly bytes: number;
}

/** The orders of one context (its memo 'sortOrders'), most recently used last. */
class SortOrders {
  readonly byColumn = new Map<ObjectColumn, Order>();
  /** At most one order being made; it borrows the sort's scratch ('sortSelection.*', 'radixSort.*') until it is done or dropped. */
  making: Making | null = null;

  /** Marks `column`'s kept order the most recently used (last). */
  used(column: ObjectColumn, kept: Order): void {
    this.byColumn.delete(column);
    this.byColumn.set(column, kept);
  }

  heldBytes(): number {
    let n = this.making?.bytes ?? 0;
    for (const o of this.byColumn.values()) n += o.order.byteLength + o.runStarts.byteLength;
    return n;
  }
}

/**
 * The store's objects ordered by `column`, with the starts of its runs of
 * equal keys (from the keys the sort leaves in its order), in steps of
 * `step` objects (each next() does one share of one pass: see
 * radixSortWithKeysSteps). Into `reuse` when given: an order let go, whose
 * memory is already touched (a fresh array costs its first touch: about
 * 150 ms for 10 M objects on the benchmark machine).
 */
function* orderSteps(ctx: QueryContext, column: ObjectColumn, reuse: Order | null, order: Uint32Array, step: number): Generator<void, Order> {
  const n = ctx.store.numObjects;
  step = Math.max(1, Math.min(step, n));
  for (let a = 0; a < n; a += step) {
    for (let i = a, b = Math.min(n, a + step); i < b; i++) order[i] = i;
    yield;
  }
  // The sort's key words: the scratch sortKeyWords fills (every word written here).
  const reader = new SortKeyReader(ctx, column);
  const lo = ctx.scratch.u32('sortSelection.lo', n, false);
  let hi: Uint32Array | null = null;
  const makeHi = () => ctx.scratch.u32('sortSelection.hi', n);
  if (reader.wide) hi = makeHi();
  for (let a = 0; a < n; a += step) {
    hi = reader.fill(order, lo, hi, a, Math.min(n, a + step), makeHi);
    yield;
  }
  const keys = yield* radixSortWithKeysSteps(order, lo, hi, ctx.scratch, step);
  const runStarts = reuse?.runStarts.fill(0) ?? new Uint32Array(Math.ceil(n / 32) + 1);
  for (let a = 0; a < n; a += step) {
    markRuns(keys.lo, keys.hi, runStarts, a, Math.min(n, a + step));
    yield;
  }
  return { order, runStarts };
}

/** Sets the bit of each position in [a, b) whose key differs from the one before it (a run's start). */
function markRuns(lo: Uint32Array, hi: Uint32Array | null, runStarts: Uint32Array, a: number, b: number): void {
  for (let p = a; p < b; p++) {
    if (p === 0 || lo[p] !== lo[p - 1] || (hi !== null && hi[p] !== hi[p - 1])) runStarts[p >>> 5] |= 1 << (p & 31);
  }
}

/** Starts making the order by `column` (the least recently used order, past MAX_ORDERS, makes room and lends its arrays: it is gone even if this making is dropped). */
function startMaking(ctx: QueryContext, orders: SortOrders, column: ObjectColumn, step: number): Making {
  let reuse: Order | null = null;
  if (orders.byColumn.size >= MAX_ORDERS) {
    const oldest = orders.byColumn.keys().next().value!;
    reuse = orders.byColumn.get(oldest)!;
    orders.byColumn.delete(oldest);
  }
  const order = reuse?.order ?? new Uint32Array(ctx.store.numObjects);
  orders.making = { column, steps: orderSteps(ctx, column, reuse, order, step), bytes: order.byteLength + (reuse?.runStarts.byteLength ?? 0) };
  return orders.making;
}

/** Runs `making` to its end and keeps its order (most recently used). */
function finishMaking(orders: SortOrders, making: Making): Order {
  const order = runToEnd(making.steps);
  orders.making = null;
  orders.byColumn.set(making.column, order);
  return order;
}

/**
 * Whether a sort of `m` objects by `column`, with the caller's say that it
 * will sort again (sortSelection's keepOrder), would make the store's order
 * by that column: none kept, and at least MAKE_SHARE of the store; or, for
 * at least WALK_SHARE, the order by that column being made (which such a
 * sort finishes: sortByStoreOrder) or about to be (`due`: the caller's
 * sort in turns by that column, replaced before its making began). So a
 * filter that comes while a sort's order is made in turns is answered the
 * way that sort was, by its first rows, and walks the order once made.
 */
export function wouldMakeOrder(ctx: QueryContext, column: ObjectColumn, m: number, due = false): boolean {
  const n = ctx.store.numObjects;
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  if (m < 2 || orders.byColumn.has(column)) return false;
  return m >= n * MAKE_SHARE || ((due || orders.making?.column === column) && m >= n * WALK_SHARE);
}

/**
 * Makes the store's order by `column` a few steps at a time: each call runs
 * steps of `step` objects until `deadline` (performance.now()) has passed,
 * starting the order (or going on with the one being made; one by another
 * column is dropped) and keeping it once made. True once the order is kept.
 * Meanwhile the order's arrays and the sort's scratch belong to it: any
 * sort on the context (sortByStoreOrder, which sortSelection calls first)
 * finishes it when it would walk it, or drops it; so does dropOrderMaking.
 * (firstByStoreOrder and a walk in steps borrow none of its scratch and
 * leave it be.)
 */
export function makeOrderInSteps(ctx: QueryContext, column: ObjectColumn, deadline: number, step: number): boolean {
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  if (orders.byColumn.has(column)) return true;
  const making = orders.making?.column === column ? orders.making : startMaking(ctx, orders, column, step);
  do {
    const r = making.steps.next();
    if (r.done) {
      orders.making = null;
      orders.byColumn.set(column, r.value);
      return true;
    }
  } while (performance.now() < deadline);
  return false;
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
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  const walks = m >= 2 && m >= n * WALK_SHARE;
  // An order being made holds the sort's scratch, which any sort borrows:
  // finished when it is this column's and this sort would walk it, else dropped.
  if (orders.making) {
    if (orders.making.column === sort.key && walks) finishMaking(orders, orders.making);
    else orders.making = null;
  }
  if (!walks) return false;
  let kept = orders.byColumn.get(sort.key);
  if (!kept) {
    if (!mayMake || m < n * MAKE_SHARE) return false;
    kept = finishMaking(orders, startMaking(ctx, orders, sort.key, Number.POSITIVE_INFINITY));
  } else {
    orders.used(sort.key, kept);
  }
  runToEnd(walkSelection(ctx, kept, indices, sort.desc, Number.POSITIVE_INFINITY));
  return true;
}

/**
 * The first `k` objects of `indices` (as sortSelection takes them) in the
 * order of `sort`, read from the store's kept order by its column when
 * there is one and the selection would walk it (WALK_SHARE); else null. A
 * walk that stops at k: what a new filter shows first, where the whole
 * walk (sortByStoreOrder) takes 20-90 ms at 10-23 M objects.
 */
export function firstByStoreOrder(ctx: QueryContext, indices: Uint32Array, sort: SortSpec<ObjectColumn>, k: number): Uint32Array | null {
  const n = ctx.store.numObjects;
  const m = indices.length;
  if (m < 2 || m < n * WALK_SHARE) return null;
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  const kept = orders.byColumn.get(sort.key);
  if (!kept) return null;
  const first = new Uint32Array(Math.max(0, Math.min(k, m)));
  walkOrder(ctx, kept, indices, sort.desc, first, first.length);
  return first;
}

/**
 * Writes the objects of `indices` (distinct, ascending; `out` may be
 * `indices` itself, read before it is written) into `out` in the kept
 * order, descending run by run when `desc`, until `limit` are written;
 * returns how many were.
 */
function walkOrder(ctx: QueryContext, kept: Order, indices: Uint32Array, desc: boolean, out: Uint32Array, limit: number): number {
  return runToEnd(walkSteps(ctx, kept, indices, desc, out, limit, Number.POSITIVE_INFINITY));
}

/**
 * Sorts `indices` (as sortByStoreOrder takes them) in place by walking the
 * kept order by the sort's column, `step` positions of the order at a time
 * (the data worker's turns: the walk of 23 M objects takes about 100 ms);
 * null when no order by that column is kept. The walk borrows the scratch
 * 'sortOrders.selected' until done, and the order must stay kept: the
 * caller runs no other sort meanwhile. Its last step throws as
 * sortByStoreOrder does for a selection not found whole in the order.
 */
export function sortByStoreOrderInSteps(ctx: QueryContext, indices: Uint32Array, sort: SortSpec<ObjectColumn>, step: number): Generator<void, void> | null {
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  const kept = orders.byColumn.get(sort.key);
  if (!kept) return null;
  orders.used(sort.key, kept);
  return walkSelection(ctx, kept, indices, sort.desc, step);
}

/** `indices` sorted in place by walking `kept` in steps; throws at its end for a selection not found whole in the order. */
function* walkSelection(ctx: QueryContext, kept: Order, indices: Uint32Array, desc: boolean, step: number): Generator<void, void> {
  const m = indices.length;
  const out = yield* walkSteps(ctx, kept, indices, desc, indices, m, step);
  if (out !== m) throw new Error(`sortByStoreOrder: ${m} objects selected, ${out} found in the order (a selection with repeats or past the store?)`);
}

/** Where a walk is: objects written, and the next position (forwards) or the end of the runs left with the run being walked (backwards). */
interface Cursor {
  o: number;
  at: number;
  /** Backwards: the start of the run being walked (-1: none), and its next position. */
  runStart: number;
  q: number;
}

/**
 * walkOrder in steps of `step` positions of the order. Every object: the
 * order itself (backwards run by run when descending), no selection to
 * test. Otherwise the selection as a bitmap (n / 8 bytes, where a byte an
 * object missed the cache at random reads), tested without a branch: each
 * object of the order is written at the next slot, which advances by its
 * bit (a random share of the store selected mispredicts a branch on it).
 * The walk stops once `limit` are found, so no write goes past them.
 */
function* walkSteps(ctx: QueryContext, kept: Order, indices: Uint32Array, desc: boolean, out: Uint32Array, limit: number, step: number): Generator<void, number> {
  const n = ctx.store.numObjects;
  const m = indices.length;
  step = Math.max(1, Math.min(step, n));
  const selected = m === n ? null : ctx.scratch.u32('sortOrders.selected', (n >>> 5) + 1);
  if (selected) {
    for (let a = 0; a < m; a += step) {
      for (let p = a, b = Math.min(m, a + step); p < b; p++) selected[indices[p] >>> 5] |= 1 << (indices[p] & 31);
      yield;
    }
  }
  const c: Cursor = { o: 0, at: desc ? n : 0, runStart: -1, q: 0 };
  while (c.o < limit && (desc ? c.at > 0 : c.at < n)) {
    if (desc) walkBack(kept, selected, out, limit, c, step);
    else walkForward(kept, selected, out, limit, c, n, step);
    yield;
  }
  return c.o;
}

/** Up to `step` positions of the order forwards from c.at. */
function walkForward(kept: Order, selected: Uint32Array | null, out: Uint32Array, limit: number, c: Cursor, n: number, step: number): void {
  const order = kept.order;
  const end = Math.min(n, c.at + step);
  let o = c.o;
  if (!selected) {
    const take = Math.min(limit - o, end - c.at);
    out.set(order.subarray(c.at, c.at + take), o);
    c.at += take;
    c.o = o + take;
    return;
  }
  let q = c.at;
  for (; q < end && o < limit; q++) {
    const i = order[q];
    out[o] = i;
    o += (selected[i >>> 5] >>> (i & 31)) & 1;
  }
  c.at = q;
  c.o = o;
}

/** The start of the run that ends at `end` (exclusive): the last run-start bit before it, read a word at a time (position 0 always starts one). */
function runStartBefore(runStarts: Uint32Array, end: number): number {
  const p = end - 1;
  let w = p >>> 5;
  let bits = runStarts[w] & (0xffffffff >>> (31 - (p & 31)));
  while (bits === 0) bits = runStarts[--w];
  return (w << 5) + 31 - Math.clz32(bits);
}

/** Up to `step` positions of the order backwards from c.at, run by run, each run forwards (a long run across steps). */
function walkBack(kept: Order, selected: Uint32Array | null, out: Uint32Array, limit: number, c: Cursor, step: number): void {
  const { order, runStarts } = kept;
  let o = c.o;
  let budget = step;
  while (c.at > 0 && o < limit && budget > 0) {
    if (c.runStart < 0) {
      c.runStart = runStartBefore(runStarts, c.at);
      c.q = c.runStart;
    }
    const stop = Math.min(c.at, c.q + budget);
    let q = c.q;
    if (selected) {
      for (; q < stop && o < limit; q++) {
        const i = order[q];
        out[o] = i;
        o += (selected[i >>> 5] >>> (i & 31)) & 1;
      }
    } else {
      for (; q < stop && o < limit; q++) out[o++] = order[q];
    }
    budget -= q - c.q;
    c.q = q;
    if (q === c.at) {
      c.at = c.runStart;
      c.runStart = -1;
    }
  }
  c.o = o;
}

/** Drops the order being made, unless it is by `keep` (its arrays and the sort's scratch it holds are free again). */
export function dropOrderMaking(ctx: QueryContext, keep: ObjectColumn | null = null): void {
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  if (orders.making && orders.making.column !== keep) orders.making = null;
}

/** The column of the order being made, if any. */
export function orderMaking(ctx: QueryContext): ObjectColumn | null {
  return ctx.memo('sortOrders', () => new SortOrders()).making?.column ?? null;
}

/** The columns whose orders `ctx` keeps, least recently used first. */
export function keptSortOrders(ctx: QueryContext): ObjectColumn[] {
  return [...ctx.memo('sortOrders', () => new SortOrders()).byColumn.keys()];
}

/** Lets the context's kept orders go, and any being made (they are made again by the next sorts: before a slice or an export, which need the room more). */
export function dropSortOrders(ctx: QueryContext): void {
  const orders = ctx.memo('sortOrders', () => new SortOrders());
  orders.byColumn.clear();
  orders.making = null;
}
