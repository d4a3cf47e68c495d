// The parallel parse in one thread: a file cut into ranges (format/ranges.ts),
// each range parsed on its own, the parts stitched (store/store-parts.ts),
// must give the single parse's store whole (storeDump: every column, id,
// name table, total and bad line), or say "parse in one piece" (null) only
// where the header of ranges.ts says it must. Ranges start only where
// isRangeStart() allows; the planner is aimed at awkward offsets (inside an
// access run, on a blank line, on a CRLF, inside a damaged line) and must
// move on to the next object line.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from './parser.ts';
import {
  appendRanges, detectHead, HEAD_BYTES, isRangeStart, MAX_SEEK_BYTES, nextRangeStart, PARALLEL_MIN_BYTES, parseRangeBytes, planFile, planRanges, rangeParser,
} from './ranges.ts';
import type { Variant } from './variants.ts';
import { storeDump } from '../testing/fuzz-check.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { HAND_SEEDS } from '../testing/fuzz-kmaps.ts';
import { MAX_KEPT_BAD_LINES } from '../store/kmap-store.ts';
import { sentinelIpMask } from '../query/filter.ts';
import { AccessFold } from '../store/access-fold.ts';

const enc = new TextEncoder();

/** Every offset where a range may start. */
function allStarts(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = 1; p < bytes.length; p++) if (isRangeStart(bytes, p)) out.push(p);
  return out;
}

/** The ranges [starts[k], starts[k + 1]) parsed apart and stitched (null: "parse it in one piece"). */
function parseInRanges(bytes: Uint8Array, starts: readonly number[], variant: Variant, chunkSize = 1 << 20) {
  const firstEnd = starts[1] ?? bytes.length;
  const first = rangeParser(variant, true);
  for (let i = 0; i < firstEnd; i += chunkSize) first.push(bytes.subarray(i, Math.min(firstEnd, i + chunkSize)));
  first.finish();
  const parts = starts.slice(1).map((s, k) => parseRangeBytes(bytes.subarray(s, starts[k + 2] ?? bytes.length), variant, chunkSize));
  return appendRanges(first, parts) ? first.store : null;
}

function expectSameAsSingle(bytes: Uint8Array, starts: readonly number[], variant: Variant, chunkSize?: number): boolean {
  const stitched = parseInRanges(bytes, starts, variant, chunkSize);
  if (stitched === null) return false;
  expect(storeDump(stitched)).toEqual(storeDump(parseKmapBytes(bytes)));
  return true;
}

describe('where a range may start', () => {
  it('only at the first byte of a line that is neither blank nor indented', () => {
    const b = enc.encode('obj1\n  acc\n\n\r\n \nobj2\r\n\tacc\nobj3');
    expect(allStarts(b)).toEqual([b.indexOf(0x6f, 5), b.lastIndexOf(0x6f)]);
    expect(isRangeStart(b, 0)).toBe(false); // the file's start belongs to range 0
    expect(nextRangeStart(b, 0)).toBe(allStarts(b)[0]);
    expect(nextRangeStart(b, allStarts(b)[1] + 1)).toBe(-1);
  });

  it('the planner moves offsets inside an access run, a blank line, a CRLF or a damaged line to the next object line', async () => {
    const text = 'a,1\n  x\n  y\n\n\r\nzz damaged line\r\n  z\nb,2\n';
    const b = enc.encode(text);
    const startAfter = async (at: number) => nextRangeStart(b, at);
    for (const aim of [text.indexOf('  y'), text.indexOf('\n\r\n') + 1, text.indexOf('\r\nzz'), text.indexOf('damaged')]) {
      const starts = await planRanges(b.length, 2, async () => startAfter(aim));
      const next = nextRangeStart(b, aim);
      expect(starts).toEqual(next < 0 ? [0] : [0, next]);
      expect(isRangeStart(b, starts[1] ?? 1) || starts.length === 1).toBe(true);
    }
    // Offsets past the last object line give no range: the file is one range.
    expect(await planRanges(b.length, 3, async (at) => nextRangeStart(b, Math.max(at, b.length - 2)))).toEqual([0]);
  });
});

describe('ranges parsed apart and stitched give the single parse', () => {
  const VARIANTS: Variant[] = ['A', 'B', 'C', 'D', 'E'];

  for (const variant of VARIANTS) {
    it(`variant ${variant}, damaged, with blank and CRLF lines: two ranges cut at every object line`, () => {
      const text = writeKmap({ variant, objects: 60, seed: 11 + variant.charCodeAt(0), damage: 0.05, blank: 0.05, crlf: 0.2, longLine: false });
      const bytes = enc.encode(text);
      const starts = allStarts(bytes);
      expect(starts.length).toBeGreaterThan(50);
      let stitched = 0;
      for (const s of starts) if (expectSameAsSingle(bytes, [0, s], variant)) stitched++;
      // Only a cut before the file's first good object may refuse (see stitchRanges).
      expect(stitched).toBeGreaterThanOrEqual(starts.length - 3);
    });

    it(`variant ${variant}: many ranges at once, parsed at tiny chunk sizes`, () => {
      const bytes = enc.encode(writeKmap({ variant, objects: 300, seed: 99, damage: 0.02, longLine: true }));
      const starts = allStarts(bytes);
      for (const every of [1, 2, 7, 50]) {
        const cut = [0, ...starts.filter((_, i) => i % every === every - 1 && i > 3)];
        for (const chunk of [1, 3, 64, 1 << 20]) {
          expect(expectSameAsSingle(bytes, cut, variant, chunk)).toBe(true);
        }
      }
    });
  }

  it('appended in place to the first range\'s store (the data worker\'s way), the same store', () => {
    for (const variant of VARIANTS) {
      const bytes = enc.encode(writeKmap({ variant, objects: 200, seed: 21, damage: 0.03 }));
      const starts = allStarts(bytes);
      const cut = [0, starts[40], starts[90], starts[91]];
      const first = rangeParser(variant, true);
      for (let i = 0; i < cut[1]; i += 97) first.push(bytes.subarray(i, Math.min(cut[1], i + 97)));
      first.finish();
      const parts = cut.slice(1).map((s, k) => parseRangeBytes(bytes.subarray(s, cut[k + 2] ?? bytes.length), variant));
      expect(appendRanges(first, parts)).toBe(true);
      expect(storeDump(first.store)).toEqual(storeDump(parseKmapBytes(bytes)));
    }
    // Refused: the store is left as it was.
    const text = 'bad object\n' + 'ffffffff81000000,1,ffff888000000000,64,1,2,ffffffff81000010,KMALLOC,cat,kmalloc-64,NONE\nworse\n  ffffffff81000020,1,2,1\n';
    const bytes = enc.encode(text);
    const s = allStarts(bytes);
    const first = rangeParser('E', true);
    first.push(bytes.subarray(0, s[1]));
    first.finish();
    expect(appendRanges(first, [parseRangeBytes(bytes.subarray(s[1]), 'E')])).toBe(true);
    expect(storeDump(first.store)).toEqual(storeDump(parseKmapBytes(bytes)));
    const lone = rangeParser('E', true);
    lone.push(bytes.subarray(0, s[0]));
    lone.finish();
    const before = storeDump(lone.store);
    expect(appendRanges(lone, [parseRangeBytes(bytes.subarray(s[0]), 'E')])).toBe(false);
    expect(storeDump(lone.store)).toEqual(before);
  });

  it('the hand-written seeds of every variant, cut everywhere', () => {
    for (const seed of HAND_SEEDS) {
      const bytes = enc.encode(seed.text);
      const variant = parseKmapBytes(bytes).variant as Variant;
      for (const s of allStarts(bytes)) expectSameAsSingle(bytes, [0, s], variant);
      expectSameAsSingle(bytes, [0, ...allStarts(bytes)], variant);
    }
  });

  it('the fuzz fixtures (inputs that once broke the parser), cut at up to 40 places each', () => {
    const dir = path.join(import.meta.dirname, '..', 'testing', 'fuzz-fixtures');
    let compared = 0;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.kmap'))) {
      const bytes = new Uint8Array(readFileSync(path.join(dir, name)));
      let variant: Variant;
      try {
        variant = parseKmapBytes(bytes).variant as Variant;
      } catch {
        continue; // not a kmap: never parsed in ranges (detectHead says null first)
      }
      const starts = allStarts(bytes);
      const pick = starts.filter((_, i) => i % Math.max(1, Math.floor(starts.length / 40)) === 0);
      for (const s of pick) if (expectSameAsSingle(bytes, [0, s], variant)) compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('bad lines are numbered in the whole file, and only the first 100 of the file are kept', () => {
    const objs: string[] = [];
    for (let i = 0; i < 400; i++) {
      objs.push(`ffffffff81000000,1,ffff888000000000,64,${i + 1},${i + 2},ffffffff81000010,KMALLOC,cat,kmalloc-64,NONE`);
      objs.push(i % 3 === 0 ? '  not an access line' : '  ffffffff81000020,1,2,1');
    }
    const bytes = enc.encode(objs.join('\n') + '\n');
    const starts = allStarts(bytes);
    const cut = [0, starts[100], starts[201], starts[350]];
    const stitched = parseInRanges(bytes, cut, 'E')!;
    const single = parseKmapBytes(bytes);
    expect(stitched.numBadLines).toBe(134);
    expect(stitched.badLines).toHaveLength(MAX_KEPT_BAD_LINES);
    expect(stitched.badLines.map((b) => b.lineNum)).toEqual(single.badLines.map((b) => b.lineNum));
    expect(stitched.badLines.at(-1)!.lineNum).toBe(2 * 297 + 2);
  });

  it('refuses (parse in one piece) when no good object comes before a range with bad lines', () => {
    const text = 'garbage,line,that,is,no,object\n  ffffffff81000020,1,2,1\nffffffff81000000,1,ffff888000000000,64,1,2,ffffffff81000010,KMALLOC,cat,kmalloc-64,NONE\n';
    const bytes = enc.encode(text);
    const second = allStarts(bytes)[0];
    expect(parseInRanges(bytes, [0, second], 'E')).not.toBeNull(); // range 1 is clean
    const bad = enc.encode(text + 'bad object\n  ffffffff81000020,1,2,1\n');
    const s = allStarts(bad);
    expect(parseInRanges(bad, [0, s[0], s[1]], 'E')).not.toBeNull();
    const first = enc.encode('bad object\n' + text);
    expect(parseInRanges(first, [0, allStarts(first)[0]], 'E')).toBeNull();
  });

  it('planFile looks for the next object line at most MAX_SEEK_BYTES past a cut, and drops the cut otherwise', async () => {
    const head = enc.encode(writeKmap({ variant: 'E', objects: 2500, seed: 4, damage: 0, longLine: false, leadingAccess: false }));
    const size = 64 * 1024 * 1024;
    let bytesRead = 0;
    // The head, then no newline at all (a padded or damaged file): every read past the head gives 'x'.
    const read = async (from: number, length: number) => {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - from))).fill(0x78);
      if (from < head.length) out.set(head.subarray(from, from + out.length));
      bytesRead += out.length;
      return out;
    };
    expect(await planFile(size, 2, read)).toBeNull();
    expect(bytesRead).toBeLessThan(HEAD_BYTES + MAX_SEEK_BYTES + (1 << 20));
    // Too small, or one worker: no plan, nothing read.
    bytesRead = 0;
    expect(await planFile(PARALLEL_MIN_BYTES - 1, 2, read)).toBeNull();
    expect(await planFile(size, 1, read)).toBeNull();
    expect(bytesRead).toBe(0);
    // A file of that head repeated: one cut per worker, each at an object line.
    const whole = new Uint8Array(PARALLEL_MIN_BYTES + head.length);
    for (let at = 0; at < whole.length; at += head.length) whole.set(head.subarray(0, Math.min(head.length, whole.length - at)), at);
    const plan = await planFile(whole.length, 3, async (from, length) => whole.subarray(from, from + length));
    expect(plan?.variant).toBe('E');
    expect(plan?.starts).toHaveLength(3);
    for (const s of plan!.starts.slice(1)) expect(isRangeStart(whole, s)).toBe(true);
  });

  it('planFile decides the variant from the first MiB, and reads 4 MiB only when the first holds too few object lines', async () => {
    const reads: number[] = [];
    const planOf = async (bytes: Uint8Array) => {
      reads.length = 0;
      return planFile(bytes.length, 2, async (from, length) => {
        if (from === 0) reads.push(length);
        return bytes.subarray(from, from + length);
      });
    };
    const repeat = (unit: Uint8Array, size: number) => {
      const out = new Uint8Array(size);
      for (let at = 0; at < size; at += unit.length) out.set(unit.subarray(0, Math.min(unit.length, size - at)), at);
      return out;
    };
    // Short lines: 2,000 object lines fit in the first MiB.
    const plain = repeat(enc.encode(writeKmap({ variant: 'D', objects: 2500, seed: 6, damage: 0, longLine: false, leadingAccess: false })), PARALLEL_MIN_BYTES + 4096);
    expect((await planOf(plain))?.variant).toBe(parseKmapBytes(plain.subarray(0, HEAD_BYTES)).variant);
    expect(reads).toEqual([1 << 20]);
    // Each object with 40 long access lines: the first MiB holds too few object lines; 4 MiB decides, as the single parse does.
    const heavy = writeKmap({ variant: 'E', objects: 2500, seed: 7, damage: 0, longLine: false, leadingAccess: false })
      .split('\n')
      .map((line) => (line !== '' && line[0] !== ' ' ? `${line}\n${'  ffffffff81500004,1,2,42\n'.repeat(40).trimEnd()}` : line))
      .join('\n');
    const heavyBytes = repeat(enc.encode(heavy), PARALLEL_MIN_BYTES + 4096);
    const firstMiBObjects = new TextDecoder().decode(heavyBytes.subarray(0, 1 << 20)).split('\n').filter((l) => l !== '' && l[0] !== ' ').length;
    expect(firstMiBObjects).toBeLessThan(2000);
    const plan = await planOf(heavyBytes);
    expect(plan?.variant).toBe('E');
    expect(plan?.variant).toBe(parseKmapBytes(heavyBytes.subarray(0, HEAD_BYTES)).variant);
    expect(reads).toEqual([1 << 20, HEAD_BYTES]);
  });

  it('detectHead names the variant the single parse detects, and null for what is no kmap or too short to tell', () => {
    for (const variant of ['A', 'B', 'C', 'D', 'E'] as Variant[]) {
      const bytes = enc.encode(writeKmap({ variant, objects: 2500, seed: 5, damage: 0, longLine: false, leadingAccess: false }));
      expect(detectHead(bytes)).toBe(parseKmapBytes(bytes).variant);
    }
    expect(detectHead(enc.encode('{"json": true}\n'))).toBeNull();
    expect(detectHead(enc.encode(HAND_SEEDS[0].text))).toBeNull(); // fewer object lines than detection needs
  });
});

describe('ranges parsed aggregates only (store/access-fold.ts) and stitched give the single aggregate-only parse', () => {
  const VARIANTS: Variant[] = ['A', 'B', 'C', 'D', 'E'];

  /**
   * The ranges parsed apart, each later one aggregates only; the first one
   * aggregates only from its start, or folded after `foldAfter` of its bytes
   * (the data worker's way: it folds when the page answers its question).
   */
  function foldedInRanges(bytes: Uint8Array, starts: readonly number[], variant: Variant, chunkSize: number, foldAfter: number | null, into = new AccessFold()) {
    const firstEnd = starts[1] ?? bytes.length;
    const first = rangeParser(variant, true, { aggregateOnly: foldAfter === null });
    let folded = foldAfter === null;
    for (let i = 0; i < firstEnd; i += chunkSize) {
      first.push(bytes.subarray(i, Math.min(firstEnd, i + chunkSize)));
      if (!folded && i + chunkSize >= foldAfter!) {
        first.store.foldAccessRows(sentinelIpMask(first.store), into);
        folded = true;
      }
    }
    first.finish();
    const parts = starts.slice(1).map((s, k) => parseRangeBytes(bytes.subarray(s, starts[k + 2] ?? bytes.length), variant, chunkSize, { aggregateOnly: true }));
    return appendRanges(first, parts) ? first.store : null;
  }

  for (const variant of VARIANTS) {
    it(`variant ${variant}, damaged: cut in 2, 3 and 5, at tiny chunk sizes, folded from the start and midway`, () => {
      const bytes = enc.encode(writeKmap({ variant, objects: 300, seed: 55 + variant.charCodeAt(0), damage: 0.03, crlf: 0.1, longLine: false }));
      const single = storeDump(parseKmapBytes(bytes, 1 << 20, { aggregateOnly: true }));
      const starts = allStarts(bytes);
      for (const n of [2, 3, 5]) {
        const cut = [0, ...Array.from({ length: n - 1 }, (_, k) => starts[Math.floor(((k + 1) * starts.length) / n)])];
        for (const chunk of [7, 1 << 20]) {
          for (const foldAfter of [null, Math.floor(cut[1] / 2)]) {
            // Folded midway at tiny chunks, into a fold whose cells are found through Maps only (no dense arrays).
            const stitched = foldedInRanges(bytes, cut, variant, chunk, foldAfter, new AccessFold(foldAfter !== null && chunk === 7 ? 0 : undefined));
            expect(stitched, `${n} ranges, chunks of ${chunk}, folded ${foldAfter === null ? 'from the start' : 'midway'}`).not.toBeNull();
            expect(stitched!.fold).not.toBeNull();
            expect(storeDump(stitched!)).toEqual(single);
          }
        }
      }
    });
  }

  it('keeps sums exact past 2^53 - 1 across a stitch', () => {
    const big = 2n ** 53n + 3n;
    const obj = (k: number) => `ffffffff81000010,1,ffff8880000${k.toString(16).padStart(5, '0')},64,${k + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,`;
    const lines: string[] = [];
    for (let k = 0; k < 40; k++) lines.push(obj(k), `  ffffffff81000100,${big},${k},1`, `  ffffffff81000200,1,${big},7`);
    const bytes = enc.encode(lines.join('\n') + '\n');
    const starts = allStarts(bytes);
    const stitched = foldedInRanges(bytes, [0, starts[12], starts[30]], 'E', 1 << 20, null);
    expect(storeDump(stitched!)).toEqual(storeDump(parseKmapBytes(bytes, 1 << 20, { aggregateOnly: true })));
    expect(typeof stitched!.fold!.cellValue(0, 'writes')).toBe('bigint');
  });

  it('a cell exact in one range only, and two ranges whose sums cross 2^53 - 1 only once merged', () => {
    const obj = (k: number) => `ffffffff81000010,1,ffff8880000${k.toString(16).padStart(5, '0')},64,${k + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,`;
    const lines: string[] = [];
    // Reads: small in the first range, past 2^53 in the last. Writes: 2^53 - 1000 in the first range, 600 and 600 later.
    for (let k = 0; k < 30; k++) {
      lines.push(obj(k), `  ffffffff81000100,${k === 0 ? 2 ** 53 - 1000 : k < 20 ? 0 : 600},${k < 20 ? 1 : 2n ** 60n},1`);
    }
    const bytes = enc.encode(lines.join('\n') + '\n');
    const starts = allStarts(bytes);
    const single = parseKmapBytes(bytes, 1 << 20, { aggregateOnly: true });
    expect(single.fold!.numCells).toBe(1);
    expect(typeof single.fold!.cellValue(0, 'reads')).toBe('bigint');
    expect(typeof single.fold!.cellValue(0, 'writes')).toBe('bigint');
    for (const cut of [[0, starts[10], starts[20]], [0, starts[21]], [0, starts[5], starts[25]]]) {
      expect(storeDump(foldedInRanges(bytes, cut, 'E', 1 << 20, null)!)).toEqual(storeDump(single));
    }
  });
});
