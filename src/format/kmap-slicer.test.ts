// A kmap parsed in slices (./kmap-slicer.ts): the slices, stitched back in
// file order (store/store-parts.ts), must be the whole parse's store, whole
// (storeDump: every column, id, name table, total and bad line), at every
// slice size and chunk size; every cut must fall before an object line, none
// before the first good object; and near the cap on names the slicer must say
// it cannot promise that.

import { describe, expect, it } from 'vitest';
import { KmapSlicer, type KmapSlice } from './kmap-slicer.ts';
import { parseKmapBytes } from './parser.ts';
import { isRangeStart, presentNameColumns } from './ranges.ts';
import { storeDump } from '../testing/fuzz-check.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { appendParts, storeToPart } from '../store/store-parts.ts';
import type { Variant } from './variants.ts';

const enc = new TextEncoder();

function slices(bytes: Uint8Array, sliceBytes: number, chunkSize: number, maxNames?: number): { slices: KmapSlice[]; slicer: KmapSlicer } {
  const slicer = new KmapSlicer(sliceBytes, maxNames);
  const out: KmapSlice[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    slicer.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
    out.push(...slicer.takeSlices());
  }
  slicer.finish();
  out.push(...slicer.takeSlices());
  return { slices: out, slicer };
}

/** The slices appended, in order, to the first one's store: what the whole parse must give. */
function stitched(all: KmapSlice[], totalLines: number) {
  const [first, ...rest] = all;
  const parts = rest.map((s, k) => storeToPart(s.store, (all[k + 2]?.linesBefore ?? totalLines) - s.linesBefore));
  appendParts(first.store, all[1]?.linesBefore ?? totalLines, parts, presentNameColumns(first.store.variant as Variant));
  return first.store;
}

function lineCount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b === 0x0a) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? n + 1 : n;
}

// The variant is decided on the first DETECT_OBJECT_LINES (2,000) object lines, and no cut comes before: the files
// here hold more.
const OBJECTS = 5000;

describe('a kmap parsed in slices', () => {
  for (const variant of ['A', 'B', 'C', 'D', 'E'] as Variant[]) {
    it(`variant ${variant}, damaged, with blank and CRLF lines: the slices stitched are the whole parse at any slice and chunk size`, () => {
      const text = writeKmap({ variant, objects: OBJECTS, seed: 3 + variant.charCodeAt(0), damage: 0.05, blank: 0.05, crlf: 0.2, longLine: false });
      const bytes = enc.encode(text);
      const whole = storeDump(parseKmapBytes(bytes));
      const lines = lineCount(bytes);
      const n = bytes.length;
      // A slice per object line (after the detection's first slice) once, at a chunk of the whole file.
      const sizes = [[n >> 5, 1], [n >> 5, 997], [n >> 2, 65536], [n - 100, 333], [n, 4096], ...(variant === 'E' ? [[1, n]] : [])];
      for (const [sliceBytes, chunkSize] of sizes) {
        const got = slices(bytes, sliceBytes, chunkSize);
        const all = got.slices;
        expect(got.slicer.namesNearCap).toBe(false);
        // Each slice starts where the one before ended, at an object line; each but the last holds a good object.
        let at = 0;
        for (const s of all) {
          expect(s.bytesBefore).toBe(at);
          expect(s.linesBefore + s.lines).toBe(all[s.index + 1]?.linesBefore ?? lines);
          if (s.index > 0) expect(isRangeStart(bytes, at)).toBe(true);
          if (s.index < all.length - 1) expect(s.store.numObjects).toBeGreaterThan(0);
          at += s.bytes;
        }
        expect(at).toBe(n);
        if (sliceBytes === n) expect(all).toHaveLength(1);
        if (sliceBytes <= n >> 5) expect(all.length).toBeGreaterThan(8);
        expect(storeDump(stitched(all, lines))).toEqual(whole);
      }
    });
  }

  it("a slice's ids and bad-line numbers are its own, and objectsBefore / linesBefore place them in the file", () => {
    const bytes = enc.encode(writeKmap({ variant: 'E', objects: OBJECTS, seed: 5, damage: 0.2, blank: 0, crlf: 0, longLine: false }));
    const whole = parseKmapBytes(bytes);
    const all = slices(bytes, bytes.length >> 4, 4096).slices;
    expect(all.length).toBeGreaterThan(3);
    const bad = all.flatMap((s) => s.store.badLines.map((b) => ({ ...b, lineNum: b.lineNum + s.linesBefore })));
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.slice(0, whole.badLines.length)).toEqual(whole.badLines);
    expect(all.map((s) => s.objectsBefore)).toEqual(all.map((_, k) => all.slice(0, k).reduce((n, s) => n + s.store.numObjects, 0)));
    expect(all.reduce((n, s) => n + s.store.numObjects, 0)).toBe(whole.numObjects);
  });

  it('makes no cut before a good object: a run of bad object lines longer than a slice stays with the next good object', () => {
    const detected = writeKmap({ variant: 'E', objects: 2100, seed: 9, damage: 0, blank: 0, crlf: 0, longLine: false });
    const more = writeKmap({ variant: 'E', objects: 200, seed: 10, damage: 0, blank: 0, crlf: 0, longLine: false });
    const bad = 'this is not an object line at all and it goes on\n'.repeat(40);
    const bytes = enc.encode(detected + more + bad + more);
    for (const chunkSize of [1, 61, 4096]) {
      const all = slices(bytes, 300, chunkSize).slices;
      expect(all.length).toBeGreaterThan(20);
      const holding = all.filter((s) => s.store.numBadLines > 0);
      expect(holding.reduce((n, s) => n + s.store.numBadLines, 0)).toBe(parseKmapBytes(bytes).numBadLines);
      expect(holding.length).toBeGreaterThan(0);
      for (const s of holding) expect(s.store.numObjects).toBeGreaterThan(0);
      expect(storeDump(stitched(all, lineCount(bytes)))).toEqual(storeDump(parseKmapBytes(bytes)));
    }
  });

  it("says when the file's distinct names come near the cap, however many slices hold them", () => {
    const bytes = enc.encode(writeKmap({ variant: 'E', objects: OBJECTS, seed: 4, damage: 0, blank: 0, crlf: 0, longLine: false }));
    const commands = parseKmapBytes(bytes).commands.size;
    // A command in many slices counts once: many slices whose tables summed pass the cap are not near it.
    const under = slices(bytes, bytes.length >> 5, 4096, commands + 2);
    expect(under.slices.length).toBeGreaterThan(8);
    expect(under.slices.reduce((n, s) => n + s.store.commands.size, 0)).toBeGreaterThan(commands + 2);
    expect(under.slicer.namesNearCap).toBe(false);
    expect(storeDump(stitched(under.slices, lineCount(bytes)))).toEqual(storeDump(parseKmapBytes(bytes, 1 << 20, { maxDistinctNames: commands + 2 })));
    // One below: the whole parse would come near the cap (its careful path), so the slicer says so.
    expect(slices(bytes, bytes.length >> 5, 4096, commands + 1).slicer.namesNearCap).toBe(true);
    expect(slices(bytes, bytes.length, 4096, commands + 1).slicer.namesNearCap).toBe(true);
  });

  it('throws what the whole parse throws for a file that is no kmap', () => {
    const bytes = enc.encode('{"json": true}\n'.repeat(400));
    let whole = '';
    try {
      parseKmapBytes(bytes);
    } catch (e) {
      whole = (e as Error).message;
    }
    expect(whole).not.toBe('');
    const slicer = new KmapSlicer(64);
    expect(() => {
      slicer.push(bytes);
      slicer.finish();
    }).toThrow(whole);
  });
});
