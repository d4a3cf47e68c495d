// The streaming kmap parser: a byte-level state machine over Uint8Array
// chunks that writes straight into a KmapStore. It never holds the whole file:
// only the current chunk, a partial line carried to the next chunk, and, until
// the variant is known, the bytes read so far (at most MAX_DETECT_BYTES plus
// one chunk).
//
// Detection (detector.ts) reads whole lines with its own pass and touches
// nothing in the store; once the variant is known, the held bytes are parsed
// again from the start. Both passes split lines the same way (line-carry.ts),
// so the verdict, the variant and every count are the same at any chunk size.
//
// The parser is built in layers, one file each: field scanners
// (field-reader.ts), the general path for one line (line-parser.ts), the
// variant-E fast path (fast-path-e.ts), and here the chunking: the sniff, the
// detection hand-off, the carry of partial lines and the end of input.
//
// Accounting invariant (checked by the tests): every non-blank line becomes
// exactly one of: an object, an access line, or a bad line.

import { AccessFold } from '../store/access-fold.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { VariantDetector } from './detector.ts';
import { FastPathE } from './fast-path-e.ts';
import { BYTE } from './field-reader.ts';
import { BAD_TEXT_CHARS } from './field-reasons.ts';
import { LineCarry, MAX_LINE_BYTES } from './line-carry.ts';
import { MAX_DISTINCT_NAMES } from './name-cap.ts';
import { KmapFormatError, sniffNotKmap } from './sniff.ts';
import type { Variant } from './variants.ts';

export { MAX_DETECT_BYTES } from './detector.ts';
export { MAX_NAME_BYTES } from './field-reasons.ts';
export { MAX_LINE_BYTES } from './line-carry.ts';

// Module-local copies of hot values (why: BYTE in field-reader.ts).
const { NL, SPACE, TAB } = BYTE;
const LINE_LIMIT = MAX_LINE_BYTES;

/**
 * Bytes held before anything is parsed, so that sniffNotKmap() (magic
 * numbers, a BOM, NUL bytes, JSON or HTML in the first 4 KiB) judges the same
 * bytes at any chunk size.
 */
const SNIFF_BYTES = 4096;

export interface ParserOptions {
  /** Force a variant instead of detecting it (tests, the split-file importer). */
  readonly variant?: Variant;
  /** Distinct names kept per name table (default MAX_DISTINCT_NAMES; tests use a small cap). */
  readonly maxDistinctNames?: number;
  /**
   * Parse one range of a file (format/ranges.ts; needs `variant`): 'first'
   * holds the file's start, 'later' starts at an object line further on (no
   * sniff, no BOM, and a good object line is taken to come before it). A
   * range with no object is no error here: the stitch judges the whole file.
   * finish() leaves a range's store untrimmed (see there).
   */
  readonly range?: 'first' | 'later';
  /**
   * Fold the access lines instead of keeping them: an aggregate-only store
   * (store/access-fold.ts). The data worker turns a store into one midway
   * (KmapStore.foldAccessRows) when a file is too big for the tab.
   */
  readonly aggregateOnly?: boolean;
  /**
   * Fold the access lines into per-object sums alone (AccessFold.sumsOnly:
   * no cells, the lines' IPs not interned): the command line's object
   * queries, which read nothing else. Takes precedence over aggregateOnly.
   */
  readonly sumsOnly?: boolean;
}

export class KmapParser extends FastPathE {
  /** Bytes handed to push() so far. */
  bytesIn = 0;

  private readonly carry = new LineCarry();
  private sniffed = false;
  /** The first bytes, held until SNIFF_BYTES have come so the sniff sees the same at any chunk size. */
  private sniffHead: Uint8Array[] = [];
  private sniffHeadBytes = 0;
  /** Until the variant is known: the detection pass and the chunks it has read. */
  private detector: VariantDetector | null = new VariantDetector();
  private held: Uint8Array[] = [];
  private readonly range: 'first' | 'later' | null;

  constructor(options: ParserOptions = {}) {
    super(options.maxDistinctNames ?? MAX_DISTINCT_NAMES);
    if (options.variant) {
      this.setVariant(options.variant);
      this.detector = null;
    }
    this.range = options.range ?? null;
    // An empty store: no object yet, so no sentinel alloc IP to know of.
    if (options.sumsOnly) this.store.foldAccessRows(new Uint8Array(0), AccessFold.sumsOnly());
    else if (options.aggregateOnly) this.store.foldAccessRows(new Uint8Array(0));
    if (this.range && !options.variant) throw new RangeError('a range parser needs the variant');
    if (this.range === 'later') {
      this.sniffed = true;
      this.haveObject = true;
    }
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
    if (!this.detector) {
      this.consume(chunk);
      return;
    }
    // Held until the variant is known; copied because callers may reuse their buffer.
    this.held.push(chunk.slice());
    if (this.detector.scan(chunk)) this.decide(false);
  }

  /** Ends the input: parses a last line without a newline, trims the store (KmapStore.trimFinished). */
  finish(): KmapStore {
    if (!this.sniffed) {
      const rest = this.sniff(new Uint8Array(0));
      if (rest.length > 0) this.parse(rest);
    }
    if (this.detector) {
      if (this.bytesIn === 0) throw new KmapFormatError('The file is empty.');
      this.decide(true);
    }
    if (this.carry.len > 0) {
      const len = this.carry.len;
      this.carry.len = 0;
      this.line(this.carry.buf, 0, len);
    }
    this.carry.skipping = false;
    const store = this.store;
    if (store.numObjects === 0 && store.numBadLines > 0 && !this.range) {
      // Only with a forced variant: a detected variant has at least one valid object line.
      const first = store.badLines[0];
      throw new KmapFormatError(
        `Not a kmap: none of its ${store.numBadLines} non-blank line${store.numBadLines === 1 ? ' is a' : 's is a'} ` +
          `valid variant ${store.variant} line (line ${first.lineNum}: ${first.reason}).`,
      );
    }
    // A range keeps its slack: a first range's store receives the others (appendParts sizes its columns once) or
    // its caller trims it; a later range's columns are sent as they are (their unused tails were never written).
    if (!this.range) this.store.trimFinished();
    return this.store;
  }

  /** The detection's verdict (it throws for a file that is no kmap); then parses the held bytes. */
  private decide(atEnd: boolean): void {
    const variant = this.detector!.verdict(atEnd);
    this.detector = null;
    this.setVariant(variant);
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.consume(chunk);
  }

  // ---- line splitting ----------------------------------------------------

  private consume(buf: Uint8Array): void {
    // An over-long line keeps enough of its head for the bad line's text.
    let pos = this.carry.resume(buf, BAD_TEXT_CHARS * 4, (line) => this.line(line, 0, line.length), (head) => this.longLine(head));
    if (pos < 0) return;
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
      if (nl - pos > LINE_LIMIT) this.longLine(buf.subarray(pos, nl));
      else this.line(buf, pos, nl);
      pos = nl + 1;
    }
    if (pos < buf.length) this.extendCarry(buf.subarray(pos));
  }

  /** Carries `part` to the next chunk; a line that passes MAX_LINE_BYTES is counted bad now and skipped to its end. */
  private extendCarry(part: Uint8Array): void {
    const head = this.carry.extend(part, BAD_TEXT_CHARS * 4);
    if (head) this.longLine(head);
  }
}

/** Parses a whole byte array in chunks of `chunkSize` (tests and small files). */
export function parseKmapBytes(bytes: Uint8Array, chunkSize = 1 << 20, options: ParserOptions = {}): KmapStore {
  if (!(chunkSize >= 1)) throw new RangeError(`chunkSize must be at least 1, not ${chunkSize}`);
  const parser = new KmapParser(options);
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
  return parser.finish();
}
