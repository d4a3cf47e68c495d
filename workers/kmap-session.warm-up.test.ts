// What the warm-up after a load makes, as the session uses it: the
// Breakdown, Breakdown chart, totals, lifetime histogram, live chart and
// Quality counts from the object cells (query/object-cells.ts) answer as the
// objects do for the filters the cells decide, and neither the totals of
// every object nor the Lifetimes, Quality or Access sites views asked right
// at the load make them (the store's own totals and the objects answer);
// with the cells made and the site index not, the cells count the kept
// objects that choose between the lines and the index; before the site index is complete, a
// filter that keeps fewer objects than are left to index reads their lines
// and leaves the index to the warm-up, where one that keeps more has the
// index completed.

import { describe, expect, it, vi } from 'vitest';
import { parseKmapBytes } from '../src/format/parser.ts';
import { breakdown, filteredTotals, hierarchy } from '../src/query/breakdown.ts';
import { QueryContext } from '../src/query/context.ts';
import { filterObjects } from '../src/query/filter.ts';
import { lifetimeChart, liveChart } from '../src/query/lifetime-charts.ts';
import { qualityRows } from '../src/query/quality.ts';
import { writeKmap } from '../src/testing/kmap-writer.ts';
import { objectCellsToGo, warmObjectCells } from '../src/query/object-cells.ts';
import { siteCellsToGo } from '../src/query/site-cells.ts';
import { accessSites } from '../src/query/sites.ts';
import { BREAKDOWN_KEYS, emptyFilter, type ObjectFilter } from '../src/query/types.ts';
import { captureLike } from '../src/testing/capture-like.ts';
import { KmapSession } from './kmap-session.ts';

const noProgress = () => {};

describe('object cells in the session', () => {
  const CAPTURE = captureLike(20_000, 3);

  it('are made by the warm-up, not by the totals of every object at the load, and answer as the objects do', async () => {
    const session = new KmapSession();
    expect((await session.open({ kind: 'file', file: new Blob([CAPTURE]) as File, name: 'capture.kmap' }, noProgress)).ok).toBe(true);
    const sessionCtx = () => (session as unknown as { ctx: QueryContext }).ctx;
    const n = session.summary()!.objects;
    session.totals(emptyFilter());
    expect(objectCellsToGo(sessionCtx())).toBe(n);
    // A filter that keeps fewer objects than are left to sum reads its objects: nothing summed for it.
    const store = parseKmapBytes(CAPTURE);
    const ctx = new QueryContext(store);
    const slab = store.slabs.names().find((_, id) => store.objectsBySlab[id] > 0 && store.objectsBySlab[id] < n / 3)!;
    const few = { ...emptyFilter(), slabs: [slab] };
    expect(session.breakdown(few, 'type')).toEqual(breakdown(ctx, filterObjects(ctx, few).indices, 'type'));
    expect(objectCellsToGo(sessionCtx())).toBe(n);
    // Nor does a Breakdown by command or pid of every object: the cells know neither.
    expect(session.breakdown(emptyFilter(), 'command')).toEqual(breakdown(ctx, filterObjects(ctx, emptyFilter()).indices, 'command'));
    expect(session.breakdown(emptyFilter(), 'pid')).toEqual(breakdown(ctx, filterObjects(ctx, emptyFilter()).indices, 'pid'));
    expect(objectCellsToGo(sessionCtx())).toBe(n);
    // Nor the lifetime histogram, the live chart, the Quality counts or the sites, which the objects answer without them.
    const all = filterObjects(ctx, emptyFilter()).indices;
    expect(session.lifetimeChart(emptyFilter(), 'slab', 4)).toEqual(lifetimeChart(ctx, all, 'slab', 4));
    expect(session.liveChart(emptyFilter(), 'slab', 3, 40, null)).toEqual(liveChart(ctx, all, 'slab', 3, 40, null));
    expect(session.quality(emptyFilter(), 'slab')).toEqual(qualityRows(ctx, all, 'slab'));
    expect(session.sites(emptyFilter())).toEqual(accessSites(ctx, all, false));
    expect(objectCellsToGo(sessionCtx())).toBe(n);
    for (let waited = 0; objectCellsToGo(sessionCtx()) > 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(objectCellsToGo(sessionCtx())).toBe(0);
    // Made, the cells answer the Quality counts without the filter.
    const filtered = vi.spyOn(session as unknown as { filtered: (f: ObjectFilter) => unknown }, 'filtered');
    const live = { ...emptyFilter(), state: 'live' as const };
    expect(session.quality(live, 'type')).toEqual(qualityRows(ctx, filterObjects(ctx, live).indices, 'type'));
    expect(filtered).not.toHaveBeenCalled();
    filtered.mockRestore();

    const slabs = store.slabs.names();
    const f = (over: Partial<ObjectFilter>): ObjectFilter => ({ ...emptyFilter(), ...over });
    for (const filter of [f({}), f({ state: 'live' }), f({ slabs: slabs.slice(0, 2), hideSentinels: true }), f({ state: 'freed', types: store.types.names().slice(0, 1) }), f({ commands: store.commands.names().slice(0, 1) })]) {
      const indices = filterObjects(ctx, filter).indices;
      expect(session.totals(filter)).toEqual(filteredTotals(ctx, indices));
      for (const by of BREAKDOWN_KEYS) expect({ by, rows: session.breakdown(filter, by) }).toEqual({ by, rows: breakdown(ctx, indices, by) });
      const cells = hierarchy(ctx, indices);
      expect(session.hierarchy(filter, 5)).toEqual({ cells: cells.slice(0, 5), total: cells.length });
      for (const by of ['slab', 'type'] as const) {
        for (const top of [2, 5]) expect({ by, top, chart: session.lifetimeChart(filter, by, top) }).toEqual({ by, top, chart: lifetimeChart(ctx, indices, by, top) });
        expect({ by, live: session.liveChart(filter, by, 3, 40, null) }).toEqual({ by, live: liveChart(ctx, indices, by, 3, 40, null) });
        expect({ by, quality: session.quality(filter, by) }).toEqual({ by, quality: qualityRows(ctx, indices, by) });
      }
    }
    session.close();
  });

  it('before the site index is complete: fewer kept objects than are left to index read their lines; more have it completed', async () => {
    const session = new KmapSession();
    expect((await session.open({ kind: 'file', file: new Blob([CAPTURE]) as File, name: 'capture.kmap' }, noProgress)).ok).toBe(true);
    const sessionCtx = () => (session as unknown as { ctx: QueryContext }).ctx;
    const store = parseKmapBytes(CAPTURE);
    const ctx = new QueryContext(store);
    const n = store.numObjects;
    // Asked at once, before the warm-up's first turn.
    expect(siteCellsToGo(sessionCtx())).toBe(n);
    // A cache of fewer than a third of the objects.
    const slab = store.slabs.names().find((_, id) => store.objectsBySlab[id] > 0 && store.objectsBySlab[id] < n / 3)!;
    const some = { ...emptyFilter(), slabs: [slab] };
    expect(filterObjects(ctx, some).indices.length).toBeGreaterThan(0);
    expect(session.sites(some)).toEqual(accessSites(ctx, filterObjects(ctx, some).indices, false));
    expect(siteCellsToGo(sessionCtx())).toBe(n);
    // Other tasks count twice (the lines decide them too): still under the objects to go.
    const someOther = { ...some, otherTasks: true };
    expect(session.sites(someOther)).toEqual(accessSites(ctx, filterObjects(ctx, someOther).indices, true));
    expect(siteCellsToGo(sessionCtx())).toBe(n);
    expect(session.sites(emptyFilter())).toEqual(accessSites(ctx, filterObjects(ctx, emptyFilter()).indices, false));
    expect(siteCellsToGo(sessionCtx())).toBe(0);
    session.close();
  });

  it('with the object cells made and the index not: freed objects and other tasks counted as the filter counts them', async () => {
    // Freed objects too (a count of the live ones alone would choose the lines).
    const text = writeKmap({ variant: 'E', objects: 3000, seed: 10, damage: 0 });
    const session = new KmapSession();
    expect((await session.open({ kind: 'file', file: new Blob([text]) as File, name: 'w.kmap' }, noProgress)).ok).toBe(true);
    const sessionCtx = () => (session as unknown as { ctx: QueryContext }).ctx;
    const store = parseKmapBytes(new TextEncoder().encode(text));
    const ctx = new QueryContext(store);
    expect(filterObjects(ctx, { ...emptyFilter(), state: 'live' }).indices.length).toBeLessThan(store.numObjects / 2);
    warmObjectCells(sessionCtx(), Number.POSITIVE_INFINITY);
    expect(session.sites(emptyFilter())).toEqual(accessSites(ctx, filterObjects(ctx, emptyFilter()).indices, false));
    expect(siteCellsToGo(sessionCtx())).toBe(0);
    session.close();

    // Other tasks: the objects kept without them count (twice), not those with them.
    const capture = captureLike(6000, 3);
    const s2 = new KmapSession();
    expect((await s2.open({ kind: 'file', file: new Blob([capture]) as File, name: 'c.kmap' }, noProgress)).ok).toBe(true);
    const ctx2 = () => (s2 as unknown as { ctx: QueryContext }).ctx;
    const store2 = parseKmapBytes(capture);
    const c2 = new QueryContext(store2);
    warmObjectCells(ctx2(), Number.POSITIVE_INFINITY);
    const slabs = store2.slabs.names().filter((_, id) => store2.objectsBySlab[id] > 0);
    // Caches keeping more than half the objects, fewer than half with other tasks.
    let other: ObjectFilter | null = null;
    for (let k = 1; k <= slabs.length && other === null; k++) {
      const f = { ...emptyFilter(), slabs: slabs.slice(0, k), otherTasks: true };
      const without = filterObjects(c2, { ...f, otherTasks: false }).indices.length;
      const withOther = filterObjects(c2, f).indices.length;
      if (without * 2 >= store2.numObjects && withOther * 2 < store2.numObjects) other = f;
    }
    expect(other).not.toBeNull();
    expect(s2.sites(other!)).toEqual(accessSites(c2, filterObjects(c2, other!).indices, true));
    expect(siteCellsToGo(ctx2())).toBe(0);
    s2.close();
  });

  it('with the object cells made and the index not: the cells count the kept objects, and the choice is the same', async () => {
    const session = new KmapSession();
    expect((await session.open({ kind: 'file', file: new Blob([CAPTURE]) as File, name: 'capture.kmap' }, noProgress)).ok).toBe(true);
    const sessionCtx = () => (session as unknown as { ctx: QueryContext }).ctx;
    const filtered = vi.spyOn(session as unknown as { filtered: (f: ObjectFilter) => unknown }, 'filtered');
    const store = parseKmapBytes(CAPTURE);
    const ctx = new QueryContext(store);
    const n = store.numObjects;
    warmObjectCells(sessionCtx(), Number.POSITIVE_INFINITY);
    expect(objectCellsToGo(sessionCtx())).toBe(0);
    expect(siteCellsToGo(sessionCtx())).toBe(n);
    const slab = store.slabs.names().find((_, id) => store.objectsBySlab[id] > 0 && store.objectsBySlab[id] < n / 3)!;
    const some = { ...emptyFilter(), slabs: [slab] };
    expect(session.sites(some)).toEqual(accessSites(ctx, filterObjects(ctx, some).indices, false));
    expect(siteCellsToGo(sessionCtx())).toBe(n);
    // Every object: more than are left to index, counted by the cells; the index answers, no filter computed.
    filtered.mockClear();
    expect(session.sites(emptyFilter())).toEqual(accessSites(ctx, filterObjects(ctx, emptyFilter()).indices, false));
    expect(siteCellsToGo(sessionCtx())).toBe(0);
    expect(filtered).not.toHaveBeenCalled();
    session.close();
  });
});
