// Detection of the kmap variant (docs/kmap-format.md, "Detecting the
// variant"): its own pass over whole lines, split exactly as the parser splits
// them (the same LineCarry), writing nothing to the store. An object line
// votes for its field count when it is a valid object line of the variant
// that count names; damaged lines, access lines and blank lines do not vote.
// The variant is decided on the first DETECT_OBJECT_LINES votes, or on the
// votes of the first MAX_DETECT_BYTES, or at the end of the file.

import { KmapFormatError } from './sniff.ts';
import { DETECT_OBJECT_LINES, Field, LAYOUTS, MIN_OBJECT_FIELDS, detectVariant, variantOfFieldNum, type Variant, type VariantLayout } from './variants.ts';
import { BYTE, FieldReader } from './field-reader.ts';
import { MAX_NAME_BYTES, countFields, leadingFieldReason, longNameReason, plural } from './field-reasons.ts';
import { LineCarry, MAX_LINE_BYTES } from './line-carry.ts';

const { COMMA, CR, NL, SPACE, TAB } = BYTE;

/**
 * Detection decides on the votes it has after this many bytes; with none by
 * then, the file is no kmap.
 */
export const MAX_DETECT_BYTES = 64 * 1024 * 1024;

export class VariantDetector extends FieldReader {
  private readonly carry = new LineCarry();
  /** Bytes read so far (at most MAX_DETECT_BYTES). */
  private bytes = 0;
  /** Lines completed so far. */
  private lines = 0;
  /** Object lines that voted (valid lines of the variant their field count names). */
  private votes = 0;
  private readonly votesByFieldNum = new Map<number, number>();
  private sawNonBlank = false;
  /** The first line that did not vote although it is not blank or indented: its number and why. */
  private firstNoVote: { lineNum: number; reason: string } | null = null;
  /** Role and start of the field that leadingFieldsOk() found bad. */
  private badRole = Field.AllocIp;
  private badAt = 0;

  /**
   * Reads the next bytes (up to the byte bound). Returns true once the
   * variant can be decided (verdict()): enough votes, or the bound reached.
   */
  scan(chunk: Uint8Array): boolean {
    const room = MAX_DETECT_BYTES - this.bytes;
    const buf = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.bytes += buf.length;
    const pos0 = this.carry.resume(buf, 0, (line) => this.line(line, 0, line.length), () => this.longLine());
    if (pos0 < 0) return this.ready();
    let pos = pos0;
    while (this.votes < DETECT_OBJECT_LINES) {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) {
        if (pos < buf.length && this.carry.extend(buf.subarray(pos), 0)) this.longLine();
        break;
      }
      if (nl - pos > MAX_LINE_BYTES) this.longLine();
      else this.line(buf, pos, nl);
      pos = nl + 1;
    }
    return this.ready();
  }

  private ready(): boolean {
    return this.votes >= DETECT_OBJECT_LINES || this.bytes >= MAX_DETECT_BYTES;
  }

  /**
   * The variant the votes name, or a KmapFormatError saying why the file is
   * no kmap. At the end of the file a last line without a newline counts too.
   */
  verdict(atEnd: boolean): Variant {
    if (atEnd && this.carry.len > 0) {
      const len = this.carry.len;
      this.carry.len = 0;
      this.line(this.carry.buf, 0, len);
    }
    const variant = detectVariant(this.votesByFieldNum);
    if (!variant) throw new KmapFormatError(this.noObjectLineMessage(!atEnd && this.bytes >= MAX_DETECT_BYTES && this.votes < DETECT_OBJECT_LINES));
    return variant;
  }

  private longLine(): void {
    this.lines++;
    this.sawNonBlank = true;
    this.firstNoVote ??= { lineNum: this.lines, reason: `longer than ${MAX_LINE_BYTES} bytes` };
  }

  /** One line `b[s, e)` (without its \n). */
  private line(b: Uint8Array, s: number, e: number): void {
    this.lines++;
    if (e > s && b[e - 1] === CR) e--;
    let p = s;
    while (p < e && (b[p] === SPACE || b[p] === TAB || b[p] === CR)) p++;
    if (p === e) return; // blank
    this.sawNonBlank = true;
    if (b[s] === SPACE || b[s] === TAB) return; // an access line
    const numFields = countFields(b, s, e);
    const variant = variantOfFieldNum(numFields);
    if (!variant) {
      this.firstNoVote ??= { lineNum: this.lines, reason: `${plural(numFields, 'field')}; an object line has at least ${MIN_OBJECT_FIELDS}` };
      return;
    }
    if (!this.leadingFieldsOk(b, s, e, LAYOUTS[variant])) {
      this.firstNoVote ??= {
        lineNum: this.lines,
        reason: `as a variant ${variant} line (${numFields} fields), ${leadingFieldReason(b, this.badAt, e, this.badRole)}`,
      };
      return;
    }
    const longName = e - s > MAX_NAME_BYTES ? longNameReason(b, s, e, LAYOUTS[variant]) : null;
    if (longName) {
      this.firstNoVote ??= { lineNum: this.lines, reason: `as a variant ${variant} line (${numFields} fields), ${longName}` };
      return;
    }
    this.votesByFieldNum.set(numFields, (this.votesByFieldNum.get(numFields) ?? 0) + 1);
    this.votes++;
  }

  /**
   * Whether the fields before the command parse under `layout` exactly as
   * the parser reads them (the line has at least the layout's field count);
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

  /** Why a file without a voting line is no kmap. */
  private noObjectLineMessage(atBound: boolean): string {
    const first = this.firstNoVote;
    const lines = plural(this.lines, 'line');
    if (atBound) {
      const why = first
        ? `line ${first.lineNum}: ${first.reason}`
        : this.sawNonBlank ? 'every line is indented (an access line) or blank' : 'every line is blank';
      return `Not a kmap: no kmap object line in the first ${MAX_DETECT_BYTES / 2 ** 20} MiB (${lines}): ${why}.`;
    }
    if (!this.sawNonBlank) return 'The file holds only blank lines.';
    if (!first) return 'Not a kmap: no line starts at column 0 with comma-separated fields (every line is indented or blank).';
    return this.lines === 1
      ? `Not a kmap: its one line is not a kmap object line (${first.reason}).`
      : `Not a kmap: none of its ${lines} is a kmap object line (line ${first.lineNum}: ${first.reason}).`;
  }
}
