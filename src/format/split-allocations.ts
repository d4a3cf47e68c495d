// The `allocations` file of Memorizer's split CSV pair, read in chunks into a
// KmapStore's object columns (docs/kmap-format.md, "The split CSV files").
//
// After its header line, every row of the file is exactly a variant-E object
// line (the same 11 values in the same order, printed by the same format
// string), so the rows go through the kmap parser's own object-line code:
// the E fast path first, the general path for anything unusual. Every row
// therefore gets the kmap's field rules, interning, liveness, name cap and
// bad-line reasons, and the objects are those the kmap would give.
//
// What differs from a kmap: line 1 must be the allocations header; there are
// no access lines, so an indented row is an object row like any other (its
// blanks are trimmed as a kmap's padded fields are); and a bad line names
// this file, since the pair's bad lines share one list.
//
// Invariant (as the parser's): every non-blank line after the header becomes
// exactly one object or one bad line, at any chunk size.

import { FastPathE } from './fast-path-e.ts';
import { BYTE } from './field-reader.ts';
import { BAD_TEXT_CHARS } from './field-reasons.ts';
import { LineCarry, MAX_LINE_BYTES } from './line-carry.ts';
import { KmapFormatError } from './sniff.ts';
import { notSplitMessage, readSplitHeader, type SplitCsvHeader } from './split-csv-header.ts';

const { CR, NL, SPACE, TAB } = BYTE;
const LINE_LIMIT = MAX_LINE_BYTES;

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class AllocationsReader extends FastPathE {
  /** The header, once line 1 is read. */
  header: SplitCsvHeader | null = null;
  private readonly carry = new LineCarry();

  constructor(
    /** Named in bad lines and errors. */
    readonly fileName: string,
    maxNames: number,
  ) {
    super(maxNames);
    this.setVariant('E');
  }

  /** Lines completed so far (the header is line 1). */
  get linesRead(): number {
    return this.numLines;
  }

  /** Reads the next bytes; keeps no reference to `chunk`. */
  push(buf: Uint8Array): void {
    let pos = this.carry.resume(buf, BAD_TEXT_CHARS * 4, (line) => this.row(line, 0, line.length), (head) => this.longLine(head));
    if (pos < 0) return;
    const len = buf.length;
    for (;;) {
      if (this.header && pos < len && buf[pos] !== SPACE && buf[pos] !== TAB) {
        const next = this.fastObjectE(buf, pos, len);
        if (next >= 0) {
          pos = next;
          continue;
        }
      }
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) break;
      if (nl - pos > LINE_LIMIT) this.longLine(buf.subarray(pos, nl));
      else this.row(buf, pos, nl);
      pos = nl + 1;
    }
    if (pos < len) this.extendCarry(buf.subarray(pos));
  }

  /** Ends the file: reads a last line without a newline; throws for a file with no header or no valid row. */
  finish(): void {
    if (this.carry.len > 0) {
      const len = this.carry.len;
      this.carry.len = 0;
      this.row(this.carry.buf, 0, len);
    }
    this.carry.skipping = false;
    if (!this.header) throw new KmapFormatError(`${this.fileName}: the file is empty; it should start with the allocations header.`);
    const store = this.store;
    if (store.numObjects === 0 && store.numBadLines > 0) {
      const first = store.badLines[0];
      throw new KmapFormatError(
        `${this.fileName}: none of its ${store.numBadLines.toLocaleString('en-US')} rows is a valid allocations row ` +
          `(line ${first.lineNum}: ${first.reason}).`,
      );
    }
  }

  private extendCarry(part: Uint8Array): void {
    const head = this.carry.extend(part, BAD_TEXT_CHARS * 4);
    if (head) this.longLine(head);
  }

  protected override longLine(start: Uint8Array): void {
    if (!this.header) throw new KmapFormatError(`${this.fileName}: ${notSplitMessage(null, 'allocations')}`);
    super.longLine(start);
  }

  /** One complete line without its newline: the header, a blank line or an object row. */
  private row(b: Uint8Array, s: number, e: number): void {
    if (!this.header) return this.headerLine(b, s, e);
    this.numLines++;
    if (e > s && b[e - 1] === CR) e--;
    let p = s;
    while (p < e && (b[p] === SPACE || b[p] === TAB || b[p] === CR)) p++;
    if (p === e) {
      this.store.numBlankLines++;
      return;
    }
    this.objectLine(b, s, e);
  }

  private headerLine(b: Uint8Array, s: number, e: number): void {
    this.numLines++;
    if (b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    const line = decoder.decode(b.subarray(s, e)).replace(/\r$/, '');
    const header = readSplitHeader(line);
    if (header?.kind !== 'allocations') throw new KmapFormatError(`${this.fileName}: ${notSplitMessage(line, 'allocations')}`);
    this.header = header;
  }

  /** A bad line, named by this file. */
  protected override bad(b: Uint8Array, s: number, e: number, reason: string): void {
    const kept = this.store.badLines;
    const n = kept.length;
    super.bad(b, s, e, reason);
    if (kept.length > n) kept[n] = { ...kept[n], file: this.fileName };
  }
}
