// The join of the `accesses` rows to the objects of the `allocations` file:
// alloc_index -> the objects that have it (docs/kmap-format.md, "The split
// CSV files", for the rule).
//
// The rule. With serial indices an alloc_index names one object. With
// jiffies (memorizer_index_type=time) many objects share one, and an access
// row says nothing else about its object. Memorizer prints both files by
// one walk of its object list, so the accesses of the objects come in the
// allocations file's order, each object's rows together. The join follows
// that walk: a row goes to the first object with its alloc_index at or after
// the object the previous joined row went to; when there is none (the files
// were not printed in one order), to the first object with it. So rows of
// one object stay together, and two objects of one index are told apart
// whenever rows of another object come between theirs; consecutive rows of
// one index go to one object (nothing in the format can split them). Such
// rows are counted (ambiguous) so that the user is told.
//
// The index: a hash table from the alloc index (as a double, exact up to
// 2^53 - 1; bigger ones are compared exactly by the caller) to a group of
// objects, each group's objects in increasing order in one Uint32Array. It
// takes about 16 bytes per object (table at most 3/4 full, one
// representative, the group starts, the members), whatever the number of
// access rows, and is dropped once the accesses file is read.

import type { KmapStore } from '../store/kmap-store.ts';

const EMPTY = -1;
const TWO_32 = 4294967296;

function hashIndex(v: number): number {
  const lo = v >>> 0;
  const hi = Math.floor(v / TWO_32) >>> 0;
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.imul(hi ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class AllocIndexJoin {
  private readonly keys: ArrayLike<number>;
  private readonly table: Int32Array;
  private readonly mask: number;
  /** One object of each group (its key is that object's alloc index). */
  private rep: Uint32Array;
  /** Where group() found its key missing: the empty slot, as ~slot. */
  private lastSlot = 0;
  /** Group g's objects are members[groupStart[g], groupStart[g + 1]), increasing. */
  readonly groupStart: Uint32Array;
  readonly members: Uint32Array;
  readonly numGroups: number;

  constructor(store: KmapStore) {
    const n = store.numObjects;
    this.keys = store.objects.allocIndex.data;
    let capacity = 16;
    while (capacity * 3 < n * 4) capacity *= 2;
    this.table = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.rep = new Uint32Array(Math.max(1, n));
    // Pass 1: the groups, and how many objects each has (counted at start[g + 1]).
    const counts = new Uint32Array(n + 1);
    let numGroups = 0;
    for (let o = 0; o < n; o++) {
      let g = this.group(this.keys[o]);
      if (g < 0) {
        g = numGroups++;
        this.rep[g] = o;
        this.table[~this.lastSlot] = g;
      }
      counts[g + 1]++;
    }
    this.numGroups = numGroups;
    this.rep = this.rep.slice(0, Math.max(1, numGroups));
    // Pass 2: each group's objects in increasing order (counts[g] is group g's next free place).
    for (let g = 1; g <= numGroups; g++) counts[g] += counts[g - 1];
    const members = new Uint32Array(n);
    for (let o = 0; o < n; o++) members[counts[this.group(this.keys[o])]++] = o;
    // counts[g] now ends group g: shift by one to make it the starts.
    const start = new Uint32Array(numGroups + 1);
    start.set(counts.subarray(0, numGroups), 1);
    this.groupStart = start;
    this.members = members;
  }

  /** The group of alloc index v, or -1 (then ~lastSlot is where it would go). */
  group(v: number): number {
    let slot = hashIndex(v) & this.mask;
    for (;;) {
      const g = this.table[slot];
      if (g === EMPTY) {
        this.lastSlot = ~slot;
        return -1;
      }
      if (this.keys[this.rep[g]] === v) return g;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * The object of group g that a row goes to when the previous joined row
   * went to object `prev` (-1: none yet): the first at or after prev, else
   * the first.
   */
  choose(g: number, prev: number): number {
    const s = this.groupStart[g];
    const e = this.groupStart[g + 1];
    if (e - s === 1) return this.members[s];
    let lo = s;
    let hi = e;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.members[mid] < prev) lo = mid + 1;
      else hi = mid;
    }
    return lo < e ? this.members[lo] : this.members[s];
  }

  /** Objects in group g. */
  size(g: number): number {
    return this.groupStart[g + 1] - this.groupStart[g];
  }

  /** Bytes the index holds. */
  get byteLength(): number {
    return this.table.byteLength + this.rep.byteLength + this.groupStart.byteLength + this.members.byteLength;
  }
}
