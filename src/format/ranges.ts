// The parallel parse, independent of threads: where a file can be cut, how
// one range is parsed, and when the stitched parts are the single parse's
// store. The threads live elsewhere (node/parallel-read.ts for the CLI); the
// tests run the same ranges in one thread (src/format/ranges.test.ts).
//
// A kmap has no quoting, so a range can start at any object line: a byte
// after a newline that is neither blank (space, tab, \r, \n) nor indented.
// Every line belongs to the range it starts in, and an access line belongs
// to the object line before it, which is in the same range because ranges
// start only at object lines. The single parse carries no state past an
// object line except two things, both handled here:
// - "is there a good object before this line": a later range starts as if
//   there were one; when none of the ranges before it holds one, and this
//   range reports bad lines (whose reasons could then differ), the answer
//   is "parse it in one piece" (appendRanges says no);
// - the cap on distinct names (format/name-cap.ts), applied in file order:
//   when the ranges' names together come near it, the same answer.
// The file's first bytes (the sniff, a BOM, the variant's detection) are read
// once, before the ranges, by detectHead(); every range is then parsed with
// that variant.

import { KmapParser, type ParserOptions } from './parser.ts';
import { VariantDetector } from './detector.ts';
import { sniffNotKmap } from './sniff.ts';
import { MAX_DISTINCT_NAMES } from './name-cap.ts';
import { LAYOUTS, type Variant } from './variants.ts';
import { appendParts, storeToPart, type OptionalNameColumn, type StorePart } from '../store/store-parts.ts';

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** Files smaller than this are parsed in one piece: threads cost more than they save. */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/**
 * How far past a cut the next object line is looked for: beyond it the cut
 * is dropped (fewer ranges), so that a file with no line breaks in a long
 * stretch (a damaged or padded one) is not read twice over.
 */
export const MAX_SEEK_BYTES = 16 * 1024 * 1024;

/**
 * Bytes of the file's head that planFile() gives detectHead(): the first
 * MiB, which decides the variant of any file whose first object lines are
 * not unusually long (2-5 ms), then 4 MiB when that did not decide. The
 * detector votes on the same first object lines either way, so the larger
 * head only answers where the smaller could not. Detection over 4 MiB took
 * 30-40 ms cold (Node; every load's worker is cold), over 1 MiB 2-5 ms,
 * beside the read of 3 MiB more.
 */
export const FIRST_HEAD_BYTES = 1024 * 1024;
export const HEAD_BYTES = 4 * 1024 * 1024;

/** True when a range may start at b[p]: the first byte of a line that is neither blank nor indented. */
export function isRangeStart(b: Uint8Array, p: number): boolean {
  if (p <= 0 || p >= b.length || b[p - 1] !== NL) return false;
  const c = b[p];
  return c !== SPACE && c !== TAB && c !== CR && c !== NL;
}

/** The first p >= from (and >= 1) in b where a range may start, or -1. */
export function nextRangeStart(b: Uint8Array, from: number): number {
  let p = Math.max(from, 1);
  for (;;) {
    const nl = b.indexOf(NL, p - 1);
    if (nl < 0 || nl + 1 >= b.length) return -1;
    if (isRangeStart(b, nl + 1)) return nl + 1;
    p = nl + 2;
  }
}

/**
 * The variant the file's head names, or null when the head cannot decide it
 * here (not a kmap, too few object lines in it, ...): the caller then parses
 * in one piece, which gives the same answer or the same error.
 */
export function detectHead(head: Uint8Array): Variant | null {
  if (sniffNotKmap(head)) return null;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  const detector = new VariantDetector();
  if (!detector.scan(head)) return null;
  try {
    return detector.verdict(false);
  } catch {
    return null;
  }
}

/**
 * Start offsets of at most `n` ranges of a file of `size` bytes: 0, then the
 * first range start at or after size * k / n for each k, found by
 * `startAfter(offset)` (-1 when there is none before the end). A start that
 * repeats or passes the end is dropped, so fewer ranges may come back.
 */
export async function planRanges(size: number, n: number, startAfter: (offset: number) => Promise<number>): Promise<number[]> {
  const starts = [0];
  for (let k = 1; k < n; k++) {
    const at = await startAfter(Math.floor((size * k) / n));
    if (at > starts[starts.length - 1] && at < size) starts.push(at);
  }
  return starts;
}

/** Bytes read at a time when looking for the next object line after a cut. */
const SEEK_BYTES = 64 * 1024;

/** Reads up to `length` bytes of the file at `from` (fewer at its end). */
export type ReadAt = (from: number, length: number) => Promise<Uint8Array>;

/** The first range start at or after `offset` within MAX_SEEK_BYTES of it, or -1; reads forward in windows. */
export async function seekRangeStart(size: number, offset: number, read: ReadAt): Promise<number> {
  // From one byte before `offset`, so that a line starting exactly there is seen as one.
  for (let from = Math.max(0, offset - 1); from < size && from - offset <= MAX_SEEK_BYTES; ) {
    const buf = await read(from, SEEK_BYTES + 1);
    if (buf.length < 2) return -1;
    const at = nextRangeStart(buf, offset - from);
    if (at >= 0) return from + at;
    from += buf.length - 1;
  }
  return -1;
}

/** Where a file is cut: the variant its head names and the ranges' first bytes (starts[0] = 0). */
export interface FilePlan {
  readonly variant: Variant;
  readonly starts: readonly number[];
}

/**
 * The plan for at most `workers` ranges of a file of `size` bytes, or null
 * to parse it in one piece (too small, one worker, a head that names no
 * variant, no cut found).
 */
export async function planFile(size: number, workers: number, read: ReadAt): Promise<FilePlan | null> {
  if (workers < 2 || size < PARALLEL_MIN_BYTES) return null;
  let variant = detectHead(await read(0, Math.min(size, FIRST_HEAD_BYTES)));
  if (!variant && size > FIRST_HEAD_BYTES) variant = detectHead(await read(0, Math.min(size, HEAD_BYTES)));
  if (!variant) return null;
  const starts = await planRanges(size, workers, (offset) => seekRangeStart(size, offset, read));
  return starts.length < 2 ? null : { variant, starts };
}

/**
 * A parser for the range [starts[k], starts[k + 1]) of a file of `variant`:
 * the first range sniffs the file and skips its BOM; a later one starts as if
 * a good object line came before it.
 */
export function rangeParser(variant: Variant, first: boolean, fold: RangeFold = {}): KmapParser {
  return new KmapParser({ variant, range: first ? 'first' : 'later', aggregateOnly: fold.aggregateOnly, sumsOnly: fold.sumsOnly });
}

/** Whether a range's access lines are folded, and how (ParserOptions): every range of a file alike. */
export type RangeFold = Pick<ParserOptions, 'aggregateOnly' | 'sumsOnly'>;

/** Parses a later range's bytes whole into a part (the tests; the data worker's in-thread runner); `fold`: its lines folded. */
export function parseRangeBytes(bytes: Uint8Array, variant: Variant, chunkSize = 1 << 20, fold: RangeFold = {}): StorePart {
  const parser = rangeParser(variant, false, fold);
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
  const store = parser.finish();
  return storeToPart(store, parser.linesRead);
}

/** The optional name columns that a variant's object lines carry. */
export function presentNameColumns(variant: Variant): Set<OptionalNameColumn> {
  const layout = LAYOUTS[variant];
  const present = new Set<OptionalNameColumn>();
  if (layout.hasType) present.add('type');
  if (layout.hasSlab) present.add('slab');
  if (layout.hasNewType) present.add('newType');
  return present;
}

/** What the checks before a stitch read of each range: its objects, bad lines and names. */
interface RangeCounts {
  readonly objects: number;
  readonly badLines: number;
  readonly names: readonly number[];
}

const partCounts = (p: StorePart): RangeCounts => ({
  objects: p.objects.allocIp.length,
  badLines: p.numBadLines,
  names: [p.commands.ends.length, p.slabs.ends.length, p.types.ends.length],
});

/**
 * Whether ranges with these counts stitch into the single parse's store
 * (see the header): a range with bad lines after ranges with no object at
 * all, names near the cap, or no object in the whole file (which the single
 * parse reports as an error) say no.
 */
function stitchable(ranges: readonly RangeCounts[], maxNames: number): boolean {
  let objectsBefore = 0;
  for (let k = 0; k < ranges.length; k++) {
    if (k > 0 && objectsBefore === 0 && ranges[k].badLines > 0) return false;
    objectsBefore += ranges[k].objects;
  }
  if (objectsBefore === 0) return false;
  for (let t = 0; t < 3; t++) if (ranges.reduce((n, r) => n + r.names[t], 0) >= maxNames - 1) return false;
  return true;
}

/**
 * Appends the later ranges' parts to `first`, the store of the first range
 * parsed in place by `parser` (finished); false, with `first` untouched, when
 * the stitch cannot be promised: parse the file in one piece then.
 */
export function appendRanges(parser: KmapParser, parts: readonly StorePart[], maxNames = MAX_DISTINCT_NAMES): boolean {
  const first = parser.store;
  const firstCounts: RangeCounts = { objects: first.numObjects, badLines: first.numBadLines, names: [first.commands.size, first.slabs.size, first.types.size] };
  if (!stitchable([firstCounts, ...parts.map(partCounts)], maxNames)) return false;
  appendParts(first, parser.linesRead, parts, presentNameColumns(parser.variant!));
  return true;
}
