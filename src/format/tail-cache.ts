// The tails of object lines seen (`type,command,slab,new type`: the bytes
// after the free IP up to the newline), each with its four name ids, for the
// variant-E fast path (fast-path-e.ts). A capture repeats a few thousand such
// tails over millions of objects, and interning the four names of every line
// took 15-19% of a parse that sums the access lines (measured: a build that
// skipped it). A line whose tail is here costs a hash and one comparison.
//
// A direct-mapped cache: TAIL_SLOTS slots, one tail of up to TAIL_BYTES bytes
// each; a tail takes the slot its hash names, evicting the one there. Only
// the fast path's own successes are kept, so a hit is a line it takes whole;
// a hit interns no name, so the name cap (name-cap.ts) has nothing to judge.
// Ids are the parser's store's: a cache belongs to one parser.
//
// The hash is FNV-1a, computed by the fast path on its way to the newline
// (tailHashOf is the same, for the tests); it only picks a slot, the bytes
// decide. Tried and not kept: hashing and comparing 4 bytes at a time through
// a DataView, with the newline found apart (no gain measured).

const TAIL_SLOTS = 4096;
const TAIL_BYTES = 96;
/** FNV-1a's offset basis and prime: h = imul(h ^ byte, TAIL_HASH_PRIME) from TAIL_HASH_SEED. */
export const TAIL_HASH_SEED = 0x811c9dc5 | 0;
export const TAIL_HASH_PRIME = 0x01000193;

/** The hash the fast path computes of a tail (the tests). */
export function tailHashOf(bytes: Uint8Array): number {
  let h = TAIL_HASH_SEED;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], TAIL_HASH_PRIME);
  return h;
}

export class TailCache {
  private readonly hashes = new Int32Array(TAIL_SLOTS);
  /** The length of each slot's tail; 0: empty (an empty tail is never kept: no fast path line has one). */
  private readonly lengths = new Int32Array(TAIL_SLOTS);
  private readonly bytes = new Uint8Array(TAIL_SLOTS * TAIL_BYTES);
  /** Per slot: its tail's command, type, slab and new-type ids (4 * slot + 0..3). */
  readonly ids = new Int32Array(TAIL_SLOTS * 4);
  /** The hash find() was last given, for keep(). */
  private lastHash = 0;

  /** The slot holding the tail b[start, end) of hash `h` (TAIL_HASH_*), or ~slot (negative) of the slot keep() would put it in. */
  find(b: Uint8Array, start: number, end: number, h: number): number {
    this.lastHash = h;
    const slot = h & (TAIL_SLOTS - 1);
    const n = end - start;
    if (this.lengths[slot] !== n || this.hashes[slot] !== h) return ~slot;
    const t = this.bytes;
    const base = slot * TAIL_BYTES;
    for (let i = 0; i < n; i++) if (b[start + i] !== t[base + i]) return ~slot;
    return slot;
  }

  /** Keeps b[start, end), the tail find() was last asked for (`missed`: its answer), with its ids; a tail too long to keep is not. */
  keep(missed: number, b: Uint8Array, start: number, end: number, cmdId: number, typeId: number, slabId: number, newTypeId: number): void {
    const n = end - start;
    if (n > TAIL_BYTES || n === 0) return;
    const slot = ~missed;
    this.hashes[slot] = this.lastHash;
    this.lengths[slot] = n;
    this.bytes.set(b.subarray(start, end), slot * TAIL_BYTES);
    const k = 4 * slot;
    this.ids[k] = cmdId;
    this.ids[k + 1] = typeId;
    this.ids[k + 2] = slabId;
    this.ids[k + 3] = newTypeId;
  }
}
