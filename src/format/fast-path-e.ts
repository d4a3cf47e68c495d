// The fast path for plain variant-E lines (the kmaps Memorizer prints today):
// a line that lies whole in a chunk, with 16-digit IPs and address, plain
// decimals and names without surrounding blanks, is parsed in one pass while
// its end is found. Anything unusual returns -1 and goes to the general path
// (LineParser), which parses or reports it; the tests compare both paths at
// every chunk size (parser.fast-path.test.ts, parseAllChunkSizes).

import { ACCESS_PID_BIAS } from '../store/kmap-store.ts';
import { BYTE, isBlank as isBlankImported } from './field-reader.ts';
import { MAX_NAME_BYTES } from './field-reasons.ts';
import { LineParser } from './line-parser.ts';
import { nearNameCap as nearNameCapImported } from './name-cap.ts';
import { TAIL_HASH_PRIME, TAIL_HASH_SEED, TailCache } from './tail-cache.ts';

// Module-local copies of hot values (why: BYTE in field-reader.ts).
const { COMMA, CR, MINUS, NL } = BYTE;
const isBlank = isBlankImported;
const nearNameCap = nearNameCapImported;
const NAME_LIMIT = MAX_NAME_BYTES;
const PID_BIAS = ACCESS_PID_BIAS;

export class FastPathE extends LineParser {
  /** Object-line tails seen, with their name ids (tail-cache.ts). */
  private readonly tails = new TailCache();

  /**
   * `IP16,writes,reads,pid\n` (pid may be -1), starting after the two spaces.
   * Returns the position after the newline, or -1 to let the general path
   * parse (and, if need be, report) the line. Numbers of up to 15 digits only.
   */
  protected fastAccessE(b: Uint8Array, p: number, len: number): number {
    if (p + 24 > len || b[p + 16] !== COMMA || !this.hex16(b, p)) return -1;
    const hi = this.hexHi;
    const lo = this.hexLo;
    p += 17;
    // writes
    let s = p;
    let writes = 0;
    let d = 0;
    while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (writes = writes * 10 + d), p++;
    if (p === s || p - s > 15 || p >= len || b[p] !== COMMA) return -1;
    // reads
    s = ++p;
    let reads = 0;
    while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (reads = reads * 10 + d), p++;
    if (p === s || p - s > 15 || p >= len || b[p] !== COMMA) return -1;
    // pid
    s = ++p;
    let pid = 0;
    if (p + 1 < len && b[p] === MINUS && b[p + 1] === 0x31) {
      pid = -1;
      p += 2;
    } else {
      while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (pid = pid * 10 + d), p++;
      if (p === s || p - s > 15) return -1;
    }
    if (p >= len) return -1;
    if (b[p] !== NL) {
      if (b[p] !== CR || p + 1 >= len || b[p + 1] !== NL) return -1;
      p++;
    }
    this.numLines++;
    this.appendAccess(hi, lo, pid + PID_BIAS, writes, reads);
    return p + 1;
  }

  /**
   * A plain variant-E object line (16-digit IPs and address, plain decimals,
   * names without surrounding blanks), parsed in one pass from `p`. Returns the
   * position after its newline, or -1 to let the general path handle it.
   */
  protected fastObjectE(b: Uint8Array, p: number, len: number): number {
    const lineStart = p;
    if (p + 64 > len) return -1;
    if (b[p + 16] !== COMMA || !this.hex16(b, p)) return -1;
    const allocIpHi = this.hexHi, allocIpLo = this.hexLo;
    if ((p = this.dec15(b, p + 17, len)) < 0) return -1;
    const pid = this.num;
    if (p + 18 > len || b[p + 17] !== COMMA || !this.hex16(b, p + 1)) return -1;
    const vaHi = this.hexHi, vaLo = this.hexLo;
    if ((p = this.dec15(b, p + 18, len)) < 0) return -1;
    const size = this.num;
    if ((p = this.dec15(b, p + 1, len)) < 0) return -1;
    const allocIndex = this.num;
    if ((p = this.dec15(b, p + 1, len)) < 0) return -1;
    const freeIndex = this.num;
    if (p + 18 > len || b[p + 17] !== COMMA || !this.hex16(b, p + 1)) return -1;
    const freeIpHi = this.hexHi, freeIpLo = this.hexLo;
    const typeStart = p + 18;
    // To the newline, hashing the tail on the way: a tail seen before gives its four name ids (tail-cache.ts).
    let h = TAIL_HASH_SEED;
    let nl = typeStart;
    for (let c = 0; nl < len && (c = b[nl]) !== NL; nl++) h = Math.imul(h ^ c, TAIL_HASH_PRIME);
    // A line that could hold a name above the limit: the general path checks it.
    if (nl >= len || nl - lineStart > NAME_LIMIT) return -1;
    const slot = this.tails.find(b, typeStart, nl, h);
    if (slot >= 0) {
      const ids = this.tails.ids;
      const k = 4 * slot;
      this.numLines++;
      this.appendObject(allocIpHi, allocIpLo, freeIpHi, freeIpLo, vaHi, vaLo, size, pid, allocIndex, freeIndex, ids[k], ids[k + 1], ids[k + 2], ids[k + 3], freeIndex === 0);
      return nl + 1;
    }
    let q = typeStart;
    while (q < len && b[q] !== COMMA && b[q] !== NL) q++;
    if (q >= len || b[q] !== COMMA) return -1;
    const typeEnd = q;
    const cmdStart = q + 1;
    let e = nl;
    if (b[e - 1] === CR) e--;
    // new_alloc_type and slab from the end.
    let c2 = e;
    while (c2 > cmdStart && b[c2 - 1] !== COMMA) c2--;
    if (c2 === cmdStart) return -1;
    let c1 = c2 - 1;
    while (c1 > cmdStart && b[c1 - 1] !== COMMA) c1--;
    if (c1 === cmdStart) return -1;
    const slabStart = c1, slabEnd = c2 - 1, newTypeStart = c2, newTypeEnd = e;
    const cmdEnd = c1 - 1;
    // Names with blanks at either end take the general path (it trims).
    if (typeEnd === typeStart || isBlank(b[typeStart]) || isBlank(b[typeEnd - 1])) return -1;
    if (slabEnd === slabStart || isBlank(b[slabStart]) || isBlank(b[slabEnd - 1])) return -1;
    if (newTypeEnd > newTypeStart && (isBlank(b[newTypeStart]) || isBlank(b[newTypeEnd - 1]))) return -1;

    const store = this.store;
    if (nearNameCap(store, this.maxNames)) return -1; // the general path applies the cap
    this.numLines++;
    const cmdId = store.commands.intern(b, cmdStart, cmdEnd);
    const typeId = store.types.intern(b, typeStart, typeEnd);
    const slabId = store.slabs.intern(b, slabStart, slabEnd);
    const newTypeId = store.types.intern(b, newTypeStart, newTypeEnd);
    this.appendObject(allocIpHi, allocIpLo, freeIpHi, freeIpLo, vaHi, vaLo, size, pid, allocIndex, freeIndex, cmdId, typeId, slabId, newTypeId, freeIndex === 0);
    this.tails.keep(slot, b, typeStart, nl, cmdId, typeId, slabId, newTypeId);
    return nl + 1;
  }
}
