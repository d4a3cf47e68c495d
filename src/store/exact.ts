// Exact integers up to 2^64 - 1 without making every number a BigInt.
//
// A kmap's sizes, indices and read/write counts are 64-bit. Almost all fit
// in a JS number exactly (below 2^53); the store keeps those as numbers and
// keeps the exact value of the rare bigger one beside its column
// (AdaptiveUintColumn.wide). An `Exact` is a number when the value is at most
// 2^53 - 1 and a bigint only above that, so code that never meets a huge
// value sees plain numbers.
//
// Sums: a running double sum of exact non-negative integers is exact as long
// as it stays at or below 2^53 - 1 (every addition below 2^53 is exact, and a
// sum that reaches 2^53 never comes back below it). So a sum computed in
// doubles is exact when it is <= MAX_EXACT; only a bigger one needs
// recomputing with BigInt. ExactSum does that as it goes.

/** A non-negative integer: a number up to 2^53 - 1, a bigint above. */
export type Exact = number | bigint;

export const MAX_EXACT = Number.MAX_SAFE_INTEGER;
const MAX_EXACT_BIG = BigInt(MAX_EXACT);

/** A bigint as an Exact: a number when it fits. */
export function exactOf(v: bigint): Exact {
  return v <= MAX_EXACT_BIG ? Number(v) : v;
}

export function bigOf(v: Exact): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

export function addExact(a: Exact, b: Exact): Exact {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= MAX_EXACT) return s;
  }
  return exactOf(bigOf(a) + bigOf(b));
}

/** Orders two Exacts (ascending). */
export function compareExact(a: Exact, b: Exact): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = bigOf(a);
  const y = bigOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The JSON form of an Exact: a number up to 2^53 - 1, the exact decimal as a string above. */
export function exactJson(v: Exact): number | string {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** A running sum that stays exact past 2^53. `add` costs one comparison while the sum fits. */
export class ExactSum {
  /** The part of the sum kept as a number (always exact, at most MAX_EXACT). */
  private lo = 0;
  /** The part carried into a bigint once the sum passed MAX_EXACT. */
  private hi = 0n;

  /** Adds `v`; when v > MAX_EXACT (a rounded double), `big` must be its exact value. */
  add(v: number, big?: bigint): void {
    const s = this.lo + v;
    if (s <= MAX_EXACT) this.lo = s;
    else {
      this.hi += BigInt(this.lo) + (v > MAX_EXACT ? big! : BigInt(v));
      this.lo = 0;
    }
  }

  addExact(v: Exact): void {
    if (typeof v === 'number') this.add(v);
    else this.add(Number(v), v);
  }

  get value(): Exact {
    return this.hi === 0n ? this.lo : this.hi + BigInt(this.lo);
  }
}
