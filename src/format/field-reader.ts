// Field scanners shared by the detection pass and the parser: byte-level
// readers of the hex, decimal and pid fields of kmap lines, writing their
// value to scratch fields (hexHi/hexLo, num, numBig) instead of allocating.
// Each returns where its field ends (the comma after it, or the line's end),
// or -1 when the field is not valid; the reasons for a bad field are built
// elsewhere (field-reasons.ts), off the hot path.

import { ACCESS_PID_BIAS as PID_BIAS } from '../store/kmap-store.ts';

/**
 * The bytes the parser looks for. Each hot file copies the ones it uses into
 * module-local consts: an imported binding is read through the module
 * namespace on every use under some loaders (vitest's SSR transform), which
 * made the parser 2-7x slower there; a local const is inlined.
 */
export const BYTE = { NL: 0x0a, CR: 0x0d, SPACE: 0x20, TAB: 0x09, COMMA: 0x2c, MINUS: 0x2d } as const;
const { COMMA, MINUS, SPACE, TAB } = BYTE;

/** Largest pid whose stored form (pid + 2) is still exact. */
const MAX_PID = Number.MAX_SAFE_INTEGER - PID_BIAS;

const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = 10 + c;
  HEX[0x61 + c] = 10 + c;
}

export const MAX_U64 = 2n ** 64n - 1n;
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

export class FieldReader {
  // Scratch written by the field parsers (avoids allocating per field).
  protected hexHi = 0;
  protected hexLo = 0;
  protected num = 0;
  /** The exact value of the last decimal parsed when it was above 2^53 - 1 (num then is its nearest double). */
  protected numBig = 0n;
  /** End of the field last trimmed by trim() (its start is the return value). */
  protected trimEnd = 0;

  protected trim(b: Uint8Array, s: number, e: number): number {
    while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
    while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
    this.trimEnd = e;
    return s;
  }

  /**
   * Parses the hex field that starts at `p` into hexHi/hexLo and returns
   * where it ends (the comma after it, or `e`), or -1 when it is not hex.
   * Accepts surrounding spaces and tabs, a 0x prefix, any case, and `(null)`
   * (0). At most 16 significant digits: a 64-bit value.
   */
  protected hexTo(b: Uint8Array, p: number, e: number): number {
    // Fast path: exactly 16 digits then a comma or the end (almost every IP).
    if (p + 16 <= e && (p + 16 === e || b[p + 16] === COMMA) && this.hex16(b, p)) return p + 16;
    while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
    let hi = 0;
    let lo = 0;
    let numDigits = 0;
    if (p + 5 < e && b[p] === 0x28 && b[p + 1] === 0x6e && b[p + 2] === 0x75 && b[p + 3] === 0x6c && b[p + 4] === 0x6c && b[p + 5] === 0x29) {
      p += 6; // (null)
      numDigits = 1;
    } else {
      if (p + 1 < e && b[p] === 0x30 && (b[p + 1] === 0x78 || b[p + 1] === 0x58)) p += 2;
      let significant = 0;
      for (; p < e; p++) {
        const d = HEX[b[p]];
        if (d < 0) break;
        numDigits++;
        if (significant === 0 && d === 0) continue;
        if (++significant > 16) return -1;
        hi = (hi << 4) | (lo >>> 28);
        lo = (lo << 4) | d;
      }
      if (numDigits === 0) return -1;
    }
    while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
    if (p < e && b[p] !== COMMA) return -1;
    this.hexHi = hi >>> 0;
    this.hexLo = lo >>> 0;
    return p;
  }

  /** An object line's pid: as an access line's (-1 included). */
  protected objectPidTo(b: Uint8Array, p: number, e: number): number {
    return this.pidTo(b, p, e);
  }

  /** A pid: a decimal from -1 to MAX_PID (decTo's contract otherwise). */
  protected pidTo(b: Uint8Array, p: number, e: number): number {
    const end = this.decTo(b, p, e, true);
    return end >= 0 && this.num > MAX_PID ? -1 : end;
  }

  /**
   * Parses the decimal field that starts at `p` into `num` and returns where
   * it ends (the comma after it, or `e`), or -1 when it is not a number or is
   * above 2^64 - 1. Above 2^53 - 1, `num` is the nearest double and `numBig`
   * the exact value. With allowMinusOne, "-1" is accepted.
   */
  protected decTo(b: Uint8Array, p: number, e: number, allowMinusOne: boolean): number {
    while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
    let v = 0;
    if (p < e && b[p] === MINUS) {
      if (!allowMinusOne || p + 1 >= e || b[p + 1] !== 0x31) return -1;
      v = -1;
      p += 2;
    } else {
      const start = p;
      for (; p < e; p++) {
        const d = b[p] - 0x30;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (p === start) return -1;
      // Up to 15 digits are exact as a double; more may not be.
      if (p - start > 15) {
        let big = 0n;
        for (let q = start; q < p; q++) big = big * 10n + BigInt(b[q] - 0x30);
        if (big > MAX_U64) return -1;
        v = Number(big);
        if (v > MAX_EXACT) this.numBig = big;
      }
    }
    while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
    if (p < e && b[p] !== COMMA) return -1;
    this.num = v;
    return p;
  }

  /**
   * Exactly 16 hex digits (either case) at p: sets hexHi/hexLo and returns
   * true, or returns false. The caller checks that 16 bytes are there and
   * what follows them.
   */
  protected hex16(b: Uint8Array, p: number): boolean {
    let hi = 0;
    let lo = 0;
    let bad = 0;
    for (let i = 0; i < 8; i++) {
      const d = HEX[b[p + i]];
      bad |= d;
      hi = (hi << 4) | d;
    }
    for (let i = 8; i < 16; i++) {
      const d = HEX[b[p + i]];
      bad |= d;
      lo = (lo << 4) | d;
    }
    this.hexHi = hi >>> 0;
    this.hexLo = lo >>> 0;
    return bad >= 0;
  }

  /** Digits at p up to a comma (at most 15): sets num, returns the comma's position or -1. */
  protected dec15(b: Uint8Array, p: number, len: number): number {
    const s = p;
    let v = 0;
    let d = 0;
    while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (v = v * 10 + d), p++;
    if (p === s || p - s > 15 || p >= len || b[p] !== COMMA) return -1;
    this.num = v;
    return p;
  }
}

export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}
