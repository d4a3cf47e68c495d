// The object cells (object-cells.ts) against the objects: the totals, the
// Breakdown by type, slab and site and the Breakdown chart's cells answered
// from them (object-cell-queries.ts) equal breakdown.ts's from the kept
// objects, for every filter the cells decide, on every variant, built at once
// and in steps of a few objects; every other filter and grouping, a store
// with more cells than its cap and figures past 2^53 - 1 get null (the
// objects are read instead).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { cellCases, contextOf } from '../testing/cell-cases.ts';
import { breakdown, filteredTotals, hierarchy } from './breakdown.ts';
import type { QueryContext } from './context.ts';
import { filterObjects } from './filter.ts';
import { cellBreakdown, cellHierarchy, cellsDecide, cellTotals } from './object-cell-queries.ts';
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
});

describe.each(CASES.filter((c) => c.name.startsWith('random') || c.name === 'sample, no symbols').map((c) => [c.name, c] as const))('object cells of an aggregate-only store: %s', (_name, c) => {
  it('answer as its objects do', () => {
    const store = parseKmapBytes(c.bytes, 1 << 20, { aggregateOnly: true });
    expect(store.fold).not.toBeNull();
    const ctx = contextOf(store, c.map);
    expectSameAnswers(ctx, objectCells(ctx));
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
  });
});
