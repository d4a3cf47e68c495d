// An aggregate-only store (store/access-fold.ts) against the same file
// parsed whole: every per-object figure, the filters, and the access sites
// and the matrix from the fold (cell-queries.ts) against sites.ts and
// matrix.ts on the lines (themselves checked against the references in
// ../testing/). Folded from the start at tiny chunk sizes, and midway (the
// data worker's way, when a file turns out too big for the tab).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmapParser, parseKmapBytes } from '../format/parser.ts';
import { AccessFold, CELL_SUMS } from '../store/access-fold.ts';
import type { Variant } from '../format/variants.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { cellCases, cellFilters, contextOf } from '../testing/cell-cases.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { filterObjects, sentinelIpMask } from './filter.ts';
import { foldFilterProblem, foldMatrixRows, foldMatrixView, foldSites } from './cell-queries.ts';
import { matrixRows, matrixView } from './matrix.ts';
import { objectSums } from './object-sums.ts';
import { objectRow } from './rows.ts';
import { accessSites } from './sites.ts';
import { resolution } from './stats.ts';
import { emptyFilter, MATRIX_COLUMN_KINDS } from './types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const enc = (s: string) => new TextEncoder().encode(s);
const CASES = cellCases(readFileSync(join(ROOT, 'public', 'sample.kmap')), readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8'));


/**
 * Parses the bytes keeping lines up to `share` of them, folds those, then
 * parses the rest folded: the data worker's way. The cut is between two
 * access lines of one object, so that the object's lines go on after the
 * fold; the variant is given so that the part before the cut is parsed (not
 * held for detection), and the test checks that it was.
 */
function foldedMidway(bytes: Uint8Array, variant: Variant, share: number): KmapStore {
  const parser = new KmapParser({ variant });
  const isAccess = (at: number) => bytes[at] === 0x20 || bytes[at] === 0x09;
  let cut = bytes.indexOf(10, Math.floor(bytes.length * share)) + 1;
  while (cut > 0 && cut < bytes.length && !(isAccess(cut) && isAccess(bytes.lastIndexOf(10, cut - 2) + 1))) cut = bytes.indexOf(10, cut) + 1;
  expect(cut, 'a cut between two access lines of one object').toBeGreaterThan(0);
  parser.push(bytes.subarray(0, cut));
  expect(parser.store.numObjects).toBeGreaterThan(0);
  expect(parser.store.numAccesses).toBeGreaterThan(0);
  parser.store.foldAccessRows(sentinelIpMask(parser.store));
  parser.push(bytes.subarray(cut));
  return parser.finish();
}

describe.each(CASES)('aggregate-only: $name', ({ bytes, map, variant }) => {
  const whole = parseKmapBytes(bytes);
  const wctx = contextOf(whole, map);
  const folds: [string, KmapStore][] = [
    ['folded from the start', parseKmapBytes(bytes, 1 << 20, { aggregateOnly: true })],
    ['folded from the start, 7-byte chunks', parseKmapBytes(bytes, 7, { aggregateOnly: true })],
    ['folded a third of the way', foldedMidway(bytes, variant, 0.3)],
    ['folded three quarters of the way', foldedMidway(bytes, variant, 0.75)],
  ];

  it.each(folds)('%s: keeps no access rows, and every object its figures', (_, store) => {
    expect(store.fold).not.toBeNull();
    expect(store.accesses.ip.length).toBe(0);
    expect(store.numObjects).toBe(whole.numObjects);
    expect(store.numAccesses).toBe(whole.numAccesses);
    expect([store.reads, store.writes, store.bytes]).toEqual([whole.reads, whole.writes, whole.bytes]);
    expect(store.numBadLines).toBe(whole.numBadLines);
    const ctx = contextOf(store, map);
    const sums = objectSums(ctx);
    const wsums = objectSums(wctx);
    expect([...sums.lines]).toEqual([...wsums.lines]);
    expect([...sums.reads]).toEqual([...wsums.reads]);
    expect([...sums.writes]).toEqual([...wsums.writes]);
    for (let i = 0; i < store.numObjects; i++) expect(objectRow(store, i, ctx)).toEqual(objectRow(whole, i, wctx));
  });

  it.each(folds)('%s: filters keep the same objects', (_, store) => {
    const ctx = contextOf(store, map);
    for (const [, f] of cellFilters(store)) expect([...filterObjects(ctx, f).indices]).toEqual([...filterObjects(wctx, f).indices]);
    // An access-site filter needs the lines: it keeps nothing, and says so.
    const site = accessSites(wctx, filterObjects(wctx, emptyFilter()).indices, false)[0]?.site;
    if (site !== undefined) {
      const r = filterObjects(ctx, { ...emptyFilter(), accessSites: [site] });
      expect(r.indices.length).toBe(0);
      expect(r.searchErrors.join(' ')).toMatch(/aggregates only/);
    }
  });

  it.each(folds)('%s: access sites match wherever a figure is known', (_, store) => {
    const ctx = contextOf(store, map);
    for (const [label, f] of cellFilters(store)) {
      const want = accessSites(wctx, filterObjects(wctx, f).indices, f.otherTasks);
      const got = foldSites(ctx, f);
      expect(got.map((r) => r.site), label).toEqual(want.map((r) => r.site));
      got.forEach((r, k) => {
        const w = want[k];
        expect({ ...r, objects: 0, pids: 0 }, `${label}: ${r.site}`).toEqual({ ...w, objects: 0, pids: 0 });
        expect(r.pids).toBeNull();
        // Without symbols a site is one IP: its objects are always known.
        if (map === null) expect(r.objects).not.toBeNull();
        if (r.objects !== null) expect(r.objects, `${label}: ${r.site}`).toBe(w.objects);
      });
      // With a map of functions over several IPs, some sites are known and some are not: neither rule is dead.
      if (map !== null && label === 'no filter') {
        expect(got.some((r) => r.objects !== null)).toBe(true);
        expect(got.some((r) => r.objects === null)).toBe(true);
      }
    }
  });

  it.each(folds)('%s: matrix rows and views match wherever a figure is known', (_, store) => {
    const ctx = contextOf(store, map);
    for (const [label, f] of cellFilters(store)) {
      const windices = filterObjects(wctx, f).indices;
      const indices = filterObjects(ctx, f).indices;
      for (const kind of MATRIX_COLUMN_KINDS) {
        const want = matrixRows(wctx, windices, kind, f.otherTasks);
        const got = foldMatrixRows(ctx, f, kind);
        expect(got.map((r) => [r.site, r.column, r.reads, r.writes, r.accessLines]), `${label} ${kind}`).toEqual(want.map((r) => [r.site, r.column, r.reads, r.writes, r.accessLines]));
        got.forEach((r, k) => {
          if (map === null) expect(r.objects).not.toBeNull();
          if (r.objects !== null) expect(r.objects).toBe(want[k].objects);
        });
        for (const [maxRows, maxCols] of [[3, 2], [1000, 1000]]) {
          const wv = matrixView(wctx, windices, kind, f.otherTasks, maxRows, maxCols);
          const v = foldMatrixView(ctx, indices, f, kind, maxRows, maxCols);
          const where = `${label} ${kind} ${maxRows}x${maxCols}`;
          expect([v.rows, v.columns, v.otherRow, v.otherColumn, v.numSites, v.numColumns], where).toEqual([wv.rows, wv.columns, wv.otherRow, wv.otherColumn, wv.numSites, wv.numColumns]);
          expect([...v.reads], where).toEqual([...wv.reads]);
          expect([...v.writes], where).toEqual([...wv.writes]);
          expect([...v.lines], where).toEqual([...wv.lines]);
          const R = v.rows.length + (v.otherRow ? 1 : 0);
          const C = v.columns.length + (v.otherColumn ? 1 : 0);
          for (let cell = 0; cell < v.objects.length; cell++) {
            // Columns and the total are counted per object: always known.
            if (cell >= R * C + R) expect(v.objects[cell], `${where} column cell ${cell}`).toBe(wv.objects[cell]);
            else if (!Number.isNaN(v.objects[cell])) expect(v.objects[cell], `${where} cell ${cell}`).toBe(wv.objects[cell]);
          }
        }
      }
    }
  });
});

describe('aggregate-only: what a fold cannot answer', () => {
  it('accepts filters on caches, types, liveness, sentinels and other tasks, and names any other', () => {
    expect(foldFilterProblem(emptyFilter())).toBeNull();
    expect(foldFilterProblem({ ...emptyFilter(), slabs: ['dentry'], types: ['KMALLOC'], state: 'freed', hideSentinels: true, otherTasks: true })).toBeNull();
    expect(foldFilterProblem({ ...emptyFilter(), search: '   ' })).toBeNull();
    const m = foldFilterProblem({ ...emptyFilter(), commands: ['bash'], state: 'live', minSize: 8, maxSize: 64, accessSites: ['x'] });
    expect(m).toMatch(/aggregates only/);
    expect(m).toMatch(/not by command, size, access site\./);
  });

  it('refuses to fold a folded store again', () => {
    const store = parseKmapBytes(readFileSync(join(ROOT, 'public', 'sample.kmap')), 1 << 20, { aggregateOnly: true });
    expect(() => store.foldRowsInto(new AccessFold(), 0, 1, null)).toThrow(/folded already/);
    // foldAccessRows on a folded store leaves it as it is.
    const lines = store.numAccesses;
    store.foldAccessRows(new Uint8Array(0));
    expect(store.numAccesses).toBe(lines);
  });

  it('tells distinct objects of a function of several IPs as not known, and of one IP as counted', () => {
    // Object 1 has lines at two IPs of fn_a; object 2 at one IP of fn_a; fn_b has one IP.
    const kmap = [
      'ffffffff81000010,1,ffff888000000000,64,1,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      '  ffffffff81000110,0,1,1',
      '  ffffffff81000210,2,0,1',
      'ffffffff81000010,1,ffff888000000040,64,2,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      '  ffffffff81000110,1,1,1',
      '  ffffffff81000910,1,0,1',
      '',
    ].join('\n');
    const map = 'ffffffff81000000 T _stext\nffffffff81000100 T fn_a\nffffffff81000800 T fn_b\nffffffff81001000 T _etext\n';
    const store = parseKmapBytes(enc(kmap), 1 << 20, { aggregateOnly: true });
    const rows = foldSites(contextOf(store, map), emptyFilter());
    expect(rows.map((r) => [r.site, r.accessLines, r.objects])).toEqual([
      ['fn_a', 3, null],
      ['fn_b', 1, 1],
    ]);
    // Without symbols every IP is a site of its own, and counted.
    expect(foldSites(contextOf(store, null), emptyFilter()).map((r) => r.objects)).toEqual([2, 1, 1]);
  });

  it('keeps reads and writes exact past 2^53 - 1, per object and per site', () => {
    const big = 2n ** 53n + 1n;
    const kmap = [
      'ffffffff81000010,1,ffff888000000000,64,1,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      `  ffffffff81000100,${big},${big},1`,
      `  ffffffff81000100,1,2,2`,
      'ffffffff81000010,1,ffff888000000040,64,2,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      `  ffffffff81000100,9007199254740991,3,1`,
      '',
    ].join('\n');
    const whole = parseKmapBytes(enc(kmap));
    const store = parseKmapBytes(enc(kmap), 3, { aggregateOnly: true });
    expect([store.reads, store.writes]).toEqual([whole.reads, whole.writes]);
    expect(objectRow(store, 0)).toEqual(objectRow(whole, 0));
    const got = foldSites(contextOf(store, null), emptyFilter());
    const want = accessSites(contextOf(whole, null), filterObjects(contextOf(whole, null), emptyFilter()).indices, false);
    expect(got.map((r) => [r.reads, r.writes])).toEqual(want.map((r) => [r.reads, r.writes]));
    expect(typeof got[0].reads).toBe('bigint');
  });
});

describe('aggregate-only: cells found through Maps', () => {
  it('gives the same cells when the dense arrays give way to Maps', () => {
    const bytes = enc(writeKmap({ variant: 'E', objects: 400, seed: 931 }));
    const dense = parseKmapBytes(bytes, 1 << 20, { aggregateOnly: true });
    const parser = new KmapParser();
    parser.store.foldAccessRows(new Uint8Array(0), new AccessFold(100));
    parser.push(bytes);
    const mapped = parser.finish();
    const cells = (s: KmapStore) =>
      Array.from({ length: s.fold!.numCells }, (_, c) => [s.fold!.cellIp[c], s.fold!.cellSlab[c], s.fold!.cellType[c], ...CELL_SUMS.map((k) => s.fold!.cellValue(c, k))].join(',')).sort();
    expect(dense.fold!.numCells).toBeGreaterThan(50);
    expect(cells(mapped)).toEqual(cells(dense));
    expect(foldSites(contextOf(mapped, null), emptyFilter())).toEqual(foldSites(contextOf(dense, null), emptyFilter()));
  });
});

describe('aggregate-only: how much of the capture a symbol map resolves', () => {
  it('counts the same access IPs as the file read whole', () => {
    const bytes = readFileSync(join(ROOT, 'public', 'sample.kmap'));
    const map = readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8');
    const whole = parseKmapBytes(bytes);
    const folded = parseKmapBytes(bytes, 1 << 20, { aggregateOnly: true });
    const want = resolution(contextOf(whole, map), null);
    expect(want.distinctAccessIps).toBeGreaterThan(1000);
    expect(resolution(contextOf(folded, map), null)).toEqual(want);
  });
});
