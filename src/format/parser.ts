// The streaming kmap parser: a byte-level state machine over Uint8Array
// chunks that writes straight into a KmapStore. It never holds the whole file:
// only the current chunk, a partial line carried to the next chunk, and, until
// the variant is known, the bytes of the first object lines.
//
// Accounting invariant (checked by the tests): every non-blank line becomes
// exactly one of: an object, an access line, or a bad line.

import { DETECT_OBJECT_LINES, Field, LAYOUTS, detectVariant, type Variant, type VariantLayout } from './variants.ts';
import { KmapFormatError, sniffNotKmap } from './sniff.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, KmapStore, MAX_KEPT_BAD_LINES } from '../store/kmap-store.ts';

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const MINUS = 0x2d;

/** Longest line accepted; real kmap lines are under 300 bytes. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Most commas looked at in one line (a task name holds at most 15). */
const MAX_COMMAS = 64;
/** Detection gives up waiting for object lines after this many bytes. */
const MAX_DETECT_BYTES = 64 * 1024 * 1024;
const BAD_TEXT_CHARS = 200;

const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = 10 + c;
  HEX[0x61 + c] = 10 + c;
}

const decoder = new TextDecoder('utf-8');

export interface ParserOptions {
  /** Force a variant instead of detecting it (tests, the split-file importer). */
  readonly variant?: Variant;
}

export class KmapParser {
  readonly store = new KmapStore();
  /** Bytes handed to push() so far. */
  bytesIn = 0;

  private layout: VariantLayout | null = null;
  private numLines = 0;
  private carry: Uint8Array | null = null;
  /** True while skipping the rest of an over-long line. */
  private skippingLongLine = false;
  private sniffed = false;

  // Detection state: chunks held until the variant is known.
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private readonly fieldNumHistogram = new Map<number, number>();
  private detectObjectLines = 0;
  private detectAtLineStart = true;
  private detectLineKind = 0; // 0 unknown yet, 1 object, 2 access/blank
  private detectCommas = 0;

  // Object-line state: access lines attach to the last good object line.
  private haveObject = false;
  private lastObjectBad = false;

  // Scratch written by the field parsers (avoids allocating per field).
  private hexHi = 0;
  private hexLo = 0;
  private readonly commas = new Int32Array(MAX_COMMAS);

  constructor(options: ParserOptions = {}) {
    if (options.variant) this.setVariant(options.variant);
  }

  get variant(): Variant | null {
    return this.layout?.variant ?? null;
  }

  /** Lines completed so far (1-based number of the last one). */
  get linesRead(): number {
    return this.numLines;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (!this.sniffed) {
      this.sniffed = true;
      const why = sniffNotKmap(chunk);
      if (why) throw new KmapFormatError(why);
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    this.bytesIn += chunk.length;
    if (this.layout) {
      this.consume(chunk);
      return;
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    this.countFieldsForDetection(chunk);
    if (this.detectObjectLines >= DETECT_OBJECT_LINES || this.heldBytes >= MAX_DETECT_BYTES) this.decide();
  }

  /** Ends the input: parses a last line without a newline, trims the store. */
  finish(): KmapStore {
    if (!this.layout) {
      if (this.detectLineKind === 1) this.noteDetectLine();
      if (this.bytesIn === 0) throw new KmapFormatError('The file is empty.');
      if (this.detectObjectLines === 0) {
        throw new KmapFormatError(
          this.fieldNumHistogram.size === 0 && this.numNonBlankHeld() === 0
            ? 'The file holds only blank lines.'
            : 'Not a kmap: no line starts at column 0 with comma-separated fields (every line is indented or blank).',
        );
      }
      this.decide();
    }
    if (this.carry) {
      const line = this.carry;
      this.carry = null;
      if (this.skippingLongLine) this.skippingLongLine = false;
      else this.line(line, 0, line.length);
    } else if (this.skippingLongLine) {
      this.skippingLongLine = false;
    }
    this.store.trim();
    return this.store;
  }

  private setVariant(variant: Variant): void {
    this.layout = LAYOUTS[variant];
    this.store.variant = variant;
  }

  // ---- detection ---------------------------------------------------------

  private countFieldsForDetection(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === NL) {
        if (this.detectLineKind === 1) this.noteDetectLine();
        this.detectAtLineStart = true;
        this.detectLineKind = 0;
        this.detectCommas = 0;
        continue;
      }
      if (this.detectAtLineStart) {
        this.detectAtLineStart = false;
        this.detectLineKind = c === SPACE || c === TAB || c === CR ? 2 : 1;
      }
      if (c === COMMA) this.detectCommas++;
    }
  }

  private noteDetectLine(): void {
    const n = this.detectCommas + 1;
    this.fieldNumHistogram.set(n, (this.fieldNumHistogram.get(n) ?? 0) + 1);
    this.detectObjectLines++;
  }

  private numNonBlankHeld(): number {
    for (const chunk of this.held) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (c !== NL && c !== CR && c !== SPACE && c !== TAB) return 1;
      }
    }
    return 0;
  }

  private decide(): void {
    const variant = detectVariant(this.fieldNumHistogram);
    if (!variant) {
      let common = 0;
      let commonNum = -1;
      for (const [n, count] of this.fieldNumHistogram) if (count > commonNum) [common, commonNum] = [n, count];
      throw new KmapFormatError(
        `Not a kmap: its lines have ${common} comma-separated field${common === 1 ? '' : 's'} ` +
          'where a kmap object line has 6 to 11 (or more when the task name holds commas).',
      );
    }
    this.setVariant(variant);
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.consume(chunk);
    if (this.store.numObjects === 0 && this.store.numBadLines > 0 && this.detectObjectLines >= DETECT_OBJECT_LINES) {
      const first = this.store.badLines[0];
      throw new KmapFormatError(
        `Not a kmap: none of the first ${this.detectObjectLines} object lines is a valid ` +
          `variant ${variant} line (line ${first.lineNum}: ${first.reason}).`,
      );
    }
  }

  // ---- line splitting ----------------------------------------------------

  private consume(buf: Uint8Array): void {
    let pos = 0;
    if (this.carry || this.skippingLongLine) {
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.extendCarry(buf);
        return;
      }
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
        this.carry = null;
      } else {
        const head = buf.subarray(0, nl);
        const carry = this.carry!;
        this.carry = null;
        if (carry.length + head.length > MAX_LINE_BYTES) {
          this.longLine(carry);
        } else {
          const line = new Uint8Array(carry.length + head.length);
          line.set(carry, 0);
          line.set(head, carry.length);
          this.line(line, 0, line.length);
        }
      }
      pos = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) break;
      if (nl - pos > MAX_LINE_BYTES) this.longLine(buf.subarray(pos, nl));
      else this.line(buf, pos, nl);
      pos = nl + 1;
    }
    if (pos < buf.length) this.extendCarry(buf.subarray(pos));
  }

  private extendCarry(part: Uint8Array): void {
    if (this.skippingLongLine) return;
    const carry = this.carry;
    if (!carry) {
      this.carry = part.slice();
    } else {
      const next = new Uint8Array(carry.length + part.length);
      next.set(carry, 0);
      next.set(part, carry.length);
      this.carry = next;
    }
    if (this.carry!.length > MAX_LINE_BYTES) {
      // Count the over-long line as bad now and skip to its end.
      this.longLine(this.carry!);
      this.carry = null;
      this.skippingLongLine = true;
    }
  }

  private longLine(start: Uint8Array): void {
    this.numLines++;
    this.bad(start, 0, Math.min(start.length, BAD_TEXT_CHARS), `line longer than ${MAX_LINE_BYTES} bytes`);
    if (start[0] !== SPACE && start[0] !== TAB) {
      this.lastObjectBad = true;
    }
  }

  // ---- one line ----------------------------------------------------------

  private line(b: Uint8Array, s: number, e: number): void {
    this.numLines++;
    if (e > s && b[e - 1] === CR) e--;
    if (s === e) {
      this.store.numBlankLines++;
      return;
    }
    const c = b[s];
    if (c === SPACE || c === TAB) {
      let p = s + 1;
      while (p < e && (b[p] === SPACE || b[p] === TAB || b[p] === CR)) p++;
      if (p === e) {
        this.store.numBlankLines++;
        return;
      }
      this.accessLine(b, p, e, s);
    } else {
      this.objectLine(b, s, e);
    }
  }

  private objectLine(b: Uint8Array, s: number, e: number): void {
    const layout = this.layout!;
    const commas = this.commas;
    let numCommas = 0;
    for (let i = s; i < e; i++) {
      if (b[i] === COMMA) {
        if (numCommas === MAX_COMMAS) return this.badObject(b, s, e, `more than ${MAX_COMMAS + 1} fields`);
        commas[numCommas++] = i;
      }
    }
    const leading = layout.leading;
    const trailing = layout.trailing;
    const numFields = numCommas + 1;
    const need = leading.length + 1 + trailing.length;
    if (numFields < need) {
      return this.badObject(b, s, e, `${numFields} field${numFields === 1 ? '' : 's'}; a variant ${layout.variant} object line has ${need}`);
    }

    let allocIpHi = 0, allocIpLo = 0, freeIpHi = 0, freeIpLo = 0, vaHi = 0, vaLo = 0;
    let size = 0, pid = 0, allocIndex = 0, freeIndex = 0;
    let typeStart = 0, typeEnd = 0;
    for (let f = 0; f < leading.length; f++) {
      const fs = f === 0 ? s : commas[f - 1] + 1;
      const fe = commas[f];
      const role = leading[f];
      switch (role) {
        case Field.AllocIp:
        case Field.FreeIp:
        case Field.Va:
          if (!this.hex(b, fs, fe)) return this.badObject(b, s, e, `${FIELD_NAMES[role]} is not a hex number: "${text(b, fs, fe)}"`);
          if (role === Field.AllocIp) (allocIpHi = this.hexHi), (allocIpLo = this.hexLo);
          else if (role === Field.FreeIp) (freeIpHi = this.hexHi), (freeIpLo = this.hexLo);
          else (vaHi = this.hexHi), (vaLo = this.hexLo);
          break;
        case Field.Type:
          typeStart = fs;
          typeEnd = fe;
          break;
        default: {
          const v = decimal(b, fs, fe, false);
          if (v < 0) return this.badObject(b, s, e, `${FIELD_NAMES[role]} is not a decimal number: "${text(b, fs, fe)}"`);
          if (role === Field.Size) size = v;
          else if (role === Field.Pid) pid = v;
          else if (role === Field.AllocIndex) allocIndex = v;
          else freeIndex = v;
        }
      }
    }
    const cmdStart = leading.length === 0 ? s : commas[leading.length - 1] + 1;
    const cmdEnd = trailing.length === 0 ? e : commas[numCommas - trailing.length];

    // Every field is valid: append the object.
    const store = this.store;
    const o = store.objects;
    o.allocIp.push(store.ips.intern(allocIpHi, allocIpLo));
    o.freeIp.push(store.ips.intern(freeIpHi, freeIpLo));
    o.vaHi.push(vaHi);
    o.vaLo.push(vaLo);
    o.size.push(size);
    o.pid.push(pid);
    o.allocIndex.push(allocIndex);
    o.freeIndex.push(freeIndex);
    o.accessStart.push(store.accesses.ip.length);
    const cmdId = store.commands.intern(b, cmdStart, cmdEnd);
    o.command.push(cmdId);
    bump(store.objectsByCommand, cmdId);
    if (layout.hasType) {
      const t = this.trim(b, typeStart, typeEnd);
      const typeId = store.types.intern(b, t, this.trimEnd);
      o.type.push(typeId);
      bump(store.objectsByType, typeId);
    } else {
      o.type.push(0);
    }
    let slabId = 0;
    let newTypeId = 0;
    for (let t = 0; t < trailing.length; t++) {
      const fs = commas[numCommas - trailing.length + t] + 1;
      const fe = t + 1 < trailing.length ? commas[numCommas - trailing.length + t + 1] : e;
      const ts = this.trim(b, fs, fe);
      if (trailing[t] === Field.Slab) slabId = store.slabs.intern(b, ts, this.trimEnd);
      else newTypeId = store.types.intern(b, ts, this.trimEnd);
    }
    o.slab.push(slabId);
    o.newType.push(newTypeId);
    if (layout.hasSlab) bump(store.objectsBySlab, slabId);

    store.bytes += size;
    const live = layout.hasIndices ? freeIndex === 0 : freeIpHi === 0 && freeIpLo === 0;
    if (live) store.numLive++;
    this.haveObject = true;
    this.lastObjectBad = false;
  }

  private accessLine(b: Uint8Array, s: number, e: number, lineStart: number): void {
    if (!this.haveObject) return this.bad(b, lineStart, e, 'access line before any object line');
    if (this.lastObjectBad) return this.bad(b, lineStart, e, 'access line follows a bad object line');
    const layout = this.layout!;
    const commas = this.commas;
    let numCommas = 0;
    for (let i = s; i < e; i++) {
      if (b[i] === COMMA) {
        if (numCommas === MAX_COMMAS) return this.bad(b, lineStart, e, 'too many fields in an access line');
        commas[numCommas++] = i;
      }
    }
    const numFields = numCommas + 1;
    const ipEnd = numCommas > 0 ? commas[0] : e;
    let f = 1; // next field index
    let callerId = -1;
    let pidField = -1; // field index of the pid, -1 when the line has none

    // `from:IP,w,r` and `from:IP,caller:IP,w,r` (an optional pid last in E).
    const isFrom = e - s > 5 && b[s] === 0x66 && b[s + 1] === 0x72 && b[s + 2] === 0x6f && b[s + 3] === 0x6d && b[s + 4] === 0x3a;
    if (isFrom) {
      s += 5;
      if (numFields >= 2 && startsWithCaller(b, commas[0] + 1)) {
        const cs = commas[0] + 1 + 7;
        const ce = numFields > 2 ? commas[1] : e;
        if (!this.hex(b, cs, ce)) return this.bad(b, lineStart, e, `caller IP is not a hex number: "${text(b, cs, ce)}"`);
        callerId = this.store.ips.intern(this.hexHi, this.hexLo);
        f = 2;
      }
      const rest = numFields - f;
      if (rest === 3 && layout.accessPid === 'last') pidField = numFields - 1;
      else if (rest !== 2) {
        return this.bad(b, lineStart, e, `"from:" access line has ${numFields} fields; expected from:IP,[caller:IP,]writes,reads`);
      }
    } else {
      const need = layout.accessPid === 'none' ? 3 : 4;
      if (numFields !== need) {
        return this.bad(b, lineStart, e, `${numFields} field${numFields === 1 ? '' : 's'} in an access line; variant ${layout.variant} has ${need}`);
      }
      if (layout.accessPid === 'second') {
        pidField = 1;
        f = 2;
      } else if (layout.accessPid === 'last') {
        pidField = 3;
      }
    }
    if (!this.hex(b, s, ipEnd)) return this.bad(b, lineStart, e, `access IP is not a hex number: "${text(b, s, ipEnd)}"`);
    const ipHi = this.hexHi;
    const ipLo = this.hexLo;
    const ws = commas[f - 1] + 1;
    const we = commas[f];
    const writes = decimal(b, ws, we, false);
    if (writes < 0) return this.bad(b, lineStart, e, `writes is not a decimal number: "${text(b, ws, we)}"`);
    const rs = we + 1;
    const re = f + 1 < numCommas ? commas[f + 1] : e;
    const reads = decimal(b, rs, re, false);
    if (reads < 0) return this.bad(b, lineStart, e, `reads is not a decimal number: "${text(b, rs, re)}"`);
    let pidCode = ACCESS_PID_NONE;
    if (pidField >= 0) {
      const ps = commas[pidField - 1] + 1;
      const pe = pidField < numCommas ? commas[pidField] : e;
      const pid = decimal(b, ps, pe, true);
      if (pid < -1) return this.bad(b, lineStart, e, `pid is not a decimal number (or -1): "${text(b, ps, pe)}"`);
      pidCode = pid + ACCESS_PID_BIAS;
    }

    const store = this.store;
    const a = store.accesses;
    if (callerId >= 0) a.callers.set(a.ip.length, callerId);
    a.ip.push(store.ips.intern(ipHi, ipLo));
    a.pid.push(pidCode);
    a.writes.push(writes);
    a.reads.push(reads);
    store.writes += writes;
    store.reads += reads;
  }

  private badObject(b: Uint8Array, s: number, e: number, reason: string): void {
    this.lastObjectBad = true;
    this.bad(b, s, e, reason);
  }

  private bad(b: Uint8Array, s: number, e: number, reason: string): void {
    const store = this.store;
    store.numBadLines++;
    if (store.badLines.length < MAX_KEPT_BAD_LINES) {
      const t = decoder.decode(b.subarray(s, Math.min(e, s + BAD_TEXT_CHARS * 4)));
      store.badLines.push({ lineNum: this.numLines, text: t.length > BAD_TEXT_CHARS ? t.slice(0, BAD_TEXT_CHARS) : t, reason });
    }
  }

  // ---- fields ------------------------------------------------------------

  /** End of the field last trimmed by trim() (its start is the return value). */
  private trimEnd = 0;

  private trim(b: Uint8Array, s: number, e: number): number {
    while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
    while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
    this.trimEnd = e;
    return s;
  }

  /**
   * Parses a hex field into hexHi/hexLo. Accepts surrounding spaces, a 0x
   * prefix, any case, and `(null)` (0). At most 16 significant digits.
   */
  private hex(b: Uint8Array, s: number, e: number): boolean {
    while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
    while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
    if (s === e) return false;
    if (e - s === 6 && b[s] === 0x28 && b[s + 1] === 0x6e && b[s + 2] === 0x75 && b[s + 3] === 0x6c && b[s + 4] === 0x6c && b[s + 5] === 0x29) {
      this.hexHi = 0;
      this.hexLo = 0;
      return true;
    }
    if (e - s > 2 && b[s] === 0x30 && (b[s + 1] === 0x78 || b[s + 1] === 0x58)) s += 2;
    while (e - s > 16 && b[s] === 0x30) s++;
    if (e - s > 16) return false;
    let hi = 0;
    let lo = 0;
    const split = e - s > 8 ? e - 8 : s;
    for (let i = s; i < split; i++) {
      const d = HEX[b[i]];
      if (d < 0) return false;
      hi = (hi << 4) | d;
    }
    for (let i = split; i < e; i++) {
      const d = HEX[b[i]];
      if (d < 0) return false;
      lo = (lo << 4) | d;
    }
    this.hexHi = hi >>> 0;
    this.hexLo = lo >>> 0;
    return true;
  }
}

const FIELD_NAMES: Record<Field, string> = {
  [Field.AllocIp]: 'alloc_ip',
  [Field.FreeIp]: 'free_ip',
  [Field.Va]: 'va',
  [Field.Size]: 'size',
  [Field.Pid]: 'pid',
  [Field.AllocIndex]: 'alloc_index',
  [Field.FreeIndex]: 'free_index',
  [Field.Type]: 'alloc_type',
  [Field.Slab]: 'slabname',
  [Field.NewType]: 'new_alloc_type',
};

/**
 * Parses a decimal field (surrounding spaces allowed). Returns the value, or
 * -2 when it is not a number, empty, or above 2^53 (not exact as a double).
 * With allowMinusOne, "-1" is accepted and returned as -1.
 */
function decimal(b: Uint8Array, s: number, e: number, allowMinusOne: boolean): number {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  if (s === e) return -2;
  if (b[s] === MINUS) {
    return allowMinusOne && e - s === 2 && b[s + 1] === 0x31 ? -1 : -2;
  }
  if (e - s > 16) return -2;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return -2;
    v = v * 10 + d;
  }
  return v > Number.MAX_SAFE_INTEGER ? -2 : v;
}

function startsWithCaller(b: Uint8Array, p: number): boolean {
  // "caller:"
  return b[p] === 0x63 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x6c && b[p + 4] === 0x65 && b[p + 5] === 0x72 && b[p + 6] === 0x3a;
}

function text(b: Uint8Array, s: number, e: number): string {
  const t = decoder.decode(b.subarray(s, Math.min(e, s + 64)));
  return e - s > 64 ? t + '...' : t;
}

function bump(counts: number[], id: number): void {
  while (counts.length <= id) counts.push(0);
  counts[id]++;
}

/** Parses a whole byte array in chunks of `chunkSize` (tests and small files). */
export function parseKmapBytes(bytes: Uint8Array, chunkSize = 1 << 20, options: ParserOptions = {}): KmapStore {
  const parser = new KmapParser(options);
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
  return parser.finish();
}

