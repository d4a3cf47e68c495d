// orderEvents, the one stream of allocs and frees the live chart walks, both
// ways it is made (placement in slots, the radix sort), against a comparator
// sort written from its contract: every alloc of an object not freed at or
// before its alloc index (id * 2 + 1) and every free after its alloc (id * 2),
// by index, a free before an alloc at the same index, then by event.

import { describe, expect, it } from 'vitest';
import { rng } from '../testing/kmap-writer.ts';
import { orderEvents } from './live-series.ts';

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

function check(alloc: number[], free: number[], placed: boolean): void {
  const got = orderEvents(Float64Array.from(alloc), Float64Array.from(free), alloc.length);
  expect(got.placed).toBe(placed);
  expect(Array.from(got.events)).toEqual(refOrder(alloc, free));
}

describe('orderEvents', () => {
  it('places one counter shared by allocs and frees, in any file order', () => {
    for (const seed of [1, 2, 3]) {
      const { alloc, free } = oneCounter(seed, 2000, 1, 0.3);
      check(alloc, free, true);
    }
  });

  it('places indices far from 0 (past 2^32) and with holes up to the slot limit', () => {
    const { alloc, free } = oneCounter(4, 1500, 2 ** 40 + 7, 0.2, 2);
    check(alloc, free, true);
  });

  it('places a capture of live objects only, and a single object', () => {
    check([5, 3, 9, 4], [0, 0, 0, 0], true);
    check([42], [0], true);
    check([42], [43], true);
  });

  it('sorts instead where a free and an alloc share an index: the free first', () => {
    // Object 1 is allocated at the index object 0 is freed at.
    check([10, 20, 11], [20, 0, 30], false);
  });

  it('sorts instead where two allocs share an index (a damaged or merged file)', () => {
    const { alloc, free } = oneCounter(5, 500, 100, 0.3);
    alloc[7] = alloc[8];
    free[7] = 0;
    check(alloc, free, false);
  });

  it('sorts instead where the indices span more than three slots an event', () => {
    const { alloc, free } = oneCounter(6, 800, 1, 0.3, 8);
    check(alloc, free, false);
  });

  it('leaves out objects freed at or before their alloc index, both ways', () => {
    const { alloc, free } = oneCounter(7, 600, 1, 0.3);
    // Damaged: free == alloc and free < alloc. Their indices leave holes.
    free[3] = alloc[3];
    free[4] = alloc[4] > 1 ? alloc[4] - 1 : 0;
    check(alloc, free, true);
    alloc[10] = alloc[11];
    free[10] = 0;
    check(alloc, free, false);
  });

  it('is empty for no events', () => {
    check([], [], false);
    check([5], [5], false);
  });
});
