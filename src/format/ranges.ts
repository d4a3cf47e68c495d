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
//   is "parse it in one piece" (stitchRanges returns null);
// - the cap on distinct names (format/name-cap.ts), applied in file order:
//   when the ranges' names together come near it, the same answer.
// The file's first bytes (the sniff, a BOM, the variant's detection) are read
// once, before the ranges, by detectHead(); every range is then parsed with
// that variant.

import { KmapParser } from './parser.ts';
import { VariantDetector } from './detector.ts';
import { sniffNotKmap } from './sniff.ts';
import { MAX_DISTINCT_NAMES } from './name-cap.ts';
import { LAYOUTS, type Variant } from './variants.ts';
import { stitchParts, storeToPart, type OptionalNameColumn, type StorePart } from '../store/store-parts.ts';
import type { KmapStore } from '../store/kmap-store.ts';

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** Files smaller than this are parsed in one piece: threads cost more than they save. */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/** Bytes of the file's head that detectHead() reads. */
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

/**
 * A parser for the range [starts[k], starts[k + 1]) of a file of `variant`:
 * the first range sniffs the file and skips its BOM; a later one starts as if
 * a good object line came before it.
 */
export function rangeParser(variant: Variant, first: boolean): KmapParser {
  return new KmapParser({ variant, range: first ? 'first' : 'later' });
}

/** Parses one range's bytes (tests; a thread does the same in chunks). */
export function parseRangeBytes(bytes: Uint8Array, variant: Variant, first: boolean, chunkSize = 1 << 20): StorePart {
  const parser = rangeParser(variant, first);
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

/**
 * The parts stitched into the single parse's store, or null when that cannot
 * be promised (see the header: no good object before a range with bad lines,
 * names near the cap, or no object at all, which the single parse reports
 * as an error): parse the file in one piece then.
 */
export function stitchRanges(parts: readonly StorePart[], variant: Variant, maxNames = MAX_DISTINCT_NAMES): KmapStore | null {
  let objectsBefore = 0;
  for (const part of parts) {
    if (objectsBefore === 0 && part !== parts[0] && part.numBadLines > 0) return null;
    objectsBefore += part.objects.allocIp.length;
  }
  if (objectsBefore === 0) return null;
  for (const table of ['commands', 'slabs', 'types'] as const) {
    const sum = parts.reduce((n, p) => n + p[table].ends.length, 0);
    if (sum >= maxNames - 1) return null;
  }
  return stitchParts(parts, presentNameColumns(variant));
}
