// The analysis queries (lifetimeHistogram, liveBins, matrixRows, the index
// window of filterObjects, lifetimeChart, liveChart) and the CLI commands
// `kmap lifetimes|live|matrix`, against the simple reference in
// ../testing/reference-analysis.ts, which was written from the commands'
// contract without reading the implementation and reads the `kmap dump`
// NDJSON of the same file with BigInt arithmetic.
//
// Inputs: seeded random kmaps of every variant (../testing/kmap-writer.ts),
// some with their indices rewritten so that frees and allocs share indices,
// free index == alloc index, free index < alloc index (damaged), many live
// objects and catch-all objects at index 0; with and without a symbol map;
// and the bundled sample with its System.map.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap } from '../symbols/symbol-map.ts';
import { rng, writeKmap } from '../testing/kmap-writer.ts';
import {
  refEvenEdges,
  refCsv,
  refFilterWithWindow,
  refIndexRange,
  refLifetimes,
  refLive,
  refLiveOver,
  refMatrix,
  refMatrixView,
} from '../testing/reference-analysis.ts';
import { refCapture, refFilter, refIsLive, type RefCapture, type RefQueryVariant } from '../testing/reference-queries.ts';
import { QueryContext } from './context.ts';
import { dumpText } from './dump.ts';
import { filterObjects } from './filter.ts';
import { chartGroups, HISTOGRAM_BUCKETS, lifetimeChart, lifetimeChartBy, liveChart } from './lifetime-charts.ts';
import { lifetimeHistogram } from './lifetimes.ts';
import { LiveCheckpoints } from './live-checkpoints.ts';
import { eventOrders } from './event-orders.ts';
import { evenEdges, liveBins, liveSeries } from './live-series.ts';
import { matrixRows, matrixView, onePassView, twoPassView, type MatrixView } from './matrix.ts';
import {
  emptyFilter,
  LIFETIME_CSV_COLUMNS,
  LIFETIME_GROUPINGS,
  LIVE_CSV_COLUMNS,
  MATRIX_COLUMN_KINDS,
  MATRIX_CSV_COLUMNS,
  WINDOW_MEANINGS,
  type IndexWindow,
  type LifetimeRow,
  type LiveBin,
  type ObjectFilter,
} from './types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const enc = (s: string) => new TextEncoder().encode(s);
const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------


/** A small random symbol map over the writer's IP range (ffffffff81000000 + 0..ffffff), with repeated names and _etext. */
function synthMap(seed: number): string {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const names = ['kmalloc_trace', 'd_alloc', '__kmalloc', 'copy_process', '=evil', 'a,b'];
  for (let i = 0; i < 40; i++) names.push(`fn_${i.toString(36)}`);
  const base = 0xffffffff81000000n;
  const lines = [`${hex16(base)} T _stext`];
  for (let i = 0; i < 200; i++) lines.push(`${hex16(base + 0x100n + BigInt(int(0xe00000)))} ${['T', 't'][int(2)]} ${names[int(names.length)]}`);
  lines.push(`${hex16(base + 0xf00000n)} T _etext`);
  return lines.join('\n') + '\n';
}

interface IndexRewrite {
  /** First alloc index; alloc indices are drawn from [base, base + range). */
  base: number;
  range: number;
  /** Probability that an object is a catch-all at alloc index 0, never freed. */
  zero?: number;
}

/**
 * The kmap with the indices of its object lines (B-E) redrawn from a small
 * range, so that many objects share alloc indices, frees fall on other
 * objects' alloc indices, and some objects are freed at their alloc index
 * (lifetime 0) or before it (a damaged free < alloc).
 */
function withIndices(text: string, seed: number, opts: IndexRewrite): string {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  return text
    .split('\n')
    .map((line) => {
      if (line === '' || line[0] === ' ' || line[0] === '\t') return line;
      const f = line.split(',');
      if (f.length < 8) return line;
      const x = r();
      let alloc = opts.base + int(opts.range);
      let free: number;
      if (opts.zero && r() < opts.zero) {
        alloc = 0;
        free = 0;
      } else if (x < 0.25) free = 0; // live
      else if (x < 0.31) free = alloc; // lifetime 0: never live
      else if (x < 0.35) free = alloc - 1 - int(5); // damaged
      else if (x < 0.45) free = alloc + 1; // lifetime 1
      else free = alloc + 1 + int(opts.range / 2); // usually another object's alloc index
      f[4] = String(alloc);
      f[5] = String(free);
      return f.join(',');
    })
    .join('\n');
}

interface Case {
  name: string;
  store: KmapStore;
  ctx: QueryContext;
  cap: RefCapture;
}

function makeCase(name: string, variant: RefQueryVariant, kmap: Uint8Array, symbols: string | null): Case {
  const store = parseKmapBytes(kmap);
  const ctx = new QueryContext(store, symbols === null ? null : new IpSymbols(parseSymbolMap(symbols), store.ips));
  return { name, store, ctx, cap: refCapture(variant, dumpText(store), symbols) };
}

const SAMPLE = readFileSync(join(ROOT, 'public', 'sample.kmap'));
const SAMPLE_MAP = readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8');
const VARIANTS = ['A', 'B', 'C', 'D', 'E'] as const;

const CASES: (() => Case)[] = [
  // The writer's own indices: jiffies-like, strictly increasing allocs, frees after them.
  ...VARIANTS.map((v, k) => () => makeCase(`random ${v} + map`, v, enc(writeKmap({ variant: v, objects: 300, seed: 500 + k })), synthMap(60 + k))),
  // Redrawn indices (serial-like, a small range: shared indices, lifetime 0, damaged frees).
  ...(['B', 'C', 'D', 'E'] as const).map(
    (v, k) => () => makeCase(`random ${v}, tricky indices, no symbols`, v, enc(withIndices(writeKmap({ variant: v, objects: 400, seed: 700 + k }), 90 + k, { base: 10, range: 300 })), null),
  ),
  () => makeCase('random E, tricky indices + map', 'E', enc(withIndices(writeKmap({ variant: 'E', objects: 400, seed: 811 }), 812, { base: 50, range: 120, zero: 0.03 })), synthMap(813)),
  () => makeCase('random D, tricky indices, seed 2 + map', 'D', enc(withIndices(writeKmap({ variant: 'D', objects: 300, seed: 821 }), 822, { base: 1, range: 40 })), synthMap(823)),
  // Jiffies-like indices with catch-alls at 0: a span of ~2^32, so the reference uses event points.
  () =>
    makeCase('random E, jiffies with catch-alls at 0', 'E', enc(withIndices(writeKmap({ variant: 'E', objects: 400, seed: 831 }), 832, { base: 4294900000, range: 3000, zero: 0.02 })), null),
  () => makeCase('sample + System.map', 'E', SAMPLE, SAMPLE_MAP),
  () => makeCase('sample, no symbols', 'E', SAMPLE, null),
];

// ---------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------

function topValue<T>(cap: RefCapture, f: (o: RefCapture['objects'][number]) => T): T {
  const counts = new Map<T, number>();
  for (const o of cap.objects) counts.set(f(o), (counts.get(f(o)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** Windows over the capture's range: quarters, one index, the whole range, outside it, and a fractional one. */
function windowsFor(cap: RefCapture): [string, { start: number; end: number }][] {
  const range = refIndexRange(cap);
  const lo = range ? Number(range.lo) : 0;
  const hi = range ? Number(range.hi) : 100;
  const q = Math.max(1, Math.floor((hi - lo) / 4));
  // The middle of the alloc indices (the range may start at a catch-all's 0).
  const allocs = cap.objects.map((o) => Number(o.allocIndex || 0)).sort((a, b) => a - b);
  const mid = allocs[Math.floor(allocs.length / 2)];
  return [
    ['whole range', { start: lo, end: hi }],
    ['second quarter', { start: lo + q, end: lo + 2 * q }],
    ['one index at the median alloc', { start: mid, end: mid + 1 }],
    ['median alloc +- 40', { start: mid - 40, end: mid + 40 }],
    ['before the range', { start: lo - 10, end: lo }],
    ['past the range', { start: hi, end: hi + 10 }],
    ['fractional bounds', { start: mid - 10.5, end: mid + 10.5 }],
  ];
}

function filtersFor(cap: RefCapture, few: readonly string[] | null): [string, Partial<ObjectFilter>][] {
  const slab = topValue(cap, (o) => o.slab);
  const type = topValue(cap, (o) => o.type);
  const windows = windowsFor(cap);
  const out: [string, Partial<ObjectFilter>][] = [
    ['no filter', {}],
    ['freed', { state: 'freed' }],
    ['live', { state: 'live' }],
    ['top slab', { slabs: [slab] }],
    ['top type, no sentinels', { types: [type], hideSentinels: true }],
    ['other tasks', { otherTasks: true }],
    ['min size 128', { minSize: 128 }],
  ];
  const w = windows[3][1];
  for (const meaning of WINDOW_MEANINGS) out.push([`window ${meaning}, median alloc +- 40`, { window: { ...w, meaning } }]);
  out.push(['window survived AND freed AND top slab', { window: { ...windows[1][1], meaning: 'survived' }, state: 'freed', slabs: [slab] }]);
  return few ? out.filter(([label]) => few.includes(label)) : out;
}

const filter = (partial: Partial<ObjectFilter>): ObjectFilter => ({ ...emptyFilter(), ...partial });

/** The indices the project's filter keeps, checked against the reference first. */
/** The capture's allocation-index axis as numbers (its first and last event, and their distance), or null when it has none. */
function indexAxis(c: Case): { lo: number; hi: number; span: number } | null {
  const range = refIndexRange(c.cap);
  if (range === null) return null;
  const lo = Number(range.lo);
  const hi = Number(range.hi);
  return { lo, hi, span: hi - lo };
}

function keptBoth(c: Case, f: ObjectFilter): { indices: Uint32Array; kept: number[] } {
  const indices = filterObjects(c.ctx, f).indices;
  const kept = refFilterWithWindow(c.cap, f);
  same('kept', Array.from(indices), kept);
  return { indices, kept };
}

/** Bin counts: 1, small ones, around the span, far above it (for a large span, only when `full`). */
function binCountsFor(c: Case, full: boolean): number[] {
  const range = refIndexRange(c.cap);
  if (range === null) return [1, 7, 1000];
  const span = Number(range.hi - range.lo);
  const counts = full ? [1, 2, 3, 7, 64, 1000] : [1, 7];
  if (span <= 5_000) counts.push(...(full ? [Math.max(1, span - 1), span, span + 1, 3 * span + 7] : [span + 1]));
  else if (full && span <= 200_000) counts.push(span, 2 * span + 1);
  return [...new Set(counts)];
}

/** JSON.stringify replacer for bigints. */
function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

/** expect(got).toEqual(want), with a fast path for long equal arrays (toEqual's deep walk is slow on thousands of rows). */
function same(label: unknown, got: unknown, want: unknown): void {
  if (JSON.stringify(got, big) === JSON.stringify(want, big)) return;
  expect({ label, got }).toEqual({ label, got: want });
}

const maxOf = (bins: readonly LiveBin[]) => ({
  objects: bins.reduce((m, b) => Math.max(m, b.maxLiveObjects), 0),
  bytes: bins.reduce<bigint>((m, b) => (BigInt(b.maxLiveBytes) > m ? BigInt(b.maxLiveBytes) : m), 0n),
});

// ---------------------------------------------------------------------------
// Against the reference
// ---------------------------------------------------------------------------

describe.each(CASES.map((make) => [make] as const))('against the reference', (make) => {
  const c = make();
  describe(c.name, () => {
    it('has a consistent dump', () => {
      expect(c.store.variant).toBe(c.cap.variant);
      expect(c.cap.objects.length).toBe(c.store.numObjects);
      for (const o of c.cap.objects) expect(o.live).toBe(refIsLive(c.cap, o));
    });

    if (c.name.includes('tricky')) {
      it('holds the index cases it is made for', () => {
        const objs = c.cap.objects;
        const allocs = new Set(objs.map((o) => o.allocIndex));
        const freed = objs.filter((o) => o.freeIndex !== '0');
        const n = {
          live: objs.filter((o) => o.freeIndex === '0').length,
          freeAtAnotherAlloc: freed.filter((o) => allocs.has(o.freeIndex) && o.freeIndex !== o.allocIndex).length,
          freeEqualsAlloc: freed.filter((o) => o.freeIndex === o.allocIndex).length,
          damaged: freed.filter((o) => BigInt(o.freeIndex) < BigInt(o.allocIndex)).length,
        };
        for (const [k, v] of Object.entries(n)) expect(v, k).toBeGreaterThan(5);
      });
    }

    it('index window: every meaning, every window, with and without other filters', () => {
      for (const [label, w] of windowsFor(c.cap)) {
        for (const meaning of WINDOW_MEANINGS) {
          const window: IndexWindow = { ...w, meaning };
          for (const extra of [{}, { state: 'freed' as const }, { otherTasks: true }]) {
            const f = filter({ ...extra, window });
            const got = Array.from(filterObjects(c.ctx, f).indices);
            expect({ label, meaning, extra, got }).toEqual({ label, meaning, extra, got: refFilterWithWindow(c.cap, f) });
          }
        }
      }
    });

    const few = c.name === 'sample, no symbols' ? ['no filter', 'other tasks'] : c.name.startsWith('sample') ? ['no filter', 'freed', 'top slab', 'other tasks', 'window liveAtEnd, median alloc +- 40'] : null;
    for (const [label, partial] of filtersFor(c.cap, few)) {
      describe(`filter: ${label}`, () => {
        const f = filter(partial);

        it('lifetimes, --by slab and --by type', () => {
          const { indices, kept } = keptBoth(c, f);
          for (const by of LIFETIME_GROUPINGS) {
            const got = lifetimeHistogram(c.ctx, indices, by);
            const want = refLifetimes(c.cap, kept, by);
            same(by, got.rows, want.rows);
            if (c.cap.variant !== 'A') {
              expect(got.inconsistent).toBe(want.damaged);
              expect(got.live).toBe(kept.filter((i) => c.cap.objects[i].freeIndex === '0').length);
            }
          }
        });

        it('live bins at every bin count (1, small, around the span, far above it)', () => {
          const { indices, kept } = keptBoth(c, f);
          for (const bins of binCountsFor(c, label === 'no filter')) {
            same({ bins }, liveBins(c.ctx, indices, bins), refLive(c.cap, kept, bins));
          }
        });

        it('matrix, --cols slab and type (other tasks: as the filter says)', () => {
          const { indices, kept } = keptBoth(c, f);
          for (const kind of MATRIX_COLUMN_KINDS) {
            same(kind, matrixRows(c.ctx, indices, kind, f.otherTasks), refMatrix(c.cap, kept, kind, f.otherTasks));
          }
        });

        it('matrix view, top cuts with "other", by both ways of counting it (symbols map several IPs to one site)', () => {
          const { indices, kept } = keptBoth(c, f);
          for (const kind of MATRIX_COLUMN_KINDS) {
            for (const [maxRows, maxCols] of [[3, 2], [40, 24]]) {
              const want = refMatrixView(c.cap, kept, kind, f.otherTasks, maxRows, maxCols);
              for (const [how, view] of [['onePassView', onePassView], ['twoPassView', twoPassView]] as const) {
                same({ kind, maxRows, maxCols, how }, plainView(view(c.ctx, indices, kind, f.otherTasks, maxRows, maxCols)), want);
              }
            }
          }
        });
      });
    }

    it('matrix with other tasks counted without the object filter (lines only)', () => {
      const all = Array.from({ length: c.store.numObjects }, (_, i) => i);
      for (const kind of MATRIX_COLUMN_KINDS) {
        same(kind, matrixRows(c.ctx, Uint32Array.from(all), kind, true), refMatrix(c.cap, all, kind, true));
      }
    });

    it('the reference agrees with itself: every index and event points', () => {
      const range = refIndexRange(c.cap);
      if (range === null || range.hi - range.lo > 20_000n) return;
      const span = Number(range.hi - range.lo);
      for (const partial of [{}, { state: 'freed' as const }, { state: 'live' as const }, { otherTasks: true }]) {
        const kept = refFilter(c.cap, filter(partial));
        for (const bins of [1, 2, 5, 64, span - 1, span, span + 3]) {
          same({ bins, partial }, refLive(c.cap, kept, bins, 'event points'), refLive(c.cap, kept, bins, 'every index'));
        }
      }
    });

    it('the peak is kept at every bin count (the max over bins is the max at bins = span)', () => {
      const range = refIndexRange(c.cap);
      if (range === null) {
        expect(liveBins(c.ctx, filterObjects(c.ctx, filter({})).indices, 10)).toEqual([]);
        return;
      }
      const span = Number(range.hi - range.lo);
      const r = rng(span);
      for (const partial of [{}, { state: 'freed' as const }, { slabs: [topValue(c.cap, (o) => o.slab)] }]) {
        const { indices, kept } = keptBoth(c, filter(partial));
        const fine = span <= 200_000 ? liveBins(c.ctx, indices, span) : refLive(c.cap, kept, 1);
        const peak = maxOf(fine);
        expect(maxOf(refLive(c.cap, kept, 1))).toEqual(peak);
        const counts = [1, 2, 3, 10, 999, span - 1, span + 1, 2 * span];
        for (let k = 0; k < 12; k++) counts.push(1 + Math.floor(r() * Math.min(2 * span, 5_000)));
        for (const bins of counts.filter((n) => n >= 1 && n <= 100_000)) {
          expect({ bins, peak: maxOf(liveBins(c.ctx, indices, bins)) }).toEqual({ bins, peak });
        }
      }
    });

    it('lifetimeChart: the series sum to the histogram; live, freed, inconsistent', () => {
      for (const partial of [{}, { state: 'freed' as const }, { otherTasks: true }]) {
        const { indices, kept } = keptBoth(c, filter(partial));
        for (const by of LIFETIME_GROUPINGS) {
          const want = refLifetimes(c.cap, kept, by);
          const perBucket = new Map<string, { objects: number; bytes: bigint }>();
          for (const row of want.rows) {
            const key = String(row.bucketLow);
            const t = perBucket.get(key) ?? { objects: 0, bytes: 0n };
            t.objects += row.objects;
            t.bytes += BigInt(row.bytes);
            perBucket.set(key, t);
          }
          for (const top of [1, 3, 1000]) {
            const chart = lifetimeChart(c.ctx, indices, by, top);
            // Both ways of counting give the same chart, with chartGroups' groups.
            expect(lifetimeChartBy(c.ctx, indices, by, top, 'ranked first')).toEqual(chart);
            expect(lifetimeChartBy(c.ctx, indices, by, top, 'one pass')).toEqual(chart);
            expect(chart.groups).toEqual(chartGroups(c.ctx, indices, by, top).names);
            const numSeries = chart.groups.length + (chart.otherGroup ? 1 : 0);
            const got = new Map<string, { objects: number; bytes: bigint }>();
            for (let slot = 0; slot < HISTOGRAM_BUCKETS; slot++) {
              let objects = 0;
              let bytes = 0n;
              for (let s = 0; s < numSeries; s++) {
                objects += chart.objects[s * HISTOGRAM_BUCKETS + slot];
                bytes += BigInt(chart.bytes[s * HISTOGRAM_BUCKETS + slot]);
              }
              if (objects > 0) got.set(String(slot === 0 ? 0n : 1n << BigInt(slot - 1)), { objects, bytes });
            }
            expect({ by, top, buckets: got }).toEqual({ by, top, buckets: perBucket });
            if (c.cap.variant !== 'A') {
              const freed = want.rows.reduce((n, row) => n + row.objects, 0);
              expect({ live: chart.live, freed: chart.freed, inconsistent: chart.inconsistent }).toEqual({
                live: kept.filter((i) => c.cap.objects[i].freeIndex === '0').length,
                freed,
                inconsistent: want.damaged,
              });
            }
            // With every group shown, each series is that group's histogram.
            if (top === 1000) {
              expect(chart.otherGroup).toBe(false);
              const series = new Map<string, number>();
              for (const row of want.rows) series.set(row.group, (series.get(row.group) ?? 0) + row.objects);
              chart.groups.forEach((g, s) => {
                const n = chart.objects.slice(s * HISTOGRAM_BUCKETS, (s + 1) * HISTOGRAM_BUCKETS).reduce((a, b) => a + b, 0);
                expect({ g, n }).toEqual({ g, n: series.get(g) ?? 0 });
              });
            }
          }
        }
      }
    });

    it('liveChart over the whole axis: even bins, the maxima of the reference in them; each series its group', () => {
      const range = refIndexRange(c.cap);
      for (const partial of [{}, { types: [topValue(c.cap, (o) => o.type)], state: 'live' as const }]) {
        const { indices, kept } = keptBoth(c, filter(partial));
        for (const bins of [1, 13, 500]) {
          const chart = liveChart(c.ctx, indices, 'slab', 1000, bins, null);
          if (range === null) {
            expect(Array.from(chart.maxObjects).every((x) => x === 0)).toBe(true);
            continue;
          }
          const n = chart.edges.length - 1;
          expect(n).toBeGreaterThanOrEqual(1);
          expect(n).toBeLessThanOrEqual(bins);
          expect([chart.start, chart.end]).toEqual([Number(range.lo), Number(range.hi)]);
          const edges = refEvenEdges(range.lo, range.hi, n);
          expect(Array.from(chart.edges)).toEqual([...edges.map(([s]) => Number(s)), Number(range.hi)]);
          // Even: no two bins differ in width by more than one index.
          const widths = edges.map(([a, b]) => Number(b - a));
          expect(Math.max(...widths) - Math.min(...widths)).toBeLessThanOrEqual(1);
          const want = refLiveOver(c.cap, kept, edges);
          expect(Array.from(chart.maxObjects)).toEqual(want.map((b) => b.maxLiveObjects));
          expect(Array.from(chart.maxBytes)).toEqual(want.map((b) => Number(b.maxLiveBytes)));
          // Each series (every group shown) is the live maxima of that group's objects alone.
          expect(chart.otherGroup).toBe(false);
          chart.groups.forEach((g, s) => {
            const ofGroup = kept.filter((i) => (c.cap.variant === 'D' || c.cap.variant === 'E' ? c.cap.objects[i].slab : '') === g);
            const wantG = refLiveOver(c.cap, ofGroup, edges);
            expect({ g, objects: Array.from(chart.seriesMaxObjects.slice(s * n, (s + 1) * n)) }).toEqual({ g, objects: wantG.map((b) => b.maxLiveObjects) });
            expect({ g, bytes: Array.from(chart.seriesMaxBytes.slice(s * n, (s + 1) * n)) }).toEqual({ g, bytes: wantG.map((b) => Number(b.maxLiveBytes)) });
          });
        }
      }
    });

    it('checkpoints when a narrow zoom walks first, and for the totals alone: a later wider walk still records; zooms match the walk from the first event', () => {
      const axis = indexAxis(c);
      if (axis === null || axis.span < 20) return;
      const { lo, hi, span } = axis;
      const { indices, kept } = keptBoth(c, filter({}));
      const { axisStart, axisEnd } = eventOrders(c.ctx);
      const checkpoints = new LiveCheckpoints();
      // A zoom near the axis's start first (its range starts before the axis, as Zoom to window's padding can).
      liveSeries(c.ctx, indices, evenEdges(lo - 3, lo + Math.floor(span / 10), 4), null, 0, checkpoints);
      // Then the whole axis: it records past where the zoom's entries end.
      liveSeries(c.ctx, indices, evenEdges(axisStart, axisEnd, 23), null, 0, checkpoints);
      const late = lo + Math.floor(span * 0.8);
      const k = checkpoints.lastAtOrBelow(late, 0);
      expect(checkpoints.at[k]).toBeGreaterThan(lo + Math.floor(span / 10));
      for (const [s, e] of [[late, hi], [lo - 3, lo + 2], [lo + Math.floor(span / 2), hi + 4]]) {
        const edges = evenEdges(s, e, 3);
        const got = liveSeries(c.ctx, indices, edges, null, 0, checkpoints);
        const plain = liveSeries(c.ctx, indices, edges, null, 0);
        expect({ s, e, got: [Array.from(got.maxObjects), Array.from(got.maxBytes)] }).toEqual({ s, e, got: [Array.from(plain.maxObjects), Array.from(plain.maxBytes)] });
        const want = refLiveOver(c.cap, kept, refEvenEdges(BigInt(s), BigInt(e), 3));
        expect({ s, e, objects: Array.from(got.maxObjects) }).toEqual({ s, e, objects: want.map((b) => b.maxLiveObjects) });
      }
    });

    it('a zoomed liveChart that starts at the whole-axis walk\'s checkpoints: the same chart as from the first event, the reference maxima', () => {
      const axis = indexAxis(c);
      if (axis === null) return;
      const { lo, hi, span } = axis;
      // A tenth at each end, two indices in the middle, a window running past the axis.
      const windows = [
        [lo, lo + Math.ceil(span / 10)],
        [lo + Math.floor(span * 0.9), hi],
        [lo + Math.floor(span / 3), lo + Math.floor(span / 3) + 2],
        [lo + Math.floor(span / 2), hi + 5],
      ].filter(([s, e]) => e > s);
      for (const partial of [{}, { state: 'freed' as const }]) {
        const { indices, kept } = keptBoth(c, filter(partial));
        const checkpoints = new LiveCheckpoints();
        // Three top groups and "other": every series' counts pass through the checkpoints.
        liveChart(c.ctx, indices, 'slab', 3, 37, null, checkpoints);
        expect(checkpoints.length).toBeGreaterThan(0);
        for (const [s, e] of windows) {
          for (const bins of [1, 5]) {
            const zoomed = liveChart(c.ctx, indices, 'slab', 3, bins, [s, e], checkpoints);
            // It started at a checkpoint (the whole-axis walk recorded one at or before every window).
            expect(checkpoints.lastAtOrBelow(s, zoomed.groups.length + (zoomed.otherGroup ? 1 : 0))).toBeGreaterThanOrEqual(0);
            expect({ s, e, bins, zoomed }).toEqual({ s, e, bins, zoomed: liveChart(c.ctx, indices, 'slab', 3, bins, [s, e]) });
            const want = refLiveOver(c.cap, kept, refEvenEdges(BigInt(s), BigInt(e), zoomed.edges.length - 1));
            expect({ s, e, bins, objects: Array.from(zoomed.maxObjects) }).toEqual({ s, e, bins, objects: want.map((b) => b.maxLiveObjects) });
            expect({ s, e, bins, bytes: Array.from(zoomed.maxBytes) }).toEqual({ s, e, bins, bytes: want.map((b) => Number(b.maxLiveBytes)) });
          }
        }
      }
    });
  });
});


// ---------------------------------------------------------------------------
// By hand: the smallest cases of each rule
// ---------------------------------------------------------------------------

/** An E object line with the given indices. */
function eLine(alloc: string | number, free: string | number, size: number | string = 64, slab = 'kmalloc-64', type = 'KMALLOC', pid = 100): string {
  const freeIp = String(free) === '0' ? '0000000000000000' : 'ffffffff81003050';
  return `ffffffff81001010,${pid},ffff888000001000,${size},${alloc},${free},${freeIp},${type},cat,${slab},`;
}

function handCase(lines: string[]): Case {
  return makeCase('hand', 'E', enc(lines.join('\n') + '\n'), null);
}

const all = (c: Case) => Uint32Array.from({ length: c.store.numObjects }, (_, i) => i);
const allRef = (c: Case) => Array.from({ length: c.store.numObjects }, (_, i) => i);

describe('by hand', () => {
  it('freed and allocated at the same index: the freed one is not live there', () => {
    // o0 live on [10, 20); o1 from 20 on. At 20 only o1 is live.
    const c = handCase([eLine(10, 20, 64), eLine(20, 0, 32)]);
    const want: LiveBin[] = [{ binStart: 10, binEnd: 21, maxLiveObjects: 1, maxLiveBytes: 64 }];
    expect(refLive(c.cap, allRef(c), 1)).toEqual(want);
    expect(liveBins(c.ctx, all(c), 1)).toEqual(want);
    expect(liveBins(c.ctx, all(c), 11).map((b) => b.maxLiveObjects)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('free index == alloc index: lifetime 0, in [0, 1), never live', () => {
    const c = handCase([eLine(10, 10, 64), eLine(5, 0, 8)]);
    const rows: LifetimeRow[] = [{ group: 'kmalloc-64', bucketLow: 0, bucketHigh: 1, objects: 1, bytes: 64 }];
    expect(lifetimeHistogram(c.ctx, all(c), 'slab').rows).toEqual(rows);
    expect(refLifetimes(c.cap, allRef(c), 'slab').rows).toEqual(rows);
    const live = [{ binStart: 5, binEnd: 11, maxLiveObjects: 1, maxLiveBytes: 8 }];
    expect(liveBins(c.ctx, all(c), 1)).toEqual(live);
    expect(refLive(c.cap, allRef(c), 1)).toEqual(live);
  });

  it('a damaged free < alloc is left out of lifetimes (counted) and never live', () => {
    const c = handCase([eLine(10, 7, 64), eLine(3, 4, 16)]);
    const h = lifetimeHistogram(c.ctx, all(c), 'slab');
    expect(h.rows).toEqual([{ group: 'kmalloc-64', bucketLow: 1, bucketHigh: 2, objects: 1, bytes: 16 }]);
    expect(h.inconsistent).toBe(1);
    expect(refLifetimes(c.cap, allRef(c), 'slab')).toEqual({ rows: h.rows, damaged: 1 });
    // Range [3, 11): only o1 is ever live, at 3.
    const bins = [
      { binStart: 3, binEnd: 7, maxLiveObjects: 1, maxLiveBytes: 16 },
      { binStart: 7, binEnd: 11, maxLiveObjects: 0, maxLiveBytes: 0 },
    ];
    expect(liveBins(c.ctx, all(c), 2)).toEqual(bins);
    expect(refLive(c.cap, allRef(c), 2)).toEqual(bins);
  });

  it('bins of width 0 report 0; the last takes the remainder', () => {
    const c = handCase([eLine(10, 12, 64), eLine(11, 0, 8)]);
    // Range [10, 13), span 3, 5 bins: width 0, four empty bins and [10, 13).
    const want: LiveBin[] = [
      ...Array.from({ length: 4 }, () => ({ binStart: 10, binEnd: 10, maxLiveObjects: 0, maxLiveBytes: 0 })),
      { binStart: 10, binEnd: 13, maxLiveObjects: 2, maxLiveBytes: 72 },
    ];
    expect(refLive(c.cap, allRef(c), 5)).toEqual(want);
    expect(liveBins(c.ctx, all(c), 5)).toEqual(want);
  });

  it('the two maxima may be at different indices', () => {
    // [0,2): one 4096-byte object; [2,5): three 8-byte objects.
    const c = handCase([eLine(0, 2, 4096), eLine(2, 5, 8), eLine(2, 5, 8), eLine(2, 5, 8)]);
    const want = [{ binStart: 0, binEnd: 6, maxLiveObjects: 3, maxLiveBytes: 4096 }];
    expect(refLive(c.cap, allRef(c), 1)).toEqual(want);
    expect(liveBins(c.ctx, all(c), 1)).toEqual(want);
  });

  it('the range is the whole capture, the maxima only the filtered objects', () => {
    const c = handCase([eLine(100, 200, 64, 'dentry'), eLine(150, 0, 8, 'filp')]);
    const kept = filterObjects(c.ctx, filter({ slabs: ['filp'] })).indices;
    const want = [
      { binStart: 100, binEnd: 150, maxLiveObjects: 0, maxLiveBytes: 0 },
      { binStart: 150, binEnd: 201, maxLiveObjects: 1, maxLiveBytes: 8 },
    ];
    expect(liveBins(c.ctx, kept, 2)).toEqual(want);
    expect(refLive(c.cap, Array.from(kept), 2)).toEqual(want);
  });

  it('window meanings at their edges', () => {
    // o0 [10, 20), o1 [20, live), o2 [15, 15) (lifetime 0), o3 alloc 12 free 11 (damaged), o4 [5, 30)
    const c = handCase([eLine(10, 20), eLine(20, 0), eLine(15, 15), eLine(12, 11), eLine(5, 30)]);
    const run = (start: number, end: number, meaning: IndexWindow['meaning']) => {
      const f = filter({ window: { start, end, meaning } });
      const got = Array.from(filterObjects(c.ctx, f).indices);
      expect(got).toEqual(refFilterWithWindow(c.cap, f));
      return got;
    };
    expect(run(10, 20, 'allocated')).toEqual([0, 2, 3]);
    expect(run(10, 20, 'liveAtEnd')).toEqual([0, 4]); // live at 19
    expect(run(10, 21, 'liveAtEnd')).toEqual([1, 4]); // live at 20: o0 freed there
    expect(run(10, 20, 'survived')).toEqual([0]); // o0 freed at 20 = end: survived
    expect(run(15, 16, 'survived')).toEqual([]); // o2 freed in the window
    expect(run(0, 100, 'survived')).toEqual([1]);
  });

  it('variant A: the window keeps nothing, no lifetimes, no live bins', () => {
    const c = makeCase('A', 'A', enc('ffffffff81001010,ffffffff81001020,ffff888000001000,64,100,cat\nffffffff81001010,0,ffff888000002000,32,100,cat\n'), null);
    for (const meaning of WINDOW_MEANINGS) {
      const f = filter({ window: { start: -1e18, end: 1e18, meaning } });
      expect(Array.from(filterObjects(c.ctx, f).indices)).toEqual([]);
      expect(refFilterWithWindow(c.cap, f)).toEqual([]);
    }
    expect(lifetimeHistogram(c.ctx, all(c), 'slab').rows).toEqual([]);
    expect(liveBins(c.ctx, all(c), 3)).toEqual(refLive(c.cap, allRef(c), 3));
  });

  it('lifetimes: bucket edges 1, 2, 3, 4, 2^31, 2^32, 2^53 - 1', () => {
    const base = 10;
    const lifetimes = [1, 2, 3, 4, 7, 8, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1 - base];
    const c = handCase(lifetimes.map((l) => eLine(base, base + l, 1)));
    const want = refLifetimes(c.cap, allRef(c), 'slab').rows;
    expect(want.map((r) => [r.bucketLow, r.objects])).toEqual([
      [1, 1],
      [2, 2],
      [4, 2],
      [8, 1],
      [2 ** 30, 1],
      [2 ** 31, 1],
      [2 ** 32, 1],
      [2 ** 52, 1],
    ]);
    expect(lifetimeHistogram(c.ctx, all(c), 'slab').rows).toEqual(want);
  });

  it('64-bit values: lifetimes past 2^53 (bigint bounds), bytes and reads past 2^53, exactly', () => {
    const c = handCase([
      eLine(1, '18446744073709551615', 1), // lifetime 2^64 - 2: [2^63, 2^64)
      eLine(1, '9007199254740993', 1), // lifetime 2^53: [2^53, 2^54)
      eLine(2, 0, '9007199254740991'),
      '  ffffffff81004010,9007199254740991,9007199254740991,5',
      '  ffffffff81004010,1,1,5',
      eLine(3, 0, '9007199254740991'),
      '  ffffffff81004020,18446744073709551615,0,5',
      eLine(4, 6, '18446744073709551615'),
    ]);
    const want = refLifetimes(c.cap, allRef(c), 'slab').rows;
    expect(want).toEqual([
      { group: 'kmalloc-64', bucketLow: 2, bucketHigh: 4, objects: 1, bytes: 18446744073709551615n },
      { group: 'kmalloc-64', bucketLow: 2n ** 53n, bucketHigh: 2n ** 54n, objects: 1, bytes: 1 },
      { group: 'kmalloc-64', bucketLow: 2n ** 63n, bucketHigh: 2n ** 64n, objects: 1, bytes: 1 },
    ]);
    expect(lifetimeHistogram(c.ctx, all(c), 'slab').rows).toEqual(want);
    // Live bins over indices below 2^53: the bytes are exact bigints.
    const small = handCase([eLine(2, 0, '9007199254740991'), eLine(3, 0, '9007199254740991'), eLine(4, 6, '18446744073709551615')]);
    for (const bins of [1, 2, 5]) expect(liveBins(small.ctx, all(small), bins)).toEqual(refLive(small.cap, allRef(small), bins));
    expect(refLive(small.cap, allRef(small), 1)[0].maxLiveBytes).toBe(18446744073709551615n + 2n * 9007199254740991n);
    expect(matrixRows(c.ctx, all(c), 'slab', false)).toEqual(refMatrix(c.cap, allRef(c), 'slab', false));
    expect(refMatrix(c.cap, allRef(c), 'slab', false)[0].writes).toBe(18446744073709551615n);
  });

  // Indices of 2^53 and above (only a damaged file has them; the contract
  // takes them exactly, src/query/types.ts says windows compare them as
  // doubles). The smallest input that loses a live object: one object,
  // never freed, allocated at 2^53. Contract: the range is [2^53, 2^53 + 1),
  // one bin, one object live at 2^53. Got: the range's end, max index + 1,
  // is computed in doubles and rounds back to 2^53, so the one bin is empty
  // and reports 0 live objects, 0 bytes (`kmap live FILE --bins 1` prints
  // `9007199254740992,9007199254740992,0,0`). At 2^53 - 1 it is right. With
  // a second object allocated at 1 and the first at 2^64 - 2, the peak of 2
  // is reported as 1. The bin edges themselves cannot be exact there
  // (LiveBin's are numbers), so only the maxima are compared.
  it('an object allocated at index 2^53 or above is still counted live (the axis ends past it)', () => {
    // Indices that high (damaged files only) are doubles on the axis, so the
    // bin bounds are not exact there; the objects and bytes are.
    const c = handCase([eLine('9007199254740992', 0, 64)]);
    expect(refLive(c.cap, allRef(c), 1).map((b) => [b.maxLiveObjects, b.maxLiveBytes])).toEqual([[1, 64]]);
    expect(liveBins(c.ctx, all(c), 1).map((b) => [b.maxLiveObjects, b.maxLiveBytes])).toEqual([[1, 64]]);
    const far = handCase([eLine(1, 0, 8), eLine('18446744073709551614', 0, 16)]);
    expect(liveBins(far.ctx, all(far), 1).map((b) => [b.maxLiveObjects, b.maxLiveBytes])).toEqual([[2, 24]]);
  });

  it('(the largest exact index) an object allocated at 2^53 - 1 is counted, with exact bounds', () => {
    const c = handCase([eLine('9007199254740991', 0, 64)]);
    const want = [{ binStart: 9007199254740991, binEnd: 9007199254740992, maxLiveObjects: 1, maxLiveBytes: 64 }];
    expect(refLive(c.cap, allRef(c), 1)).toEqual(want);
    expect(liveBins(c.ctx, all(c), 1)).toEqual(want);
  });

  it('matrix: ties by site then column (byte order), every pair listed', () => {
    const c = handCase([
      eLine(1, 0, 8, 'b', 'T'),
      '  ffffffff81004010,1,1,100',
      '  ffffffff81004020,1,1,100',
      eLine(2, 0, 8, 'a', 'T'),
      '  ffffffff81004010,1,1,7',
      '  ffffffff81004010,0,2,7',
      eLine(3, 0, 8, '\u{1F600}', 'T'),
      '  ffffffff81004020,2,0,100',
      eLine(4, 0, 8, '\uE000', 'T'),
      '  ffffffff81004020,2,0,100',
    ]);
    const want = [
      { site: 'ffffffff81004010', column: 'a', reads: 3, writes: 1, accessLines: 2, objects: 1 },
      { site: 'ffffffff81004010', column: 'b', reads: 1, writes: 1, accessLines: 1, objects: 1 },
      { site: 'ffffffff81004020', column: 'b', reads: 1, writes: 1, accessLines: 1, objects: 1 },
      { site: 'ffffffff81004020', column: '\uE000', reads: 0, writes: 2, accessLines: 1, objects: 1 },
      { site: 'ffffffff81004020', column: '\u{1F600}', reads: 0, writes: 2, accessLines: 1, objects: 1 },
    ];
    expect(refMatrix(c.cap, allRef(c), 'slab', false)).toEqual(want);
    expect(matrixRows(c.ctx, all(c), 'slab', false)).toEqual(want);
    expect(matrixRows(c.ctx, all(c), 'slab', true)).toEqual(refMatrix(c.cap, allRef(c), 'slab', true));
    expect(matrixRows(c.ctx, all(c), 'type', false)).toEqual(refMatrix(c.cap, allRef(c), 'type', false));
  });
});

// ---------------------------------------------------------------------------
// Tiny random kmaps: every rule at once on a handful of objects and indices
// ---------------------------------------------------------------------------

/** A MatrixView with plain arrays, to compare with refMatrixView. */
function plainView(v: MatrixView) {
  return { ...v, reads: Array.from(v.reads), writes: Array.from(v.writes), lines: Array.from(v.lines), objects: Array.from(v.objects) };
}

describe('matrix view ranking', () => {
  it('equal reads + writes: more access lines first, however large the counts', () => {
    // 1e8 reads + writes each; the second site has two lines. Folded into
    // one double (rw + lines * 1e-9) the lines were lost past about 2^23.
    const c = handCase([
      'ffffffff81001010,1,ffff888000001000,64,1,0,0,T0,cat,s0,',
      '  ffffffff81004010,0,100000000,1',
      '  ffffffff81004011,0,50000000,1',
      '  ffffffff81004011,0,50000000,1',
    ]);
    const all = Uint32Array.from(allRef(c));
    for (const view of [matrixView, onePassView, twoPassView]) {
      const v = view(c.ctx, all, 'slab', false, 1, 1);
      expect(v.rows).toEqual(['ffffffff81004011']);
      expect(plainView(v)).toEqual(refMatrixView(c.cap, allRef(c), 'slab', false, 1, 1));
    }
  });
});

describe('tiny random kmaps (indices 0-9, every-index reference)', () => {
  it('lifetimes, live bins, matrix and windows agree with the reference on 300 seeds', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const int = (n: number) => Math.floor(r() * n);
      const lines: string[] = [];
      for (let k = 1 + int(6); k > 0; k--) {
        const free = r() < 0.3 ? 0 : int(10);
        lines.push(
          `ffffffff8100101${int(3)},${int(3)},ffff888000001000,${1 + int(3)},${int(8)},${free},${free ? 'ffffffff81003050' : '0'},T${int(2)},cat,s${int(3)},`,
        );
        for (let j = int(3); j > 0; j--) lines.push(`  ffffffff8100401${int(3)},${int(3)},${int(3)},${int(3)}`);
      }
      const c = handCase(lines);
      const kept = allRef(c).filter(() => r() < 0.7);
      const indices = Uint32Array.from(kept);
      const ctx = { seed, kmap: lines.join('\n'), kept };
      for (const by of LIFETIME_GROUPINGS) same({ ...ctx, by }, lifetimeHistogram(c.ctx, indices, by).rows, refLifetimes(c.cap, kept, by).rows);
      for (const bins of [1, 2, 3, 5, 13]) same({ ...ctx, bins }, liveBins(c.ctx, indices, bins), refLive(c.cap, kept, bins, 'every index'));
      for (const kind of MATRIX_COLUMN_KINDS) {
        for (const otherTasks of [false, true]) {
          same({ ...ctx, kind, otherTasks }, matrixRows(c.ctx, indices, kind, otherTasks), refMatrix(c.cap, kept, kind, otherTasks));
          // The view, top cut with "other", by both ways of counting it (matrixView picks by grid size).
          for (const [maxRows, maxCols] of [[1, 1], [2, 1], [1, 2], [2, 2], [9, 9]]) {
            const want = refMatrixView(c.cap, kept, kind, otherTasks, maxRows, maxCols);
            for (const [how, view] of [['matrixView', matrixView], ['onePassView', onePassView], ['twoPassView', twoPassView]] as const) {
              same({ ...ctx, kind, otherTasks, maxRows, maxCols, how }, plainView(view(c.ctx, indices, kind, otherTasks, maxRows, maxCols)), want);
            }
          }
        }
      }
      for (const meaning of WINDOW_MEANINGS) {
        const start = int(10) - 1;
        const f = filter({ window: { start, end: start + 1 + int(5), meaning } });
        same({ ...ctx, window: f.window }, Array.from(filterObjects(c.ctx, f).indices), refFilterWithWindow(c.cap, f));
      }
    }
  });
});

// ---------------------------------------------------------------------------
// The CLI on the sample
// ---------------------------------------------------------------------------

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI that vitest's global setup built (as src/cli/run-kmap.ts does). */
function kmap(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [inject('kmapCli'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

const SAMPLE_PATH = join(ROOT, 'public', 'sample.kmap');
const SAMPLE_MAP_PATH = join(ROOT, 'public', 'sample.System.map');
const dir = mkdtempSync(join(tmpdir(), 'kmap-analysis-ref-'));
/** Hostile names, a damaged free, lifetime 0 and a shared index. */
const SMALL = join(dir, 'small.kmap');
writeFileSync(
  SMALL,
  [
    eLine(10, 20, 64, '=cmd', 'KMALLOC'),
    '  ffffffff81004010,1,2,100',
    eLine(20, 0, 32, 'a"b', '-T'),
    '  ffffffff81004010,0,3,5',
    eLine(15, 15, 16, '@x', 'KMALLOC'),
    eLine(12, 11, 8, '=cmd', 'KMALLOC'),
    '',
  ].join('\n'),
);

describe.concurrent('kmap lifetimes|live|matrix: the reference CSV', () => {
  const sample = makeCase('sample + map', 'E', SAMPLE, SAMPLE_MAP);
  const sampleAll = allRef(sample);
  const otherKept = refFilter(sample.cap, filter({ otherTasks: true }));
  const freedKept = refFilter(sample.cap, filter({ state: 'freed' }));
  const cases: [string[], string][] = [
    [['lifetimes', SAMPLE_PATH], refCsv(LIFETIME_CSV_COLUMNS, refLifetimes(sample.cap, sampleAll, 'slab').rows)],
    [['live', SAMPLE_PATH, '--bins', '100'], refCsv(LIVE_CSV_COLUMNS, refLive(sample.cap, sampleAll, 100))],
    [['live', SAMPLE_PATH, '--bins=50000', '--freed'], refCsv(LIVE_CSV_COLUMNS, refLive(sample.cap, freedKept, 50000))],
    [['matrix', SAMPLE_PATH, '--cols', 'slab', '--symbols', SAMPLE_MAP_PATH], refCsv(MATRIX_CSV_COLUMNS, refMatrix(sample.cap, sampleAll, 'slab', false))],
    [['matrix', SAMPLE_PATH, '--cols', 'type', '--symbols', SAMPLE_MAP_PATH, '--other-tasks'], refCsv(MATRIX_CSV_COLUMNS, refMatrix(sample.cap, otherKept, 'type', true))],
  ];
  for (const [args, want] of cases) {
    it(args.slice(0, 1).concat(args.slice(2)).join(' ').replace(SAMPLE_MAP_PATH, 'MAP'), async () => {
      const r = await kmap(...args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(want);
    });
  }

  it('--json: exactly the CSV columns', async () => {
    const r = await kmap('lifetimes', SAMPLE_PATH, '--by', 'type', '--freed', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as object[];
    expect(rows).toEqual(refLifetimes(sample.cap, freedKept, 'type').rows);
    for (const row of rows) expect(Object.keys(row).join(',')).toBe(LIFETIME_CSV_COLUMNS.join(','));
  });

  it('hostile names are quoted and neutralised; a damaged free is a note on stderr', async () => {
    const c = makeCase('small', 'E', new Uint8Array(readFileSync(SMALL)), null);
    const want = refLifetimes(c.cap, allRef(c), 'slab');
    expect(want.damaged).toBe(1);
    const r = await kmap('lifetimes', SMALL);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(refCsv(LIFETIME_CSV_COLUMNS, want.rows));
    expect(r.stdout).toBe("group,bucketLow,bucketHigh,objects,bytes\n'=cmd,8,16,1,64\n'@x,0,1,1,16\n");
    expect(r.stderr).toMatch(/\b1\b/);
  });

  it('matrix without symbols: hex sites, quoted and neutralised names', async () => {
    const c = makeCase('small', 'E', new Uint8Array(readFileSync(SMALL)), null);
    const m = await kmap('matrix', SMALL, '--cols', 'slab');
    expect(m.stdout).toBe(refCsv(MATRIX_CSV_COLUMNS, refMatrix(c.cap, allRef(c), 'slab', false)));
    expect(m.stdout).toContain('ffffffff81004010,"a""b",');
    const mt = await kmap('matrix', SMALL, '--cols', 'type');
    expect(mt.stdout).toBe(refCsv(MATRIX_CSV_COLUMNS, refMatrix(c.cap, allRef(c), 'type', false)));
    expect(mt.stdout).toContain(",'-T,");
  });
});

describe.concurrent('kmap lifetimes|live|matrix: usage errors (exit 2, nothing on stdout)', () => {
  const cases: [string, string[], RegExp][] = [
    ['live without --bins', ['live', SAMPLE_PATH], /--bins/],
    ['live --bins 0', ['live', SAMPLE_PATH, '--bins', '0'], /--bins/],
    ['matrix without --cols', ['matrix', SAMPLE_PATH], /--cols/],
    ['lifetimes --by pid', ['lifetimes', SAMPLE_PATH, '--by', 'pid'], /--by/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await kmap(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(message);
    });
  }
});
