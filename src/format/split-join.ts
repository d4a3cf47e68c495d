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
// objects, each group's objects in increasing order in one Uint32Array. Per
// object: the table (5 to 11 bytes: at most 3/4 full), a representative (4)
// and, while it is built, the object's group (4); when some indices are
// shared, the group starts and members (about 8 more). Whatever the number of
// access rows; dropped once the accesses file is read.

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
  /**
   * Group g's objects are members[groupStart[g], groupStart[g + 1]), increasing.
   * Null when every object has its own index (serial indices): group g is then object g.
   */
  readonly groupStart: Uint32Array | null = null;
  readonly members: Uint32Array | null = null;
  readonly numGroups: number;

  constructor(store: KmapStore) {
    const n = store.numObjects;
    this.keys = store.objects.allocIndex.data;
    let capacity = 16;
    while (capacity * 3 < n * 4) capacity *= 2;
    this.table = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.rep = new Uint32Array(Math.max(1, n));
    // The groups in first-seen order, so that with unique indices group g is object g.
    const groupOf = new Uint32Array(n);
    let numGroups = 0;
    for (let o = 0; o < n; o++) {
      let g = this.group(this.keys[o]);
      if (g < 0) {
        g = numGroups++;
        this.rep[g] = o;
        this.table[~this.lastSlot] = g;
      }
      groupOf[o] = g;
    }
    this.numGroups = numGroups;
    if (numGroups === n) return;
    this.rep = this.rep.slice(0, Math.max(1, numGroups));
    // Each group's objects in increasing order: a counting sort by group.
    const start = new Uint32Array(numGroups + 1);
    for (let o = 0; o < n; o++) start[groupOf[o] + 1]++;
    for (let g = 1; g <= numGroups; g++) start[g] += start[g - 1];
    const members = new Uint32Array(n);
    const next = start.slice(0, numGroups);
    for (let o = 0; o < n; o++) members[next[groupOf[o]]++] = o;
    this.groupStart = start;
    this.members = members;
  }

  /** Where group() found its key missing: the empty slot, as ~slot. */
  private lastSlot = 0;

  /** The group of alloc index v, or -1. */
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

  /** Objects in group g. */
  size(g: number): number {
    return this.groupStart ? this.groupStart[g + 1] - this.groupStart[g] : 1;
  }

  /** Object k (0 <= k < size(g)) of group g, in increasing order. */
  member(g: number, k: number): number {
    return this.members ? this.members[this.groupStart![g] + k] : g;
  }

  /**
   * The object of group g that a row goes to when the previous joined row
   * went to object `prev` (-1: none yet): the first at or after prev, else
   * the first.
   */
  choose(g: number, prev: number): number {
    if (!this.members) return g;
    const s = this.groupStart![g];
    const e = this.groupStart![g + 1];
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

  /** Bytes the index holds. */
  get byteLength(): number {
    return this.table.byteLength + this.rep.byteLength + (this.groupStart?.byteLength ?? 0) + (this.members?.byteLength ?? 0);
  }
}
