// Growable typed-array columns for the struct-of-arrays store.
//
// Invariant: `data.length` is the capacity; entries [0, length) are valid.
// Capacity grows by doubling, so appends are amortised O(1) and the
// backing buffers stay transferable (plain ArrayBuffers, no objects).

export type UintArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

const UINT8_MAX = 0xff;
const UINT16_MAX = 0xffff;
const UINT32_MAX = 0xffffffff;

/**
 * A column of non-negative integers that starts narrow (Uint8) and widens to
 * Uint16, Uint32 and finally Float64 (exact up to 2^53) the first time a value
 * does not fit. Most columns of a kmap (type ids, slab ids, counts) stay
 * narrow, which is how the store meets its bytes-per-row budget.
 */
export class AdaptiveUintColumn {
  data: UintArray;
  length = 0;
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

  set(i: number, value: number): void {
    if (value > this.max) this.widen(value);
    this.data[i] = value;
  }

  /** Shrinks capacity to the length, so that a finished store holds no slack. */
  trim(): void {
    if (this.data.length !== this.length) this.grow(this.length);
  }

  get byteLength(): number {
    return this.data.byteLength;
  }

  private grow(capacity: number): void {
    const next = new (this.data.constructor as new (n: number) => UintArray)(Math.max(capacity, 16));
    next.set(this.data.subarray(0, Math.min(this.length, capacity)));
    this.data = next;
  }

  private widen(value: number): void {
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
