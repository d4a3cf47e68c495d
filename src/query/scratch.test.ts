// ScratchArrays: every borrow is zero-filled, a key keeps one buffer (grown
// when a borrow needs more), keys never share memory, and queries that
// borrow from one context give the answers fresh contexts give.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { breakdown } from './breakdown.ts';
import { QueryContext } from './context.ts';
import { filterObjects } from './filter.ts';
import { lifetimeChart, liveChart } from './lifetime-charts.ts';
import { matrixView } from './matrix.ts';
import { sortSelection } from './object-query.ts';
import { ScratchArrays } from './scratch.ts';
import { BREAKDOWN_KEYS, OBJECT_COLUMNS, emptyFilter, type ObjectFilter } from './types.ts';

describe('ScratchArrays', () => {
  it('a borrow is zero-filled, whatever the last borrow of the key left in it', () => {
    const s = new ScratchArrays();
    s.u32('a', 100).fill(7);
    expect(Array.from(s.u32('a', 100)).every((v) => v === 0)).toBe(true);
    s.f64('a', 10).fill(1.5);
    expect(Array.from(s.u8('a', 80)).every((v) => v === 0)).toBe(true);
  });

  it('a key keeps its buffer while borrows fit, and grows past the largest borrow', () => {
    const s = new ScratchArrays();
    const first = s.u8('k', 1000);
    expect(s.u8('k', 500).buffer).toBe(first.buffer);
    const grown = s.u8('k', 2000);
    expect(grown.buffer).not.toBe(first.buffer);
    expect(grown.length).toBe(2000);
    // Rounded up by an eighth: a store growing a little does not reallocate.
    expect(s.u8('k', 2200).buffer).toBe(grown.buffer);
    expect(s.bytes()).toBeGreaterThanOrEqual(2200);
  });

  it('zero = false hands the buffer back as it was left; clear() lets every buffer go', () => {
    const s = new ScratchArrays();
    s.u32('a', 8).fill(5);
    expect(Array.from(s.u32('a', 8, false))).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
    expect(s.bytes()).toBe(32);
    s.clear();
    expect(s.bytes()).toBe(0);
    expect(Array.from(s.u32('a', 8, false))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // fresh again
  });

  it('different keys never share memory', () => {
    const s = new ScratchArrays();
    const a = s.i32('a', 64);
    const b = s.i32('b', 64);
    a.fill(-1);
    expect(Array.from(b).every((v) => v === 0)).toBe(true);
    expect(a.buffer).not.toBe(b.buffer);
  });
});

describe('queries borrowing scratch from one context', () => {
  // One context answers a sequence of queries (as the data worker's does); a
  // fresh context per query is the reference. A scratch array leaking into a
  // result, or a stale one read without its zero-fill, makes them differ.
  const text = writeKmap({ variant: 'E', objects: 3000, seed: 91 });
  const store = parseKmapBytes(new TextEncoder().encode(text));
  const shared = new QueryContext(store);
  const fresh = () => new QueryContext(store);
  const slabs = store.slabs.names();
  const filters: ObjectFilter[] = [
    emptyFilter(),
    { ...emptyFilter(), state: 'live' },
    { ...emptyFilter(), slabs: slabs.slice(0, 2) },
    { ...emptyFilter(), state: 'freed', minSize: 64 },
    emptyFilter(),
  ];

  it('filter, sort, breakdown, live chart, lifetimes and matrix equal a fresh context, in any order', () => {
    const kept: { indices: Uint32Array; copy: number[] }[] = [];
    for (const f of filters) {
      const got = filterObjects(shared, f).indices;
      expect(Array.from(got)).toEqual(Array.from(filterObjects(fresh(), f).indices));
      kept.push({ indices: got, copy: Array.from(got) });
      for (const key of OBJECT_COLUMNS) {
        const a = got.slice();
        const b = got.slice();
        sortSelection(shared, a, { key, desc: true });
        sortSelection(fresh(), b, { key, desc: true });
        expect(Array.from(a)).toEqual(Array.from(b));
      }
      for (const by of BREAKDOWN_KEYS) expect(breakdown(shared, got, by)).toEqual(breakdown(fresh(), got, by));
      expect(liveChart(shared, got, 'slab', 4, 50, null)).toEqual(liveChart(fresh(), got, 'slab', 4, 50, null));
      expect(lifetimeChart(shared, got, 'type', 4)).toEqual(lifetimeChart(fresh(), got, 'type', 4));
      expect(matrixView(shared, got, 'slab', false, 6, 4)).toEqual(matrixView(fresh(), got, 'slab', false, 6, 4));
    }
    // Earlier results are untouched by the later queries' borrows.
    for (const k of kept) expect(Array.from(k.indices)).toEqual(k.copy);
  });
});
