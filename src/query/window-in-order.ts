// Any window of a selection in a sort's order, without sorting it: the rows
// a scroll shows while the store's order by that column is still being made
// in turns (first-in-order.ts gives the first rows; this, the rows after).
//
// Exactly the sort's rows: sortSelection orders by key, ties in file order
// in both directions, so an object's position is the number of objects
// whose key comes before its key (in the sort's direction), plus the number
// with its key that come before it in file order. A counting select on the
// key's two 16-bit digits:
// - once per sort (the first window asked), one pass over the selection
//   counts the keys by their high digit, and by their low digit those whose
//   high digit is 0: most columns' keys are below 2^16 (pids, the ranks of
//   names and IPs, line counts, most sizes);
// - per window, the high digits that hold its first and its last row bound
//   the keys it can hold; unless they are both 0 (counted already) a pass
//   counts each key in that range;
// - a last pass gives each object with a key in the range its position
//   (the objects before the key's first, and those with its key met so far)
//   and keeps those inside the window; it stops once the window is full.
// So the first window costs at most three passes of key reads and each next
// one at most two (one when its range is the last window's), where the whole sort costs a radix sort of every object
// and the first touch of its buffers (0.5-1.8 s at 23 M objects).
//
// Keys past 32 bits (addresses; sizes, indices and sums past 2^32 - 1) and
// windows whose first and last rows lie more than SPAN_DIGITS high digits
// apart (a sparse range of big keys: few objects, many digits) give null,
// and the caller sorts. The counts kept between windows are 512 KB, and the
// last range's (up to 2 MB).

import type { QueryContext } from './context.ts';
import { SortKeyReader } from './sort-keys.ts';
import type { ObjectColumn, SortSpec } from './types.ts';

/** Values of one 16-bit digit. */
const DIGIT = 1 << 16;

/** At most this many high digits between a window's first and last row (its counts: 4 bytes a key of their range, twice). */
export const SPAN_DIGITS = 8;

/** Objects read at a time when the keys are not a column read straight: their key words fit the second-level cache. */
const BLOCK = 1 << 16;

/**
 * The windows of one sort of one selection: `indices` (distinct, ascending:
 * a filter's selection) in the order of `sort`, as sortSelection would give
 * them. Holds the per-digit counts of the first window for the next ones;
 * made again for another selection or sort. `block`: objects read at a time
 * (tests use tiny ones).
 */
export class WindowInOrder {
  private readonly reader: SortKeyReader;
  /** Whether some key needs more than 32 bits: every window is null. */
  private wide: boolean;
  /** Per high digit (key >>> 16), the selection's keys with it; made by the first window. */
  private high: Uint32Array | null = null;
  /** Per key below 2^16, the selection's objects with it. */
  private low: Uint32Array | null = null;
  /** Key words of one block (keys not read straight). */
  private readonly blockKeys: Uint32Array;
  /** The last window's counts per key of its range, from `countedBase` (the next page of a scroll mostly has the same range). */
  private counted: Uint32Array | null = null;
  private countedBase = -1;

  constructor(
    private readonly ctx: QueryContext,
    private readonly indices: Uint32Array,
    private readonly sort: SortSpec<ObjectColumn>,
    private readonly block = BLOCK,
  ) {
    this.reader = new SortKeyReader(ctx, sort.key);
    this.wide = this.reader.wide;
    this.blockKeys = new Uint32Array(Math.min(block, indices.length));
  }

  /**
   * The objects at positions [from, from + count) of the sorted selection
   * (fewer at its end), or null for keys past 32 bits and windows spread
   * over more than SPAN_DIGITS high digits (the caller sorts).
   */
  rows(from: number, count: number): Uint32Array | null {
    const n = this.indices.length;
    from = Math.max(0, Math.floor(from));
    const to = Math.min(n, from + Math.max(0, Math.floor(count)));
    if (from >= to) return new Uint32Array(0);
    if (this.wide || !this.countDigits()) return null;
    const high = this.high!;
    const desc = this.sort.desc;
    // The high digits of the window's first and last rows, and the rows before the first's.
    let before = 0;
    let first = -1;
    let last = -1;
    for (let s = 0, seen = 0; s < DIGIT && last < 0; s++) {
      const d = desc ? DIGIT - 1 - s : s;
      const next = seen + high[d];
      if (first < 0 && from < next) {
        first = d;
        before = seen;
      }
      if (first >= 0 && to - 1 < next) last = d;
      seen = next;
    }
    const lowDigit = Math.min(first, last);
    const span = Math.abs(last - first) + 1;
    if (span > SPAN_DIGITS) return null;
    const base = lowDigit * DIGIT;
    const size = span * DIGIT;
    // Objects per key in [base, base + size).
    let counts: Uint32Array;
    if (lowDigit === 0 && span === 1) counts = this.low!;
    else if (this.counted?.length === size && this.countedBase === base) counts = this.counted;
    else {
      counts = new Uint32Array(size);
      if (!this.countRange(counts, base)) return null;
      this.counted = counts;
      this.countedBase = base;
    }
    // Each key's first position, in the sort's direction from `before`;
    // and the keys whose positions meet the window (most windows: one or two).
    const next = new Uint32Array(size);
    let at = before;
    let keyLo = size;
    let keyHi = -1;
    for (let s = 0; s < size && at < to; s++) {
      const k = desc ? size - 1 - s : s;
      next[k] = at;
      at += counts[k];
      if (at > from && counts[k] > 0) {
        keyLo = Math.min(keyLo, k);
        keyHi = Math.max(keyHi, k);
      }
    }
    return this.place(next.subarray(keyLo, keyHi + 1), base + keyLo, from, to);
  }

  /**
   * Counts the keys by their digits now (what the first window would do:
   * one pass over the selection's keys, 40-100 ms at 23 M objects), so that
   * the first window costs no more than the next; false for keys past 32
   * bits (no window can be counted).
   */
  prepare(): boolean {
    return !this.wide && this.countDigits();
  }

  /** The counts per high digit and per key below 2^16 (once); false when a key needs a high word. */
  private countDigits(): boolean {
    if (this.high) return true;
    const high = new Uint32Array(DIGIT);
    const low = new Uint32Array(DIGIT);
    const ok = this.eachBlock((keys, at, len) => {
      for (let j = at, end = at + len; j < end; j++) {
        const k = keys[j];
        high[k >>> 16]++;
        if (k < DIGIT) low[k]++;
      }
    });
    if (!ok) return false;
    this.high = high;
    this.low = low;
    return true;
  }

  /** Objects per key in [base, base + counts.length) into `counts`; false when a key needs a high word. */
  private countRange(counts: Uint32Array, base: number): boolean {
    const size = counts.length;
    return this.eachBlock((keys, at, len) => {
      for (let j = at, end = at + len; j < end; j++) {
        const d = keys[j] - base;
        if (d >= 0 && d < size) counts[d]++;
      }
    });
  }

  /** The objects whose positions (next[key - base], counted on per object met) fall in [from, to); stops once all are found. */
  private place(next: Uint32Array, base: number, from: number, to: number): Uint32Array | null {
    const out = new Uint32Array(to - from);
    const size = next.length;
    let found = 0;
    const ok = this.eachBlock((keys, at, len, objects, first) => {
      for (let j = 0; j < len; j++) {
        const d = keys[at + j] - base;
        if (d < 0 || d >= size) continue;
        const p = next[d]++;
        if (p >= from && p < to) {
          out[p - from] = objects ? objects[j] : first + j;
          if (++found === out.length) return true;
        }
      }
      return false;
    });
    return ok ? out : null;
  }

  /**
   * Calls `visit` on the selection's keys block by block, in file order:
   * keys[at + j] is the key of the block's j-th object, which is objects[j]
   * (or first + j when `objects` is null: every object is selected). `visit`
   * returns true to stop. False when a key needs a high word.
   */
  private eachBlock(visit: (keys: ArrayLike<number>, at: number, len: number, objects: Uint32Array | null, first: number) => boolean | void): boolean {
    const indices = this.indices;
    const n = indices.length;
    const direct = this.reader.direct;
    if (direct && n === this.ctx.store.numObjects) {
      // Every object (the selection is then 0..n-1), its key read straight.
      for (let start = 0; start < n; start += this.block) if (visit(direct, start, Math.min(this.block, n - start), null, start)) break;
      return true;
    }
    const lo = this.blockKeys;
    const ranked = this.reader.ranked;
    if (ranked && n === this.ctx.store.numObjects) {
      // Every object, its key the rank of its id: read straight too (no selection to read).
      const { ids, rank } = ranked;
      for (let start = 0; start < n; start += this.block) {
        const len = Math.min(this.block, n - start);
        for (let j = 0; j < len; j++) lo[j] = rank[ids[start + j]];
        if (visit(lo, 0, len, null, start)) break;
      }
      return true;
    }
    for (let start = 0; start < n; start += this.block) {
      const len = Math.min(this.block, n - start);
      const part = indices.subarray(start, start + len);
      const keys = lo.subarray(0, len);
      if (this.reader.fill(part, keys, null, 0, len, () => new Uint32Array(len)) !== null) {
        this.wide = true;
        return false;
      }
      if (visit(keys, 0, len, part, 0)) break;
    }
    return true;
  }
}
