// Small generated kmaps with heavy damage and odd field values (see
// NASTY_TOKENS), compared object by object and bad line by bad line with the
// reference parser, at chunk sizes 1, 7, 64 and whole-file.

import { describe, expect, it } from 'vitest';
import { writeKmap } from '../testing/kmap-writer.ts';
import { referenceParse } from '../testing/reference-parser.ts';
import { parseAllChunkSizes } from '../testing/snapshot.ts';

const VARIANTS = ['A', 'B', 'C', 'D', 'E'] as const;

describe('fuzz: odd field values against the reference parser', () => {
  const numSeeds = Number(process.env.KMAP_FUZZ_SEEDS ?? 40);
  for (let seed = 1; seed <= numSeeds; seed++) {
    const variant = VARIANTS[seed % 5];
    it(`seed ${seed}, variant ${variant}`, () => {
      const text = writeKmap({ variant, objects: 300, seed: 1000 + seed, damage: 0.05, fieldNoise: 0.2, blank: 0.05, crlf: 0.2, longLine: seed % 10 === 0 });
      const ref = referenceParse(text);
      const { view } = parseAllChunkSizes(text);
      expect(view.variant).toBe(ref.variant);
      expect(view.badLines.map((b) => ({ lineNum: b.lineNum, text: b.text }))).toEqual(ref.badLines.slice(0, 100));
      expect(view.objects).toEqual(ref.objects);
      expect({
        bad: view.numBadLines, blank: view.numBlankLines, accesses: view.numAccesses, live: view.numLive,
        bytes: view.bytes, reads: view.reads, writes: view.writes,
      }).toEqual({
        bad: ref.badLines.length, blank: ref.numBlankLines, accesses: ref.numAccesses, live: ref.numLive,
        bytes: ref.bytes, reads: ref.reads, writes: ref.writes,
      });
    });
  }
});
