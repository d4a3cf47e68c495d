// Counts per (a, b) pair of small non-negative integers (site x pid, site x
// cache) in an open-addressing hash table of typed arrays: the access-sites
// query adds one pair per access line (tens of millions), where a Map of
// Maps would allocate per entry.

const EMPTY = -1;

export class PairCounter {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private counts: Float64Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.keysA = new Int32Array(cap).fill(EMPTY);
    this.keysB = new Int32Array(cap);
    this.counts = new Float64Array(cap);
    this.mask = cap - 1;
  }

  add(a: number, b: number, count: number): void {
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
    const keysA = this.keysA;
    const keysB = this.keysB;
    for (;;) {
      const ka = keysA[slot];
      if (ka === EMPTY) break;
      if (ka === a && keysB[slot] === b) {
        this.counts[slot] += count;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    keysA[slot] = a;
    keysB[slot] = b;
    this.counts[slot] = count;
    if (++this.size * 2 > this.mask) this.grow();
  }

  /** Calls fn for every pair (in no particular order). */
  forEach(fn: (a: number, b: number, count: number) => void): void {
    for (let s = 0; s <= this.mask; s++) if (this.keysA[s] !== EMPTY) fn(this.keysA[s], this.keysB[s], this.counts[s]);
  }

  /**
   * The pairs grouped by `a` (which must be < numA): pairs of a are
   * [starts[a], starts[a + 1]) in `b` and `counts` (a counting sort, no
   * per-pair objects).
   */
  grouped(numA: number): { starts: Uint32Array; b: Int32Array; counts: Float64Array } {
    const starts = new Uint32Array(numA + 1);
    const { keysA, keysB } = this;
    for (let s = 0; s <= this.mask; s++) if (keysA[s] !== EMPTY) starts[keysA[s] + 1]++;
    for (let a = 0; a < numA; a++) starts[a + 1] += starts[a];
    const fill = starts.slice(0, numA);
    const b = new Int32Array(this.size);
    const counts = new Float64Array(this.size);
    for (let s = 0; s <= this.mask; s++) {
      const a = keysA[s];
      if (a === EMPTY) continue;
      const k = fill[a]++;
      b[k] = keysB[s];
      counts[k] = this.counts[s];
    }
    return { starts, b, counts };
  }

  private grow(): void {
    const { keysA, keysB, counts } = this;
    const cap = keysA.length * 2;
    this.keysA = new Int32Array(cap).fill(EMPTY);
    this.keysB = new Int32Array(cap);
    this.counts = new Float64Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let s = 0; s < keysA.length; s++) if (keysA[s] !== EMPTY) this.add(keysA[s], keysB[s], counts[s]);
  }
}
