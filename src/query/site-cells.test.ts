// The site index (site-cells.ts) against the lines: the access sites, the
// matrix rows and the matrix views answered from its cells
// (cell-queries.ts) equal sites.ts and matrix.ts on the same store, every
// figure included (distinct objects and pids, the "other" row), for every
// filter cells can answer, built at once and in steps of a few objects, with
// its dense look-ups given way to Maps, without the row counts that decide
// the whole store's "other" row, and past 2^53 - 1.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmapParser, parseKmapBytes } from '../format/parser.ts';
import { cellCases, cellFilters, contextOf } from '../testing/cell-cases.ts';
import { captureLike } from '../testing/capture-like.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { indexMatrixRows, indexMatrixView, indexSites } from './cell-queries.ts';
import type { QueryContext } from './context.ts';
import { filterObjects } from './filter.ts';
import { matrixRows, matrixView } from './matrix.ts';
import { SiteCells, siteCells, warmSiteCells } from './site-cells.ts';
import { accessSites } from './sites.ts';
import { emptyFilter, MATRIX_COLUMN_KINDS } from './types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const enc = (s: string) => new TextEncoder().encode(s);
const CASES = cellCases(readFileSync(join(ROOT, 'public', 'sample.kmap')), readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8'));

/** Built in steps of `step` objects. */
function builtInSteps(ctx: QueryContext, step: number, maxDense?: number, maxPidBits?: number, maxRowCounts?: number): SiteCells {
  const cells = new SiteCells(ctx, maxDense, maxPidBits, maxRowCounts);
  let steps = 0;
  while (!cells.step(step)) steps++;
  expect(steps).toBeGreaterThanOrEqual(Math.floor(ctx.store.numObjects / step) - 1);
  return cells;
}

/** Every figure of the index's answers equals the lines' for every filter cells answer. */
function expectSameAnswers(ctx: QueryContext, cells: SiteCells, where: string): void {
  for (const [label, f] of cellFilters(ctx.store)) {
    const indices = filterObjects(ctx, f).indices;
    expect(indexSites(ctx, cells, f), `${where}: ${label}`).toEqual(accessSites(ctx, indices, f.otherTasks));
    for (const kind of MATRIX_COLUMN_KINDS) {
      expect(indexMatrixRows(ctx, cells, f, kind), `${where}: ${label} ${kind}`).toEqual(matrixRows(ctx, indices, kind, f.otherTasks));
      for (const [maxRows, maxCols] of [[1, 1], [3, 2], [40, 24], [1000, 1000]]) {
        const want = matrixView(ctx, indices, kind, f.otherTasks, maxRows, maxCols);
        const got = indexMatrixView(ctx, cells, indices, f, kind, maxRows, maxCols);
        const at = `${where}: ${label} ${kind} ${maxRows}x${maxCols}`;
        expect([got.rows, got.columns, got.otherRow, got.otherColumn, got.numSites, got.numColumns], at).toEqual([want.rows, want.columns, want.otherRow, want.otherColumn, want.numSites, want.numColumns]);
        for (const k of ['reads', 'writes', 'lines', 'objects'] as const) expect([...got[k]], `${at} ${k}`).toEqual([...want[k]]);
      }
    }
  }
}

describe.each(CASES)('site index: $name', ({ bytes, map }) => {
  const store = parseKmapBytes(bytes);
  const ctx = contextOf(store, map);

  it('answers the sites and the matrix as the lines do, built at once', () => {
    expectSameAnswers(ctx, siteCells(ctx), 'at once');
  });

  it('answers the same built in steps of 7 objects', () => {
    expectSameAnswers(ctx, builtInSteps(ctx, 7), 'steps of 7');
  });

  it('answers the same with every group in a Map, and without the row counts', () => {
    const cells = builtInSteps(ctx, 1 << 20, 0, undefined, 0);
    expect(cells.rowCounts).toBeNull();
    expectSameAnswers(ctx, cells, 'Maps, no row counts');
  });
});

describe('site index: what it keeps', () => {
  it('has a cell per (site, group) with lines, and keeps each object\'s highest grid row', () => {
    const store = parseKmapBytes(captureLike(2000, 9));
    const ctx = contextOf(store, null);
    const cells = siteCells(ctx);
    const seen = new Set<string>();
    for (let c = 0; c < cells.numCells; c++) {
      const key = [cells.cellSite[c], cells.cellSlab[c], cells.cellType[c], cells.cellFlags[c]].join(',');
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      expect(cells.sums[c * 8]).toBeGreaterThan(0);
    }
    // Lines and objects add up to the store's.
    let lines = 0;
    for (let c = 0; c < cells.numCells; c++) lines += cells.sums[c * 8];
    expect(lines).toBe(store.numAccesses);
    let withLines = 0;
    for (let i = 0; i < store.numObjects; i++) {
      const [start, end] = store.accessRange(i);
      if (end === start) {
        expect(cells.highestRow[i]).toBe(cells.noRow);
        continue;
      }
      withLines++;
      let high = 0;
      for (let a = start; a < end; a++) high = Math.max(high, cells.gridRow[ctx.sites().siteOf[store.accesses.ip.data[a]]]);
      expect(cells.highestRow[i]).toBe(high);
    }
    expect(withLines).toBeGreaterThan(100);
    expect(store.numObjects - withLines).toBeGreaterThan(10);
  });

  it('is abandoned past its cells\' cap, keeping nothing, and refuses to answer', () => {
    const store = parseKmapBytes(captureLike(2000, 9));
    const ctx = contextOf(store, null);
    const whole = siteCells(ctx);
    expect(whole.usable).toBe(true);
    const capped = new SiteCells(ctx, undefined, undefined, undefined, whole.numCells - 1);
    expect(capped.step(7)).toBe(false);
    while (!capped.step(7));
    expect([capped.usable, capped.done, capped.numCells, capped.heldBytes()]).toEqual([false, true, 0, 0]);
    expect(() => indexMatrixView(ctx, capped, filterObjects(ctx, emptyFilter()).indices, emptyFilter(), 'slab', 3, 2)).toThrow(/abandoned/);
    expect(new SiteCells(ctx, undefined, undefined, undefined, whole.numCells).step(Number.POSITIVE_INFINITY)).toBe(true);
  });

  it('drops the pid bitmaps past their cap, and says so', () => {
    const store = parseKmapBytes(captureLike(2000, 9));
    const ctx = contextOf(store, null);
    expect(builtInSteps(ctx, 1 << 20).pidsKnown).toBe(true);
    // Past the cap from the start (more pids than the first cells' rows may hold): no bitmap is made at all.
    expect(new SiteCells(ctx, undefined, 64).pidBits).toBeNull();
    const capped = builtInSteps(ctx, 1 << 20, undefined, 64);
    expect(capped.pidsKnown).toBe(false);
    // Past the cap as the cells grow: dropped then.
    const some = 256 * capped.pidWords * 32;
    const grown = new SiteCells(ctx, undefined, some);
    expect(grown.pidBits).not.toBeNull();
    grown.step(Number.POSITIVE_INFINITY);
    expect(grown.numCells).toBeGreaterThan(256);
    expect([grown.pidsKnown, grown.pidBits]).toEqual([false, null]);
    expect(() => indexSites(ctx, capped, emptyFilter())).toThrow(/no pids/);
    // The matrix needs no pids.
    const indices = filterObjects(ctx, emptyFilter()).indices;
    expect(indexMatrixView(ctx, capped, indices, emptyFilter(), 'slab', 3, 2)).toEqual(matrixView(ctx, indices, 'slab', false, 3, 2));
  });

  it('answers the same made by the data worker\'s way: a warm-up in steps, then asked for (finished once)', () => {
    for (const { bytes, map, name } of CASES.slice(-3)) {
      const ctx = contextOf(parseKmapBytes(bytes), map);
      while (!warmSiteCells(ctx, 500));
      // Each later turn of the warm-up asks again, as questions do.
      expect(warmSiteCells(ctx, 500)).toBe(true);
      const cells = siteCells(ctx);
      expect(cells.numGroups, name).toBeGreaterThan(1);
      expectSameAnswers(ctx, cells, `warmed: ${name}`);
    }
  });

  it('is built once per context: a warm-up in steps ends as the context\'s index', () => {
    const store = parseKmapBytes(enc(writeKmap({ variant: 'E', objects: 300, seed: 77 })));
    const ctx = contextOf(store, null);
    let turns = 0;
    while (!warmSiteCells(ctx, 50)) turns++;
    expect(turns).toBe(5);
    const warmed = siteCells(ctx);
    expect(siteCells(ctx)).toBe(warmed);
    expect(warmed.done).toBe(true);
    // A question before the warm-up ends has the rest built at once.
    const ctx2 = contextOf(store, null);
    expect(warmSiteCells(ctx2, 50)).toBe(false);
    expect(siteCells(ctx2).done).toBe(true);
  });

  it('keeps reads and writes exact past 2^53 - 1, over all lines and over other tasks\' lines', () => {
    const big = 2n ** 53n + 1n;
    // Object 1 is pid 1's; its lines by pid 7 are another task's.
    const kmap = [
      'ffffffff81000010,1,ffff888000000000,64,1,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      `  ffffffff81000100,${big},${big},7`,
      `  ffffffff81000100,1,2,1`,
      `  ffffffff81000100,9007199254740991,5,7`,
      'ffffffff81000010,1,ffff888000000040,64,2,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      `  ffffffff81000100,9007199254740991,3,1`,
      '',
    ].join('\n');
    const store = parseKmapBytes(enc(kmap));
    const ctx = contextOf(store, null);
    // Made as the data worker makes it: a warm-up, then asked for.
    while (!warmSiteCells(ctx, 1));
    const cells = siteCells(ctx);
    for (const otherTasks of [false, true]) {
      const f = { ...emptyFilter(), otherTasks };
      const got = indexSites(ctx, cells, f);
      expect(got).toEqual(accessSites(ctx, filterObjects(ctx, f).indices, otherTasks));
      expect(typeof got[0].reads).toBe('bigint');
      expect(indexMatrixRows(ctx, cells, f, 'slab')).toEqual(matrixRows(ctx, filterObjects(ctx, f).indices, 'slab', otherTasks));
    }
  });

  it('is made again for a store that grew (a file still loading): more lines of its last object, a new IP', () => {
    // A last object whose lines come in two parts, the second at an IP not seen before: lines and IPs grow, objects not.
    const last = 'ffffffff81000010,1,ffff888000000000,64,999999,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n  ffffffff81000100,1,2,1\n';
    const head = new Uint8Array([...captureLike(3000, 21), ...enc(last)]);
    const bytes = new Uint8Array([...head, ...enc('  ffffffff81abc100,3,4,1\n  ffffffff81000100,1,2,1\n')]);
    const cut = head.length;
    const parser = new KmapParser({ variant: 'E' });
    parser.push(bytes.subarray(0, cut));
    const ctx = contextOf(parser.store, null);
    expect(ctx.store.numObjects).toBeGreaterThan(100);
    const first = siteCells(ctx);
    const [objects, lines] = [ctx.store.numObjects, ctx.store.numAccesses];
    parser.push(bytes.subarray(cut));
    parser.finish();
    expect([ctx.store.numObjects, ctx.store.numAccesses]).toEqual([objects, lines + 2]);
    const again = siteCells(ctx);
    expect(again).not.toBe(first);
    expectSameAnswers(ctx, again, 'grown');
  });
});

describe('site index: a file whose lines spread over too many cells', () => {
  /** `objects` objects of one line each at a distinct IP, then `repeats` objects of 5 lines over those IPs. */
  const spread = (objects: number, repeats: number) => {
    const ip = (k: number) => `ffffffff8${(0x1000000 + k * 16).toString(16).padStart(7, '0')}`;
    const lines: string[] = [];
    for (let i = 0; i < objects + repeats; i++) {
      lines.push(`ffffffff81000010,1,ffff8880${(i * 64).toString(16).padStart(8, '0')},64,${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,`);
      if (i < objects) lines.push(`  ${ip(i)},1,2,1`);
      else for (let k = 0; k < 5; k++) lines.push(`  ${ip((i * 5 + k) % objects)},1,2,1`);
    }
    return parseKmapBytes(enc(lines.join('\n') + '\n'));
  };

  it('is given up before anything is allocated when its first lines show it (a line a cell)', () => {
    const ctx = contextOf(spread(70_000, 0), null);
    const cells = new SiteCells(ctx);
    expect([cells.usable, cells.done, cells.highestRow.length, cells.pidBits, cells.heldBytes()]).toEqual([false, true, 0, null, 0]);
    expect(cells.step(1)).toBe(true);
    expect(siteCells(ctx).usable).toBe(false);
  });

  it('is kept for many sites whose lines come back (a capture without symbols): the cap is on the whole file', () => {
    // 40,000 cells in the first 200,000 lines, 1,040,000 lines in all: a cell sums 26 lines.
    const ctx = contextOf(spread(40_000, 200_000), null);
    const cells = siteCells(ctx);
    expect([cells.usable, cells.numCells]).toEqual([true, 40_000]);
    expectSameAnswers(ctx, cells, 'many sites');
  });

  it('is kept for a capture\'s few hundred IPs', () => {
    const ctx = contextOf(parseKmapBytes(captureLike(40_000, 5)), null);
    expect(siteCells(ctx).usable).toBe(true);
  });
});
