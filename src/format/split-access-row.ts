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

const { SPACE, TAB } = BYTE;
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

  constructor(readonly hasPid: boolean) {
    super();
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

/** Whether the row is a `from:` row (blanks before it allowed). */
function isFrom(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  return e - s > 5 && b[s] === 0x66 && b[s + 1] === 0x72 && b[s + 2] === 0x6f && b[s + 3] === 0x6d && b[s + 4] === 0x3a;
}
