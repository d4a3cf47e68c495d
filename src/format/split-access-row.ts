// One row of the `accesses` file of Memorizer's split CSV pair:
//   alloc_index,access_ip,[pid,]writes,reads
// read byte by byte into scratch fields (no allocation on a good row), with
// the field rules of a kmap's access line (field-reader.ts): hex and decimal
// fields may have blanks around them, decimals are 64-bit and exact.
//
// The pid is printed unsigned (%llu), so the kernel's -1 ("no task") reads
// 18446744073709551615 (2^64 - 1): that value is pid -1, and so is a `-1`
// written signed. Any other value must be a pid the store can keep
// (at most 2^53 - 3), as in a kmap. Without a pid column every row's pid is
// -1, what the kmap of a kernel without per-pid tracking prints.
//
// The kernel prints the accesses of an object of type NONE as `  from:IP,w,r`
// rows, without an alloc_index: such a row cannot be joined (its reason
// says so).

import { ACCESS_PID_BIAS } from '../store/kmap-store.ts';
import { BYTE, FieldReader, MAX_U64 } from './field-reader.ts';
import { countFields, numberReason, plural } from './field-reasons.ts';

const { COMMA, CR, MINUS, NL, SPACE, TAB } = BYTE;
/** The pid -1 as the kernel prints it (%llu). */
const UNSIGNED_MINUS_ONE = new TextEncoder().encode('18446744073709551615');
const MAX_PID = Number.MAX_SAFE_INTEGER - ACCESS_PID_BIAS;

export const FROM_ROW_REASON =
  'a "from:" row (the accesses of an object of type NONE) carries no alloc_index, so it cannot be joined to an object; the kmap file has these accesses';

export class AccessRowReader extends FieldReader {
  // The row read last (valid after read() returned null).
  allocIndex = 0;
  allocIndexBig = 0n;
  ipHi = 0;
  ipLo = 0;
  /** The pid as the store keeps it: pid + 2 (1 for pid -1). */
  pidCode = 0;
  writes = 0;
  writesBig = 0n;
  reads = 0;
  readsBig = 0n;

  /** Where the row read by fastRow() ends (before its line end). */
  rowEnd = 0;

  constructor(readonly hasPid: boolean) {
    super();
  }

  /**
   * A plain row (numbers of up to 15 digits, a 16-digit IP, the pid as
   * digits, -1 or 2^64 - 1) that lies whole in b from p, read in one pass
   * with its line end: returns the position after the newline, or -1 to let
   * read() take the line (which reads or reports anything). The tests read
   * every pair at chunk sizes that send rows both ways.
   */
  fastRow(b: Uint8Array, p: number, len: number): number {
    let v = 0;
    let d = 0;
    let q = p;
    while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (v = v * 10 + d), p++;
    if (p === q || p - q > 15 || p + 18 > len || b[p] !== COMMA || b[p + 17] !== COMMA || !this.hex16(b, p + 1)) return -1;
    this.allocIndex = v;
    this.ipHi = this.hexHi;
    this.ipLo = this.hexLo;
    p += 18;
    if (this.hasPid) {
      if (b[p] === MINUS) {
        if (p + 2 >= len || b[p + 1] !== 0x31 || b[p + 2] !== COMMA) return -1;
        this.pidCode = ACCESS_PID_BIAS - 1;
        p += 3;
      } else if (b[p] === 0x31 && p + 20 < len && b[p + 20] === COMMA && b[p + 19] === 0x35 && sameBytes(b, p, UNSIGNED_MINUS_ONE)) {
        this.pidCode = ACCESS_PID_BIAS - 1;
        p += 21;
      } else {
        q = p;
        v = 0;
        while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (v = v * 10 + d), p++;
        if (p === q || p - q > 15 || p >= len || b[p] !== COMMA) return -1;
        this.pidCode = v + ACCESS_PID_BIAS;
        p++;
      }
    } else {
      this.pidCode = ACCESS_PID_BIAS - 1;
    }
    q = p;
    v = 0;
    while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (v = v * 10 + d), p++;
    if (p === q || p - q > 15 || p >= len || b[p] !== COMMA) return -1;
    this.writes = v;
    q = ++p;
    v = 0;
    while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (v = v * 10 + d), p++;
    if (p === q || p - q > 15 || p >= len) return -1;
    this.reads = v;
    this.rowEnd = p;
    if (b[p] === NL) return p + 1;
    if (b[p] === CR && p + 1 < len && b[p + 1] === NL) return p + 2;
    return -1;
  }

  /** Reads the row b[s, e) (no line end); null when it is valid, else why not. */
  read(b: Uint8Array, s: number, e: number): string | null {
    let p = this.decTo(b, s, e, false);
    if (p < 0 || p === e) return this.badRow(b, s, e, p < 0 ? (isFrom(b, s, e) ? FROM_ROW_REASON : numberReason('alloc_index', 'decimal', b, s, e)) : null);
    this.allocIndex = this.num;
    this.allocIndexBig = this.numBig;
    let fs = p + 1;
    p = this.hexTo(b, fs, e);
    if (p < 0 || p === e) return this.badRow(b, s, e, p < 0 ? numberReason('access_ip', 'hex', b, fs, e) : null);
    this.ipHi = this.hexHi;
    this.ipLo = this.hexLo;
    if (this.hasPid) {
      fs = p + 1;
      p = this.decTo(b, fs, e, true);
      if (p < 0 || p === e) return this.badRow(b, s, e, p < 0 ? numberReason('pid', 'pid', b, fs, e) : null);
      if (this.num === -1 || (this.num > Number.MAX_SAFE_INTEGER && this.numBig === MAX_U64)) this.pidCode = ACCESS_PID_BIAS - 1;
      else if (this.num > MAX_PID) return this.badRow(b, s, e, `${numberReason('pid', 'pid', b, fs, e)} (of such values only 18446744073709551615, -1 printed unsigned, is a pid)`);
      else this.pidCode = this.num + ACCESS_PID_BIAS;
    } else {
      this.pidCode = ACCESS_PID_BIAS - 1;
    }
    fs = p + 1;
    p = this.decTo(b, fs, e, false);
    if (p < 0 || p === e) return this.badRow(b, s, e, p < 0 ? numberReason('writes', 'decimal', b, fs, e) : null);
    this.writes = this.num;
    this.writesBig = this.numBig;
    fs = p + 1;
    p = this.decTo(b, fs, e, false);
    if (p < 0) return this.badRow(b, s, e, numberReason('reads', 'decimal', b, fs, e));
    if (p !== e) return this.badRow(b, s, e, null);
    this.reads = this.num;
    this.readsBig = this.numBig;
    return null;
  }

  /** A field count message when the count is off (or nothing more precise is known), else `reason`. */
  private badRow(b: Uint8Array, s: number, e: number, reason: string | null): string {
    if (reason === FROM_ROW_REASON) return reason;
    const numFields = countFields(b, s, e);
    const need = this.hasPid ? 5 : 4;
    if (numFields !== need || reason === null) {
      return `${plural(numFields, 'field')}; a row of this accesses file has ${need} (alloc_index,access_ip,${this.hasPid ? 'pid,' : ''}writes,reads)`;
    }
    return reason;
  }
}

function sameBytes(b: Uint8Array, p: number, want: Uint8Array): boolean {
  for (let i = 0; i < want.length; i++) if (b[p + i] !== want[i]) return false;
  return true;
}

/** Whether the row is a `from:` row (blanks before it allowed). */
function isFrom(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  return e - s > 5 && b[s] === 0x66 && b[s + 1] === 0x72 && b[s + 2] === 0x6f && b[s + 3] === 0x6d && b[s + 4] === 0x3a;
}
