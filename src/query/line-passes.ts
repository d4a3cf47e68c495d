// Values derived in one pass over every access line of a store, made in
// turns: the dense pid ids (sites.ts) and each site's grid row
// (matrix-grid.ts), which the site index (site-cells.ts) needs before its
// first object. Made at once, the two passes were the index's first turn of
// the warm-up after a load: 676 ms in Node over the 5 GB benchmark kmap's
// 93.8 M lines, 583 ms in Chromium, while a question that came meanwhile
// waited (BENCHMARKS.md, "The warm-up's turns"). The index's warm-up now
// makes them WARM_STEP_LINES a turn first (warmSiteCells); a question that
// needs one before its last turn has the rest made at once (result()).
//
// A pass belongs to one context and one store size (its stamp): a store that
// grew (a file loading) starts a new one, as ctx.memo does.

import type { KmapStore } from '../store/kmap-store.ts';
import type { QueryContext } from './context.ts';

/** A pass over lines [0, the store's lines when it began), in pieces, then its result. */
export abstract class LinePass<T> {
  readonly stamp: string;
  private readonly end: number;
  private next = 0;
  private value: { done: T } | null = null;

  constructor(protected readonly store: KmapStore) {
    this.stamp = stampOf(store);
    this.end = store.numAccesses;
  }

  /** Reads lines [from, to) (called in order, each line once). */
  protected abstract visit(from: number, to: number): void;
  /** The result, once every line was visited (called once; what only the pass needed is let go then). */
  protected abstract finish(): T;

  /** Visits up to `lines` more lines; true once all are (the result made). */
  step(lines: number): boolean {
    if (this.value) return true;
    const to = Math.min(this.end, this.next + lines);
    if (to > this.next) this.visit(this.next, to);
    this.next = to;
    if (to < this.end) return false;
    this.value = { done: this.finish() };
    return true;
  }

  /** The result, the lines not yet visited visited now. */
  result(): T {
    this.step(Number.POSITIVE_INFINITY);
    return this.value!.done;
  }
}

function stampOf(store: KmapStore): string {
  return `${store.numObjects}:${store.numAccesses}`;
}

export type LinePassKind = 'densePidIds' | 'gridRows';

const begun = new WeakMap<QueryContext, Map<LinePassKind, LinePass<unknown>>>();

/** The context's pass of `kind` for the store's current size, begun now if it was not. */
export function linePass<T>(ctx: QueryContext, kind: LinePassKind, make: (ctx: QueryContext) => LinePass<T>): LinePass<T> {
  let passes = begun.get(ctx);
  if (!passes) begun.set(ctx, (passes = new Map()));
  let pass = passes.get(kind);
  if (!pass || pass.stamp !== stampOf(ctx.store)) {
    pass = make(ctx);
    passes.set(kind, pass);
  }
  return pass as LinePass<T>;
}

/** Lines a turn of the warm-up visits: about 10-20 ms for either pass. */
export const WARM_STEP_LINES = 1 << 22;
