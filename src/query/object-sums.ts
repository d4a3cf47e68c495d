// Per object of the store: its access lines and the sums of their reads and
// writes, which the Breakdown, the filtered totals, Quality and a sort by
// reads, writes or lines read. Computed once per store size (ctx.memo), or in
// pieces by the data worker after a load (warmObjectSums) so that its first
// answers about the loaded kmap do not wait for a pass over every access line
// (a second and more at 5 GB); whoever asks before the pieces are done gets
// the rest summed at once.

import type { KmapStore } from '../store/kmap-store.ts';
import { exactSumRange } from '../store/columns.ts';
import { MAX_EXACT, type Exact } from '../store/exact.ts';
import type { QueryContext } from './context.ts';

/**
 * Per object: its access lines, and the sums of their reads and writes (a
 * double sum, near above 2^53 - 1: objectSumExact). Computed once per store size.
 * Stored 4 bytes an object where every value fits (lines always do; reads
 * and writes unless some object's sum passes 2^32 - 1, then that column is
 * doubles): at 10 M objects 120 MB instead of 240, which is also less fresh
 * memory to touch on the first Breakdown, Quality or sort by reads.
 */
export interface ObjectSums {
  lines: Uint32Array;
  reads: Uint32Array | Float64Array;
  writes: Uint32Array | Float64Array;
}

/** The sums made object by object from the first: `step` sums the next ones; done when `next` reaches the store's objects. */
class SumsInPieces implements ObjectSums {
  readonly lines: Uint32Array;
  reads: Uint32Array | Float64Array;
  writes: Uint32Array | Float64Array;
  /** Objects summed so far. */
  private next = 0;
  /** The store's size they are for (a store that grew since needs new ones). */
  readonly stamp: string;

  constructor(private readonly store: KmapStore) {
    const n = store.numObjects;
    this.stamp = `${n}:${store.numAccesses}`;
    this.lines = new Uint32Array(n);
    this.reads = new Uint32Array(n);
    this.writes = new Uint32Array(n);
  }

  get done(): boolean {
    return this.next >= this.lines.length;
  }

  /** Objects not summed yet. */
  get toGo(): number {
    return Math.max(0, this.lines.length - this.next);
  }

  /** Sums the next `count` objects (at most: to the last). */
  step(count: number): void {
    const store = this.store;
    const n = this.lines.length;
    const starts = store.objects.accessStart.data;
    const r = store.accesses.reads.data;
    const w = store.accesses.writes.data;
    const fold = store.fold;
    const lines = this.lines;
    const to = Math.min(n, this.next + count);
    for (let i = this.next; i < to; i++) {
      const start = starts[i];
      const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
      lines[i] = end - start;
      let sr = 0;
      let sw = 0;
      if (fold) {
        // An aggregate-only store summed each object's lines as it read them.
        sr = fold.reads.data[i];
        sw = fold.writes.data[i];
      } else {
        for (let a = start; a < end; a++) {
          sr += r[a];
          sw += w[a];
        }
      }
      // A sum past 2^32 - 1: that column becomes doubles from here (the values so far copied).
      if (sr > 0xffffffff && this.reads instanceof Uint32Array) this.reads = Float64Array.from(this.reads);
      if (sw > 0xffffffff && this.writes instanceof Uint32Array) this.writes = Float64Array.from(this.writes);
      this.reads[i] = sr;
      this.writes[i] = sw;
    }
    this.next = to;
  }
}

/**
 * Sums begun in pieces, per context (once done, the same object is the
 * context's memo, objectSums: a warm-up that comes after a question finds
 * them done). Not counted by QueryContext.heldBytes until done.
 */
const begun = new WeakMap<QueryContext, SumsInPieces>();

function sumsOf(ctx: QueryContext): SumsInPieces {
  const store = ctx.store;
  let sums = begun.get(ctx);
  if (!sums || sums.stamp !== `${store.numObjects}:${store.numAccesses}`) {
    sums = new SumsInPieces(store);
    begun.set(ctx, sums);
  }
  return sums;
}

export function objectSums(ctx: QueryContext): ObjectSums {
  return ctx.memo('objectSums', () => {
    const sums = sumsOf(ctx);
    sums.step(Number.POSITIVE_INFINITY);
    return sums;
  });
}

/** Objects whose per-object sums are still to be made in the context (0 once made: objectSums then costs nothing). */
export function objectSumsToGo(ctx: QueryContext): number {
  const sums = begun.get(ctx);
  return sums !== undefined && sums.stamp === `${ctx.store.numObjects}:${ctx.store.numAccesses}` ? sums.toGo : ctx.store.numObjects;
}

/** Whether the context's per-object sums are all made. */
export function objectSumsMade(ctx: QueryContext): boolean {
  return objectSumsToGo(ctx) === 0;
}

/**
 * Sums the next `count` objects' lines of the context's per-object sums;
 * true once they are all done (and are the context's memo, objectSums).
 */
export function warmObjectSums(ctx: QueryContext, count: number): boolean {
  const sums = sumsOf(ctx);
  sums.step(count);
  if (!sums.done) return false;
  objectSums(ctx);
  return true;
}

/** The exact reads (or writes) of object i: its near sum when that is exact, else summed again exactly. */
export function objectSumExact(store: KmapStore, sums: ObjectSums, i: number, which: 'reads' | 'writes'): Exact {
  const near = sums[which][i];
  if (near <= MAX_EXACT) return near;
  if (store.fold) return store.fold[which].exact(i);
  const [start, end] = store.accessRange(i);
  return exactSumRange(store.accesses[which], start, end);
}

