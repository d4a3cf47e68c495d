// The properties the parser must keep on any input, however broken or
// hostile (checked by the fuzz suite on generated inputs and by the fixture
// test on every input that ever broke one):
//
// (a) it never throws, except a KmapFormatError ("Not a kmap ..." and the
//     other whole-file rejections of docs/kmap-format.md), and never hangs:
//     a parse of a small input ends within a generous time (a hang
//     detector, not a performance test);
// (b) every line is accounted for: objects + access lines + bad lines = the
//     non-blank lines, blank lines = the blank lines, lines read = all lines
//     (counted here independently from the bytes, by the line rules of
//     docs/kmap-format.md);
// (c) every chunking gives the same result: the whole store (every object
//     and access column, the interned IPs and names, the totals, the bad
//     lines with their numbers and reasons, the variant), or the same
//     KmapFormatError message;
// (d) where the reference parser applies (the input is valid UTF-8), the same
//     objects, access lines, bad lines and totals as the reference.

import { expect } from 'vitest';
import { KmapParser, MAX_LINE_BYTES } from '../format/parser.ts';
import { KmapFormatError, sniffNotKmap } from '../format/sniff.ts';
import { CELL_SUMS, type AccessFold } from '../store/access-fold.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { MAX_KEPT_BAD_LINES } from '../store/kmap-store.ts';
import { referenceParse } from './reference-parser.ts';
import { fullView } from './snapshot.ts';

export type ParseOutcome =
  | { ok: true; store: KmapStore; linesRead: number; ms: number }
  | { ok: false; error: string; ms: number };

const FILL = 0x41;

/**
 * Parses `bytes` cut at `cuts` (sorted positions strictly inside). With
 * `reuse`, every chunk is copied into one buffer that is scribbled over after
 * push() returns, as a reader reusing its buffer would. A KmapFormatError is
 * an outcome; anything else thrown propagates (property (a)).
 */
export function parseCut(bytes: Uint8Array, cuts: readonly number[], reuse = false): ParseOutcome {
  const t0 = performance.now();
  const parser = new KmapParser();
  let scratch: Uint8Array | null = null;
  if (reuse) {
    let biggest = 0;
    for (let k = 0, prev = 0; k <= cuts.length; k++) {
      const end = k < cuts.length ? cuts[k] : bytes.length;
      biggest = Math.max(biggest, end - prev);
      prev = end;
    }
    scratch = new Uint8Array(biggest);
  }
  try {
    let prev = 0;
    for (let k = 0; k <= cuts.length; k++) {
      const end = k < cuts.length ? cuts[k] : bytes.length;
      const chunk = bytes.subarray(prev, end);
      if (scratch) {
        scratch.set(chunk);
        parser.push(scratch.subarray(0, chunk.length));
        scratch.fill(FILL, 0, chunk.length);
      } else {
        parser.push(chunk);
      }
      prev = end;
    }
    const store = parser.finish();
    return { ok: true, store, linesRead: parser.linesRead, ms: performance.now() - t0 };
  } catch (err) {
    if (err instanceof KmapFormatError) return { ok: false, error: err.message, ms: performance.now() - t0 };
    throw err;
  }
}

const col = (c: { data: ArrayLike<number>; length: number; wide?: Map<number, bigint> | null }): unknown =>
  c.wide ? { data: Array.from({ length: c.length }, (_, i) => c.data[i]), wide: [...c.wide].map(([i, v]) => [i, String(v)]) } : Array.from({ length: c.length }, (_, i) => c.data[i]);

/** JSON with bigints as their decimal strings (for comparing dumps). */
const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** Everything a store holds, as plain data (for comparing stores of different chunkings). */
export function storeDump(store: KmapStore): unknown {
  const o = store.objects;
  const a = store.accesses;
  return {
    variant: store.variant,
    objects: {
      allocIp: col(o.allocIp), freeIp: col(o.freeIp), vaHi: col(o.vaHi), vaLo: col(o.vaLo), size: col(o.size), pid: col(o.pid),
      allocIndex: col(o.allocIndex), freeIndex: col(o.freeIndex), type: col(o.type), newType: col(o.newType),
      command: col(o.command), slab: col(o.slab), accessStart: col(o.accessStart),
    },
    accesses: { ip: col(a.ip), pid: col(a.pid), writes: col(a.writes), reads: col(a.reads), callers: [...a.callers.entries()] },
    ips: { hi: col(store.ips.hi), lo: col(store.ips.lo) },
    commands: store.commands.names(),
    slabs: store.slabs.names(),
    types: store.types.names(),
    totals: {
      numLive: store.numLive, bytes: String(store.bytes), reads: String(store.reads), writes: String(store.writes),
      numBlankLines: store.numBlankLines, numBadLines: store.numBadLines,
    },
    badLines: store.badLines,
    objectsBySlab: store.objectsBySlab,
    objectsByType: store.objectsByType,
    objectsByCommand: store.objectsByCommand,
    fold: store.fold ? foldDump(store.fold) : null,
  };
}

/**
 * An aggregate-only store's fold (store/access-fold.ts): its per-object sums
 * and its cells by their keys (cell numbers depend on the order cells were
 * met, which a stitch changes), each with its exact figures.
 */
function foldDump(fold: AccessFold): unknown {
  const cells: string[] = [];
  for (let c = 0; c < fold.numCells; c++) {
    cells.push([fold.cellIp[c], fold.cellSlab[c], fold.cellType[c], fold.cellFlags[c], ...CELL_SUMS.map((k) => String(fold.cellValue(c, k)))].join(','));
  }
  return { lines: fold.lines, reads: col(fold.reads), writes: col(fold.writes), otherLines: col(fold.otherLines), cells: cells.sort() };
}

export interface LineCounts {
  total: number;
  blank: number;
  nonBlank: number;
}

/**
 * Counts lines by docs/kmap-format.md, independently of the parser: a BOM at
 * the start is skipped; lines end in \n (a last line may lack it); a line of
 * more than 64 KiB (before its \n) is a bad line whatever it holds; otherwise
 * a line of only spaces, tabs and \r is blank.
 */
export function countLines(bytes: Uint8Array): LineCounts {
  let s = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const counts = { total: 0, blank: 0, nonBlank: 0 };
  while (s < bytes.length) {
    let e = bytes.indexOf(0x0a, s);
    if (e < 0) e = bytes.length;
    counts.total++;
    let blank = e - s <= MAX_LINE_BYTES;
    for (let i = s; blank && i < e; i++) blank = bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d;
    if (blank) counts.blank++;
    else counts.nonBlank++;
    s = e + 1;
  }
  return counts;
}

/** Generous: a hang detector, not a performance bound (2 s, plus 2 s per 100 KB). */
export function timeLimitMs(numBytes: number): number {
  return 2000 + numBytes / 50;
}

function describeCuts(cuts: readonly number[], reuse: boolean): string {
  const shown = cuts.length > 12 ? `${cuts.slice(0, 12).join(',')},... (${cuts.length} cuts)` : cuts.join(',');
  return `chunks cut at [${shown}]${reuse ? ', reused buffer' : ''}`;
}

/** Properties (a) and (b) on one parse. Plain checks first: vitest's expect() is slow at thousands of cases. */
export function checkOutcome(bytes: Uint8Array, out: ParseOutcome, what: string): void {
  if (out.ms >= timeLimitMs(bytes.length)) expect.fail(`${what}: parse of ${bytes.length} bytes took ${Math.round(out.ms)} ms (a hang?)`);
  if (!out.ok) {
    if (!/\S/.test(out.error)) expect.fail(`${what}: a rejection without a message`);
    return;
  }
  const store = out.store;
  const lines = countLines(bytes);
  const got = { classified: store.numObjects + store.numAccesses + store.numBadLines, blank: store.numBlankLines, linesRead: out.linesRead };
  const want = { classified: lines.nonBlank, blank: lines.blank, linesRead: lines.total };
  if (got.classified !== want.classified || got.blank !== want.blank || got.linesRead !== want.linesRead) {
    expect(got, `${what}: objects + access lines + bad lines = non-blank lines, blank lines, lines read`).toEqual(want);
  }
  if (!/^[A-E]$/.test(store.variant ?? '')) expect.fail(`${what}: a loaded file has no variant`);
  if (store.numObjects === 0) expect.fail(`${what}: a loaded file has no object`);
  if (store.badLines.length !== Math.min(store.numBadLines, MAX_KEPT_BAD_LINES)) {
    expect.fail(`${what}: ${store.badLines.length} bad lines kept of ${store.numBadLines}`);
  }
  let prev = 0;
  for (const b of store.badLines) {
    if (!(b.lineNum > prev && b.lineNum <= lines.total) || !/\S/.test(b.reason)) {
      expect.fail(`${what}: bad line ${JSON.stringify(b)} (line numbers increase and lie in the file, reasons say something)`);
    }
    prev = b.lineNum;
  }
  const starts = store.objects.accessStart;
  for (let i = 0; i < store.numObjects; i++) {
    const next = i + 1 < store.numObjects ? starts.data[i + 1] : store.numAccesses;
    if (starts.data[i] > next) expect.fail(`${what}: object ${i}'s access lines start after the next object's`);
  }
}

/** Property (d): the parse agrees with the reference parser (when the bytes are valid UTF-8). */
export function checkAgainstReference(bytes: Uint8Array, out: ParseOutcome): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false; // the reference works on strings: not comparable byte for byte
  }
  let ref: ReturnType<typeof referenceParse> | null = null;
  try {
    ref = referenceParse(text);
  } catch {
    ref = null;
  }
  if (!out.ok) {
    // Rejected: the reference finds no kmap either, or no valid object, or the sniff (which the reference lacks) refused it.
    const sniffed = sniffNotKmap(bytes.subarray(0, 4096)) !== null;
    if (!sniffed && ref && ref.objects.length > 0) {
      expect.fail(`rejected ("${out.error}") but the reference parser reads ${ref.objects.length} objects (variant ${ref.variant})`);
    }
    return true;
  }
  if (!ref) expect.fail('the reference parser finds no kmap in a file the parser loads');
  const view = fullView(out.store);
  const got = {
    variant: view.variant,
    badLines: view.badLines.map((b) => ({ lineNum: b.lineNum, text: b.text })),
    objects: view.objects,
    totals: {
      bad: view.numBadLines, blank: view.numBlankLines, accesses: view.numAccesses, live: view.numLive,
      bytes: view.bytes, reads: view.reads, writes: view.writes,
    },
  };
  const want = {
    variant: ref.variant,
    badLines: ref.badLines.slice(0, MAX_KEPT_BAD_LINES),
    objects: ref.objects,
    totals: {
      bad: ref.badLines.length, blank: ref.numBlankLines, accesses: ref.numAccesses, live: ref.numLive,
      bytes: ref.bytes, reads: ref.reads, writes: ref.writes,
    },
  };
  if (json(got) !== json(want)) {
    expect(got.variant, 'variant (reference)').toBe(want.variant);
    expect(got.badLines, 'bad lines (reference)').toEqual(want.badLines);
    expect(got.objects, 'objects (reference)').toEqual(want.objects);
    expect(got.totals, 'totals (reference)').toEqual(want.totals);
  }
  return true;
}

export interface CheckOptions {
  /** Compare with the reference parser too (property (d)); default true. */
  reference?: boolean;
}

export interface CheckResult {
  /** The variant of the one-chunk parse, or null when it was rejected. */
  variant: string | null;
  rejected: string | null;
  comparedWithReference: boolean;
}

/**
 * Checks properties (a) to (d) on `bytes`: one-chunk parse, then each
 * chunking in `chunkings` (cut positions, with or without a reused buffer)
 * against it.
 */
export function checkKmapProperties(
  bytes: Uint8Array,
  chunkings: readonly { cuts: readonly number[]; reuse: boolean }[],
  opts: CheckOptions = {},
): CheckResult {
  const whole = parseCut(bytes, []);
  checkOutcome(bytes, whole, 'one chunk');
  const wholeDump = whole.ok ? json(storeDump(whole.store)) : null;
  for (const { cuts, reuse } of chunkings) {
    const what = describeCuts(cuts, reuse);
    const other = parseCut(bytes, cuts, reuse);
    checkOutcome(bytes, other, what);
    if (!whole.ok || !other.ok) {
      expect(other.ok ? 'loaded' : `rejected: ${other.error}`, `${what} vs one chunk`).toBe(whole.ok ? 'loaded' : `rejected: ${whole.error}`);
      continue;
    }
    const dump = json(storeDump(other.store));
    if (dump !== wholeDump) expect(JSON.parse(dump), `${what}: store differs from the one-chunk parse`).toEqual(JSON.parse(wholeDump!));
  }
  const compared = opts.reference === false ? false : checkAgainstReference(bytes, whole);
  return { variant: whole.ok ? whole.store.variant : null, rejected: whole.ok ? null : whole.error, comparedWithReference: compared };
}
