// Sizes, indices, reads and writes up to 2^64 - 1 are exact wherever they
// are shown or summed: rows, the summary, filtered totals, Breakdown rows and
// cells, Access sites, sorting, the address search, the CSV and JSON. The
// expected values are BigInt arithmetic on the numbers written below.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { breakdown, filteredTotals, hierarchy } from './breakdown.ts';
import { objectSums } from './object-sums.ts';
import { QueryContext } from './context.ts';
import { breakdownCsv, jsonText, sitesCsv } from './csv.ts';
import { filterObjects } from './filter.ts';
import { sortSelection } from './object-query.ts';
import { accessRows, accessRowsWindow, objectRow } from './rows.ts';
import { accessSites, pidCommands, siteDetail } from './sites.ts';
import { filteredStatsJson } from './stats.ts';
import { statsJson, summarize } from './summary.ts';
import { emptyFilter } from './types.ts';

const MAX = 2n ** 64n - 1n;
const E = (size: bigint | number, allocIndex: bigint | number, freeIndex: bigint | number, slab: string, va = 'ffff888004c2a000') =>
  `ffffffff812e4410,731,${va},${size},${allocIndex},${freeIndex},ffffffff812e4f02,KMALLOC,cat,${slab},`;
const A = (ip: string, writes: bigint | number, reads: bigint | number, pid = 731) => `  ${ip},${writes},${reads},${pid}`;

const text = [
  E(MAX, MAX - 1n, 0, 'huge', '0000000000001000'), // live, the biggest possible size
  A('ffffffff81533a17', MAX, MAX),
  A('ffffffff81533a17', 1, 2, 42),
  E(MAX - 1n, 2n ** 53n + 1n, MAX, 'huge', '0000000000000000'), // same double as MAX, but one less
  A('ffffffff81533a18', 2n ** 53n, 2n ** 53n + 1n),
  E(64, 5, 0, 'small'),
  A('ffffffff81533a18', 9007199254740991, 1),
  A('ffffffff81533a18', 9007199254740991, 1),
  '',
].join('\n');

const store = parseKmapBytes(new TextEncoder().encode(text));
const ctx = new QueryContext(store, null);
const all = filterObjects(ctx, emptyFilter()).indices;

describe('64-bit values, exact', () => {
  it('parse with no bad line; rows show them exactly', () => {
    expect(store.numBadLines).toBe(0);
    expect([0, 1, 2].map((i) => objectRow(store, i).size)).toEqual([MAX, MAX - 1n, 64]);
    expect([0, 1, 2].map((i) => [objectRow(store, i).allocIndex, objectRow(store, i).freeIndex])).toEqual([
      [String(MAX - 1n), '0'],
      [String(2n ** 53n + 1n), String(MAX)],
      ['5', '0'],
    ]);
    expect([objectRow(store, 0).reads, objectRow(store, 0).writes]).toEqual([MAX + 2n, MAX + 1n]);
    expect(objectRow(store, 2).writes).toBe(2n * 9007199254740991n);
    expect(accessRows(store, 0).map((a) => [a.writes, a.reads])).toEqual([[MAX, MAX], [1, 2]]);
    expect(accessRows(store, 1).map((a) => [a.writes, a.reads])).toEqual([[2n ** 53n, 2n ** 53n + 1n]]);
  });

  it('the summary and stats JSON: exact, a string above 2^53 - 1, a number below', () => {
    const s = summarize(store);
    const bytes = MAX + (MAX - 1n) + 64n;
    const reads = MAX + 2n + (2n ** 53n + 1n) + 2n;
    const writes = MAX + 1n + 2n ** 53n + 2n * 9007199254740991n;
    expect([s.bytes, s.reads, s.writes]).toEqual([bytes, reads, writes]);
    expect(statsJson(s)).toMatchObject({ bytes: String(bytes), reads: String(reads), writes: String(writes), objects: 3 });
    const small = filterObjects(ctx, { ...emptyFilter(), slabs: ['small'] }).indices;
    expect(filteredStatsJson(ctx, small, s)).toMatchObject({ bytes: 64, reads: 2, writes: '18014398509481982' });
    // Summed from its own lines (no per-object sums made), past 2^53 - 1 summed again exactly.
    expect(filteredStatsJson(new QueryContext(store), small, s)).toMatchObject({ bytes: 64, reads: 2, writes: '18014398509481982' });
    expect(JSON.parse(jsonText(statsJson(s))).bytes).toBe(String(bytes));
  });

  it('filtered totals, Breakdown rows and cells, Access sites', () => {
    expect(filteredTotals(ctx, all)).toEqual({
      objects: 3, liveObjects: 2, bytes: 2n * MAX + 63n, liveBytes: MAX + 64n, accesses: 5,
      reads: MAX + 2n + 2n ** 53n + 1n + 2n, writes: MAX + 1n + 2n ** 53n + 2n * 9007199254740991n,
    });
    const rows = breakdown(ctx, all, 'slab');
    expect(rows.map((r) => [r.key, r.bytes, r.liveBytes, r.reads, r.writes])).toEqual([
      ['huge', 2n * MAX - 1n, MAX, MAX + 2n + 2n ** 53n + 1n, MAX + 1n + 2n ** 53n],
      ['small', 64, 64, 2, 2n * 9007199254740991n],
    ]);
    expect(breakdownCsv(rows, 'slab').split('\n')[1]).toBe(`huge,2,1,${2n * MAX - 1n},${MAX},3,${MAX + 2n + 2n ** 53n + 1n},${MAX + 1n + 2n ** 53n}`);
    expect(hierarchy(ctx, all).map((c) => c.bytes)).toEqual([2n * MAX - 1n, 64]);
    const sites = accessSites(ctx, all, false);
    expect(sites.map((r) => [r.site, r.reads, r.writes])).toEqual([
      ['ffffffff81533a17', MAX + 2n, MAX + 1n],
      ['ffffffff81533a18', 2n ** 53n + 3n, 2n ** 53n + 2n * 9007199254740991n],
    ]);
    expect(sitesCsv(sites).split('\n')[1]).toBe(`ffffffff81533a17,${MAX + 2n},${MAX + 1n},2,1,2`);
    const detail = siteDetail(ctx, all, false, 'ffffffff81533a17', pidCommands(store));
    expect(detail.pids.map((p) => [p.pid, p.reads, p.writes])).toEqual([[42, 2, 1], [731, MAX, MAX]]);
  });

  it('sorts by size, index and reads exactly (MAX and MAX - 1 are the same double)', () => {
    const order = (key: 'size' | 'allocIndex' | 'freeIndex', desc: boolean) => {
      const idx = all.slice();
      sortSelection(ctx, idx, { key, desc });
      return [...idx];
    };
    expect(order('size', false)).toEqual([2, 1, 0]);
    expect(order('size', true)).toEqual([0, 1, 2]);
    expect(order('allocIndex', true)).toEqual([0, 1, 2]);
    expect(order('freeIndex', true)).toEqual([1, 0, 2]);
    expect(accessRowsWindow(store, 0, { key: 'reads', desc: false }, 10).map((a) => a.reads)).toEqual([2, MAX]);
  });

  it('addr: finds an address far inside an object bigger than 2^53 bytes', () => {
    const far = (2n ** 60n + 0x1000n).toString(16).padStart(16, '0');
    expect([...filterObjects(ctx, { ...emptyFilter(), search: `addr:${far}` }).indices]).toEqual([0, 1]);
    // [va, va + size): object 0 is [0x1000, 0x1000 + 2^64 - 1), object 1 is [0, 2^64 - 2).
    expect([...filterObjects(ctx, { ...emptyFilter(), search: 'addr:ffffffffffffffff' }).indices]).toEqual([0]);
    expect([...filterObjects(ctx, { ...emptyFilter(), search: 'addr:0000000000000800' }).indices]).toEqual([1]);
  });
});

describe('objectSums', () => {
  it('keeps 4-byte sums until one passes 2^32 - 1, then doubles with every earlier value kept', () => {
    const text = [
      'ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      '  ffffffff81500004,1,2,42',
      'ffffffff81400010,42,ffff888005000100,64,11,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      '  ffffffff81500004,3,4294967295,42',
      '  ffffffff81500014,0,7,42',
      'ffffffff81400018,42,ffff888005000200,64,12,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      '  ffffffff81500004,5,6,42',
      '',
    ].join('\n');
    const sums = objectSums(new QueryContext(parseKmapBytes(new TextEncoder().encode(text))));
    expect(sums.reads).toBeInstanceOf(Float64Array);
    expect(Array.from(sums.reads)).toEqual([2, 4294967302, 6]);
    expect(sums.writes).toBeInstanceOf(Uint32Array);
    expect(Array.from(sums.writes)).toEqual([1, 3, 5]);
    expect(Array.from(sums.lines)).toEqual([1, 2, 1]);
  });
});
