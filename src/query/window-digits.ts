// Any window of a selection in a sort's order, for keys of up to 32 bits,
// without sorting it: the counting select behind WindowInOrder
// (window-in-order.ts, which also takes keys past 32 bits by their high
// words, a selection of one high word at a time given to this).
//
// Exactly the sort's rows: sortSelection orders by key, ties in file order
// in both directions, so an object's position is the number of objects
// whose key comes before its key (in the sort's direction), plus the number
// with its key that come before it in file order. A counting select on the
// key's two 16-bit digits:
// - once per sort, one pass over the selection counts the keys by their
//   high digit, and by their low digit those whose high digit is 0: most
//   columns' keys are below 2^16 (pids, the ranks of names and IPs, line
//   counts, most sizes). prepare() does it ahead, a step at a time;
// - per window, the high digits of its first and last rows. Within one
//   digit, a pass counts that digit's keys (the digit 0's are counted
//   already), and a last pass gives each object with a key in the window's
//   range its position (the objects before the key's first, and those with
//   its key met so far), keeping those inside the window and stopping once
//   it is full. Across digits, every object of the digits between lies
//   inside the window (they are fewer than its rows): one pass collects
//   them, to be sorted, and counts the two end digits' keys; a last pass
//   places the end digits' objects as above. (The sizes just past a sort's
//   first rows, biggest first, are pages and big areas spread over many
//   digits.)
// So a window costs at most two passes of key reads after the counting,
// one when its digit is the last window's, where the whole sort costs a
// radix sort of every object and the first touch of its buffers (0.5-1.8 s
// at 23 M objects).
//
// With `lowWords`, the selection's keys all have one high word (the caller
// grouped them by it) and only their low words order it (addresses' low
// words are read alone; other keys' high words are read and let be).
// Otherwise a key
// past 32 bits gives null, and the caller sorts. The counts kept between
// windows are 512 KB, and the last digit's 256 KB.

import type { QueryContext } from './context.ts';
import { SortKeyReader } from './sort-keys.ts';
import type { ObjectColumn, SortSpec } from './types.ts';

/** Values of one 16-bit digit. */
const DIGIT = 1 << 16;

/** Objects read at a time: their key words fit the second-level cache, and a step of prepare() takes a block at least. */
export const BLOCK = 1 << 16;

/** Per key of one high digit (counts: objects per key), its first position: the keys in the sort's direction from position `at`. */
function firstPositions(counts: Uint32Array, at: number, desc: boolean): Uint32Array {
  const next = new Uint32Array(DIGIT);
  for (let s = 0; s < DIGIT; s++) {
    const k = desc ? DIGIT - 1 - s : s;
    next[k] = at;
    at += counts[k];
  }
  return next;
}

/** The keys of one block of the selection: keys[at + j] is the key of objects[j] (or of first + j when every object is selected). */
interface Block {
  readonly keys: ArrayLike<number>;
  readonly at: number;
  readonly objects: Uint32Array | null;
  readonly first: number;
}

/**
 * The windows of one sort of one selection: `indices` (distinct, ascending:
 * a filter's selection) in the order of `sort`, as sortSelection would give
 * them. Holds the per-digit counts for the next windows; made again for
 * another selection or sort. `block`: objects read at a time (tests use
 * tiny ones).
 */
export class DigitWindows {
  private readonly reader: SortKeyReader;
  /** Whether some key needs more than 32 bits (and `lowWords` is not set): every window is null. */
  private wide: boolean;
  /** Per high digit (key >>> 16), the selection's keys with it. */
  private high: Uint32Array | null = null;
  /** Per key below 2^16, the selection's objects with it. */
  private low: Uint32Array | null = null;
  /** Of the selection, how many objects are counted into `high` and `low` so far. */
  private countedTo = 0;
  /** Key words of one block (keys not read straight), and their high words (read, and let be, with `lowWords`). */
  private readonly blockKeys: Uint32Array;
  private readonly blockHigh: Uint32Array | null;
  /** The low words of every object's key, read straight (addresses' vaLo), when `lowWords` and that is how they are stored. */
  private readonly directLow: Uint32Array | null;
  /** The last window's digit (not 0) and its per-key counts: the next page of a scroll mostly has the same digit. */
  private digitCounts: Uint32Array | null = null;
  private countsDigit = -1;

  /**
   * `lowWords`: every key of the selection has the same high word (which
   * may be past 0), so only the low words order it.
   */
  constructor(
    private readonly ctx: QueryContext,
    private readonly indices: Uint32Array,
    private readonly sort: SortSpec<ObjectColumn>,
    private readonly block = BLOCK,
    lowWords = false,
    reader?: SortKeyReader,
  ) {
    this.reader = reader ?? new SortKeyReader(ctx, sort.key);
    this.wide = this.reader.wide && !lowWords;
    this.blockKeys = new Uint32Array(Math.min(block, indices.length));
    this.directLow = lowWords ? this.reader.directLow : null;
    // The high words fill() writes beside the low ones (zeroed: a column of sums writes only those not 0); none where the low words are a column.
    this.blockHigh = lowWords && !this.directLow ? new Uint32Array(this.blockKeys.length) : null;
  }

  /** Whether prepare() has nothing left to do: the keys are counted, or cannot be (past 32 bits). */
  get prepared(): boolean {
    return this.wide || (this.high !== null && this.countedTo >= this.indices.length);
  }

  /**
   * Counts the keys by their digits ahead of the first window, block by
   * block until `deadline` (performance.now(); a block at least): one pass
   * over the selection in all, 40-100 ms at 23 M objects. True once it is
   * prepared (the keys counted, or past 32 bits: no window can be counted).
   */
  prepare(deadline = Number.POSITIVE_INFINITY): boolean {
    if (this.wide) return true;
    const n = this.indices.length;
    const high = (this.high ??= new Uint32Array(DIGIT));
    const low = (this.low ??= new Uint32Array(DIGIT));
    while (this.countedTo < n) {
      const start = this.countedTo;
      const len = Math.min(this.block, n - start);
      const b = this.keysOf(start, len);
      if (!b) return true;
      const keys = b.keys;
      for (let j = b.at, end = b.at + len; j < end; j++) {
        const k = keys[j];
        high[k >>> 16]++;
        if (k < DIGIT) low[k]++;
      }
      this.countedTo = start + len;
      if (performance.now() >= deadline) break;
    }
    return this.prepared;
  }

  /**
   * The objects at positions [from, from + count) of the sorted selection
   * (those of them inside it: as many as a slice of the sorted selection
   * gives), or null for keys past 32 bits (the caller sorts).
   */
  rows(from: number, count: number): Uint32Array | null {
    const n = this.indices.length;
    const start = Math.floor(from);
    from = Math.max(0, start);
    const to = Math.min(n, start + Math.max(0, Math.floor(count)));
    if (from >= to) return new Uint32Array(0);
    this.prepare();
    if (this.wide) return null;
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
    return first === last ? this.inDigit(first, before, from, to) : this.acrossDigits(first, last, before, from, to);
  }

  /** A window whose rows all have the high digit `d`, the first of them at position `before`. */
  private inDigit(d: number, before: number, from: number, to: number): Uint32Array | null {
    const counts = this.countsIn(d);
    if (!counts) return null;
    // The keys whose positions meet the window (most windows: one or two).
    const next = firstPositions(counts, before, this.sort.desc);
    let keyLo = DIGIT;
    let keyHi = -1;
    for (let k = 0; k < DIGIT; k++) {
      if (counts[k] > 0 && next[k] < to && next[k] + counts[k] > from) {
        keyLo = Math.min(keyLo, k);
        keyHi = Math.max(keyHi, k);
      }
    }
    const out = new Uint32Array(to - from);
    return this.place(out, to - from, d * DIGIT + keyLo, next.subarray(keyLo, keyHi + 1), 0, null, from, to) ? out : null;
  }

  /**
   * A window from the high digit `first` to `last` (its first rows at
   * position `before`): the objects of the digits between, all inside it,
   * collected and sorted; the two end digits' keys counted, and their
   * objects placed.
   */
  private acrossDigits(first: number, last: number, before: number, from: number, to: number): Uint32Array | null {
    const high = this.high!;
    const desc = this.sort.desc;
    const lo = Math.min(first, last);
    const hi = Math.max(first, last);
    let between = 0;
    for (let d = lo + 1; d < hi; d++) between += high[d];
    const midKeys = new Uint32Array(between);
    const midObjects = new Uint32Array(between);
    // The digit 0's keys are counted already.
    const firstCounts = first === 0 ? this.low! : new Uint32Array(DIGIT);
    const lastCounts = last === 0 ? this.low! : new Uint32Array(DIGIT);
    const countFirst = first !== 0;
    const countLast = last !== 0;
    let m = 0;
    const ok = this.eachBlock((keys, at, len, objects, firstObject) => {
      for (let j = 0; j < len; j++) {
        const k = keys[at + j];
        const d = k >>> 16;
        if (d === first) {
          if (countFirst) firstCounts[k & 0xffff]++;
        } else if (d === last) {
          if (countLast) lastCounts[k & 0xffff]++;
        } else if (d > lo && d < hi) {
          midKeys[m] = k;
          midObjects[m++] = objects ? objects[j] : firstObject + j;
        }
      }
    });
    if (!ok) return null;
    // The digits between, in the sort's order, ties in file order.
    const order = Array.from({ length: between }, (_, j) => j);
    order.sort((a, b) => (desc ? midKeys[b] - midKeys[a] : midKeys[a] - midKeys[b]) || midObjects[a] - midObjects[b]);
    const out = new Uint32Array(to - from);
    const midStart = before + high[first];
    for (let j = 0; j < between; j++) out[midStart + j - from] = midObjects[order[j]];
    const need = to - from - between;
    if (need === 0) return out;
    // The end digits' keys: the first digit's from `before`, the last's after the digits between.
    const ends = this.place(out, need, first * DIGIT, firstPositions(firstCounts, before, desc), last * DIGIT, firstPositions(lastCounts, midStart + between, desc), from, to);
    return ends ? out : null;
  }

  /** Per key of the high digit `d`, the selection's objects with it (the digit 0's: counted ahead; another's: a pass, kept for the next window). */
  private countsIn(d: number): Uint32Array | null {
    if (d === 0) return this.low;
    if (this.countsDigit === d) return this.digitCounts;
    const counts = new Uint32Array(DIGIT);
    const ok = this.eachBlock((keys, at, len) => {
      for (let j = at, end = at + len; j < end; j++) {
        const k = keys[j];
        if (k >>> 16 === d) counts[k & 0xffff]++;
      }
    });
    if (!ok) return null;
    this.digitCounts = counts;
    this.countsDigit = d;
    return counts;
  }

  /**
   * Writes into `out` the objects whose positions fall in [from, to): an
   * object with a key k in [base, base + next.length) takes position
   * next[k - base] (counted on per object met), likewise from `next2` (if
   * any) for keys from `base2`; stops once `need` are written. False when a
   * key needs a high word.
   */
  private place(out: Uint32Array, need: number, base: number, next: Uint32Array, base2: number, next2: Uint32Array | null, from: number, to: number): boolean {
    const size = next.length;
    const size2 = next2 ? next2.length : 0;
    const b2 = base2;
    let found = 0;
    const ranked = this.reader.ranked;
    if (ranked && this.indices.length === this.ctx.store.numObjects) {
      // Every object, its key the rank of its id: each id's slot in next (or, past it, in next2) read from a
      // table by id, where a key of its own would be read for each object (half the time at 23 M objects).
      const { ids, rank } = ranked;
      const slotOf = (key: number) => (key - base >= 0 && key - base < size ? key - base : key - b2 >= 0 && key - b2 < size2 ? size + key - b2 : -1);
      const slot = new Int32Array(rank.length);
      for (let id = 0; id < rank.length; id++) slot[id] = slotOf(rank[id]);
      // An id with no name (a format without slabs or types holds 0 and no names) has the key 0, as fill() reads it.
      const nameless = slotOf(0);
      for (let i = 0, n = this.indices.length; i < n; i++) {
        const id = ids[i];
        const sl = id < slot.length ? slot[id] : nameless;
        if (sl < 0) continue;
        const p = sl < size ? next[sl]++ : next2![sl - size]++;
        if (p >= from && p < to) {
          out[p - from] = i;
          if (++found === need) break;
        }
      }
      return true;
    }
    return this.eachBlock((keys, at, len, objects, first) => {
      for (let j = 0; j < len; j++) {
        const k = keys[at + j];
        let p: number;
        const d = k - base;
        if (d >= 0 && d < size) p = next[d]++;
        else {
          const d2 = k - b2;
          if (d2 >= 0 && d2 < size2) p = next2![d2]++;
          else continue;
        }
        if (p >= from && p < to) {
          out[p - from] = objects ? objects[j] : first + j;
          if (++found === need) return true;
        }
      }
      return false;
    });
  }

  /**
   * Calls `visit` on the selection's keys block by block, in file order
   * (see Block); `visit` returns true to stop. False when a key needs a
   * high word.
   */
  private eachBlock(visit: (keys: ArrayLike<number>, at: number, len: number, objects: Uint32Array | null, first: number) => boolean | void): boolean {
    const n = this.indices.length;
    for (let start = 0; start < n; start += this.block) {
      const len = Math.min(this.block, n - start);
      const b = this.keysOf(start, len);
      if (!b) return false;
      if (visit(b.keys, b.at, len, b.objects, b.first)) break;
    }
    return true;
  }

  /** The keys of the selection's objects [start, start + len); null (and every window null from then) when one needs a high word. */
  private keysOf(start: number, len: number): Block | null {
    const indices = this.indices;
    const all = indices.length === this.ctx.store.numObjects;
    // Every object (the selection is then 0..n-1), its key (or, with one high word for all, its low word) read straight.
    const direct = this.reader.direct ?? this.directLow;
    if (direct && all) return { keys: direct, at: start, objects: null, first: start };
    const lo = this.blockKeys.subarray(0, len);
    const ranked = this.reader.ranked;
    if (ranked && all) {
      // Every object, its key the rank of its id: read straight too (no selection to read).
      const { ids, rank } = ranked;
      for (let j = 0; j < len; j++) lo[j] = rank[ids[start + j]];
      return { keys: lo, at: 0, objects: null, first: start };
    }
    const part = indices.subarray(start, start + len);
    const directLow = this.directLow;
    if (directLow) {
      // The low words alone, where fill() would read the high words too.
      for (let j = 0; j < len; j++) lo[j] = directLow[part[j]];
      return { keys: lo, at: 0, objects: part, first: 0 };
    }
    const high = this.blockHigh;
    // With one high word for all (blockHigh), the high words read are the same and let be.
    if (this.reader.fill(part, lo, high?.subarray(0, len).fill(0) ?? null, 0, len, () => new Uint32Array(len)) !== null && !high) {
      this.wide = true;
      return null;
    }
    return { keys: lo, at: 0, objects: part, first: 0 };
  }
}
