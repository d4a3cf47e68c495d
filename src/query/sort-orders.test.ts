// A store order made in steps (makeOrderInSteps, as the data worker makes
// it in turns) is the order made at once, for every column and steps down to
// one object; a sort meanwhile finishes it (same column, walked) or drops it
// (another column, or a selection too small to walk), and either way sorts
// right, although both borrow the same scratch. A walk stopped at the first
// k (firstByStoreOrder) gives the sort's first k, and a walk in steps
// (sortByStoreOrderInSteps, long runs of equal keys split between steps) the
// whole sort.

import { describe, expect, it } from 'vitest';
import { QueryContext } from './context.ts';
import { sortSelection } from './object-query.ts';
import { firstByStoreOrder, keptSortOrders, makeOrderInSteps, sortByStoreOrderInSteps } from './sort-orders.ts';
import { OBJECT_COLUMNS, type ObjectColumn } from './types.ts';
import { sortedByRows, sortStressStore } from '../testing/sort-stress.ts';

const { store, rows } = sortStressStore(1200);
const n = store.numObjects;
const all = Array.from({ length: n }, (_, i) => i);
const quarter = all.filter((i) => i % 4 === 1);
const tenth = all.filter((i) => i % 10 === 3);

/** Steps until made (a deadline already past: one step a call); the calls it took. */
function makeInSteps(c: QueryContext, column: ObjectColumn, step: number, maxCalls = Infinity): number {
  let calls = 0;
  while (calls < maxCalls) {
    calls++;
    if (makeOrderInSteps(c, column, 0, step)) break;
  }
  return calls;
}

function sorted(c: QueryContext, sel: number[], column: ObjectColumn, desc: boolean, keepOrder = false): number[] {
  const got = Uint32Array.from(sel);
  sortSelection(c, got, { key: column, desc }, keepOrder);
  return Array.from(got);
}

describe('a store order made in steps', () => {
  for (const column of OBJECT_COLUMNS) {
    it(`by ${column}: walked, it sorts as the comparator does, for steps of 1, 5 and 333 objects`, () => {
      for (const step of [1, 5, 333]) {
        const c = new QueryContext(store);
        const calls = makeInSteps(c, column, step);
        expect(calls).toBeGreaterThan(n / step);
        expect(keptSortOrders(c)).toEqual([column]);
        for (const desc of [false, true]) {
          for (const sel of [all, quarter]) expect(sorted(c, sel, column, desc), `step ${step} ${desc} ${sel.length}`).toEqual(sortedByRows(rows, sel, column, desc));
        }
        // Walked, not made again.
        expect(keptSortOrders(c)).toEqual([column]);
      }
    });
  }

  it('is finished by a sort by its column that walks it, and counted while it is made', () => {
    const c = new QueryContext(store);
    const before = c.heldBytes();
    expect(makeInSteps(c, 'address', 7, 50)).toBe(50);
    expect(keptSortOrders(c)).toEqual([]);
    expect(c.heldBytes() - before).toBeGreaterThanOrEqual(4 * n);
    expect(sorted(c, quarter, 'address', true)).toEqual(sortedByRows(rows, quarter, 'address', true));
    expect(keptSortOrders(c)).toEqual(['address']);
  });

  it('is dropped by a sort by another column, or of too few to walk it, and made again from the start', () => {
    const c = new QueryContext(store);
    makeInSteps(c, 'size', 7, 300);
    // The radix sort of a tenth by size borrows the scratch the order was being made in.
    expect(sorted(c, tenth, 'size', false)).toEqual(sortedByRows(rows, tenth, 'size', false));
    makeInSteps(c, 'size', 7, 300);
    expect(sorted(c, all, 'writes', true, true)).toEqual(sortedByRows(rows, all, 'writes', true));
    expect(keptSortOrders(c)).toEqual(['writes']);
    // Made again from its first step: as many calls as a first making.
    const fresh = makeInSteps(new QueryContext(store), 'size', 7);
    expect(makeInSteps(c, 'size', 7)).toBe(fresh);
    expect(keptSortOrders(c)).toEqual(['writes', 'size']);
    expect(sorted(c, all, 'size', true)).toEqual(sortedByRows(rows, all, 'size', true));
  });

  it('makes room at its start: the least recently used of the two kept orders goes', () => {
    const c = new QueryContext(store);
    sorted(c, all, 'slab', false, true);
    sorted(c, all, 'pid', false, true);
    expect(keptSortOrders(c)).toEqual(['slab', 'pid']);
    makeInSteps(c, 'type', 11, 3);
    expect(keptSortOrders(c)).toEqual(['pid']);
    makeInSteps(c, 'type', 11);
    expect(keptSortOrders(c)).toEqual(['pid', 'type']);
    expect(sorted(c, all, 'type', true)).toEqual(sortedByRows(rows, all, 'type', true));
  });
});

describe('the first objects of a walk of a kept order (firstByStoreOrder)', () => {
  const scattered = all.filter((i) => Math.imul(i, 2654435761) >>> 0 < 0x66666666 || i === 0 || i === n - 1);
  for (const column of OBJECT_COLUMNS) {
    it(`by ${column}: the sort's first k for all, a quarter or a scatter of the store, both ways`, () => {
      const c = new QueryContext(store);
      expect(firstByStoreOrder(c, Uint32Array.from(all), { key: column, desc: false }, 5)).toBeNull();
      makeInSteps(c, column, 1 << 20);
      for (const desc of [false, true]) {
        for (const sel of [all, quarter, scattered]) {
          const want = sortedByRows(rows, sel, column, desc);
          for (const k of [1, 37, sel.length, sel.length + 5]) {
            expect(Array.from(firstByStoreOrder(c, Uint32Array.from(sel), { key: column, desc }, k)!), `${desc} ${sel.length} k=${k}`).toEqual(want.slice(0, k));
          }
        }
      }
      // A tenth is sorted apart, not walked.
      expect(firstByStoreOrder(c, Uint32Array.from(tenth), { key: column, desc: true }, 5)).toBeNull();
    });
  }
});

describe('a walk of a kept order in steps (sortByStoreOrderInSteps)', () => {
  const scattered = all.filter((i) => Math.imul(i, 2654435761) >>> 0 < 0x66666666 || i === 0 || i === n - 1);
  for (const column of OBJECT_COLUMNS) {
    it(`by ${column}: the whole sort, for steps of 1, 3 and 50 positions`, () => {
      const c = new QueryContext(store);
      expect(sortByStoreOrderInSteps(c, Uint32Array.from(all), { key: column, desc: false }, 3)).toBeNull();
      makeInSteps(c, column, 1 << 20);
      for (const step of [1, 3, 50]) {
        for (const desc of [false, true]) {
          for (const sel of [all, quarter, scattered]) {
            const got = Uint32Array.from(sel);
            const steps = sortByStoreOrderInSteps(c, got, { key: column, desc }, step)!;
            let calls = 0;
            while (!steps.next().done) calls++;
            expect(calls, `${step} ${desc} ${sel.length}`).toBeGreaterThanOrEqual(Math.floor(sel.length / step));
            expect(Array.from(got), `${step} ${desc} ${sel.length}`).toEqual(sortedByRows(rows, sel, column, desc));
          }
        }
      }
    });
  }

  it('refuses at its end a selection with a repeat', () => {
    const c = new QueryContext(store);
    makeInSteps(c, 'size', 1 << 20);
    const repeat = Uint32Array.from([...quarter.slice(0, -1), quarter[0]]).sort();
    const steps = sortByStoreOrderInSteps(c, repeat, { key: 'size', desc: true }, 7)!;
    expect(() => {
      while (!steps.next().done);
    }).toThrow(/found in the order/);
  });
});
