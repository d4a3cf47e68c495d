// KmapSession with Memorizer's split CSV pair (a 'pair' source: two Blobs):
// it loads as the capture its kmap is (the same summary and aggregates), the
// summary names both files, a file of the pair opened alone is refused with
// the name of the other, and the access rows waiting beside the store count
// against the memory budget.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KmapSession } from './kmap-session.ts';
import { parseKmapBytes } from '../src/format/parser.ts';
import { statsJson } from '../src/query/summary.ts';
import { emptyFilter } from '../src/query/types.ts';
import { budgetBytes } from '../src/store/memory-estimate.ts';
import { fullView } from '../src/testing/snapshot.ts';
import { pairable, writePair } from '../src/testing/split-csv-writer.ts';
import { parsePairAt } from '../src/testing/split-snapshot.ts';
import type { KmapSource } from '../src/worker-api.ts';

const SAMPLE = readFileSync(new URL('../public/sample.kmap', import.meta.url));
const PAIR = writePair(pairable(fullView(parseKmapBytes(SAMPLE)).objects), { order: 'shuffled', seed: 3 });

const pairSource = (allocations: string, accesses: string): KmapSource => ({
  kind: 'pair',
  allocations: new Blob([allocations]),
  accesses: new Blob([accesses]),
  allocationsName: 'allocations.csv',
  accessesName: 'accesses.csv',
  name: 'allocations.csv + accesses.csv',
});
const noProgress = () => {};

describe('a pair source', () => {
  it('loads as the sample kmap does: the same stats, breakdown and sites; the summary names both files', async () => {
    const kmap = new KmapSession();
    const k = await kmap.open({ kind: 'file', file: new Blob([SAMPLE]), name: 'sample.kmap' }, noProgress);
    const session = new KmapSession();
    const progress: number[] = [];
    const p = await session.open(pairSource(PAIR.allocations, PAIR.accesses), (x) => progress.push(x.bytesRead));
    expect(p.ok && k.ok).toBe(true);
    if (!p.ok || !k.ok) return;
    expect(statsJson(p.summary)).toEqual(statsJson(k.summary));
    expect([p.summary.objects, p.summary.accesses]).toEqual([671, 24175]);
    expect(p.summary.split).toMatchObject({ allocations: 'allocations.csv', accesses: 'accesses.csv', orphanRows: 0 });
    expect(k.summary.split).toBeNull();
    expect(progress[progress.length - 1]).toBe(PAIR.allocations.length + PAIR.accesses.length);
    const f = emptyFilter();
    expect(session.breakdownCsv(f, 'slab')).toBe(kmap.breakdownCsv(f, 'slab'));
    expect(session.totals(f)).toEqual(kmap.totals(f));
    expect(session.rows(5, 3)).toEqual(kmap.rows(5, 3));
  });

  it('a file of the pair alone, or a pair whose file is wrong, is refused with what is missing', async () => {
    const session = new KmapSession();
    const alone = await session.open({ kind: 'file', file: new Blob([PAIR.accesses]), name: 'accesses.csv' }, noProgress);
    expect(alone).toMatchObject({ ok: false, cancelled: false });
    if (!alone.ok) expect(alone.error).toMatch(/"accesses" CSV file, not a kmap: it opens together with the "allocations" file/);
    const swapped = await session.open(pairSource(PAIR.accesses, PAIR.allocations), noProgress);
    if (!swapped.ok) expect(swapped.error).toMatch(/^allocations\.csv: This file is not Memorizer's "allocations" file/);
    expect(swapped.ok).toBe(false);
  });

  it('the access rows waiting beside the store count against the memory budget', async () => {
    // The objects alone fit; with the rows of the accesses file the data would not.
    const objectsOnly = budgetBytes(parsePairAt(PAIR.allocations, 'alloc_index,access_ip,pid,writes,reads\n', 0));
    const session = new KmapSession(objectsOnly * 1.2);
    const r = await session.open(pairSource(PAIR.allocations, PAIR.accesses), noProgress);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.partial).toMatchObject({ reason: 'memory' });
    expect(r.summary.objects).toBe(671);
    // Without a budget it loads whole.
    expect(await new KmapSession().open(pairSource(PAIR.allocations, PAIR.accesses), noProgress)).toMatchObject({ ok: true, partial: null });
  });
});
