// A generated file of ~100,000 objects per variant, with random damage,
// checked against the deliberately simple reference parser at chunk sizes 7
// and 64 KiB.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from './parser.ts';
import { summarize } from '../query/summary.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { referenceParse, type RefResult } from '../testing/reference-parser.ts';
import { objectView } from '../testing/snapshot.ts';
import type { KmapStore } from '../store/kmap-store.ts';

const NUM_OBJECTS = 100_000;
const SAMPLE_EVERY = 97;

function countBy<T>(items: readonly T[], key: (t: T) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) {
    const k = key(it);
    if (k !== null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function compare(store: KmapStore, ref: RefResult, label: string): void {
  expect(store.variant, label).toBe(ref.variant);
  expect(
    {
      objects: store.numObjects,
      accesses: store.numAccesses,
      live: store.numLive,
      bytes: store.bytes,
      reads: store.reads,
      writes: store.writes,
      blank: store.numBlankLines,
      bad: store.numBadLines,
    },
    label,
  ).toEqual({
    objects: ref.objects.length,
    accesses: ref.numAccesses,
    live: ref.numLive,
    bytes: ref.bytes,
    reads: ref.reads,
    writes: ref.writes,
    blank: ref.numBlankLines,
    bad: ref.badLines.length,
  });
  // The accounting invariant, against the reference's count of non-blank lines.
  expect(store.numObjects + store.numAccesses + store.numBadLines, label).toBe(ref.numNonBlankLines);
  // Bad lines: the first 100, by number and text.
  expect(
    store.badLines.map((b) => ({ lineNum: b.lineNum, text: b.text })),
    label,
  ).toEqual(ref.badLines.slice(0, 100));
  // Every 97th object, every field and every access line.
  for (let i = 0; i < ref.objects.length; i += SAMPLE_EVERY) {
    expect(objectView(store, i), `${label}: object ${i}`).toEqual(ref.objects[i]);
  }
  // The last object too (its access range ends at numAccesses).
  const last = ref.objects.length - 1;
  expect(objectView(store, last), `${label}: last object`).toEqual(ref.objects[last]);
  // Per-name counts over all objects.
  const s = summarize(store);
  expect(s.byCommand, label).toEqual(countBy(ref.objects, (o) => o.command));
  if (ref.variant === 'C' || ref.variant === 'D' || ref.variant === 'E') {
    expect(s.byType, label).toEqual(countBy(ref.objects, (o) => o.type));
  } else expect(s.byType, label).toEqual({});
  if (ref.variant === 'D' || ref.variant === 'E') {
    expect(s.bySlab, label).toEqual(countBy(ref.objects, (o) => o.slab));
  } else expect(s.bySlab, label).toEqual({});
}

describe('generated kmaps against the reference parser', () => {
  const seeds = { A: 11, B: 22, C: 33, D: 44, E: 55 } as const;
  for (const variant of ['A', 'B', 'C', 'D', 'E'] as const) {
    it(`variant ${variant}: ${NUM_OBJECTS} objects with damage`, () => {
      const text = writeKmap({ variant, objects: NUM_OBJECTS, seed: seeds[variant] });
      const ref = referenceParse(text);
      // The writer really produced what this test is about.
      expect(ref.variant).toBe(variant);
      expect(ref.objects.length).toBeGreaterThan(NUM_OBJECTS * 0.97);
      expect(ref.badLines.length).toBeGreaterThan(100);
      expect(ref.numBlankLines).toBeGreaterThan(100);
      expect(ref.objects.some((o) => o.command.includes(','))).toBe(true);
      expect(text.includes('\r\n')).toBe(true);
      expect(ref.badLines[0].lineNum).toBe(1); // the access line before any object
      expect(ref.badLines.some((b) => b.text.endsWith('L'.repeat(50)))).toBe(true); // the over-long line
      if (variant === 'D' || variant === 'E') expect(ref.objects.some((o) => o.accesses.some((a) => a.caller !== null))).toBe(true);
      const bytes = new TextEncoder().encode(text);
      for (const chunkSize of [7, 64 * 1024]) {
        compare(parseKmapBytes(bytes, chunkSize), ref, `variant ${variant}, chunk size ${chunkSize}`);
      }
    });
  }
});
