// The kmap slice reads back as the same objects: for kmaps of every variant
// (seeded, with damage, commas in commands, from: lines, huge values) and the
// sample, under several filters, every field of every kept object and of
// each of its access lines is the same after slicing and parsing again
// (ids renumbered, bad lines gone). Names with bytes that are not UTF-8 and
// 64-bit values above 2^53 survive too.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { QueryContext } from './context.ts';
import { filterObjects } from './filter.ts';
import { kmapSliceChunks } from './kmap-slice.ts';
import { accessRows, objectRow } from './rows.ts';
import { emptyFilter, type ObjectFilter } from './types.ts';
import { concatBytes as concat } from '../testing/bytes.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every field of an object and its access lines, without its index. */
function describeObject(store: KmapStore, i: number) {
  const { idx: _idx, ...row } = objectRow(store, i);
  return { ...row, accesses: accessRows(store, i).map(({ ip, pid, reads, writes, caller }) => ({ ip, pid, reads, writes, caller })) };
}

function checkSlice(source: KmapStore, filter: ObjectFilter): number {
  const kept = filterObjects(new QueryContext(source), filter).indices;
  const bytes = concat(kmapSliceChunks(source, kept));
  const back = parseKmapBytes(bytes, 4096);
  expect(back.numBadLines).toBe(0);
  expect(back.numObjects).toBe(kept.length);
  expect(back.variant).toBe(kept.length === 0 ? null : source.variant === 'A' ? 'A' : 'E');
  for (let k = 0; k < kept.length; k++) expect(describeObject(back, k)).toEqual(describeObject(source, kept[k]));
  return kept.length;
}

describe('kmapSliceChunks', () => {
  for (const variant of ['A', 'B', 'C', 'D', 'E'] as const) {
    it(`variant ${variant}: every object, and a filtered part, read back the same`, () => {
      const source = parseKmapBytes(new TextEncoder().encode(writeKmap({ variant, objects: 1500, seed: 7 })));
      expect(source.variant).toBe(variant);
      expect(checkSlice(source, emptyFilter())).toBe(source.numObjects);
      const some = checkSlice(source, { ...emptyFilter(), state: 'live', minSize: 64 });
      expect(some).toBeGreaterThan(0);
      expect(some).toBeLessThan(source.numObjects);
    });
  }

  it('the sample, whole and as an index window', () => {
    const source = parseKmapBytes(readFileSync(join(ROOT, 'public', 'sample.kmap')));
    checkSlice(source, emptyFilter());
    expect(checkSlice(source, { ...emptyFilter(), window: { start: 10000, end: 20000, meaning: 'liveAtEnd' } })).toBeGreaterThan(10);
  });

  it('names that are not UTF-8, commas in commands, values above 2^53 and from: lines survive', () => {
    const enc = new TextEncoder();
    const parts = [
      enc.encode('ffffffff81000010,42,ffff888000001000,18446744073709551615,1,18446744073709551614,ffffffff81000020,KMALLOC,a,b\\c,kmalloc-64,\n'),
      enc.encode('  ffffffff81000030,18446744073709551615,3,42\n'),
      enc.encode('  from:ffffffff81000040,caller:ffffffff81000050,1,2,-1\n'),
      enc.encode('  from:ffffffff81000060,1,2\n'),
      enc.encode('ffffffff81000010,-1,ffff888000002000,64,5,0,0,KMALLOC,'),
      Uint8Array.of(0xff, 0x20, 0xc3),
      enc.encode(',no-slab,\n'),
    ];
    const source = parseKmapBytes(concat(parts));
    expect(source.numBadLines).toBe(0);
    expect(source.numObjects).toBe(2);
    expect(checkSlice(source, emptyFilter())).toBe(2);
  });

  it('an empty selection is an empty file', () => {
    const source = parseKmapBytes(readFileSync(join(ROOT, 'public', 'sample.kmap')));
    expect(concat(kmapSliceChunks(source, new Uint32Array(0))).length).toBe(0);
  });
});
