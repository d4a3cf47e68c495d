import { describe, expect, it } from 'vitest';
import { RowCache } from './row-cache.ts';

function makeFetch(total: number) {
  const calls: [number, number][] = [];
  const fetch = async (start: number, count: number) => {
    calls.push([start, count]);
    const rows: number[] = [];
    for (let i = start; i < Math.min(total, start + count); i++) rows.push(i * 10);
    return rows;
  };
  return { fetch, calls };
}

describe('RowCache', () => {
  it('fetches only the pages of the window, once', async () => {
    const { fetch, calls } = makeFetch(1000);
    const cache = new RowCache(fetch, 100, 10);
    expect(await cache.ensure(150, 260, 1000)).toBe(true);
    expect(calls).toEqual([[100, 100], [200, 100]]);
    expect(cache.get(150)).toBe(1500);
    expect(cache.get(299)).toBe(2990);
    expect(cache.get(300)).toBeUndefined();
    expect(await cache.ensure(120, 280, 1000)).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('serves a seeded page without fetching it; a reset drops it', async () => {
    const { fetch, calls } = makeFetch(1000);
    const cache = new RowCache(fetch, 100, 10);
    cache.seed(0, Array.from({ length: 100 }, (_, i) => -i));
    expect(await cache.ensure(0, 150, 1000)).toBe(true);
    expect(calls).toEqual([[100, 100]]);
    expect([cache.get(0), cache.get(99), cache.get(100)]).toEqual([-0, -99, 1000]);
    expect(cache.isFresh(5)).toBe(true);
    cache.reset();
    expect(cache.get(5)).toBeUndefined();
    await cache.ensure(0, 10, 1000);
    expect(calls).toEqual([[100, 100], [0, 100]]);
    expect(cache.get(5)).toBe(50);
  });

  it('shares a fetch in flight, and every caller that waited for it hears that it landed', async () => {
    const { fetch, calls } = makeFetch(1000);
    const cache = new RowCache(fetch, 100, 10);
    // The first caller may have stopped listening (the table scrolled on);
    // the second must still learn that its page arrived, or the rows stay blank.
    const [first, second] = await Promise.all([cache.ensure(0, 50, 1000), cache.ensure(10, 60, 1000)]);
    expect(calls).toHaveLength(1);
    expect([first, second]).toEqual([true, true]);
  });

  it('clamps to the total', async () => {
    const { fetch, calls } = makeFetch(120);
    const cache = new RowCache(fetch, 100, 10);
    await cache.ensure(90, 500, 120);
    expect(calls).toEqual([[0, 100], [100, 100]]);
    expect(cache.get(119)).toBe(1190);
    expect(await cache.ensure(200, 300, 120)).toBe(false);
  });

  it('evicts least recently used pages beyond maxPages, never the window', async () => {
    const { fetch } = makeFetch(100_000);
    const cache = new RowCache(fetch, 10, 3);
    for (let p = 0; p < 6; p++) await cache.ensure(p * 10, p * 10 + 10, 100_000);
    expect(cache.numPages).toBe(3);
    expect(cache.get(55)).toBe(550);
    expect(cache.get(5)).toBeUndefined();
  });

  it('drops pages that arrive after a reset', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const cache = new RowCache(async (start: number) => {
      await gate;
      return [start];
    }, 10, 5);
    const p = cache.ensure(0, 10, 100);
    cache.reset();
    release();
    expect(await p).toBe(false);
    expect(cache.get(0)).toBeUndefined();
  });

  it('keeps stale pages readable until fresh ones arrive, only when asked', async () => {
    let base = 0;
    const cache = new RowCache(async (start: number, count: number) => {
      const rows: number[] = [];
      for (let i = start; i < start + count; i++) rows.push(base + i);
      return rows;
    }, 10, 5);
    await cache.ensure(0, 10, 100);
    expect(cache.get(3)).toBe(3);
    base = 1000;
    cache.reset(true);
    expect(cache.get(3)).toBe(3);
    expect(cache.isFresh(3)).toBe(false);
    await cache.ensure(0, 10, 100);
    expect(cache.get(3)).toBe(1003);
    expect(cache.isFresh(3)).toBe(true);
    cache.reset(false);
    expect(cache.get(3)).toBeUndefined();
  });
});
