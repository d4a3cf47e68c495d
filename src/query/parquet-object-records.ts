// What an access row of the Parquet export copies from its object (slab,
// alloc type, alloc_fn and command ids: ./parquet-access-rows.ts), as one
// small id per object: objects share these four far more than they differ
// (the 1 GB benchmark kmap: see BENCHMARKS.md), so the distinct records fit
// in a table that stays in cache, and the accesses' sort carries each row's
// record id in order. A block then reads its rows' records from that table
// instead of reading each row's object at random (60% of a block's time).
//
// Invariants: records are numbered in the order their first object comes;
// fields[4 r .. 4 r + 3] are record r's slab, type, alloc_fn and command
// ids; of[i] is object i's record.

/** The distinct records and each object's. */
export interface ObjectRecords {
  /** Per object: its record's id (16-bit while there are at most 2^16 records). */
  readonly of: Uint16Array | Uint32Array;
  /** Per record: its slab, type, alloc_fn and command ids, side by side. */
  readonly fields: Uint32Array;
  readonly count: number;
}

/** Per object: slab, type and command ids, and its alloc_fn id (allocOf of its alloc IP id). */
export interface RecordColumns {
  readonly numObjects: number;
  readonly slab: ArrayLike<number>;
  readonly type: ArrayLike<number>;
  readonly command: ArrayLike<number>;
  readonly allocIp: ArrayLike<number>;
  readonly allocOf: ArrayLike<number>;
}

/** A slot of the four ids in a table of 2^bits slots (its high bits of a multiplicative mix). */
function slotOf(a: number, b: number, c: number, d: number, bits: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77) ^ Math.imul(c + 0x165667b1, 0xc2b2ae3d) ^ Math.imul(d + 0x27d4eb2f, 0x2545f491);
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> (32 - bits);
}

/** The records of every object: one pass, an open-addressing table of record ids kept at most half full. */
export function objectRecords(src: RecordColumns): ObjectRecords {
  const n = src.numObjects;
  const of = new Uint32Array(n);
  let bits = 10;
  let slots = new Int32Array(1 << bits).fill(-1);
  let fields = new Uint32Array(4 * 256);
  let count = 0;
  const { slab, type, command, allocIp, allocOf } = src;
  for (let i = 0; i < n; i++) {
    const a = slab[i];
    const b = type[i];
    const c = allocOf[allocIp[i]];
    const d = command[i];
    const mask = (1 << bits) - 1;
    let s = slotOf(a, b, c, d, bits);
    let r = slots[s];
    while (r >= 0 && !(fields[4 * r] === a && fields[4 * r + 1] === b && fields[4 * r + 2] === c && fields[4 * r + 3] === d)) {
      s = (s + 1) & mask;
      r = slots[s];
    }
    if (r < 0) {
      r = count++;
      if (4 * count > fields.length) {
        const grown = new Uint32Array(2 * fields.length);
        grown.set(fields);
        fields = grown;
      }
      fields[4 * r] = a;
      fields[4 * r + 1] = b;
      fields[4 * r + 2] = c;
      fields[4 * r + 3] = d;
      slots[s] = r;
      if (2 * count > 1 << bits) {
        bits++;
        slots = new Int32Array(1 << bits).fill(-1);
        const m = (1 << bits) - 1;
        for (let q = 0; q < count; q++) {
          let t = slotOf(fields[4 * q], fields[4 * q + 1], fields[4 * q + 2], fields[4 * q + 3], bits);
          while (slots[t] >= 0) t = (t + 1) & m;
          slots[t] = q;
        }
      }
    }
    of[i] = r;
  }
  return { of: count <= 1 << 16 ? Uint16Array.from(of) : of, fields: fields.slice(0, 4 * count), count };
}
