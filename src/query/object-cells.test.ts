// The object cells (object-cells.ts) against the objects: the totals, the
// Breakdown by type, slab and site, the Breakdown chart's cells, the
// Lifetimes histogram, the live chart's top groups and the Quality counts
// answered from them (object-cell-queries.ts) equal breakdown.ts's,
// lifetime-charts.ts's and quality.ts's from the kept objects, for every
// filter the cells decide, on every variant, built at once, in steps of a
// few objects, after the quality codes and with them half made; every other
// filter and grouping, a store with more cells than its caps and figures
// past 2^53 - 1 get null (the objects are read instead).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { KmapParser, parseKmapBytes } from '../format/parser.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { cellCases, contextOf } from '../testing/cell-cases.ts';
import { breakdown, filteredTotals, hierarchy } from './breakdown.ts';
import type { QueryContext } from './context.ts';
import { filterObjects } from './filter.ts';
import { chartGroups, lifetimeChart, liveChart, topGroups } from './lifetime-charts.ts';
import { cellBreakdown, cellChartGroups, cellHierarchy, cellLifetimeChart, cellQuality, cellsDecide, cellTotals } from './object-cell-queries.ts';
import { QualityCoder, qualityCodesIfMade, qualityRows, warmQualityCodes } from './quality.ts';
import { ObjectCells, objectCells, warmObjectCells } from './object-cells.ts';
import { emptyFilter, type ObjectFilter } from './types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CASES = cellCases(readFileSync(join(ROOT, 'public', 'sample.kmap')), readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8'));

/** Filters the cells decide: none, caches and types (known, unknown, several), live or freed, sentinels, and mixes. */
function decided(ctx: QueryContext): [string, ObjectFilter][] {
  const store = ctx.store;
  const f = (over: Partial<ObjectFilter>): ObjectFilter => ({ ...emptyFilter(), ...over });
  const slabs = store.slabs.names();
  const types = store.types.names();
  return [
    ['no filter', f({})],
    ['live', f({ state: 'live' })],
    ['freed', f({ state: 'freed' })],
    ['no sentinels', f({ hideSentinels: true })],
    ['one slab', f({ slabs: slabs.slice(0, 1) })],
    ['three slabs, freed', f({ slabs: slabs.slice(1, 4), state: 'freed' })],
    ['one type, live, no sentinels', f({ types: types.slice(0, 1), state: 'live', hideSentinels: true })],
    ['a slab and a type', f({ slabs: slabs.slice(0, 2), types: types.slice(0, 2) })],
    ['an unknown slab', f({ slabs: ['no such cache'] })],
    ['an unknown type', f({ types: ['NO_SUCH_TYPE'] })],
    // Named outright: in a format without slabs or types, these keep nothing.
    ['a slab by name', f({ slabs: ['kmalloc-64'] })],
    ['a type by name, live', f({ types: ['KMALLOC'], state: 'live' })],
    ['empty names', f({ slabs: [''], types: [''] })],
  ];
}

function expectSameAnswers(ctx: QueryContext, cells: ObjectCells): void {
  for (const [label, filter] of decided(ctx)) {
    const indices = filterObjects(ctx, filter).indices;
    expect({ label, totals: cellTotals(ctx, cells, filter) }).toEqual({ label, totals: filteredTotals(ctx, indices) });
    for (const by of ['type', 'slab', 'site'] as const) {
      expect({ label, by, rows: cellBreakdown(ctx, cells, filter, by) }).toEqual({ label, by, rows: breakdown(ctx, indices, by) });
    }
    expect({ label, cells: cellHierarchy(ctx, cells, filter) }).toEqual({ label, cells: hierarchy(ctx, indices) });
    for (const by of ['slab', 'type'] as const) {
      for (const top of [2, 10]) {
        expect({ label, by, top, chart: cellLifetimeChart(ctx, cells, filter, by, top) }).toEqual({ label, by, top, chart: lifetimeChart(ctx, indices, by, top) });
        expect({ label, by, top, groups: cellChartGroups(ctx, cells, filter, by, top) }).toEqual({ label, by, top, groups: chartGroups(ctx, indices, by, top) });
      }
      expect({ label, by, quality: cellQuality(ctx, cells, filter, by) }).toEqual({ label, by, quality: qualityRows(ctx, indices, by) });
    }
  }
}

describe.each(CASES.map((c) => [c.name, c] as const))('object cells: %s', (_name, c) => {
  const store = parseKmapBytes(c.bytes);

  it('answer as the objects do, for every filter they decide, built at once', () => {
    const ctx = contextOf(store, c.map);
    const cells = objectCells(ctx);
    expect(cells.usable).toBe(true);
    expect(cells.numCells).toBeGreaterThan(0);
    expect(cells.numCells).toBeLessThan(store.numObjects);
    expectSameAnswers(ctx, cells);
  });

  it('and built in steps of 7 objects, as the warm-up does', () => {
    const ctx = contextOf(store, c.map);
    let turns = 0;
    while (!warmObjectCells(ctx, 7)) turns++;
    expect(turns).toBeGreaterThanOrEqual(Math.floor(store.numObjects / 7) - 1);
    expectSameAnswers(ctx, objectCells(ctx));
  });

  it('and built after the quality codes, counting the codes made, as the warm-up does', () => {
    const ctx = contextOf(store, c.map);
    while (!warmQualityCodes(ctx, 5));
    expect(qualityCodesIfMade(ctx)).not.toBeNull();
    const parts = vi.spyOn(QualityCoder.prototype, 'parts');
    try {
      while (!warmObjectCells(ctx, 7));
      expect(parts).not.toHaveBeenCalled();
    } finally {
      parts.mockRestore();
    }
    expectSameAnswers(ctx, objectCells(ctx));
  });

  it('and built with the quality codes half made: the cells count each object\'s own parts', () => {
    const ctx = contextOf(store, c.map);
    warmQualityCodes(ctx, Math.floor(store.numObjects / 2));
    expect(qualityCodesIfMade(ctx)).toBeNull();
    expectSameAnswers(ctx, objectCells(ctx));
  });
});

describe.each(CASES.filter((c) => c.name.startsWith('random') || c.name === 'sample, no symbols').map((c) => [c.name, c] as const))('object cells of an aggregate-only store: %s', (_name, c) => {
  it('answer as its objects do', () => {
    const store = parseKmapBytes(c.bytes, 1 << 20, { aggregateOnly: true });
    expect(store.fold).not.toBeNull();
    const ctx = contextOf(store, c.map);
    expectSameAnswers(ctx, objectCells(ctx));
  });
});

describe('object cells of a store that grew after its quality codes were made', () => {
  it('count the new store\'s parts, not the smaller store\'s codes', () => {
    const bytes = new TextEncoder().encode(writeKmap({ variant: 'E', objects: 800, seed: 21, damage: 0 }));
    const half = bytes.lastIndexOf(10, bytes.length >> 1) + 1;
    const parser = new KmapParser();
    parser.push(bytes.subarray(0, half));
    const ctx = contextOf(parser.store, null);
    while (!warmQualityCodes(ctx, 1 << 20));
    expect(qualityCodesIfMade(ctx)).not.toBeNull();
    parser.push(bytes.subarray(half));
    parser.finish();
    expect(qualityCodesIfMade(ctx)).toBeNull();
    const fresh = contextOf(parseKmapBytes(bytes), null);
    expect(cellQuality(ctx, objectCells(ctx), emptyFilter(), 'slab')).toEqual(qualityRows(fresh, filterObjects(fresh, emptyFilter()).indices, 'slab'));
  });
});

describe('where the object cells do not answer', () => {
  const c = CASES.find((k) => k.name === 'sample + System.map')!;
  const store = parseKmapBytes(c.bytes);
  const ctx = contextOf(store, c.map);
  const cells = objectCells(ctx);

  it.each([
    ['commands', { commands: ['bash'] }],
    ['pids', { pids: [1] }],
    ['sizes', { minSize: 64 }],
    ['search', { search: 'slab:dentry' }],
    ['other tasks', { otherTasks: true }],
    ['alloc sites', { allocSites: ['ffffffff81000000'] }],
    ['a quality flag', { flag: 'unaccessed' }],
  ] as [string, Partial<ObjectFilter>][])('a filter on %s: null', (_what, over) => {
    const filter = { ...emptyFilter(), ...over };
    expect(cellsDecide(filter)).toBe(false);
    expect(cellTotals(ctx, cells, filter)).toBeNull();
    expect(cellBreakdown(ctx, cells, filter, 'slab')).toBeNull();
    expect(cellHierarchy(ctx, cells, filter)).toBeNull();
    expect(cellLifetimeChart(ctx, cells, filter, 'slab', 10)).toBeNull();
    expect(cellChartGroups(ctx, cells, filter, 'slab', 10)).toBeNull();
    expect(cellQuality(ctx, cells, filter, 'slab')).toBeNull();
  });

  it('a Breakdown by command or pid: null', () => {
    expect(cellBreakdown(ctx, cells, emptyFilter(), 'command')).toBeNull();
    expect(cellBreakdown(ctx, cells, emptyFilter(), 'pid')).toBeNull();
  });

  it('more cells than the cap: given up, every array let go', () => {
    const small = new ObjectCells(contextOf(store, c.map), 3);
    expect(small.step(Number.POSITIVE_INFINITY)).toBe(true);
    expect(small.usable).toBe(false);
    expect(small.heldBytes()).toBe(0);
    expect(cellTotals(ctx, small, emptyFilter())).toBeNull();
    expect(cellLifetimeChart(ctx, small, emptyFilter(), 'slab', 10)).toBeNull();
  });

  it('more cells than the lifetime cap: the lifetime counts let go (null), the rest still answers', () => {
    const lctx = contextOf(store, c.map);
    const capped = new ObjectCells(lctx, undefined, 3);
    capped.step(Number.POSITIVE_INFINITY);
    expect(capped.numCells).toBeGreaterThan(3);
    expect(capped.life).toBeNull();
    expect(capped.quality).toBeNull();
    expect(cellLifetimeChart(lctx, capped, emptyFilter(), 'slab', 10)).toBeNull();
    expect(cellQuality(lctx, capped, emptyFilter(), 'type')).toBeNull();
    expect(cellTotals(lctx, capped, emptyFilter())).toEqual(filteredTotals(lctx, filterObjects(lctx, emptyFilter()).indices));
    // One cell past the cap lets them go; at the cap, the same store's counts are kept (and counted as held).
    const onePast = new ObjectCells(lctx, undefined, capped.numCells - 1);
    onePast.step(Number.POSITIVE_INFINITY);
    expect(onePast.life).toBeNull();
    const kept = new ObjectCells(lctx, undefined, capped.numCells);
    kept.step(Number.POSITIVE_INFINITY);
    expect(kept.life).not.toBeNull();
    expect(kept.heldBytes()).toBe(onePast.heldBytes() + kept.life!.byteLength + kept.quality!.byteLength);
    expect(cellQuality(lctx, kept, emptyFilter(), 'type')).toEqual(qualityRows(lctx, filterObjects(lctx, emptyFilter()).indices, 'type'));
    expect(cellLifetimeChart(lctx, kept, emptyFilter(), 'slab', 10)).toEqual(lifetimeChart(lctx, filterObjects(lctx, emptyFilter()).indices, 'slab', 10));
  });

  it('lifetimes: live, freed, freed at the alloc index and freed before it (inconsistent) counted as the chart counts them', () => {
    const E = (a: number, f: number, slab: string) => `ffffffff812e4410,731,ffff888004c2a000,64,${a},${f},${f === 0 ? '0000000000000000' : 'ffffffff812e4f02'},KMALLOC,cat,${slab},`;
    const text = [E(5, 0, 'a'), E(5, 9, 'a'), E(9, 5, 'a'), E(7, 7, 'b'), E(1, 1000, 'b'), E(20, 3, 'b'), ''].join('\n');
    const lctx = contextOf(parseKmapBytes(new TextEncoder().encode(text)), null);
    const chart = cellLifetimeChart(lctx, objectCells(lctx), emptyFilter(), 'slab', 1);
    expect(chart).toEqual(lifetimeChart(lctx, filterObjects(lctx, emptyFilter()).indices, 'slab', 1));
    expect(chart).toMatchObject({ live: 1, freed: 3, inconsistent: 2, groups: ['a'], otherGroup: true });
    // A cache's objects freed before their alloc index rank it too; a freed object of size 0 is counted, with 0 bytes.
    const Z = (a: number, f: number, size: number, slab: string) => E(a, f, slab).replace(',64,', `,${size},`);
    const ranks = [Z(5, 9, 64, 'a'), Z(6, 11, 0, 'a'), Z(9, 5, 64, 'b'), Z(12, 7, 64, 'b'), Z(15, 8, 64, 'b'), ''].join('\n');
    const rctx = contextOf(parseKmapBytes(new TextEncoder().encode(ranks)), null);
    const ranked = cellLifetimeChart(rctx, objectCells(rctx), emptyFilter(), 'slab', 1);
    expect(ranked).toEqual(lifetimeChart(rctx, filterObjects(rctx, emptyFilter()).indices, 'slab', 1));
    expect(ranked).toMatchObject({ groups: ['b'], freed: 2, inconsistent: 3 });
    expect(Array.from(ranked!.objects).reduce((x, y) => x + y, 0)).toBe(2);
    expect(Array.from(ranked!.bytes).reduce((x, y) => x + y, 0)).toBe(64);
  });

  it('quality: induced, catch-all (with its lines), pre-registered, UFO, overlapped, nested, free unseen and the access flags, counted as the objects count them', () => {
    const O = (ip: string, a: number, f: number, freeIp: string, type: string, slab: string) => `${ip},731,ffff888004c2a000,64,${a},${f},${freeIp},${type},cat,${slab},`;
    const Z = '0000000000000000';
    const text = [
      O('ffffffff812e4410', 1, 2, 'ffffffff812e4f02', 'INDUCED_ALLOC', 'a'), '  ffffffff81533a17,1,0,731',
      O('ffffffff812e4410', 3, 0, Z, 'INDUCED_ALLOC', 'a'), '  ffffffff81533a17,0,4,731',
      O(Z, 0, 0, Z, 'KMALLOC', 'a'), '  ffffffff81533a17,2,2,731', '  ffffffff81533a18,1,1,732',
      O('00000000feedbeef', 4, 0, Z, 'KMALLOC', 'b'),
      O('0000000000000005', 5, 9, '00000000deadbeef', 'KMALLOC', 'b'),
      O('ffffffff812e4410', 6, 10, '000000000fedbeef', 'INDUCED_ALLOC', 'b'), '  ffffffff81533a17,3,0,731',
      O('ffffffff812e4410', 7, 11, Z, 'KMALLOC', 'b'),
      '',
    ].join('\n');
    const qctx = contextOf(parseKmapBytes(new TextEncoder().encode(text)), null);
    expect(qctx.store.numObjects).toBe(7);
    const qcells = objectCells(qctx);
    for (const by of ['slab', 'type'] as const) {
      for (const filter of [emptyFilter(), { ...emptyFilter(), state: 'live' as const }, { ...emptyFilter(), hideSentinels: true }]) {
        expect(cellQuality(qctx, qcells, filter, by)).toEqual(qualityRows(qctx, filterObjects(qctx, filter).indices, by));
      }
    }
    const { total } = cellQuality(qctx, qcells, emptyFilter(), 'slab')!;
    expect(total).toMatchObject({ objects: 7, induced: 3, catchAll: 1, catchAllLines: 2, preregistered: 1, ufo: 1, overlapped: 1, nested: 1, freeUnseen: 1 });
  });

  it('the live chart draws the groups it is given (the cells\' top groups) rather than counting its own', () => {
    const store2 = parseKmapBytes(c.bytes);
    const gctx = contextOf(store2, c.map);
    const all = filterObjects(gctx, emptyFilter()).indices;
    const own = chartGroups(gctx, all, 'slab', 2);
    const names = store2.slabs.names();
    // Ranked the other way round: the least of the caches first.
    const counts = new Float64Array(names.length);
    for (const i of all) counts[store2.objects.slab.data[i]]++;
    const reversed = topGroups(counts.map((n) => (n > 0 ? 1e9 - n : 0)), names, 2);
    expect(reversed.names).not.toEqual(own.names);
    expect(liveChart(gctx, all, 'slab', 2, 10, null, null, reversed).groups).toEqual(reversed.names);
    expect(liveChart(gctx, all, 'slab', 2, 10, null).groups).toEqual(own.names);
  });

  it('a lifetime chart that ranks its groups first (more than 1,008 caches): null by cache, answered by type', () => {
    const lines: string[] = [];
    for (let i = 0; i < 1100; i++) lines.push(`ffffffff812e4410,731,ffff888004c2a000,64,${i * 2 + 1},${i * 2 + 2},ffffffff812e4f02,KMALLOC,cat,cache-${i},`);
    const many = parseKmapBytes(new TextEncoder().encode(lines.join('\n') + '\n'));
    const mctx = contextOf(many, null);
    const mcells = objectCells(mctx);
    expect(mcells.usable).toBe(true);
    expect(cellLifetimeChart(mctx, mcells, emptyFilter(), 'slab', 10)).toBeNull();
    expect(cellLifetimeChart(mctx, mcells, emptyFilter(), 'type', 10)).toEqual(lifetimeChart(mctx, filterObjects(mctx, emptyFilter()).indices, 'type', 10));
  });

  it('figures past 2^53 - 1: null, where the objects sum them exactly', () => {
    const E = (size: bigint | number, slab: string) => `ffffffff812e4410,731,ffff888004c2a000,${size},5,0,ffffffff812e4f02,KMALLOC,cat,${slab},`;
    const text = [E(2n ** 60n, 'huge'), '  ffffffff81533a17,1,2,731', E(64, 'small'), '  ffffffff81533a17,2n,1,731'.replace('2n', '2'), ''].join('\n');
    const wide = parseKmapBytes(new TextEncoder().encode(text));
    const wctx = contextOf(wide, null);
    const wcells = objectCells(wctx);
    expect(wcells.usable).toBe(true);
    expect(cellTotals(wctx, wcells, emptyFilter())).toBeNull();
    expect(cellBreakdown(wctx, wcells, emptyFilter(), 'slab')).toBeNull();
    expect(cellHierarchy(wctx, wcells, emptyFilter())).toBeNull();
    // Without the huge object, the cells answer.
    const small = { ...emptyFilter(), slabs: ['small'] };
    expect(cellTotals(wctx, wcells, small)).toEqual(filteredTotals(wctx, filterObjects(wctx, small).indices));
    // Lifetimes: a huge freed object's bytes are in a bucket: null; the huge live one above has none.
    expect(cellLifetimeChart(wctx, wcells, emptyFilter(), 'slab', 10)).toEqual(lifetimeChart(wctx, filterObjects(wctx, emptyFilter()).indices, 'slab', 10));
    const freedHuge = parseKmapBytes(new TextEncoder().encode(text.replace(`${2n ** 60n},5,0,`, `${2n ** 60n},5,9,`)));
    const fctx = contextOf(freedHuge, null);
    expect(fctx.store.numObjects).toBe(2);
    expect(cellLifetimeChart(fctx, objectCells(fctx), emptyFilter(), 'slab', 10)).toBeNull();
  });
});
