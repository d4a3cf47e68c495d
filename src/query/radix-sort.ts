// Stable LSD radix sort of a selection by an unsigned integer key of up to
// 64 bits (given as lo and optional hi 32-bit words). O(n) per pass, so
// sorting millions of rows takes tens of milliseconds where a comparator
// sort takes seconds.
//
// Digits: each word is cut into as few passes as keep a digit at most
// MAX_DIGIT_BITS wide, over only the bits that vary (each word less its
// smallest value, then up to the highest set bit across all keys), so
// 24-bit alloc indices take 2 passes and sizes below 2^12 one. A pass in
// which every key has the same digit is skipped (so the high words of
// kernel addresses, ffff8880 to ffff88ff, took one pass before the
// subtraction too; it saves their histogram reads, and a pass where values
// straddle a power of two).
// Wide digits (16 bits, 65,536 buckets) looked cheaper but lose at millions
// of rows: each scatter then writes to 65,536 places at once, far more than
// the caches hold (the 16-bit sort this replaced took 3-3.5x as long on
// 4 M 24-bit keys, and about twice as long on 10 M random 32-bit ones).
//
// Moves: each pass carries the key words later passes still read beside
// the selection, so every pass reads its keys in order instead of through
// a permutation (a random read per row). The histograms of every pass are
// counted in one read of the keys up front.
//
// Stability is what keeps ties in file order: the selection comes in
// ascending object index, and both directions keep that order among equals
// (descending flips each digit; the scatter stays forward).
//
// `lo` and `hi` are scratch: the sort reuses them as buffers and leaves them
// in no useful order. Beside them it holds one n-length buffer for the
// selection and one per word it carries: three at most (a 64-bit key whose
// hi word varies), where the permutation sort it replaced held two; those
// come from the caller's ScratchArrays when it passes one.

import type { ScratchArrays } from './scratch.ts';
import { runToEnd } from './steps.ts';

/** Widest digit: 2^12 buckets, whose counts (16 KB) stay in the first-level cache and the 4,096 places a scatter writes to in the second. */
const MAX_DIGIT_BITS = 12;

/** A pass: which word, and its digit's shift and mask. */
interface Pass {
  readonly word: 0 | 1;
  readonly shift: number;
  readonly mask: number;
}

/**
 * Bits that differ among the values of `w`: each value less the smallest
 * (in place: `w` is the sort's own copy of the keys), then the bits some
 * value uses (0 when all are equal). Order is kept (every value is at least
 * the smallest), and keys that share their top bits, as kernel addresses
 * and jiffies do, sort on only the bits that vary. In steps of `step`
 * values (see sortSteps).
 */
function* spanBits(w: Uint32Array, step: number): Generator<void, number> {
  let min = 0xffffffff;
  for (let a = 0; a < w.length; a += step) {
    min = Math.min(min, minOf(w, a, Math.min(w.length, a + step)));
    yield;
  }
  let or = 0;
  for (let a = 0; a < w.length; a += step) {
    or |= lessMin(w, min, a, Math.min(w.length, a + step));
    yield;
  }
  return 32 - Math.clz32(or);
}

function minOf(w: Uint32Array, a: number, b: number): number {
  let min = 0xffffffff;
  for (let i = a; i < b; i++) if (w[i] < min) min = w[i];
  return min;
}

/** The OR of w[a, b) less `min`, each value left less it. */
function lessMin(w: Uint32Array, min: number, a: number, b: number): number {
  let or = 0;
  if (min === 0) {
    for (let i = a; i < b; i++) or |= w[i];
  } else {
    for (let i = a; i < b; i++) or |= w[i] -= min;
  }
  return or;
}

/** The passes over the `bits` low bits of a word: as few as keep digits at most MAX_DIGIT_BITS, as even as can be. */
function wordPasses(word: 0 | 1, bits: number): Pass[] {
  const passes: Pass[] = [];
  const count = Math.ceil(bits / MAX_DIGIT_BITS);
  let shift = 0;
  for (let p = 0; p < count; p++) {
    const width = Math.ceil((bits - shift) / (count - p));
    passes.push({ word, shift, mask: width >= 32 ? 0xffffffff : (1 << width) - 1 });
    shift += width;
  }
  return passes;
}

/**
 * Sorts `indices` in place by key. `lo[i]` and `hi[i]` are the key words of
 * the object at selection position i (not of object indices[i]); both are
 * overwritten. With `scratch`, the pass buffers are borrowed from it (keys
 * 'radixSort.*', so the caller's lo and hi must not be among them) instead
 * of allocated: the sort of a 10 M selection moves through 80-120 MB of them.
 */
export function radixSortSelection(indices: Uint32Array, lo: Uint32Array, hi: Uint32Array | null, desc: boolean, scratch: ScratchArrays | null = null): void {
  sortBy(indices, lo, hi, desc, scratch, false);
}

/**
 * radixSortSelection ascending, and the keys in the sorted order beside it:
 * each less the smallest of its word (so equal keys stay equal and
 * unequal ones unequal: what a caller comparing neighbours needs). Every
 * pass carries both words to the end, about a tenth more time.
 */
export function radixSortWithKeys(indices: Uint32Array, lo: Uint32Array, hi: Uint32Array | null, scratch: ScratchArrays | null = null): { lo: Uint32Array; hi: Uint32Array | null } {
  return sortBy(indices, lo, hi, false, scratch, true);
}

function sortBy(indices: Uint32Array, lo: Uint32Array, hi: Uint32Array | null, desc: boolean, scratch: ScratchArrays | null, keepKeys: boolean): { lo: Uint32Array; hi: Uint32Array | null } {
  return runToEnd(sortSteps(indices, lo, hi, desc, scratch, keepKeys, Number.POSITIVE_INFINITY));
}

/**
 * radixSortWithKeys in steps: each next() does at most `step` keys' worth
 * of one pass (a share of the span, of the histograms' read, of a scatter)
 * and the last returns the keys in order. The sort's buffers are touched
 * step by step too, so a caller that runs a few steps at a time (the data
 * worker making a store's order between other answers, sort-orders.ts)
 * spreads their first touch as well as the work. Its arrays (`indices`,
 * `lo`, `hi`, the scratch's 'radixSort.*') must stay untouched by others
 * until it is done.
 */
export function radixSortWithKeysSteps(indices: Uint32Array, lo: Uint32Array, hi: Uint32Array | null, scratch: ScratchArrays | null, step: number): Generator<void, { lo: Uint32Array; hi: Uint32Array | null }> {
  return sortSteps(indices, lo, hi, false, scratch, true, step);
}

/** The sort itself, yielding after each `step` keys of any pass (a whole pass at a time with step = Infinity). */
function* sortSteps(indices: Uint32Array, lo: Uint32Array, hi: Uint32Array | null, desc: boolean, scratch: ScratchArrays | null, keepKeys: boolean, step: number): Generator<void, { lo: Uint32Array; hi: Uint32Array | null }> {
  const n = indices.length;
  const unsorted = { lo, hi };
  if (n < 2) return unsorted;
  // A whole number (an infinite step as n): the loops' bounds stay small integers.
  step = Math.max(1, Math.min(step, n));
  const loBits = yield* spanBits(lo.subarray(0, n), step);
  const hiBits = hi ? yield* spanBits(hi.subarray(0, n), step) : 0;
  const all = [...wordPasses(0, loBits), ...(hi ? wordPasses(1, hiBits) : [])];
  if (all.length === 0) return unsorted; // every key 0
  // The histograms of every pass, in one read of each word.
  const offsets: number[] = [];
  let size = 0;
  for (const p of all) {
    offsets.push(size);
    size += p.mask + 1;
  }
  const counts = new Uint32Array(size);
  for (let k = 0; k < all.length; k++) {
    const { word, shift, mask } = all[k];
    const w = word === 0 ? lo : hi!;
    for (let a = 0; a < n; a += step) {
      countDigits(w, shift, mask, desc ? mask : 0, counts, offsets[k], a, Math.min(n, a + step));
      yield;
    }
  }
  // Prefix sums; a pass whose keys all share one digit moves nothing.
  const passes: number[] = [];
  for (let k = 0; k < all.length; k++) {
    const base = offsets[k];
    let sum = 0;
    let single = false;
    for (let d = 0; d <= all[k].mask; d++) {
      const c = counts[base + d];
      if (c === n) single = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (!single) passes.push(k);
  }
  if (passes.length === 0) return unsorted; // every key's digits equal: all keys equal
  // The last pass that reads each word: words are carried until then.
  let lastLo = -1;
  let lastHi = -1;
  for (const k of passes) {
    if (all[k].word === 0) lastLo = k;
    else lastHi = k;
  }
  // Carried through every pass: read until the last one.
  if (keepKeys) {
    lastLo = Infinity;
    if (hi !== null) lastHi = Infinity;
  }
  let srcIdx: Uint32Array = indices;
  const buffer = (role: string) => (scratch ? scratch.u32(`radixSort.${role}`, n, false) : new Uint32Array(n)); // every element written before read
  let dstIdx: Uint32Array = buffer('idx');
  let srcLo = lo;
  let dstLo: Uint32Array | null = null;
  let srcHi = hi;
  let dstHi: Uint32Array | null = null;
  for (const k of passes) {
    const { word, shift, mask } = all[k];
    const flip = desc ? mask : 0;
    const base = offsets[k];
    const carryLo = k < lastLo;
    const carryHi = srcHi !== null && k < lastHi;
    const key = word === 0 ? srcLo : srcHi!;
    if (carryLo) dstLo ??= buffer('lo');
    if (carryHi) dstHi ??= buffer('hi');
    for (let a = 0; a < n; a += step) {
      const b = Math.min(n, a + step);
      if (carryLo && carryHi) scatterTwo(key, shift, mask, flip, counts, base, srcIdx, dstIdx, srcLo, dstLo!, srcHi!, dstHi!, a, b);
      else if (carryLo) scatterOne(key, shift, mask, flip, counts, base, srcIdx, dstIdx, srcLo, dstLo!, a, b);
      else if (carryHi) scatterOne(key, shift, mask, flip, counts, base, srcIdx, dstIdx, srcHi!, dstHi!, a, b);
      else scatterIdx(key, shift, mask, flip, counts, base, srcIdx, dstIdx, a, b);
      yield;
    }
    [srcIdx, dstIdx] = [dstIdx, srcIdx];
    if (carryLo) [srcLo, dstLo] = [dstLo!, srcLo];
    if (carryHi) [srcHi, dstHi] = [dstHi!, srcHi];
  }
  if (srcIdx !== indices) indices.set(srcIdx);
  return { lo: srcLo, hi: srcHi };
}

// Each pass's digit: bits `mask` of a word shifted right by `shift`, flipped
// (`flip`) for descending, with its running offsets at counts[base...].

function countDigits(w: Uint32Array, shift: number, mask: number, flip: number, counts: Uint32Array, base: number, a: number, b: number): void {
  for (let i = a; i < b; i++) counts[base + (((w[i] >>> shift) & mask) ^ flip)]++;
}

function scatterIdx(key: Uint32Array, shift: number, mask: number, flip: number, counts: Uint32Array, base: number, srcIdx: Uint32Array, dstIdx: Uint32Array, a: number, b: number): void {
  for (let i = a; i < b; i++) dstIdx[counts[base + (((key[i] >>> shift) & mask) ^ flip)]++] = srcIdx[i];
}

function scatterOne(key: Uint32Array, shift: number, mask: number, flip: number, counts: Uint32Array, base: number, srcIdx: Uint32Array, dstIdx: Uint32Array, from: Uint32Array, to: Uint32Array, a: number, b: number): void {
  for (let i = a; i < b; i++) {
    const at = counts[base + (((key[i] >>> shift) & mask) ^ flip)]++;
    dstIdx[at] = srcIdx[i];
    to[at] = from[i];
  }
}

function scatterTwo(key: Uint32Array, shift: number, mask: number, flip: number, counts: Uint32Array, base: number, srcIdx: Uint32Array, dstIdx: Uint32Array, srcLo: Uint32Array, dstLo: Uint32Array, srcHi: Uint32Array, dstHi: Uint32Array, a: number, b: number): void {
  for (let i = a; i < b; i++) {
    const at = counts[base + (((key[i] >>> shift) & mask) ^ flip)]++;
    dstIdx[at] = srcIdx[i];
    dstLo[at] = srcLo[i];
    dstHi[at] = srcHi[i];
  }
}
