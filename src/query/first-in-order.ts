// The first k objects of a selection in a sort's order, without sorting
// the rest: what a new sort shows first (the table's top page) while the
// store's order by that column is still being made (sort-orders.ts, in the
// data worker's turns).
//
// Exactly the sort's first k: sortSelection orders by key, ties in file
// order in both directions, so the order here is the pair (key, object
// index), the key's words flipped when descending, and the answer is the
// k least pairs. A max-heap of k pairs keeps the least seen so far; an
// object enters only when its pair is below the heap's top, so most
// objects cost a key read and one comparison.
//
// Which objects enter depends on the order they are read in. Keys that
// follow file order (alloc and free indices, addresses of a growing slab)
// would each enter when read forwards for a descending sort, so blocks are
// read from the last when descending (each block forwards): the biggest
// keys come first and the rest are turned away. Ties then enter once per
// block at most k times (an earlier block's equal keys have smaller
// indices). Orders that defeat both (a key that falls as the file goes on,
// in many small steps) would make every object enter: past entryBudget()
// entries the search gives up and returns null, and the caller sorts.

import type { QueryContext } from './context.ts';
import { SortKeyReader } from './sort-keys.ts';
import type { ObjectColumn, SortSpec } from './types.ts';

/** The sign bit, as an int32. */
const SIGN = 0x80000000 | 0;

/** Objects read per block: their key words fit the second-level cache. */
const BLOCK = 1 << 16;

/** Entries allowed: what random orders and ties need (about k per block), with room. */
function entryBudget(n: number, k: number, block: number): number {
  return 4 * block + 2 * k * Math.ceil(n / block);
}

/**
 * The first `k` objects of `indices` (distinct, ascending: a filter's
 * selection) in the order of `sort` as sortSelection would give them, or
 * null when the selection's order would make the search cost about as much
 * as a sort (the caller then sorts). `block`: objects read at a time (tests
 * use tiny ones).
 */
export function firstInOrder(ctx: QueryContext, indices: Uint32Array, sort: SortSpec<ObjectColumn>, k: number, block = BLOCK): Uint32Array | null {
  const n = indices.length;
  k = Math.max(0, Math.min(k, n));
  if (k === 0) return new Uint32Array(0);
  const reader = new SortKeyReader(ctx, sort.key);
  // Each key word as a signed 32-bit number that orders like the word
  // (its top bit flipped) and, descending, the other way round (every bit
  // flipped): the heap compares small integers, never doubles.
  const flip = sort.desc ? ~SIGN : SIGN;
  const heap = new PairHeap(k, entryBudget(n, k, block));
  const lo = new Uint32Array(Math.min(block, n));
  const hiBlock = new Uint32Array(Math.min(block, n));
  const blocks = Math.ceil(n / block);
  const all = n === ctx.store.numObjects;
  for (let bi = 0; bi < blocks; bi++) {
    const b = sort.desc ? blocks - 1 - bi : bi;
    const start = b * block;
    const end = Math.min(n, start + block);
    const len = end - start;
    const part = indices.subarray(start, end);
    // Every object (the selection is then 0..n-1) by a column read straight: no index to read.
    if (all && reader.direct) {
      if (!heap.offerRange(reader.direct, start, end, flip)) return null;
      continue;
    }
    const loPart = lo.subarray(0, len);
    // High words are written only for keys past 32 bits: zeroed first.
    let hiPart: Uint32Array | null = reader.wide ? hiBlock.subarray(0, len).fill(0) : null;
    hiPart = reader.fill(part, loPart, hiPart, 0, len, () => hiBlock.subarray(0, len).fill(0));
    const ok = hiPart === null ? heap.offerNarrow(loPart, part, flip) : heap.offerWide(hiPart, loPart, part, flip);
    if (!ok) return null;
  }
  return heap.inOrder();
}

/**
 * The k least pairs (hi, lo, object) offered, in a max-heap: the greatest
 * at 0, read into `top*` after each change so that an offer is one
 * comparison when it is turned away. Entries past `budget` make an offer
 * fail (firstInOrder gives up).
 */
class PairHeap {
  private readonly hH: Int32Array;
  private readonly hL: Int32Array;
  /** Object indices, unsigned (a store past 2^31 objects compares them right). */
  private readonly hI: Uint32Array;
  private size = 0;
  private entries = 0;
  /** Whether the last wide block's high words fell on both sides of the top's (offerWide), and its candidates. */
  private mixed = false;
  private cand = new Uint32Array(0);
  /** The greatest pair kept, once k are (before: above every pair). */
  private topH = 0x7fffffff;
  private topL = 0x7fffffff;
  private topI = 0xffffffff;

  constructor(
    private readonly k: number,
    private readonly budget: number,
  ) {
    this.hH = new Int32Array(k);
    this.hL = new Int32Array(k);
    this.hI = new Uint32Array(k);
  }

  /** Offers the objects part[j] with keys (0, lo[j]), flipped by `flip`; false past the budget. */
  offerNarrow(lo: Uint32Array, part: Uint32Array, flip: number): boolean {
    const h = flip; // the high word 0
    // A heap whose greatest pair is below every pair of this block turns it all away.
    if (this.size === this.k && h > this.topH) return true;
    let tL = this.topL;
    let tI = this.topI;
    // Once full with a top of this block's high word, only pairs below it enter.
    let full = this.size === this.k && h === this.topH;
    for (let j = 0; j < lo.length; j++) {
      const l = lo[j] ^ flip;
      if (full && (l > tL || (l === tL && part[j] > tI))) continue;
      if (!this.add(h, l, part[j])) return false;
      if (this.size === this.k && this.topH === h) {
        tL = this.topL;
        tI = this.topI;
        full = true;
      }
    }
    return true;
  }

  /** Offers the objects i in [start, end) with keys (0, keys[i]), flipped by `flip`; false past the budget. */
  offerRange(keys: Uint8Array | Uint16Array | Uint32Array, start: number, end: number, flip: number): boolean {
    const h = flip; // the high word 0
    if (this.size === this.k && h > this.topH) return true;
    let tL = this.topL;
    let tI = this.topI;
    let full = this.size === this.k && h === this.topH;
    for (let i = start; i < end; i++) {
      const l = keys[i] ^ flip;
      if (full && (l > tL || (l === tL && i > tI))) continue;
      if (!this.add(h, l, i)) return false;
      if (this.size === this.k && this.topH === h) {
        tL = this.topL;
        tI = this.topI;
        full = true;
      }
    }
    return true;
  }

  /** Offers the objects part[j] with keys (hi[j], lo[j]), flipped by `flip`; false past the budget. */
  offerWide(hi: Uint32Array, lo: Uint32Array, part: Uint32Array, flip: number): boolean {
    let tH = this.topH;
    let tL = this.topL;
    let tI = this.topI;
    const len = lo.length;
    // Where the last block's high words fell on both sides of the top's (addresses of two
    // interleaved words), testing each object's was a mispredicted branch every other object (a
    // third of an ascending sort's first rows by address at 9.9 M objects): the block's objects whose
    // high word is not above the top's are then found first, without a branch (the count advanced
    // by 1 or 0, from the sign of the difference: (tH - h + 2^32) / 2^32 is in [1, 2) when h <= tH,
    // in (0, 1) when not). The top only falls meanwhile, so each is tested again below.
    let m = len;
    let cand: Uint32Array | null = null;
    if (this.mixed) {
      if (this.cand.length < len) this.cand = new Uint32Array(len);
      cand = this.cand;
      m = 0;
      for (let j = 0; j < len; j++) {
        cand[m] = j;
        m += ((tH - (hi[j] ^ flip) + 0x100000000) * 2 ** -32) | 0;
      }
    }
    let above = len - m;
    for (let c = 0; c < m; c++) {
      const j = cand ? cand[c] : c;
      const h = hi[j] ^ flip;
      if (h > tH) {
        above++;
        continue;
      }
      const l = lo[j] ^ flip;
      const i = part[j];
      if (h === tH && (l > tL || (l === tL && i > tI))) continue;
      if (!this.add(h, l, i)) return false;
      tH = this.topH;
      tL = this.topL;
      tI = this.topI;
    }
    // Mixed: neither side held 7 in 8 of them.
    this.mixed = above > len / 8 && above < len - len / 8;
    return true;
  }

  /** Adds a pair below the top (or any while not full); false past the budget. */
  private add(h: number, l: number, i: number): boolean {
    if (this.size < this.k) {
      siftUp(this.hH, this.hL, this.hI, this.size++, h, l, i);
    } else {
      if (++this.entries > this.budget) return false;
      siftDown(this.hH, this.hL, this.hI, this.k, h, l, i);
    }
    if (this.size === this.k) {
      this.topH = this.hH[0];
      this.topL = this.hL[0];
      this.topI = this.hI[0];
    }
    return true;
  }

  /** The objects kept, least pair first (empties the heap). */
  inOrder(): Uint32Array {
    const { hH, hL, hI } = this;
    const out = new Uint32Array(this.size);
    for (let s = this.size; s > 0; s--) {
      out[s - 1] = hI[0];
      const last = s - 1;
      if (last > 0) siftDown(hH, hL, hI, last, hH[last], hL[last], hI[last]);
    }
    this.size = 0;
    return out;
  }
}

/** Pair a above pair b. */
function above(ah: number, al: number, ai: number, bh: number, bl: number, bi: number): boolean {
  return ah > bh || (ah === bh && (al > bl || (al === bl && ai > bi)));
}

/** Adds (h, l, i) at position `at` (the heap's size) and moves it up. */
function siftUp(hH: Int32Array, hL: Int32Array, hI: Uint32Array, at: number, h: number, l: number, i: number): void {
  while (at > 0) {
    const p = (at - 1) >> 1;
    if (!above(h, l, i, hH[p], hL[p], hI[p])) break;
    hH[at] = hH[p];
    hL[at] = hL[p];
    hI[at] = hI[p];
    at = p;
  }
  hH[at] = h;
  hL[at] = l;
  hI[at] = i;
}

/** Replaces the top of a heap of `size` pairs with (h, l, i) and moves it down. */
function siftDown(hH: Int32Array, hL: Int32Array, hI: Uint32Array, size: number, h: number, l: number, i: number): void {
  let at = 0;
  for (;;) {
    let c = 2 * at + 1;
    if (c >= size) break;
    if (c + 1 < size && above(hH[c + 1], hL[c + 1], hI[c + 1], hH[c], hL[c], hI[c])) c++;
    if (!above(hH[c], hL[c], hI[c], h, l, i)) break;
    hH[at] = hH[c];
    hL[at] = hL[c];
    hI[at] = hI[c];
    at = c;
  }
  hH[at] = h;
  hL[at] = l;
  hI[at] = i;
}
