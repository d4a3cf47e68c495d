// A sort of a loaded kmap that would make the store's order by its column
// answers with its first rows at once and makes the order in turns: what the
// page sees (the first rows, any window, an object's position, the total)
// is the whole sort's, before, during and after the turns; a window is
// counted out of the keys (past 32 bits by their high words) while the turns
// go on, the warm-up put off until they are counted, and a new
// question meanwhile (another sort, a filter, no sort) answers as it would
// without the turns. A new context, a failed open or an export finishes it
// first; an order being made for a sort replaced is dropped.

import { describe, expect, it } from 'vitest';
import type { QueryContext } from '../src/query/context.ts';
import { objectSumsMade, objectSumsToGo } from '../src/query/object-sums.ts';
import { objectRow } from '../src/query/rows.ts';
import { keptSortOrders, orderMaking } from '../src/query/sort-orders.ts';
import { emptyFilter, type ObjectColumn, type ObjectFilter } from '../src/query/types.ts';
import { sortedByRows, sortStressKmap, sortStressStore } from '../src/testing/sort-stress.ts';
import { KmapSession } from './kmap-session.ts';

const N = 3000;
const { store, rows } = sortStressStore(N);
const all = Array.from({ length: store.numObjects }, (_, i) => i);

async function openSession(steppedFrom: number): Promise<{ session: KmapSession; ctx: () => QueryContext; pending: () => boolean }> {
  const session = new KmapSession();
  (session as unknown as { steppedSortMinObjects: number }).steppedSortMinObjects = steppedFrom;
  const opened = await session.open({ kind: 'file', file: new Blob([sortStressKmap(N)]) as File, name: 'sorts.kmap' }, () => {});
  expect(opened.ok).toBe(true);
  const inner = session as unknown as { ctx: QueryContext; pendingSort: unknown };
  return { session, ctx: () => inner.ctx, pending: () => inner.pendingSort !== null };
}

/** The rows of `sel` (object indices) as the session gives them. */
const rowsOf = (sel: number[]) => sel.map((i) => objectRow(store, i));

const waitTurns = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Waits (1 ms at a time, 10 s at most) until `what` holds; fails saying `why` if it never does. */
async function until(what: () => boolean, why: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!what()) {
    if (Date.now() > end) throw new Error(`waited 10 s: ${why}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const query = (sort: { key: ObjectColumn; desc: boolean } | null, filter: Partial<ObjectFilter> = {}) => ({ filter: { ...emptyFilter(), ...filter }, sort, firstRows: 128 });

describe('a sort made in turns', () => {
  it('answers its first rows at once and a window of 64-bit keys out of their words, a position by finishing it, and keeps the order', async () => {
    const { session, ctx, pending } = await openSession(0);
    const want = sortedByRows(rows, all, 'size', true);
    const r = session.query(query({ key: 'size', desc: true }));
    expect(pending()).toBe(true);
    expect(r.total).toBe(all.length);
    expect(r.firstRows).toEqual(rowsOf(want.slice(0, 128)));
    expect(keptSortOrders(ctx())).toEqual([]);
    // Rows within the first answer no more than they are.
    expect(session.rows(100, 50)).toEqual(rowsOf(want.slice(100, 150)));
    expect(pending()).toBe(true);
    // A window past them, of sizes past 2^32 here, is counted out of their high and low words: the turns go on.
    expect(session.rows(2000, 30)).toEqual(rowsOf(want.slice(2000, 2030)));
    expect(pending()).toBe(true);
    // So is one of addresses, by their high words first.
    session.query(query({ key: 'address', desc: true }));
    const byAddress = sortedByRows(rows, all, 'address', true);
    expect(session.rows(1500, 64)).toEqual(rowsOf(byAddress.slice(1500, 1564)));
    expect(pending()).toBe(true);
    // A position finishes the sort now, and keeps its order.
    expect(session.positionOf(byAddress[1234])).toBe(1234);
    expect(pending()).toBe(false);
    expect(keptSortOrders(ctx())).toEqual(['address']);
    await session.close();
  });

  it('counts a window of keys within 32 bits out of them, the turns going on; a position or a window too big finishes it', async () => {
    const { session, ctx, pending } = await openSession(0);
    const inner = session as unknown as { pendingSort: { windows?: unknown } | null };
    const want = sortedByRows(rows, all, 'pid', true);
    session.query(query({ key: 'pid', desc: true }));
    for (const from of [1500, 128, 2990, 700]) expect(session.rows(from, 128), `from ${from}`).toEqual(rowsOf(want.slice(from, from + 128)));
    expect(pending()).toBe(true);
    expect(inner.pendingSort!.windows).toBeDefined();
    expect(keptSortOrders(ctx())).toEqual([]);
    // The page's windows stay right through the turns, and after them.
    for (let waited = 0; pending() && waited < 5000; waited += 50) {
      expect(session.rows(2222, 100)).toEqual(rowsOf(want.slice(2222, 2322)));
      await waitTurns();
    }
    expect(pending()).toBe(false);
    expect(keptSortOrders(ctx())).toEqual(['pid']);
    expect(session.rows(2222, 100)).toEqual(rowsOf(want.slice(2222, 2322)));
    // Under the kept order (walked in turns, no keys counted), a window finishes the walk: cheaper than a count.
    const byPid = sortedByRows(rows, all, 'pid', false);
    session.query(query({ key: 'pid', desc: false }));
    expect(pending()).toBe(true);
    expect(session.rows(1500, 128)).toEqual(rowsOf(byPid.slice(1500, 1628)));
    expect(pending()).toBe(false);
    // A position needs the whole sort: finished at once.
    const byWrites = sortedByRows(rows, all, 'writes', true);
    session.query(query({ key: 'writes', desc: true }));
    expect(session.rows(600, 20)).toEqual(rowsOf(byWrites.slice(600, 620)));
    expect(pending()).toBe(true);
    expect(session.positionOf(byWrites[1234])).toBe(1234);
    expect(pending()).toBe(false);
    // So does a window of more rows than windowMaxRows (4,096; 1,000 here).
    (session as unknown as { windowMaxRows: number }).windowMaxRows = 1000;
    const up = sortedByRows(rows, all, 'allocIndex', false);
    session.query(query({ key: 'allocIndex', desc: false }));
    expect(session.rows(300, 1000)).toEqual(rowsOf(up.slice(300, 1300)));
    expect(pending()).toBe(true);
    expect(session.rows(300, 1001)).toEqual(rowsOf(up.slice(300, 1301)));
    expect(pending()).toBe(false);
    await session.close();
  });

  it('finishes in its turns, after which every window and position is the sort\'s', async () => {
    const { session, ctx, pending } = await openSession(0);
    const want = sortedByRows(rows, all, 'address', false);
    session.query(query({ key: 'address', desc: false }));
    for (let waited = 0; pending() && waited < 5000; waited += 50) await waitTurns();
    expect(pending()).toBe(false);
    expect(keptSortOrders(ctx())).toEqual(['address']);
    expect(session.rows(0, all.length)).toEqual(rowsOf(want));
    expect(session.positionOf(want[77])).toBe(77);
    await session.close();
  });

  it('gives way to the next question: another sort, a filter, no sort', async () => {
    const { session, ctx, pending } = await openSession(0);
    session.query(query({ key: 'writes', desc: true }));
    expect(pending()).toBe(true);
    // Another column: its own first rows, the first order dropped.
    const r = session.query(query({ key: 'allocIp', desc: false }));
    expect(r.firstRows).toEqual(rowsOf(sortedByRows(rows, all, 'allocIp', false).slice(0, 128)));
    // A filter keeping too few to make an order, or to walk the one the sort before would make: sorted at once.
    const slab = store.slabs.names()[1];
    const few = all.filter((i) => rows[i].slab === slab && rows[i].command === 'ls');
    expect(few.length).toBeLessThan(all.length / 8);
    const f = session.query(query({ key: 'allocIp', desc: true }, { slabs: [slab], commands: ['ls'] }));
    expect(pending()).toBe(false);
    expect(f.total).toBe(few.length);
    expect(session.rows(0, few.length)).toEqual(rowsOf(sortedByRows(rows, few, 'allocIp', true)));
    // Sorted again in turns, then no sort: file order at once.
    session.query(query({ key: 'pid', desc: false }));
    expect(pending()).toBe(true);
    const plain = session.query(query(null));
    expect(pending()).toBe(false);
    expect(plain.firstRows).toEqual(rowsOf(all.slice(0, 128)));
    expect(session.rows(2500, 5)).toEqual(rowsOf(all.slice(2500, 2505)));
    await waitTurns();
    expect(keptSortOrders(ctx())).toEqual([]);
    await session.close();
  });

  it('puts the warm-up off while its turns count the keys for a scroll, and lets it go on after', async () => {
    const { session, ctx, pending } = await openSession(0);
    const inner = session as unknown as { sortTurnMs: number; windowTuning: { block?: number }; pendingSort: { windows?: { prepared: boolean } } | null };
    // A block of keys a turn: the count of 3,000 addresses by word, then their scatter, take hundreds of turns.
    inner.sortTurnMs = 0;
    inner.windowTuning = { block: 7 };
    session.query(query({ key: 'address', desc: true }));
    // Past the warm-up's start (250 ms after the load), the keys still being counted: no per-object sums made.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(inner.pendingSort?.windows?.prepared).toBe(false);
    expect(objectSumsToGo(ctx())).toBe(store.numObjects);
    await until(() => !pending() || inner.pendingSort?.windows?.prepared === true, 'the keys counted');
    await until(() => objectSumsMade(ctx()), 'the warm-up went on');
    expect(session.rows(1200, 100)).toEqual(rowsOf(sortedByRows(rows, all, 'address', true).slice(1200, 1300)));
    await session.close();
  });

  it("with the order kept, answers a filter's first rows from the walk stopped at them, and walks the rest in turns", async () => {
    const { session, pending } = await openSession(0);
    session.query(query({ key: 'size', desc: false }));
    // A position finishes the sort, and keeps its order.
    session.positionOf(0);
    expect(pending()).toBe(false);
    // Live objects: about two thirds of the store, more than an eighth, so they walk the kept order.
    const live = all.filter((i) => rows[i].freeIndex === '0');
    expect(live.length).toBeGreaterThan(all.length / 8);
    const want = sortedByRows(rows, live, 'size', true);
    const r = session.query(query({ key: 'size', desc: true }, { state: 'live' }));
    expect(pending()).toBe(true);
    expect(r.total).toBe(live.length);
    expect(r.firstRows).toEqual(rowsOf(want.slice(0, 128)));
    for (let waited = 0; pending() && waited < 5000; waited += 50) await waitTurns();
    expect(pending()).toBe(false);
    expect(session.rows(0, live.length)).toEqual(rowsOf(want));
    expect(session.positionOf(want[want.length - 1])).toBe(live.length - 1);
    await session.close();
  });

  it("counts the keys for a scroll's windows in its first turn, then waits for the warm-up's per-object sums before the rest", async () => {
    const { session, ctx, pending } = await openSession(0);
    const inner = session as unknown as { sortTurn: () => void; pendingSort: { copied: number; windows?: { prepared: boolean } } | null };
    session.query(query({ key: 'pid', desc: true }));
    // Right after the load the warm-up has not begun (it waits 250 ms): the first turn counts the keys (one block here), no more.
    expect(objectSumsMade(ctx())).toBe(false);
    expect(inner.pendingSort?.windows).toBeUndefined();
    inner.sortTurn();
    expect(inner.pendingSort?.windows?.prepared).toBe(true);
    expect(inner.pendingSort?.copied).toBe(0);
    // The next does nothing of the sort.
    inner.sortTurn();
    expect(inner.pendingSort?.copied).toBe(0);
    await until(() => objectSumsMade(ctx()), 'the warm-up made the sums');
    inner.sortTurn();
    expect(inner.pendingSort === null || inner.pendingSort.copied > 0).toBe(true);
    await until(() => !pending(), 'the sort finished in its turns');
    expect(keptSortOrders(ctx())).toEqual(['pid']);
    // Under the kept order, a filter's sort walks it in turns, and counts no keys first.
    const live = all.filter((i) => rows[i].freeIndex === '0');
    session.query(query({ key: 'pid', desc: false }, { state: 'live' }));
    expect(pending()).toBe(true);
    inner.sortTurn();
    expect(inner.pendingSort === null || inner.pendingSort.windows === undefined).toBe(true);
    expect(session.rows(0, live.length)).toEqual(rowsOf(sortedByRows(rows, live, 'pid', false)));
    await session.close();
  });

  it('in small steps: a window asked while the order is made is the sort\'s, and a position finishes it where it is; a window while a kept order is walked finishes the walk', async () => {
    const { session, ctx, pending } = await openSession(0);
    const inner = session as unknown as { sortTurnMs: number; sortStepObjects: number; pendingSort: { copied: number; made: boolean; walk?: unknown } | null };
    // One step of 7 objects a turn.
    inner.sortTurnMs = 0;
    inner.sortStepObjects = 7;
    const state = () => inner.pendingSort;
    // Made in steps: stopped part way through the making (after the sums, the copy: 429 steps).
    session.query(query({ key: 'writes', desc: false }));
    await until(() => state()?.copied === all.length, 'the copy done');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(pending()).toBe(true);
    expect(state()!.made).toBe(false);
    const byWrites = sortedByRows(rows, all, 'writes', false);
    expect(session.rows(1500, 20)).toEqual(rowsOf(byWrites.slice(1500, 1520)));
    expect(pending()).toBe(true);
    expect(session.positionOf(byWrites[1500])).toBe(1500);
    expect(pending()).toBe(false);
    expect(keptSortOrders(ctx())).toEqual(['writes']);
    // Walked in steps: a filter under the kept order, stopped part way through the walk.
    const live = all.filter((i) => rows[i].freeIndex === '0');
    session.query(query({ key: 'writes', desc: true }, { state: 'live' }));
    await until(() => state()?.walk !== undefined, 'the walk begun');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pending()).toBe(true);
    const liveByWrites = sortedByRows(rows, live, 'writes', true);
    expect(session.rows(0, live.length)).toEqual(rowsOf(liveByWrites));
    expect(pending()).toBe(false);
    expect(session.positionOf(liveByWrites[live.length - 1])).toBe(live.length - 1);
    await session.close();
  });

  it('a new context (symbols), a failed open or an export finishes it first; the export makes no order for it', async () => {
    const { session, ctx, pending } = await openSession(0);
    const want = sortedByRows(rows, all, 'size', false);
    session.query(query({ key: 'size', desc: false }));
    const before = ctx();
    session.clearSymbols();
    expect(pending()).toBe(false);
    // Sorted without making an order for the context let go.
    expect(keptSortOrders(before)).toEqual([]);
    expect(session.rows(1000, 50)).toEqual(rowsOf(want.slice(1000, 1050)));
    // A file that is not a kmap: the loaded one comes back with its sorted rows.
    session.query(query({ key: 'address', desc: true }));
    expect(pending()).toBe(true);
    const bad = await session.open({ kind: 'file', file: new Blob(['this is not a kmap\n']) as File, name: 'notes.txt' }, () => {});
    expect(bad.ok).toBe(false);
    expect(session.rows(2000, 50)).toEqual(rowsOf(sortedByRows(rows, all, 'address', true).slice(2000, 2050)));
    // An export lets the orders go, and the sort it finishes makes none.
    session.query(query({ key: 'writes', desc: true }));
    expect(pending()).toBe(true);
    const r = await session.exportParquet('run', () => {}, () => {});
    expect(r.ok).toBe(true);
    expect(pending()).toBe(false);
    expect(keptSortOrders(ctx())).toEqual([]);
    expect(orderMaking(ctx())).toBeNull();
    expect(session.rows(100, 2900)).toEqual(rowsOf(sortedByRows(rows, all, 'writes', true).slice(100)));
    await session.close();
  });

  it('drops an order being made when its sort is replaced, even by a filter answered from a kept order', async () => {
    const { session, ctx, pending } = await openSession(0);
    const inner = session as unknown as { sortTurnMs: number; sortStepObjects: number };
    session.query(query({ key: 'pid', desc: false }));
    session.positionOf(0);
    expect(keptSortOrders(ctx())).toEqual(['pid']);
    inner.sortTurnMs = 0;
    inner.sortStepObjects = 7;
    session.query(query({ key: 'writes', desc: false }));
    await until(() => orderMaking(ctx()) === 'writes', 'the making begun');
    const live = all.filter((i) => rows[i].freeIndex === '0');
    const r = session.query(query({ key: 'pid', desc: true }, { state: 'live' }));
    expect(orderMaking(ctx())).toBeNull();
    expect(r.firstRows).toEqual(rowsOf(sortedByRows(rows, live, 'pid', true).slice(0, 128)));
    await until(() => !pending(), 'the walk finished');
    expect(session.rows(0, live.length)).toEqual(rowsOf(sortedByRows(rows, live, 'pid', true)));
    await session.close();
  });

  it('answers a filter that comes while the order by its column is made from its first rows, and goes on making it', async () => {
    const { session, ctx, pending } = await openSession(0);
    const inner = session as unknown as { sortTurnMs: number; sortStepObjects: number };
    inner.sortTurnMs = 0;
    inner.sortStepObjects = 7;
    session.query(query({ key: 'writes', desc: false }));
    await until(() => orderMaking(ctx()) === 'writes', 'the making begun');
    // One cache: a quarter of the store, too few to make an order (half) but enough to walk one (an eighth).
    const slab = store.slabs.names().find((name) => name === 'dentry')!;
    const quarter = all.filter((i) => rows[i].slab === slab);
    expect(quarter.length).toBeGreaterThan(all.length / 8);
    expect(quarter.length).toBeLessThan(all.length / 2);
    const want = sortedByRows(rows, quarter, 'writes', true);
    const r = session.query(query({ key: 'writes', desc: true }, { slabs: [slab] }));
    expect(pending()).toBe(true);
    expect(orderMaking(ctx())).toBe('writes');
    expect(r.firstRows).toEqual(rowsOf(want.slice(0, 128)));
    expect(session.rows(400, 50)).toEqual(rowsOf(want.slice(400, 450)));
    inner.sortStepObjects = 256;
    await until(() => !pending(), 'the sort finished in its turns');
    expect(keptSortOrders(ctx())).toEqual(['writes']);
    expect(session.rows(0, quarter.length)).toEqual(rowsOf(want));
    // So does one that comes right after the sort, before its turns began the making.
    session.query(query({ key: 'allocIp', desc: false }));
    expect(orderMaking(ctx())).toBeNull();
    const byIp = sortedByRows(rows, quarter, 'allocIp', true);
    const f = session.query(query({ key: 'allocIp', desc: true }, { slabs: [slab] }));
    expect(pending()).toBe(true);
    expect(f.firstRows).toEqual(rowsOf(byIp.slice(0, 128)));
    await until(() => !pending(), 'the sort finished in its turns');
    expect(keptSortOrders(ctx())).toEqual(['writes', 'allocIp']);
    expect(session.rows(0, quarter.length)).toEqual(rowsOf(byIp));
    // Another column's making, begun or due, is no reason: sorted at once.
    session.query(query({ key: 'pid', desc: false }));
    session.query(query({ key: 'size', desc: false }, { slabs: [slab] }));
    expect(pending()).toBe(false);
    session.query(query({ key: 'pid', desc: false }));
    await until(() => orderMaking(ctx()) === 'pid', 'the making begun');
    session.query(query({ key: 'size', desc: false }, { slabs: [slab] }));
    expect(pending()).toBe(false);
    await session.close();
  });

  it('is not used for a store below its size: the sort is whole at once', async () => {
    const { session, pending } = await openSession(N + 1);
    const r = session.query(query({ key: 'size', desc: false }));
    expect(pending()).toBe(false);
    expect(r.firstRows).toEqual(rowsOf(sortedByRows(rows, all, 'size', false).slice(0, 128)));
    await session.close();
  });
});
