// The object filter's scan (filter.ts) as passes, one per condition: each
// keeps, of the indices the last pass kept, those its condition holds for,
// in the same ascending order. The first pass reads 0..n-1 (or the
// candidates a column index gave) and the later ones read only what is left
// (in a fixed order: names, liveness, sizes, then the rest).
//
// The common conditions (a name or IP by id, liveness, a size range) are
// written without a branch on the object: each pass stores every index it
// reads at the next free slot and advances by the condition as 0 or 1. A
// branch on a condition that holds for a random quarter of the objects is
// mispredicted about a quarter of the time; at 9.9 M objects one pass by
// slab cache took 75-80 ms with the branch and 18-22 ms without (Node 20,
// BENCHMARKS.md "Filters in passes"). `+(bool)` is what V8 compiles to a
// flag set, where `cond ? 1 : 0` stays a branch.
//
// Each pass is written out, twice (from the range, from kept indices), not
// one loop calling a condition per object: a call through a closure that
// differs per condition is not inlined, and 10 M objects took 42-47 ms that
// way against 5-10 ms written out (bench/scratch/closure.ts, not kept).
//
// Invariant: the kept indices are out[0, kept) in ascending order; a pass
// writes out[k] only for k at or below the slot it reads, so passes run in
// place.

import type { KmapStore } from '../store/kmap-store.ts';

export class Narrowing {
  private count: number;
  /** True until the first pass: the source is 0..count-1, or `candidates`. */
  private first = true;

  constructor(
    private readonly out: Uint32Array,
    total: number,
    private readonly candidates: Uint32Array | null,
  ) {
    this.count = total;
  }

  kept(): number {
    if (this.first) this.fill();
    return this.count;
  }

  /** The source written out, for a pass that only narrows in place. */
  private fill(): void {
    const out = this.out;
    if (this.candidates) out.set(this.candidates.subarray(0, this.count));
    else for (let i = 0; i < this.count; i++) out[i] = i;
    this.first = false;
  }

  /**
   * Keeps i where mask[column[i]] is 1. A mask holds 0 or 1 for every id the
   * column holds (sized to its name table): a missing entry would add NaN.
   * A mask of length 0 (a column the format lacks) keeps nothing.
   */
  byMask(column: ArrayLike<number>, mask: Uint8Array): void {
    const out = this.out;
    const count = this.count;
    let k = 0;
    if (mask.length === 0) {
      // nothing kept
    } else if (this.first && !this.candidates) {
      for (let i = 0; i < count; i++) {
        out[k] = i;
        k += mask[column[i]];
      }
    } else {
      const from = this.first ? this.candidates! : out;
      for (let p = 0; p < count; p++) {
        const i = from[p];
        out[k] = i;
        k += mask[column[i]];
      }
    }
    this.first = false;
    this.count = k;
  }

  /** Keeps i where any of the four masks is 1 at its column's id (a free search word: command, slab, type or function). */
  byAnyMask(c1: ArrayLike<number>, m1: Uint8Array, c2: ArrayLike<number>, m2: Uint8Array, c3: ArrayLike<number>, m3: Uint8Array, c4: ArrayLike<number>, m4: Uint8Array): void {
    const out = this.out;
    const count = this.count;
    let k = 0;
    if (this.first && !this.candidates) {
      for (let i = 0; i < count; i++) {
        out[k] = i;
        k += m1[c1[i]] | m2[c2[i]] | m3[c3[i]] | m4[c4[i]];
      }
    } else {
      const from = this.first ? this.candidates! : out;
      for (let p = 0; p < count; p++) {
        const i = from[p];
        out[k] = i;
        k += m1[c1[i]] | m2[c2[i]] | m3[c3[i]] | m4[c4[i]];
      }
    }
    this.first = false;
    this.count = k;
  }

  /** Keeps the live objects (want true) or the freed ones, by the store's rule (KmapStore.isLive). */
  byLiveness(store: KmapStore, want: boolean): void {
    const out = this.out;
    const count = this.count;
    let k = 0;
    if (this.first && !this.candidates) {
      for (let i = 0; i < count; i++) {
        out[k] = i;
        k += +(store.isLive(i) === want);
      }
    } else {
      const from = this.first ? this.candidates! : out;
      for (let p = 0; p < count; p++) {
        const i = from[p];
        out[k] = i;
        k += +(store.isLive(i) === want);
      }
    }
    this.first = false;
    this.count = k;
  }

  /** Keeps i where min <= size[i] <= max. */
  bySize(size: ArrayLike<number>, min: number, max: number): void {
    const out = this.out;
    const count = this.count;
    let k = 0;
    if (this.first && !this.candidates) {
      for (let i = 0; i < count; i++) {
        const s = size[i];
        out[k] = i;
        k += +(s >= min) & +(s <= max);
      }
    } else {
      const from = this.first ? this.candidates! : out;
      for (let p = 0; p < count; p++) {
        const i = from[p];
        const s = size[i];
        out[k] = i;
        k += +(s >= min) & +(s <= max);
      }
    }
    this.first = false;
    this.count = k;
  }

  /** Keeps i where test(i): the rarer conditions, tested with a branch. */
  byTest(test: (i: number) => boolean): void {
    if (this.first) this.fill();
    const out = this.out;
    const count = this.count;
    let k = 0;
    for (let p = 0; p < count; p++) {
      const i = out[p];
      if (test(i)) out[k++] = i;
    }
    this.count = k;
  }
}
