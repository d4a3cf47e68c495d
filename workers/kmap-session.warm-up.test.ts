// What the warm-up after a load makes, as the session uses it: the
// Breakdown, Breakdown chart, totals and lifetime histogram from the object
// cells (query/object-cells.ts) answer as the objects do for the filters the
// cells decide, and neither the totals of every object nor the lifetime
// histogram asked right at the load make them (the store's own totals and
// the objects answer); before the site index is complete, a
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
    // Nor the lifetime histogram, which the objects answer without them.
    expect(session.lifetimeChart(emptyFilter(), 'slab', 4)).toEqual(lifetimeChart(ctx, filterObjects(ctx, emptyFilter()).indices, 'slab', 4));
    expect(objectCellsToGo(sessionCtx())).toBe(n);
    for (let waited = 0; objectCellsToGo(sessionCtx()) > 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(objectCellsToGo(sessionCtx())).toBe(0);

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
