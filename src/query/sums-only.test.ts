// A kmap read with its access lines folded into per-object sums alone
// (AccessFold.sumsOnly: what the command line's stats, breakdown, lifetimes,
// live and quality read) against the same file parsed whole: every answer of
// those commands, under the filters they take, must be the same, whether the
// file was read in one piece at any chunk size or in ranges; and nothing may
// ask such a store for access sites.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { appendRanges, isRangeStart, parseRangeBytes, rangeParser } from '../format/ranges.ts';
import type { Variant } from '../format/variants.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { storeDump } from '../testing/fuzz-check.ts';
import { cellCases, cellFilters, contextOf } from '../testing/cell-cases.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { breakdown } from './breakdown.ts';
import { FOLD_WITHOUT_CELLS, foldMatrixRows, foldSites } from './cell-queries.ts';
import type { QueryContext } from './context.ts';
import { filterObjects } from './filter.ts';
import { lifetimeHistogram } from './lifetimes.ts';
import { liveBins } from './live-series.ts';
import { objectSums } from './object-sums.ts';
import { qualityRows } from './quality.ts';
import { filteredStatsJson, resolution } from './stats.ts';
import { statsJson, summarize } from './summary.ts';
import { BREAKDOWN_KEYS, emptyFilter, QUALITY_FLAGS, type ObjectFilter } from './types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const enc = (s: string) => new TextEncoder().encode(s);
const CASES = [
  ...cellCases(readFileSync(join(ROOT, 'public', 'sample.kmap')), readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8')).filter((c) => c.map === null),
  ...(['A', 'B', 'C', 'D', 'E'] as const).map((v, k) => ({
    name: `damaged ${v} (bad lines, CRLF)`, variant: v, bytes: enc(writeKmap({ variant: v, objects: 300, seed: 77 + k, damage: 0.03, crlf: 0.1, longLine: false })), map: null,
  })),
];

/** The ranges of `bytes` cut at about `n` even places (object lines), each read with its lines summed, stitched. */
function sumsInRanges(bytes: Uint8Array, variant: Variant, n: number, chunkSize: number): KmapStore | null {
  const starts = [0];
  for (let k = 1; k < n; k++) {
    let p = Math.floor((k * bytes.length) / n);
    while (p < bytes.length && !isRangeStart(bytes, p)) p++;
    if (p < bytes.length && p > starts[starts.length - 1]) starts.push(p);
  }
  const firstEnd = starts[1] ?? bytes.length;
  const first = rangeParser(variant, true, { sumsOnly: true });
  for (let i = 0; i < firstEnd; i += chunkSize) first.push(bytes.subarray(i, Math.min(firstEnd, i + chunkSize)));
  first.finish();
  const parts = starts.slice(1).map((s, k) => parseRangeBytes(bytes.subarray(s, starts[k + 2] ?? bytes.length), variant, chunkSize, { sumsOnly: true }));
  return appendRanges(first, parts) ? first.store : null;
}

/** The filters of the command line: those cells answer, and the rest (pids, sizes, flags, search, a window). */
function cliFilters(store: KmapStore): [string, ObjectFilter][] {
  const f = emptyFilter();
  const firstPid = store.numObjects > 0 ? store.objects.pid.data[0] - 1 : 0;
  return [
    ...cellFilters(store),
    ['a pid', { ...f, pids: [firstPid] }],
    ['64 to 512 bytes', { ...f, minSize: 64, maxSize: 512 }],
    ...QUALITY_FLAGS.map((flag): [string, ObjectFilter] => [`flag ${flag}`, { ...f, flag }]),
    ['search words', { ...f, search: 'kmalloc' }],
    ['search comm: and slab:', { ...f, search: 'comm:bash slab:dentry' }],
    ['a window, survived', { ...f, window: { start: 3, end: 60, meaning: 'survived' } }],
    ['other tasks, live, min size', { ...f, otherTasks: true, state: 'live', minSize: 32 }],
  ];
}

/** Every answer the sums-only commands give for `filter`. */
function answers(ctx: QueryContext, filter: ObjectFilter) {
  const store = ctx.store;
  const { indices, unknownNames, searchErrors } = filterObjects(ctx, filter);
  return {
    indices: [...indices],
    unknownNames,
    searchErrors,
    stats: filteredStatsJson(ctx, indices, summarize(store)),
    breakdowns: BREAKDOWN_KEYS.map((by) => breakdown(ctx, indices, by)),
    lifetimes: (['slab', 'type'] as const).map((by) => lifetimeHistogram(ctx, indices, by)),
    live: liveBins(ctx, indices, 9),
    quality: (['slab', 'type'] as const).map((by) => qualityRows(ctx, indices, by)),
  };
}

describe.each(CASES)('per-object sums alone: $name', ({ bytes, variant }) => {
  const whole = parseKmapBytes(bytes);
  const wctx = contextOf(whole, null);
  const stores: [string, KmapStore | null][] = [
    ['one piece', parseKmapBytes(bytes, 1 << 20, { sumsOnly: true })],
    ['one piece, 7-byte chunks', parseKmapBytes(bytes, 7, { sumsOnly: true })],
    ['3 ranges', sumsInRanges(bytes, variant, 3, 1 << 20)],
    ['5 ranges, 5-byte chunks', sumsInRanges(bytes, variant, 5, 5)],
  ];

  it.each(stores)('%s: keeps no access rows and no cells; totals, bad lines and each object\'s sums are the whole parse\'s', (_, store) => {
    expect(store).not.toBeNull();
    const s = store!;
    expect(s.fold?.keepsCells).toBe(false);
    expect(s.fold!.numCells).toBe(0);
    expect(s.accesses.ip.length).toBe(0);
    expect(statsJson(summarize(s))).toEqual(statsJson(summarize(whole)));
    expect(s.badLines).toEqual(whole.badLines);
    const sums = objectSums(contextOf(s, null));
    const wsums = objectSums(wctx);
    expect([...sums.lines]).toEqual([...wsums.lines]);
    expect([...sums.reads]).toEqual([...wsums.reads]);
    expect([...sums.writes]).toEqual([...wsums.writes]);
  });

  it.each(stores)('%s: every filter gives the same objects, stats, breakdowns, lifetimes, live bins and quality', (_, store) => {
    const ctx = contextOf(store!, null);
    for (const [name, filter] of cliFilters(whole)) expect(answers(ctx, filter), name).toEqual(answers(wctx, filter));
  });

  it('ranges stitch to the one-piece read, column for column', () => {
    const one = storeDump(parseKmapBytes(bytes, 1 << 20, { sumsOnly: true }));
    expect(storeDump(stores[2][1]!)).toEqual(one);
    expect(storeDump(stores[3][1]!)).toEqual(one);
  });
});

describe('a store of per-object sums alone', () => {
  const store = parseKmapBytes(readFileSync(join(ROOT, 'public', 'sample.kmap')), 1 << 20, { sumsOnly: true });
  const whole = parseKmapBytes(readFileSync(join(ROOT, 'public', 'sample.kmap')));

  it('refuses the questions about access sites: sites, the matrix, and how many access IPs resolve', () => {
    const ctx = contextOf(store, null);
    expect(() => foldSites(ctx, emptyFilter())).toThrow(FOLD_WITHOUT_CELLS);
    expect(() => foldMatrixRows(ctx, emptyFilter(), 'slab')).toThrow(FOLD_WITHOUT_CELLS);
    expect(() => resolution(ctx, null)).toThrow(FOLD_WITHOUT_CELLS);
  });

  it('interns no access IP and holds far less than the lines', () => {
    // The sample's access IPs are mostly not alloc or free IPs.
    expect(store.ips.size).toBeLessThan(whole.ips.size / 2);
    expect(store.rowBytes().accesses).toBeLessThan(whole.rowBytes().accesses / 4);
  });
});
