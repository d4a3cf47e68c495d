// The Quality counts and the flag filter against the reference in
// ../testing/reference-quality.ts (hex strings, BigInt), over seeded kmaps of
// every variant (the writer makes every sentinel: feedbeef, catch-alls, UFO
// codes, deadbeef, fedbeef, unseen frees) and the sample; then that each
// count is exactly the number of objects its filter keeps.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmapParser, parseKmapBytes } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { refCapture, refFilter } from '../testing/reference-queries.ts';
import { refFlags, refQuality } from '../testing/reference-quality.ts';
import { QueryContext } from './context.ts';
import { dumpText } from './dump.ts';
import { filterObjects } from './filter.ts';
import { INDUCED_TYPE, qualityRows, warmQualityCodes } from './quality.ts';
import { emptyFilter, QUALITY_FLAGS, type ObjectFilter } from './types.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function inputs(): { name: string; store: KmapStore }[] {
  const out = (['A', 'B', 'C', 'D', 'E'] as const).map((v) => ({ name: `variant ${v}`, store: parseKmapBytes(new TextEncoder().encode(writeKmap({ variant: v, objects: 3000, seed: 11 }))) }));
  out.push({ name: 'sample', store: parseKmapBytes(readFileSync(join(ROOT, 'public', 'sample.kmap'))) });
  // Induced allocations: the writer makes none, so every 7th object line of a variant-E kmap is given that type.
  let k = 0;
  const induced = writeKmap({ variant: 'E', objects: 3000, seed: 12 })
    .split('\n')
    .map((line) => {
      const f = line.split(',');
      if (line[0] === ' ' || f.length !== 11 || k++ % 7 !== 0) return line;
      f[7] = INDUCED_TYPE;
      return f.join(',');
    })
    .join('\n');
  out.push({ name: 'variant E with induced allocations', store: parseKmapBytes(new TextEncoder().encode(induced)) });
  return out;
}

describe('quality', () => {
  for (const { name, store } of inputs()) {
    it(`${name}: the same counts with the objects' codes made in steps of 7 (the data worker's warm-up)`, () => {
      const ctx = new QueryContext(store);
      let turns = 0;
      while (!warmQualityCodes(ctx, 7)) turns++;
      expect(turns).toBeGreaterThanOrEqual(Math.floor(store.numObjects / 7) - 1);
      const kept = filterObjects(ctx, emptyFilter()).indices;
      for (const by of ['slab', 'type'] as const) expect(qualityRows(ctx, kept, by)).toEqual(qualityRows(new QueryContext(store), kept, by));
    });

    it(`${name}: counts by slab and by type equal the reference, with and without a filter`, () => {
      const ctx = new QueryContext(store);
      const cap = refCapture(store.variant!, dumpText(store), null);
      const filters: ObjectFilter[] = [emptyFilter(), { ...emptyFilter(), state: 'freed', minSize: 64 }];
      for (const f of filters) {
        const kept = filterObjects(ctx, f).indices;
        expect([...kept]).toEqual(refFilter(cap, f));
        for (const by of ['slab', 'type'] as const) {
          const got = qualityRows(ctx, kept, by).rows;
          expect(got).toEqual(refQuality(cap, [...kept], by));
          if (name.includes('induced')) expect(got.reduce((n, r) => n + r.induced, 0)).toBeGreaterThan(100);
        }
      }
      // The writer's kmaps have every flag somewhere (else this test proves
      // little), except that in variant A free IP 0 means live, so no free is unseen.
      if (name !== 'sample') {
        const seen = new Set(cap.objects.flatMap((o) => refFlags(cap, o)));
        expect([...seen].sort()).toEqual(QUALITY_FLAGS.filter((f) => !(store.variant === 'A' && f === 'freeUnseen')).sort());
      }
    });

    it(`${name}: the flag filter keeps exactly the objects with the flag`, () => {
      const ctx = new QueryContext(store);
      const cap = refCapture(store.variant!, dumpText(store), null);
      for (const flag of QUALITY_FLAGS) {
        const got = [...filterObjects(ctx, { ...emptyFilter(), flag }).indices];
        const want = cap.objects.flatMap((o, k) => (refFlags(cap, o).includes(flag) ? [k] : []));
        expect(got, flag).toEqual(want);
        // and each total count of the Quality view is that filter's size
        const total = qualityRows(ctx, filterObjects(ctx, emptyFilter()).indices, 'slab').total;
        expect(total[flag], flag).toBe(want.length);
      }
    });
  }
});

describe('quality codes of a store that grows', () => {
  it('are made again when only lines were added (an object\'s access flag moves with its lines)', () => {
    // The last object has no line until the second part: unaccessed, then write-only.
    const head = 'ffffffff81000010,1,ffff888000000000,64,1,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n';
    const bytes = new Uint8Array([...new TextEncoder().encode(writeKmap({ variant: 'E', objects: 3000, seed: 31 })), ...new TextEncoder().encode(head)]);
    const parser = new KmapParser({ variant: 'E' });
    parser.push(bytes);
    const ctx = new QueryContext(parser.store);
    const all = () => Uint32Array.from({ length: parser.store.numObjects }, (_, i) => i);
    const before = qualityRows(ctx, all(), 'slab').total;
    parser.push(new TextEncoder().encode('  ffffffff81000100,3,0,1\n'));
    parser.finish();
    const after = qualityRows(ctx, all(), 'slab').total;
    expect(after).toEqual(qualityRows(new QueryContext(parser.store), all(), 'slab').total);
    expect([after.unaccessed, after.writeOnly]).toEqual([before.unaccessed - 1, before.writeOnly + 1]);
  });

  it('counts past 64 groups (the counts grow)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(`ffffffff81000010,1,ffff8880000${(i * 64).toString(16).padStart(5, '0')},64,${i + 1},0,0000000000000000,KMALLOC,bash,cache-${i % 150},`);
    const s = parseKmapBytes(new TextEncoder().encode(lines.join('\n') + '\n'));
    const c = new QueryContext(s);
    const cap = refCapture(s.variant!, dumpText(s), null);
    const kept = Uint32Array.from({ length: s.numObjects }, (_, i) => i);
    expect(qualityRows(c, kept, 'slab').rows).toEqual(refQuality(cap, [...kept], 'slab'));
    expect(qualityRows(c, kept, 'slab').rows).toHaveLength(150);
  });
});
