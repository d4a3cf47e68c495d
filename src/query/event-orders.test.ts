// orderEvents, the one stream of allocs and frees the live chart walks, both
// ways it is made (placement by rank, the radix sort), against a comparator
// sort written from its contract: every alloc of an object not freed at or
// before its alloc index (id * 2 + 1) and every free after its alloc (id * 2),
// by index, a free before an alloc at the same index, then by event; and
// each event's object size beside it.

import { describe, expect, it } from 'vitest';
import { rng } from '../testing/kmap-writer.ts';
import type { QueryContext } from './context.ts';
import { indexAxis, orderEvents } from './event-orders.ts';

function refOrder(alloc: number[], free: number[]): number[] {
  const ev: Array<{ t: number; e: number }> = [];
  for (let i = 0; i < alloc.length; i++) {
    const a = alloc[i];
    const f = free[i];
    if (f !== 0 && f <= a) continue;
    ev.push({ t: a, e: i * 2 + 1 });
    if (f !== 0) ev.push({ t: f, e: i * 2 });
  }
  ev.sort((x, y) => x.t - y.t || (x.e & 1) - (y.e & 1) || x.e - y.e);
  return ev.map((x) => x.e);
}

/** n objects drawing their indices from one counter from `start`, in a random file order; `liveShare` never freed, `skip` indices left unused between events. */
function oneCounter(seed: number, n: number, start: number, liveShare: number, skip = 0): { alloc: number[]; free: number[] } {
  const r = rng(seed);
  const alloc: number[] = [];
  const free: number[] = [];
  // Walk the counter: each step allocs a new object or frees an open one.
  const open: number[] = [];
  let t = start;
  let made = 0;
  while (made < n || open.length > 0) {
    if (made < n && (open.length === 0 || r() < 0.55)) {
      alloc.push(t);
      free.push(0);
      if (r() >= liveShare) open.push(made);
      made++;
    } else {
      const k = Math.floor(r() * open.length);
      free[open[k]] = t;
      open.splice(k, 1);
    }
    t += 1 + (skip > 0 ? Math.floor(r() * (skip + 1)) : 0);
  }
  // The file's order is not the counter's.
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return { alloc: perm.map((i) => alloc[i]), free: perm.map((i) => free[i]) };
}

type SizeArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
type SizeType = new (values: number[]) => SizeArray;

/** Both ways' answer for these objects, against the reference; sizes in a column of `sizeType` (its own width kept). */
function check(alloc: number[], free: number[], placed: boolean, sizeType: SizeType = Uint32Array): void {
  const big = sizeType === Float64Array ? 2 ** 40 : 0;
  const mod = sizeType === Uint8Array ? 251 : 4093;
  const size = new sizeType(alloc.map((_, i) => big + 8 + ((i * 2654435761) % mod)));
  const got = orderEvents(Float64Array.from(alloc), Float64Array.from(free), size, alloc.length);
  expect(got.placed).toBe(placed);
  const ref = refOrder(alloc, free);
  expect(Array.from(got.events)).toEqual(ref);
  expect(got.sizes.constructor).toBe(sizeType);
  expect(Array.from(got.sizes)).toEqual(ref.map((e) => size[e >>> 1]));
}

describe('orderEvents', () => {
  it('places one counter shared by allocs and frees, in any file order', () => {
    for (const seed of [1, 2, 3]) {
      const { alloc, free } = oneCounter(seed, 2000, 1, 0.3);
      check(alloc, free, true);
    }
  });

  it('places indices far from 0 (past 2^32) and with holes up to the slot limit', () => {
    const { alloc, free } = oneCounter(4, 1500, 2 ** 40 + 7, 0.2, 14);
    check(alloc, free, true);
  });

  it('places a capture of live objects only, and a single object', () => {
    check([5, 3, 9, 4], [0, 0, 0, 0], true);
    check([42], [0], true);
    check([42], [43], true);
  });

  it('places indices that several events share: frees first, then allocs, each in event order', () => {
    const { alloc, free } = oneCounter(8, 1000, 1, 0.3);
    // Catch-all objects: live, all at index 0, beside one counter.
    check([0, ...alloc, 0, 0], [0, ...free, 0, 0], true);
    // After the counter's end: object B is allocated at the index object A
    // is freed at; C, D and E are freed at one index that F is allocated at.
    const t = Math.max(...alloc, ...free);
    const A = [t + 10, t + 20];
    const B = [t + 20, 0];
    const C = [t + 11, t + 30];
    const D = [t + 12, t + 30];
    const E = [t + 13, t + 30];
    const F = [t + 30, 0];
    const more = [A, B, C, D, E, F];
    check([...alloc, ...more.map((x) => x[0])], [...free, ...more.map((x) => x[1])], true);
    check([...more.map((x) => x[0]).reverse(), ...alloc], [...more.map((x) => x[1]).reverse(), ...free], true);
  });

  it('places shared indices at every bit of a word (0, 31, 32, 63) and between unshared ones', () => {
    for (const seed of [9, 10, 11, 12]) {
      const r = rng(seed);
      const { alloc, free } = oneCounter(seed, 3000, 1, 0.3);
      const n = alloc.length;
      // A few objects take another object's alloc index as theirs, and live
      // (under the share of shared events placement allows).
      for (let k = 0; k < n / 160; k++) {
        const i = Math.floor(r() * n);
        const j = Math.floor(r() * n);
        alloc[i] = alloc[j];
        free[i] = 0;
      }
      // And the slots at a word's edges, shared (the smallest index is 1: slot s is index s + 1).
      for (const slot of [0, 31, 32, 63]) {
        alloc.push(slot + 1, slot + 1);
        free.push(0, slot + 1 + 5000);
      }
      check(alloc, free, true);
    }
  });

  it('sorts instead where more than a sixty-fourth of the events share an index', () => {
    const { alloc, free } = oneCounter(5, 500, 100, 0.3);
    for (let i = 0; i < 150; i++) {
      alloc[i] = alloc[i + 200];
      free[i] = 0;
    }
    check(alloc, free, false);
  });

  it('sorts instead where the indices span more than sixteen slots an event', () => {
    const { alloc, free } = oneCounter(6, 800, 1, 0.3, 40);
    check(alloc, free, false);
  });

  it('leaves out objects freed at or before their alloc index, both ways', () => {
    const { alloc, free } = oneCounter(7, 600, 1, 0.3);
    // Damaged: free == alloc and free < alloc. Their indices leave holes.
    free[3] = alloc[3];
    free[4] = alloc[4] > 1 ? alloc[4] - 1 : 0;
    check(alloc, free, true);
    for (let i = 10; i < 200; i++) {
      alloc[i] = alloc[300];
      free[i] = 0;
    }
    check(alloc, free, false);
  });

  it('keeps the size column\'s own type both ways (8, 16, 32 bits, doubles past 2^32)', () => {
    const { alloc, free } = oneCounter(13, 700, 1, 0.3);
    for (const type of [Uint8Array, Uint16Array, Uint32Array, Float64Array]) {
      check(alloc, free, true, type);
      check([...alloc, 2 ** 35], [...free, 0], false, type);
    }
  });

  it('sorts indices past 2^31 and 2^32 in two words, a free before an alloc at one index', () => {
    check([100, 2 ** 31 + 10], [0, 0], false);
    check([2 ** 32 + 5, 2 ** 31 + 10, 7], [2 ** 32 + 9, 2 ** 32 + 5, 2 ** 32 + 5], false);
    // A free and allocs at index 2, and at 3: too many shared to place.
    check([1, 2, 2, 2, 3], [3, 0, 0, 0, 0], false);
    // An alloc before a free at one index in the file's order: the free still first.
    check([3, 1, 2, 2], [0, 3, 0, 0], false);
  });

  it('sorts indices past 2^53 by their doubles, then free before alloc, then event', () => {
    check([2 ** 60, 2 ** 60, 2 ** 60, 1], [0, 0, 0, 0], false);
    check([2 ** 60, 1, 2 ** 60 + 2 ** 9], [2 ** 61, 2 ** 60, 0], false);
  });

  it('is empty for no events', () => {
    check([], [], false);
    check([5], [5], false);
  });
});

describe('indexAxis', () => {
  /** The axis of these objects: indexAxis reads only the store's two index columns and its object count. */
  function axis(alloc: number[], free: number[]): { axisStart: number; axisEnd: number } {
    const store = { numObjects: alloc.length, numAccesses: 0, objects: { allocIndex: { data: Float64Array.from(alloc) }, freeIndex: { data: Float64Array.from(free) } } };
    const ctx = { store, memo: <T>(_key: string, make: () => T) => make() };
    return indexAxis(ctx as unknown as QueryContext);
  }

  it('runs from the smallest alloc index to just past the largest index, damaged objects included', () => {
    expect(axis([1, 100, 101], [1, 0, 102])).toEqual({ axisStart: 1, axisEnd: 103 });
    expect(axis([50, 7], [3, 0])).toEqual({ axisStart: 7, axisEnd: 51 });
    expect(axis([0, 0, 9], [0, 0, 0])).toEqual({ axisStart: 0, axisEnd: 10 });
  });

  it('is empty for no objects, and ends past the largest index where +1 rounds back (2^53 and up)', () => {
    expect(axis([], [])).toEqual({ axisStart: 0, axisEnd: 0 });
    const end = axis([5], [2 ** 60]).axisEnd;
    expect(end).toBeGreaterThan(2 ** 60);
  });
});
