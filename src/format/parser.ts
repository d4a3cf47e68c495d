// The streaming kmap parser: a byte-level state machine over Uint8Array
// chunks that writes straight into a KmapStore. It never holds the whole file:
// only the current chunk, a partial line carried to the next chunk, and, until
// the variant is known, the bytes read so far (at most MAX_DETECT_BYTES plus
// one chunk).
//
// Detection (docs/kmap-format.md, "Detecting the variant") reads whole lines
// with its own pass and touches nothing in the store; once the variant is
// known, the held bytes are parsed again from the start. Both passes split
// lines the same way, so the verdict, the variant and every count are the same
// at any chunk size.
//
// Accounting invariant (checked by the tests): every non-blank line becomes
// exactly one of: an object, an access line, or a bad line.

import {
  DETECT_OBJECT_LINES, Field, LAYOUTS, MIN_OBJECT_FIELDS, detectVariant, fieldCount, variantOfFieldNum, type Variant, type VariantLayout,
} from './variants.ts';
import { KmapFormatError, sniffNotKmap } from './sniff.ts';
import { MAX_DISTINCT_NAMES, nameCapReason, nearNameCap, type NameTable } from './name-cap.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, KmapStore, MAX_KEPT_BAD_LINES, OBJECT_PID_BIAS } from '../store/kmap-store.ts';

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const MINUS = 0x2d;

/** Longest line accepted; real kmap lines are under 300 bytes. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Longest name (command, slab cache, alloc type, new alloc type) accepted; a task name is at most 15 bytes. */
export const MAX_NAME_BYTES = 256;
const LONG_LINE_REASON = `line longer than ${MAX_LINE_BYTES} bytes`;
/**
 * Detection decides on the votes it has after this many bytes; with none by
 * then, the file is no kmap.
 */
export const MAX_DETECT_BYTES = 64 * 1024 * 1024;
const BAD_TEXT_CHARS = 200;
/**
 * Bytes held before anything is parsed, so that sniffNotKmap() (magic
 * numbers, a BOM, NUL bytes, JSON or HTML in the first 4 KiB) judges the same
 * bytes at any chunk size.
 */
const SNIFF_BYTES = 4096;
/** Largest pid whose stored form (pid + 2) is still exact. */
const MAX_PID = Number.MAX_SAFE_INTEGER - ACCESS_PID_BIAS;

const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = 10 + c;
  HEX[0x61 + c] = 10 + c;
}

// ignoreBOM: a U+FEFF inside the file is text (only the file's leading BOM is skipped, by the parser).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export interface ParserOptions {
  /** Force a variant instead of detecting it (tests, the split-file importer). */
  readonly variant?: Variant;
  /** Distinct names kept per name table (default MAX_DISTINCT_NAMES; tests use a small cap). */
  readonly maxDistinctNames?: number;
}

export class KmapParser {
  readonly store = new KmapStore();
  /** Bytes handed to push() so far. */
  bytesIn = 0;

  private layout: VariantLayout | null = null;
  private numLines = 0;
  /** The partial line at the end of the last chunk: carryBuf[0, carryLen); grown by doubling. */
  private carryBuf = new Uint8Array(1024);
  private carryLen = 0;
  /** True while skipping the rest of an over-long line. */
  private skippingLongLine = false;
  private sniffed = false;
  /** The first bytes, held until SNIFF_BYTES have come so the sniff sees the same at any chunk size. */
  private sniffHead: Uint8Array[] = [];
  private sniffHeadBytes = 0;

  // Detection state: chunks held until the variant is known.
  private held: Uint8Array[] = [];
  /** Bytes the detection pass has read (it stops at MAX_DETECT_BYTES). */
  private detectBytes = 0;
  /** Lines the detection pass has completed (its own count: numLines starts when parsing does). */
  private detectLines = 0;
  /** Object lines that voted (valid lines of the variant their field count names). */
  private detectVotes = 0;
  private readonly votesByFieldNum = new Map<number, number>();
  private detectSawNonBlank = false;
  /** The first line that did not vote although it is not blank or indented: its number and why. */
  private firstNoVote: { lineNum: number; reason: string } | null = null;

  // Object-line state: access lines attach to the last good object line.
  private haveObject = false;
  private lastObjectBad = false;

  // Scratch written by the field parsers (avoids allocating per field).
  private hexHi = 0;
  private hexLo = 0;
  private num = 0;
  /** The exact value of the last decimal parsed when it was above 2^53 - 1 (num then is its nearest double). */
  private numBig = 0n;
  /** Exact values of the current line's fields above 2^53 - 1 (read only when the field's number is). */
  private bigSize = 0n;
  private bigAllocIndex = 0n;
  private bigFreeIndex = 0n;
  private bigWrites = 0n;
  private bigReads = 0n;
  /** Start of each trailing field of the current object line. */
  private readonly trailingStarts = new Int32Array(4);
  private readonly maxNames: number;

  constructor(options: ParserOptions = {}) {
    this.maxNames = options.maxDistinctNames ?? MAX_DISTINCT_NAMES;
    if (options.variant) this.setVariant(options.variant);
  }

  get variant(): Variant | null {
    return this.layout?.variant ?? null;
  }

  /** Lines completed so far (1-based number of the last one). */
  get linesRead(): number {
    return this.numLines;
  }

  /** Parses the next bytes. The parser keeps no reference to `chunk` after it returns. */
  push(chunk: Uint8Array): void {
    const numBytes = chunk.length;
    if (numBytes === 0) return;
    if (!this.sniffed) {
      if (this.sniffHeadBytes + numBytes < SNIFF_BYTES) {
        this.sniffHead.push(chunk.slice());
        this.sniffHeadBytes += numBytes;
        this.bytesIn += numBytes;
        return;
      }
      chunk = this.sniff(chunk); // throws before the chunk counts as read
    }
    this.bytesIn += numBytes;
    this.parse(chunk);
  }

  /** Checks the first bytes (held ones, then `chunk`); returns them joined, without a BOM. */
  private sniff(chunk: Uint8Array): Uint8Array {
    this.sniffed = true;
    if (this.sniffHead.length > 0) {
      const head = new Uint8Array(this.sniffHeadBytes + chunk.length);
      let at = 0;
      for (const part of this.sniffHead) {
        head.set(part, at);
        at += part.length;
      }
      head.set(chunk, at);
      chunk = head;
      this.sniffHead = [];
    }
    const why = sniffNotKmap(chunk);
    if (why) throw new KmapFormatError(why);
    if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    return chunk;
  }

  private parse(chunk: Uint8Array): void {
    if (this.layout) {
      this.consume(chunk);
      return;
    }
    // Held until the variant is known; copied because callers may reuse their buffer.
    this.held.push(chunk.slice());
    const room = MAX_DETECT_BYTES - this.detectBytes;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.detectBytes += part.length;
    this.detectScan(part);
    if (this.detectVotes >= DETECT_OBJECT_LINES) this.decide(false);
    else if (this.detectBytes >= MAX_DETECT_BYTES) this.decide(true);
  }

  /** Ends the input: parses a last line without a newline, trims the store. */
  finish(): KmapStore {
    if (!this.sniffed) {
      const rest = this.sniff(new Uint8Array(0));
      if (rest.length > 0) this.parse(rest);
    }
    if (!this.layout) {
      if (this.bytesIn === 0) throw new KmapFormatError('The file is empty.');
      // A last line without a newline is a line too.
      if (this.carryLen > 0) this.detectLine(this.carryBuf, 0, this.carryLen);
      this.decide(false);
    }
    if (this.carryLen > 0) {
      const len = this.carryLen;
      this.carryLen = 0;
      this.line(this.carryBuf, 0, len);
    }
    this.skippingLongLine = false;
    const store = this.store;
    if (store.numObjects === 0 && store.numBadLines > 0) {
      // Only with a forced variant: a detected variant has at least one valid object line.
      const first = store.badLines[0];
      throw new KmapFormatError(
        `Not a kmap: none of its ${store.numBadLines} non-blank line${store.numBadLines === 1 ? ' is a' : 's is a'} ` +
          `valid variant ${store.variant} line (line ${first.lineNum}: ${first.reason}).`,
      );
    }
    this.store.trim();
    return this.store;
  }

  private setVariant(variant: Variant): void {
    this.layout = LAYOUTS[variant];
    this.store.variant = variant;
  }

  // ---- detection ---------------------------------------------------------
  //
  // Its own pass over whole lines, split exactly as consume() splits them
  // (the same carry and over-long line rules), writing nothing to the store.
  // An object line votes for its field count when it is a valid object line
  // of the variant that count names; damaged lines, access lines and blank
  // lines do not vote. The variant is decided on the first 2,000 votes, or on
  // the votes of the first MAX_DETECT_BYTES, or at the end of the file.

  private detectScan(buf: Uint8Array): void {
    let pos = 0;
    if (this.carryLen > 0 || this.skippingLongLine) {
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.detectExtendCarry(buf);
        return;
      }
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
      } else {
        const carryLen = this.carryLen;
        this.carryLen = 0;
        if (carryLen + nl > MAX_LINE_BYTES) {
          this.detectLongLine();
        } else {
          this.appendCarry(buf.subarray(0, nl), carryLen);
          const len = this.carryLen;
          this.carryLen = 0;
          this.detectLine(this.carryBuf, 0, len);
        }
      }
      pos = nl + 1;
    }
    while (this.detectVotes < DETECT_OBJECT_LINES) {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) {
        if (pos < buf.length) this.detectExtendCarry(buf.subarray(pos));
        return;
      }
      if (nl - pos > MAX_LINE_BYTES) this.detectLongLine();
      else this.detectLine(buf, pos, nl);
      pos = nl + 1;
    }
  }

  private detectExtendCarry(part: Uint8Array): void {
    if (this.skippingLongLine) return;
    if (this.carryLen + part.length > MAX_LINE_BYTES) {
      this.carryLen = 0;
      this.skippingLongLine = true;
      this.detectLongLine();
      return;
    }
    this.appendCarry(part, this.carryLen);
  }

  private detectLongLine(): void {
    this.detectLines++;
    this.detectSawNonBlank = true;
    this.firstNoVote ??= { lineNum: this.detectLines, reason: `longer than ${MAX_LINE_BYTES} bytes` };
  }

  /** One line `b[s, e)` (without its \n) in the detection pass. */
  private detectLine(b: Uint8Array, s: number, e: number): void {
    this.detectLines++;
    if (e > s && b[e - 1] === CR) e--;
    let p = s;
    while (p < e && (b[p] === SPACE || b[p] === TAB || b[p] === CR)) p++;
    if (p === e) return; // blank
    this.detectSawNonBlank = true;
    if (b[s] === SPACE || b[s] === TAB) return; // an access line
    const numFields = countFields(b, s, e);
    const variant = variantOfFieldNum(numFields);
    if (!variant) {
      this.firstNoVote ??= { lineNum: this.detectLines, reason: `${plural(numFields, 'field')}; an object line has at least ${MIN_OBJECT_FIELDS}` };
      return;
    }
    if (!this.leadingFieldsOk(b, s, e, LAYOUTS[variant])) {
      this.firstNoVote ??= {
        lineNum: this.detectLines,
        reason: `as a variant ${variant} line (${numFields} fields), ${this.fieldReason(b, this.badAt, e, this.badRole)}`,
      };
      return;
    }
    const longName = e - s > MAX_NAME_BYTES ? longNameReason(b, s, e, LAYOUTS[variant]) : null;
    if (longName) {
      this.firstNoVote ??= { lineNum: this.detectLines, reason: `as a variant ${variant} line (${numFields} fields), ${longName}` };
      return;
    }
    this.votesByFieldNum.set(numFields, (this.votesByFieldNum.get(numFields) ?? 0) + 1);
    this.detectVotes++;
  }

  /** Role and start of the field that leadingFieldsOk() found bad. */
  private badRole = Field.AllocIp;
  private badAt = 0;

  /**
   * Whether the fields before the command parse under `layout` exactly as
   * objectLine() reads them (the line has at least the layout's field count);
   * otherwise sets badRole and badAt.
   */
  private leadingFieldsOk(b: Uint8Array, s: number, e: number, layout: VariantLayout): boolean {
    let p = s;
    for (const role of layout.leading) {
      let end: number;
      if (role === Field.Type) {
        end = p;
        while (end < e && b[end] !== COMMA) end++;
      } else if (role === Field.AllocIp || role === Field.FreeIp || role === Field.Va) {
        end = this.hexTo(b, p, e);
      } else {
        end = role === Field.Pid ? this.objectPidTo(b, p, e) : this.decTo(b, p, e, false);
      }
      if (end < 0) {
        this.badRole = role;
        this.badAt = p;
        return false;
      }
      p = end + 1;
    }
    return true;
  }

  private decide(atBound: boolean): void {
    const variant = detectVariant(this.votesByFieldNum);
    if (!variant) throw new KmapFormatError(this.noObjectLineMessage(atBound));
    this.setVariant(variant);
    this.carryLen = 0;
    this.skippingLongLine = false;
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.consume(chunk);
  }

  /** Why a file without a voting line is no kmap (docs/kmap-format.md, "Detecting the variant"). */
  private noObjectLineMessage(atBound: boolean): string {
    const first = this.firstNoVote;
    const lines = plural(this.detectLines, 'line');
    if (atBound) {
      const why = first
        ? `line ${first.lineNum}: ${first.reason}`
        : this.detectSawNonBlank ? 'every line is indented (an access line) or blank' : 'every line is blank';
      return `Not a kmap: no kmap object line in the first ${MAX_DETECT_BYTES / 2 ** 20} MiB (${lines}): ${why}.`;
    }
    if (!this.detectSawNonBlank) return 'The file holds only blank lines.';
    if (!first) return 'Not a kmap: no line starts at column 0 with comma-separated fields (every line is indented or blank).';
    return this.detectLines === 1
      ? `Not a kmap: its one line is not a kmap object line (${first.reason}).`
      : `Not a kmap: none of its ${lines} is a kmap object line (line ${first.lineNum}: ${first.reason}).`;
  }

  // ---- line splitting ----------------------------------------------------

  private consume(buf: Uint8Array): void {
    let pos = 0;
    if (this.carryLen > 0 || this.skippingLongLine) {
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.extendCarry(buf);
        return;
      }
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
      } else {
        const carryLen = this.carryLen;
        this.carryLen = 0;
        if (carryLen + nl > MAX_LINE_BYTES) {
          // Keep enough of the head for the bad line's text.
          this.appendCarry(buf.subarray(0, Math.min(nl, BAD_TEXT_CHARS * 4)), carryLen);
          this.longLine(this.carryBuf.subarray(0, this.carryLen));
          this.carryLen = 0;
        } else {
          this.appendCarry(buf.subarray(0, nl), carryLen);
          const len = this.carryLen;
          this.carryLen = 0;
          this.line(this.carryBuf, 0, len);
        }
      }
      pos = nl + 1;
    }
    const fastE = this.layout!.accessPid === 'last';
    const len = buf.length;
    for (;;) {
      // Fused fast path: a plain variant-E access line is parsed while its end
      // is found (no separate newline search). Anything unusual -> slow path.
      if (fastE && buf[pos] === SPACE && buf[pos + 1] === SPACE && this.haveObject && !this.lastObjectBad) {
        const next = this.fastAccessE(buf, pos + 2, len);
        if (next >= 0) {
          pos = next;
          continue;
        }
      } else if (fastE && pos < len && buf[pos] !== SPACE && buf[pos] !== TAB) {
        const next = this.fastObjectE(buf, pos, len);
        if (next >= 0) {
          pos = next;
          continue;
        }
      }
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) break;
      if (nl - pos > MAX_LINE_BYTES) this.longLine(buf.subarray(pos, nl));
      else this.line(buf, pos, nl);
      pos = nl + 1;
    }
    if (pos < buf.length) this.extendCarry(buf.subarray(pos));
  }

  /** Sets the carry to its first `keep` bytes followed by `part`. */
  private appendCarry(part: Uint8Array, keep: number): void {
    const need = keep + part.length;
    if (need > this.carryBuf.length) {
      const next = new Uint8Array(Math.max(need, this.carryBuf.length * 2));
      next.set(this.carryBuf.subarray(0, keep));
      this.carryBuf = next;
    }
    this.carryBuf.set(part, keep);
    this.carryLen = need;
  }

  private extendCarry(part: Uint8Array): void {
    if (this.skippingLongLine) return;
    if (this.carryLen + part.length > MAX_LINE_BYTES) {
      // Count the over-long line as bad now and skip to its end, keeping
      // only the head its bad line's text needs (never the whole line).
      const keep = Math.min(part.length, Math.max(0, BAD_TEXT_CHARS * 4 - this.carryLen));
      this.appendCarry(part.subarray(0, keep), this.carryLen);
      this.longLine(this.carryBuf.subarray(0, this.carryLen));
      this.carryLen = 0;
      this.skippingLongLine = true;
      return;
    }
    this.appendCarry(part, this.carryLen);
  }

  private longLine(start: Uint8Array): void {
    this.numLines++;
    this.bad(start, 0, start.length, LONG_LINE_REASON);
    if (start[0] !== SPACE && start[0] !== TAB) this.lastObjectBad = true;
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
    if (c === SPACE || c === TAB || c === CR) {
      // Blank if only spaces, tabs and \r; else an access line when indented
      // (by spaces and tabs only), an object line when it starts with \r.
      let p = s + 1;
      while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
      if (p < e && b[p] !== CR && c !== CR) return this.accessLine(b, p, e, s);
      let q = p;
      while (q < e && (b[q] === SPACE || b[q] === TAB || b[q] === CR)) q++;
      if (q === e) {
        this.store.numBlankLines++;
        return;
      }
      if (c === CR) this.objectLine(b, s, e);
      else this.accessLine(b, p, e, s);
    } else {
      this.objectLine(b, s, e);
    }
  }

  private objectLine(b: Uint8Array, s: number, e: number): void {
    const layout = this.layout!;
    const leading = layout.leading;
    const trailing = layout.trailing;

    // Leading fields left to right, each parsed as it is scanned.
    let allocIpHi = 0, allocIpLo = 0, freeIpHi = 0, freeIpLo = 0, vaHi = 0, vaLo = 0;
    let size = 0, pid = 0, allocIndex = 0, freeIndex = 0;
    let typeStart = 0, typeEnd = 0;
    let p = s;
    for (let f = 0; f < leading.length; f++) {
      const role = leading[f];
      let end: number;
      if (role === Field.Type) {
        end = p;
        while (end < e && b[end] !== COMMA) end++;
        typeStart = p;
        typeEnd = end;
      } else if (role === Field.AllocIp || role === Field.FreeIp || role === Field.Va) {
        end = this.hexTo(b, p, e);
        if (end < 0) return this.badObjectField(b, s, e, p, role);
        if (role === Field.AllocIp) (allocIpHi = this.hexHi), (allocIpLo = this.hexLo);
        else if (role === Field.FreeIp) (freeIpHi = this.hexHi), (freeIpLo = this.hexLo);
        else (vaHi = this.hexHi), (vaLo = this.hexLo);
      } else {
        end = role === Field.Pid ? this.objectPidTo(b, p, e) : this.decTo(b, p, e, false);
        if (end < 0) return this.badObjectField(b, s, e, p, role);
        if (role === Field.Size) (size = this.num), (this.bigSize = this.numBig);
        else if (role === Field.Pid) pid = this.num;
        else if (role === Field.AllocIndex) (allocIndex = this.num), (this.bigAllocIndex = this.numBig);
        else (freeIndex = this.num), (this.bigFreeIndex = this.numBig);
      }
      if (end === e) return this.badObjectCount(b, s, e);
      p = end + 1;
    }
    // Trailing fields are found from the end: the command between may hold commas.
    const cmdStart = p;
    let cmdEnd = e;
    for (let t = trailing.length - 1; t >= 0; t--) {
      let q = cmdEnd;
      while (q > cmdStart && b[q - 1] !== COMMA) q--;
      if (q === cmdStart) return this.badObjectCount(b, s, e);
      this.trailingStarts[t] = q;
      cmdEnd = q - 1;
    }
    // Only a line longer than the name limit can hold a name longer than it.
    if (e - s > MAX_NAME_BYTES) {
      const why = longNameReason(b, s, e, layout);
      if (why) return this.badObject(b, s, e, why);
    }

    // Every field is valid: intern the names and append the object.
    const store = this.store;
    if (nearNameCap(store, this.maxNames)) {
      const why = this.nameCapCheck(b, e, cmdStart, cmdEnd, layout.hasType ? typeStart : -1, typeEnd, trailing);
      if (why) return this.badObject(b, s, e, why);
    }
    let typeId = -1;
    if (layout.hasType) {
      const t = this.trim(b, typeStart, typeEnd);
      typeId = store.types.intern(b, t, this.trimEnd);
    }
    let slabId = -1;
    let newTypeId = 0;
    for (let t = 0; t < trailing.length; t++) {
      const fs = this.trailingStarts[t];
      const fe = t + 1 < trailing.length ? this.trailingStarts[t + 1] - 1 : e;
      const ts = this.trim(b, fs, fe);
      if (trailing[t] === Field.Slab) slabId = store.slabs.intern(b, ts, this.trimEnd);
      else newTypeId = store.types.intern(b, ts, this.trimEnd);
    }
    const live = layout.hasIndices ? freeIndex === 0 : freeIpHi === 0 && freeIpLo === 0;
    this.appendObject(
      allocIpHi, allocIpLo, freeIpHi, freeIpLo, vaHi, vaLo, size, pid, allocIndex, freeIndex,
      store.commands.intern(b, cmdStart, cmdEnd), typeId, slabId, newTypeId, live,
    );
  }

  /**
   * The name cap's verdict on an object line (ending at e) whose fields are
   * valid: the command b[cmdStart, cmdEnd), the type b[typeStart, typeEnd) (typeStart -1
   * when the variant has none), and the trailing names at trailingStarts.
   */
  private nameCapCheck(
    b: Uint8Array, e: number, cmdStart: number, cmdEnd: number, typeStart: number, typeEnd: number, trailing: readonly Field[],
  ): string | null {
    const tables: NameTable[] = ['commands'];
    const starts = [cmdStart];
    const ends = [cmdEnd];
    const add = (table: NameTable, fs: number, fe: number) => {
      tables.push(table);
      starts.push(this.trim(b, fs, fe));
      ends.push(this.trimEnd);
    };
    if (typeStart >= 0) add('types', typeStart, typeEnd);
    for (let t = 0; t < trailing.length; t++) {
      const fe = t + 1 < trailing.length ? this.trailingStarts[t + 1] - 1 : e;
      add(trailing[t] === Field.Slab ? 'slabs' : 'types', this.trailingStarts[t], fe);
    }
    return nameCapReason(this.store, this.maxNames, b, tables, starts, ends);
  }

  /**
   * Appends one valid object line (both parse paths end here). typeId and
   * slabId are -1 when the variant has no such field.
   */
  private appendObject(
    allocIpHi: number, allocIpLo: number, freeIpHi: number, freeIpLo: number, vaHi: number, vaLo: number,
    size: number, pid: number, allocIndex: number, freeIndex: number,
    cmdId: number, typeId: number, slabId: number, newTypeId: number, live: boolean,
  ): void {
    const store = this.store;
    const o = store.objects;
    o.allocIp.push(store.ips.intern(allocIpHi, allocIpLo));
    o.freeIp.push(store.ips.intern(freeIpHi, freeIpLo));
    o.vaHi.push(vaHi);
    o.vaLo.push(vaLo);
    // A value above 2^53 - 1 (only the general path reads one) keeps its exact value beside the column.
    if (size > MAX_EXACT) o.size.pushWide(this.bigSize);
    else o.size.push(size);
    o.pid.push(pid + OBJECT_PID_BIAS);
    if (allocIndex > MAX_EXACT) o.allocIndex.pushWide(this.bigAllocIndex);
    else o.allocIndex.push(allocIndex);
    if (freeIndex > MAX_EXACT) o.freeIndex.pushWide(this.bigFreeIndex);
    else o.freeIndex.push(freeIndex);
    o.accessStart.push(store.accesses.ip.length);
    o.command.push(cmdId);
    bump(store.objectsByCommand, cmdId);
    o.type.push(typeId < 0 ? 0 : typeId);
    if (typeId >= 0) bump(store.objectsByType, typeId);
    o.slab.push(slabId < 0 ? 0 : slabId);
    if (slabId >= 0) bump(store.objectsBySlab, slabId);
    o.newType.push(newTypeId);
    store.bytesNear += size;
    if (live) store.numLive++;
    this.haveObject = true;
    this.lastObjectBad = false;
  }

  /** Appends one valid access line (both parse paths end here); pidCode is pid + 2, or 0 for none. */
  private appendAccess(ipHi: number, ipLo: number, pidCode: number, writes: number, reads: number): void {
    const store = this.store;
    const a = store.accesses;
    a.ip.push(store.ips.intern(ipHi, ipLo));
    a.pid.push(pidCode);
    // A count above 2^53 - 1 (only the general path reads one) keeps its exact value beside the column.
    if (writes > MAX_EXACT) a.writes.pushWide(this.bigWrites);
    else a.writes.push(writes);
    if (reads > MAX_EXACT) a.reads.pushWide(this.bigReads);
    else a.reads.push(reads);
    store.writesNear += writes;
    store.readsNear += reads;
  }

  private badObjectCount(b: Uint8Array, s: number, e: number): void {
    const numFields = countFields(b, s, e);
    const need = fieldCount(this.layout!.variant);
    this.badObject(b, s, e, `${plural(numFields, 'field')}; a variant ${this.layout!.variant} object line has ${need}`);
  }

  /** A leading field at `fs` did not parse: say so, or that fields are missing. */
  private badObjectField(b: Uint8Array, s: number, e: number, fs: number, role: Field): void {
    if (countFields(b, s, e) < fieldCount(this.layout!.variant)) return this.badObjectCount(b, s, e);
    this.badObject(b, s, e, this.fieldReason(b, fs, e, role));
  }

  /** Why the leading field of `role` at `fs` did not parse. */
  private fieldReason(b: Uint8Array, fs: number, e: number, role: Field): string {
    const kind = role === Field.AllocIp || role === Field.FreeIp || role === Field.Va ? 'hex' : role === Field.Pid ? 'pid' : 'decimal';
    return numberReason(FIELD_NAMES[role], kind, b, fs, e);
  }

  private accessLine(b: Uint8Array, s: number, e: number, lineStart: number): void {
    if (!this.haveObject) return this.bad(b, lineStart, e, 'access line before any object line');
    if (this.lastObjectBad) return this.bad(b, lineStart, e, 'access line follows a bad object line');
    const accessPid = this.layout!.accessPid;
    let ipHi: number, ipLo: number;
    let writes: number, reads: number;
    let pidCode = ACCESS_PID_NONE;
    let hasCaller = false;
    let callerHi = 0;
    let callerLo = 0;
    let p: number;

    const isFrom = e - s > 5 && b[s] === 0x66 && b[s + 1] === 0x72 && b[s + 2] === 0x6f && b[s + 3] === 0x6d && b[s + 4] === 0x3a;
    if (!isFrom) {
      // ip,[pid,]writes,reads[,pid]
      p = this.hexTo(b, s, e);
      if (p < 0 || p === e) return this.badAccess(b, s, e, lineStart, p < 0 ? numberReason('access IP', 'hex', b, s, e) : null);
      ipHi = this.hexHi;
      ipLo = this.hexLo;
      let fs: number;
      if (accessPid === 'second') {
        p = this.pidTo(b, (fs = p + 1), e);
        if (p < 0 || p === e) return this.badAccess(b, s, e, lineStart, p < 0 ? numberReason('pid', 'pid', b, fs, e) : null);
        pidCode = this.num + ACCESS_PID_BIAS;
      }
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0 || p === e) return this.badAccess(b, s, e, lineStart, p < 0 ? numberReason('writes', 'decimal', b, fs, e) : null);
      writes = this.num;
      this.bigWrites = this.numBig;
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0) return this.badAccess(b, s, e, lineStart, numberReason('reads', 'decimal', b, fs, e));
      reads = this.num;
      this.bigReads = this.numBig;
      if (accessPid === 'last') {
        if (p === e) return this.badAccess(b, s, e, lineStart, null);
        p = this.pidTo(b, (fs = p + 1), e);
        if (p < 0) return this.badAccess(b, s, e, lineStart, numberReason('pid', 'pid', b, fs, e));
        pidCode = this.num + ACCESS_PID_BIAS;
      }
      if (p !== e) return this.badAccess(b, s, e, lineStart, null);
    } else {
      // from:IP,[caller:IP,]writes,reads (and an optional pid last in E).
      p = this.hexTo(b, s + 5, e);
      if (p < 0 || p === e) return this.badFrom(b, e, lineStart, p < 0 ? numberReason('the from: IP', 'hex', b, s + 5, e) : null);
      ipHi = this.hexHi;
      ipLo = this.hexLo;
      let fs: number;
      if (startsWithCaller(b, p + 1, e)) {
        p = this.hexTo(b, (fs = p + 8), e);
        if (p < 0 || p === e) return this.badFrom(b, e, lineStart, p < 0 ? numberReason('the caller: IP', 'hex', b, fs, e) : null);
        hasCaller = true;
        callerHi = this.hexHi;
        callerLo = this.hexLo;
      }
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0 || p === e) return this.badFrom(b, e, lineStart, p < 0 ? numberReason('writes', 'decimal', b, fs, e) : null);
      writes = this.num;
      this.bigWrites = this.numBig;
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0) return this.badFrom(b, e, lineStart, numberReason('reads', 'decimal', b, fs, e));
      reads = this.num;
      this.bigReads = this.numBig;
      if (p !== e && accessPid === 'last') {
        p = this.pidTo(b, (fs = p + 1), e);
        if (p < 0) return this.badFrom(b, e, lineStart, numberReason('pid', 'pid', b, fs, e));
        pidCode = this.num + ACCESS_PID_BIAS;
      }
      if (p !== e) return this.badFrom(b, e, lineStart, null);
    }

    const store = this.store;
    if (hasCaller) store.accesses.callers.set(store.numAccesses, store.ips.intern(callerHi, callerLo));
    this.appendAccess(ipHi, ipLo, pidCode, writes, reads);
  }

  /**
   * `IP16,writes,reads,pid\n` (pid may be -1), starting after the two spaces.
   * Returns the position after the newline, or -1 to let the general path
   * parse (and, if need be, report) the line. Numbers of up to 15 digits only.
   */
  private fastAccessE(b: Uint8Array, p: number, len: number): number {
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
    this.appendAccess(hi, lo, pid + ACCESS_PID_BIAS, writes, reads);
    return p + 1;
  }

  /**
   * Exactly 16 hex digits (either case) at p: sets hexHi/hexLo and returns
   * true, or returns false. The caller checks that 16 bytes are there and
   * what follows them.
   */
  private hex16(b: Uint8Array, p: number): boolean {
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
  private dec15(b: Uint8Array, p: number, len: number): number {
    const s = p;
    let v = 0;
    let d = 0;
    while (p < len && (d = b[p] - 0x30) >= 0 && d <= 9) (v = v * 10 + d), p++;
    if (p === s || p - s > 15 || p >= len || b[p] !== COMMA) return -1;
    this.num = v;
    return p;
  }

  /**
   * A plain variant-E object line (16-digit IPs and address, plain decimals,
   * names without surrounding blanks), parsed in one pass from `p`. Returns the
   * position after its newline, or -1 to let the general path handle it.
   */
  private fastObjectE(b: Uint8Array, p: number, len: number): number {
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
    let q = typeStart;
    while (q < len && b[q] !== COMMA && b[q] !== NL) q++;
    if (q >= len || b[q] !== COMMA) return -1;
    const typeEnd = q;
    const cmdStart = q + 1;
    let nl = cmdStart;
    while (nl < len && b[nl] !== NL) nl++;
    // A line that could hold a name above the limit: the general path checks it.
    if (nl >= len || nl - lineStart > MAX_NAME_BYTES) return -1;
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
    this.appendObject(
      allocIpHi, allocIpLo, freeIpHi, freeIpLo, vaHi, vaLo, size, pid, allocIndex, freeIndex,
      store.commands.intern(b, cmdStart, cmdEnd),
      store.types.intern(b, typeStart, typeEnd),
      store.slabs.intern(b, slabStart, slabEnd),
      store.types.intern(b, newTypeStart, newTypeEnd),
      freeIndex === 0,
    );
    return nl + 1;
  }

  /** A bad access line: a field count message when the count is off, else `reason`. */
  private badAccess(b: Uint8Array, s: number, e: number, lineStart: number, reason: string | null): void {
    const numFields = countFields(b, s, e);
    const need = this.layout!.accessPid === 'none' ? 3 : 4;
    if (numFields !== need || reason === null) {
      return this.bad(b, lineStart, e, `${plural(numFields, 'field')} in an access line; variant ${this.layout!.variant} has ${need}`);
    }
    this.bad(b, lineStart, e, reason);
  }

  private badFrom(b: Uint8Array, e: number, lineStart: number, reason: string | null): void {
    this.bad(b, lineStart, e, reason ?? '"from:" access line is not from:IP,[caller:IP,]writes,reads');
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
   * Parses the hex field that starts at `p` into hexHi/hexLo and returns
   * where it ends (the comma after it, or `e`), or -1 when it is not hex.
   * Accepts surrounding spaces and tabs, a 0x prefix, any case, and `(null)`
   * (0). At most 16 significant digits: a 64-bit value.
   */
  private hexTo(b: Uint8Array, p: number, e: number): number {
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
  private objectPidTo(b: Uint8Array, p: number, e: number): number {
    return this.pidTo(b, p, e);
  }

  /** A pid: a decimal from -1 to MAX_PID (decTo's contract otherwise). */
  private pidTo(b: Uint8Array, p: number, e: number): number {
    const end = this.decTo(b, p, e, true);
    return end >= 0 && this.num > MAX_PID ? -1 : end;
  }

  /**
   * Parses the decimal field that starts at `p` into `num` and returns where
   * it ends (the comma after it, or `e`), or -1 when it is not a number or is
   * above 2^64 - 1. Above 2^53 - 1, `num` is the nearest double and `numBig`
   * the exact value. With allowMinusOne, "-1" is accepted.
   */
  private decTo(b: Uint8Array, p: number, e: number, allowMinusOne: boolean): number {
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
 * Why an object line (with at least `layout`'s field count) holds a name
 * longer than MAX_NAME_BYTES (the command as it is; the other names
 * trimmed, as they are stored), or null.
 */
function longNameReason(b: Uint8Array, s: number, e: number, layout: VariantLayout): string | null {
  const trimmedLength = (fs: number, fe: number) => {
    while (fs < fe && isBlank(b[fs])) fs++;
    while (fe > fs && isBlank(b[fe - 1])) fe--;
    return fe - fs;
  };
  const tooLong = (role: string) => `${role} longer than ${MAX_NAME_BYTES} bytes`;
  let p = s;
  for (const role of layout.leading) {
    let q = p;
    while (q < e && b[q] !== COMMA) q++;
    if (role === Field.Type && trimmedLength(p, q) > MAX_NAME_BYTES) return tooLong(FIELD_NAMES[Field.Type]);
    p = q + 1;
  }
  const cmdStart = p;
  let fe = e;
  let why: string | null = null;
  for (let t = layout.trailing.length - 1; t >= 0; t--) {
    let q = fe;
    while (q > cmdStart && b[q - 1] !== COMMA) q--;
    if (trimmedLength(q, fe) > MAX_NAME_BYTES) why = tooLong(FIELD_NAMES[layout.trailing[t]]); // the leftmost one wins
    fe = q - 1;
  }
  if (fe - cmdStart > MAX_NAME_BYTES) return tooLong('command');
  return why;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function startsWithCaller(b: Uint8Array, p: number, e: number): boolean {
  // "caller:"
  return p + 7 <= e && b[p] === 0x63 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x6c && b[p + 4] === 0x65 && b[p + 5] === 0x72 && b[p + 6] === 0x3a;
}

const MAX_U64 = 2n ** 64n - 1n;
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * Why the number field that starts at `fs` (and ends at the next comma or
 * `e`) did not parse as a `kind`: empty, no digits after 0x, too big for 64
 * bits, negative (a pid may be -1), above the exact limit, or not a number.
 * Only for bad lines: the hot path never builds a reason.
 */
function numberReason(name: string, kind: 'hex' | 'decimal' | 'pid', b: Uint8Array, fs: number, e: number): string {
  let fe = fs;
  while (fe < e && b[fe] !== COMMA) fe++;
  const shown = `"${text(b, fs, fe)}"`;
  const v = decoder.decode(b.subarray(fs, fe)).replace(/^[ \t]+|[ \t]+$/g, '');
  if (v === '') return `${name} is empty`;
  if (kind === 'hex') {
    const digits = /^0[xX]/.test(v) ? v.slice(2) : v;
    if (digits === '') return `${name} has no hex digits after 0x: ${shown}`;
    if (/^[0-9a-fA-F]+$/.test(digits)) return `${name} does not fit in 64 bits (more than 16 hex digits): ${shown}`;
    return `${name} is not a hex number: ${shown}`;
  }
  if (/^-[0-9]+$/.test(v)) return kind === 'pid' ? `${name} is negative (only -1 is allowed): ${shown}` : `${name} is negative: ${shown}`;
  if (/^[0-9]+$/.test(v)) {
    if (BigInt(v) > MAX_U64) return `${name} does not fit in 64 bits: ${shown}`;
    return `${name} is above 2^53 - 3: ${shown}`; // only a pid has a limit below 2^64
  }
  return `${name} is not a decimal number: ${shown}`;
}

function text(b: Uint8Array, s: number, e: number): string {
  const t = decoder.decode(b.subarray(s, Math.min(e, s + 64)));
  return e - s > 64 ? t + '...' : t;
}

function countFields(b: Uint8Array, s: number, e: number): number {
  let n = 1;
  for (let i = s; i < e; i++) if (b[i] === COMMA) n++;
  return n;
}

function plural(n: number, word: string): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${word}${n === 1 ? '' : 's'}`;
}

function bump(counts: number[], id: number): void {
  while (counts.length <= id) counts.push(0);
  counts[id]++;
}

/** Parses a whole byte array in chunks of `chunkSize` (tests and small files). */
export function parseKmapBytes(bytes: Uint8Array, chunkSize = 1 << 20, options: ParserOptions = {}): KmapStore {
  if (!(chunkSize >= 1)) throw new RangeError(`chunkSize must be at least 1, not ${chunkSize}`);
  const parser = new KmapParser(options);
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
  return parser.finish();
}

