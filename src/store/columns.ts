// Growable typed-array columns for the struct-of-arrays store.
//
// Invariant: `data.length` is the capacity; entries [0, length) are valid.
// Capacity grows by doubling, so appends are amortised O(1) and the
// backing buffers stay transferable (plain ArrayBuffers, no objects).

import { ExactSum, type Exact } from './exact.ts';

export type UintArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

const UINT8_MAX = 0xff;
const UINT16_MAX = 0xffff;
const UINT32_MAX = 0xffffffff;

/**
 * A column of non-negative integers that starts narrow (Uint8) and widens to
 * Uint16, Uint32 and finally Float64 (exact up to 2^53) the first time a value
 * does not fit. Most columns of a kmap (type ids, slab ids, counts) stay
 * narrow, which is how the store meets its bytes-per-row budget.
 *
 * A value above 2^53 - 1 (up to 2^64 - 1: a kmap's sizes, indices and
 * counts are 64-bit) is pushed with pushWide(): `data` holds the nearest
 * double, which orders and compares almost right, and `wide` its exact
 * value. exact() gives the exact value of any entry.
 */
export class AdaptiveUintColumn {
  data: UintArray;
  length = 0;
  /** Exact values of the entries above 2^53 - 1, by index; null while there is none. */
  wide: Map<number, bigint> | null = null;
  private max: number;

  constructor(initialCapacity = 1024, start: 'u8' | 'u16' | 'u32' = 'u8') {
    if (start === 'u8') {
      this.data = new Uint8Array(initialCapacity);
      this.max = UINT8_MAX;
    } else if (start === 'u16') {
      this.data = new Uint16Array(initialCapacity);
      this.max = UINT16_MAX;
    } else {
      this.data = new Uint32Array(initialCapacity);
      this.max = UINT32_MAX;
    }
  }

  push(value: number): void {
    if (value > this.max) this.widen(value);
    if (this.length === this.data.length) this.grow(this.length * 2);
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i];
  }

  /** Appends a value above 2^53 - 1 (its nearest double in `data`, the exact one in `wide`). */
  pushWide(value: bigint): void {
    const i = this.length;
    this.push(Number(value));
    (this.wide ??= new Map()).set(i, value);
  }

  /**
   * Appends `n` values of another column's data (`wide`: its exact values
   * above 2^53 - 1, by its index), each plus `add`; widens once, up front, to
   * the wider of the two. The parallel parse's stitch (store/store-parts.ts).
   */
  appendData(src: UintArray, n: number, wide: ReadonlyMap<number, bigint> | null, add = 0): void {
    if (n === 0) return;
    let max = 0;
    if (add === 0 && !(src instanceof Float64Array)) max = src instanceof Uint8Array ? UINT8_MAX : src instanceof Uint16Array ? UINT16_MAX : UINT32_MAX;
    else for (let i = 0; i < n; i++) if (src[i] > max) max = src[i];
    if (max + add > this.max) this.widen(max + add);
    const at = this.length;
    if (at + n > this.data.length) this.grow(Math.max(at + n, this.data.length * 2));
    const data = this.data;
    if (add === 0 && data.BYTES_PER_ELEMENT >= src.BYTES_PER_ELEMENT) data.set(src.subarray(0, n), at);
    else for (let i = 0; i < n; i++) data[at + i] = src[i] + add;
    this.length = at + n;
    if (wide && wide.size > 0) {
      if (add !== 0) throw new RangeError('appendData cannot add to values above 2^53 - 1');
      this.wide ??= new Map();
      for (const [i, v] of wide) this.wide.set(at + i, v);
    }
  }

  /**
   * Widens the column to at least `bytesPerElement` (1, 2, 4 or 8) at its
   * present capacity: a stitch does so before it reserves, so that appending
   * a wider part does not copy the reserved column again.
   */
  widenTo(bytesPerElement: number): void {
    if (bytesPerElement <= this.data.BYTES_PER_ELEMENT) return;
    this.widen(bytesPerElement === 2 ? UINT8_MAX + 1 : bytesPerElement === 4 ? UINT16_MAX + 1 : UINT32_MAX + 1);
  }

  /** Makes room for `capacity` entries in all (so that appends up to it copy nothing more and trim() is free). */
  reserve(capacity: number): void {
    if (capacity > this.data.length) this.grow(capacity);
  }

  /**
   * Appends map[src[i]] for i in [0, n): ids of another table renumbered
   * into this store's. `maxId`: an id no mapped value passes (the store's
   * table size less one), when the column is known to be wide enough for
   * it: no scan for the width then.
   */
  appendMapped(src: UintArray, n: number, map: Uint32Array, maxId = Number.POSITIVE_INFINITY): void {
    let identity = true;
    for (let i = 0; i < map.length && identity; i++) identity = map[i] === i;
    if (identity) return this.appendData(src, n, null); // the first part's ids: a copy
    // The width the single parse would give: that of the largest id this column holds (not the map's largest).
    if (maxId > this.max) {
      let max = 0;
      for (let i = 0; i < n; i++) if (map[src[i]] > max) max = map[src[i]];
      if (max > this.max) this.widen(max);
    }
    const at = this.length;
    if (at + n > this.data.length) this.grow(Math.max(at + n, this.data.length * 2));
    const data = this.data;
    for (let i = 0; i < n; i++) data[at + i] = map[src[i]];
    this.length = at + n;
  }

  /** The exact value of entry i: a number up to 2^53 - 1, a bigint above. */
  exact(i: number): number | bigint {
    const v = this.data[i];
    return v > Number.MAX_SAFE_INTEGER ? this.wide!.get(i)! : v;
  }

  set(i: number, value: number): void {
    if (value > this.max) this.widen(value);
    this.data[i] = value;
  }

  /** Shrinks capacity to the length, so that a finished store holds no slack. */
  trim(): void {
    if (this.data.length !== this.length) this.grow(this.length);
  }

  /**
   * Moves entry i to dest[i] for every i in [0, length); `dest` must be a
   * permutation of [0, length). One new array of the column's width (and of
   * its length) is held meanwhile; exact values above 2^53 - 1 move with their entry.
   */
  scatter(dest: Uint32Array): void {
    const n = this.length;
    if (dest.length < n) throw new RangeError(`scatter needs ${n} destinations, not ${dest.length}`);
    const data = this.data;
    const next = new (data.constructor as new (n: number) => UintArray)(Math.max(n, 16));
    for (let i = 0; i < n; i++) next[dest[i]] = data[i];
    this.data = next;
    if (this.wide) {
      const wide = new Map<number, bigint>();
      for (const [i, v] of this.wide) wide.set(dest[i], v);
      this.wide = wide;
    }
  }

  get byteLength(): number {
    return this.data.byteLength + (this.wide ? this.wide.size * 48 : 0);
  }

  private grow(capacity: number): void {
    const next = new (this.data.constructor as new (n: number) => UintArray)(Math.max(capacity, 16));
    next.set(this.data.subarray(0, Math.min(this.length, capacity)));
    this.data = next;
  }

  private widen(value: number): void {
    // A Float64 column holds every value (past 2^53 - 1 its nearest double, the exact one in `wide`): nothing to widen to.
    if (this.data instanceof Float64Array) return;
    let next: UintArray;
    const cap = this.data.length;
    if (value <= UINT16_MAX) {
      next = new Uint16Array(cap);
      this.max = UINT16_MAX;
    } else if (value <= UINT32_MAX) {
      next = new Uint32Array(cap);
      this.max = UINT32_MAX;
    } else {
      next = new Float64Array(cap);
      this.max = Number.MAX_SAFE_INTEGER;
    }
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** A fixed-type Uint32 column (used for 64-bit values split into hi/lo halves). */
export class Uint32Column {
  data: Uint32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Uint32Array(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.resize(this.length * 2);
    this.data[this.length++] = value;
  }

  /** Makes room for `capacity` entries in all. */
  reserve(capacity: number): void {
    if (capacity > this.data.length) this.resize(capacity);
  }

  /** Appends the first `n` values of `src`. */
  appendData(src: Uint32Array, n: number): void {
    if (this.length + n > this.data.length) this.resize(Math.max(this.length + n, this.data.length * 2));
    this.data.set(src.subarray(0, n), this.length);
    this.length += n;
  }

  trim(): void {
    if (this.data.length !== this.length) this.resize(this.length);
  }

  get byteLength(): number {
    return this.data.byteLength;
  }

  private resize(capacity: number): void {
    const next = new Uint32Array(Math.max(capacity, 16));
    next.set(this.data.subarray(0, Math.min(this.length, capacity)));
    this.data = next;
  }
}

/** Adds entry i of `col` to `sum`, exactly (a wide entry by its exact value). */
export function addEntry(sum: ExactSum, col: AdaptiveUintColumn, i: number): void {
  const v = col.data[i];
  if (v > Number.MAX_SAFE_INTEGER) sum.add(v, col.wide!.get(i));
  else sum.add(v);
}

/** The exact sum of entries [start, end) of `col`. */
export function exactSumRange(col: AdaptiveUintColumn, start: number, end: number): Exact {
  const sum = new ExactSum();
  for (let i = start; i < end; i++) addEntry(sum, col, i);
  return sum.value;
}

/**
 * Writes the sort key of entries [start, start + n) of `col` as 32-bit words
 * (lo, and hi when the column holds values of 2^32 or more; hi is created
 * then): exact, wide entries included. Returns hi (or null).
 */
export function keyWords(col: AdaptiveUintColumn, start: number, n: number, lo: Uint32Array, hi: Uint32Array | null, at: (k: number) => number = (k) => start + k): Uint32Array | null {
  const data = col.data;
  if (!(data instanceof Float64Array)) {
    for (let k = 0; k < n; k++) lo[k] = data[at(k)];
    return hi;
  }
  for (let k = 0; k < n; k++) {
    const i = at(k);
    const v = data[i];
    if (v > 0xffffffff) {
      hi ??= new Uint32Array(lo.length);
      if (v > Number.MAX_SAFE_INTEGER) {
        const big = col.wide!.get(i)!;
        lo[k] = Number(big & 0xffffffffn);
        hi[k] = Number(big >> 32n);
      } else {
        lo[k] = v % 0x100000000;
        hi[k] = Math.floor(v / 0x100000000);
      }
    } else {
      lo[k] = v;
    }
  }
  return hi;
}

/**
 * Values of a few indices of a bigger column (the caller IPs of the rare
 * `from:IP,caller:IP,...` access lines), set in increasing index order: two
 * Uint32 columns, 8 bytes an entry however many there are (a Map would take
 * several times that), looked up by binary search. A subset of Map's API.
 */
export class SparseUint32Column {
  private readonly idx = new Uint32Column(16);
  private readonly vals = new Uint32Column(16);

  get size(): number {
    return this.idx.length;
  }

  /** Sets the value of `key`, which must be above every key set before. */
  set(key: number, value: number): void {
    const n = this.idx.length;
    if (n > 0 && this.idx.data[n - 1] >= key) throw new RangeError(`SparseUint32Column keys must increase: ${key} after ${this.idx.data[n - 1]}`);
    this.idx.push(key);
    this.vals.push(value);
  }

  get(key: number): number | undefined {
    const keys = this.idx.data;
    let lo = 0;
    let hi = this.idx.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k === key) return this.vals.data[mid];
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  *keys(): IterableIterator<number> {
    for (let i = 0; i < this.idx.length; i++) yield this.idx.data[i];
  }

  *entries(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.idx.length; i++) yield [this.idx.data[i], this.vals.data[i]];
  }

  trim(): void {
    this.idx.trim();
    this.vals.trim();
  }

  get byteLength(): number {
    return this.idx.byteLength + this.vals.byteLength;
  }
}

/**
 * A copy of `a` at `size` entries (cut, or the new ones 0 or `fill`): how
 * the cell tables grow (store/access-fold.ts, query/site-cells.ts).
 */
export function resized<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(a: T, size: number, fill?: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  if (fill !== undefined) next.fill(fill);
  next.set(a.subarray(0, Math.min(a.length, size)));
  return next;
}
