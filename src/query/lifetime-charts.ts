// The Lifetimes view's data, shaped for drawing: the top groups of the
// filtered objects (slab caches or types, most objects first, the rest as
// "other"), their lifetime histograms, and live objects and bytes per bin,
// stacked by the same groups. Typed arrays, so a chart of thousands of bins
// crosses to the page as a few buffers. The figures come from lifetimes.ts
// and live-series.ts (one liveness rule); the CLI's tables come from there too.

import { LAYOUTS } from '../format/variants.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { lifetimeGroups, LIVE_SLOT, slotOf } from './lifetimes.ts';
import type { LiveCheckpoints } from './live-checkpoints.ts';
import { indexAxis } from './event-orders.ts';
import { evenEdges, liveSeries } from './live-series.ts';
import { MAX_EXACT } from '../store/exact.ts';
import type { LifetimeGrouping } from './types.ts';

/** Lifetime buckets drawn: [0, 1) then [2^k, 2^(k+1)) for k = 0..63. */
export const HISTOGRAM_BUCKETS = 65;

export interface ChartGroups {
  /** Group names, most objects first; an "other" series follows them when otherGroup. */
  names: string[];
  otherGroup: boolean;
  /** Dense series id of each object's group id (-1: not a top group, so "other"). */
  seriesOfGroup: Int32Array;
}

/** The top `limit` groups of the kept objects by count (ties by name). */
export function chartGroups(ctx: QueryContext, indices: Uint32Array, by: LifetimeGrouping, limit: number): ChartGroups {
  const { ids, names } = lifetimeGroups(ctx.store, by);
  const counts = new Float64Array(names.length);
  for (let p = 0; p < indices.length; p++) counts[ids[indices[p]]]++;
  return topGroups(counts, names, limit);
}

/** The top `limit` groups by `counts` (per group id; ties by name), the rest "other". */
export function topGroups(counts: Float64Array, names: readonly string[], limit: number): ChartGroups {
  const present: number[] = [];
  for (let g = 0; g < names.length; g++) if (counts[g] > 0) present.push(g);
  present.sort((a, b) => counts[b] - counts[a] || compareBytes(names[a], names[b]));
  const top = present.slice(0, limit);
  const seriesOfGroup = new Int32Array(names.length).fill(-1);
  top.forEach((g, k) => (seriesOfGroup[g] = k));
  return { names: top.map((g) => names[g]), otherGroup: present.length > top.length, seriesOfGroup };
}

export interface LifetimeChart {
  groups: string[];
  otherGroup: boolean;
  /** Per series s and bucket slot b (slot 0 is [0, 1), slot k + 1 is [2^k, 2^(k+1))), at s * HISTOGRAM_BUCKETS + b. */
  objects: Float64Array;
  bytes: Float64Array;
  /** Kept objects never freed, freed with a lifetime, and freed before their alloc index (left out). */
  live: number;
  freed: number;
  inconsistent: number;
  /** The capture's whole index axis [start, end) (0, 0 without indices). */
  axisStart: number;
  axisEnd: number;
}

/**
 * The lifetime chart counts a cell per group and bucket in one pass up to
 * this many cells (1,008 groups: two 0.5 MB arrays that the caches hold);
 * past it groups are ranked first. With many more names the cells are
 * written at random over megabytes, and the one pass lost: at 20,000 and
 * 60,000 names over 3 M objects it took 1-10x the time of ranking first.
 */
const MAX_DENSE_CELLS = 1 << 16;

export function lifetimeChart(ctx: QueryContext, indices: Uint32Array, by: LifetimeGrouping, topGroupCount: number): LifetimeChart {
  return lifetimeChartBy(ctx, indices, by, topGroupCount, onePass(ctx, by) ? 'one pass' : 'ranked first');
}

/** Whether the lifetime chart by `by` counts a cell per group and bucket (MAX_DENSE_CELLS). */
export function onePass(ctx: QueryContext, by: LifetimeGrouping): boolean {
  return lifetimeGroups(ctx.store, by).names.length * HISTOGRAM_BUCKETS <= MAX_DENSE_CELLS;
}

/**
 * lifetimeChart counted one way or the other (exported for the tests): 'one
 * pass' counts every group's buckets and kept objects, then ranks the top
 * groups from those counts and folds their buckets into series; 'ranked
 * first' ranks the groups by a pass of their own (chartGroups), then counts
 * into the series (for many names, where a cell per group and bucket would
 * be too many). The same groups and counts; a series' bytes past 2^53 - 1
 * (near either way) are summed in another order and may differ in their
 * last bits.
 */
export function lifetimeChartBy(ctx: QueryContext, indices: Uint32Array, by: LifetimeGrouping, topGroupCount: number, way: 'one pass' | 'ranked first'): LifetimeChart {
  const store = ctx.store;
  const { ids, names } = lifetimeGroups(store, by);
  const hasIndices = LAYOUTS[store.variant ?? 'E'].hasIndices;
  const dense = way === 'one pass';
  const ranked = dense ? null : chartGroups(ctx, indices, by, topGroupCount);
  const cells = dense ? names.length : ranked!.names.length + (ranked!.otherGroup ? 1 : 0);
  const cellObjects = new Float64Array(cells * HISTOGRAM_BUCKETS);
  const cellBytes = new Float64Array(cells * HISTOGRAM_BUCKETS);
  const groupCounts = new Float64Array(dense ? names.length : 0);
  let live = 0;
  let freed = 0;
  let inconsistent = 0;
  const size = store.objects.size.data;
  const alloc = store.objects.allocIndex.data;
  const free = store.objects.freeIndex.data;
  // Each object's cell row: its group id (dense), else its series.
  const rowOf = ranked ? Int32Array.from(ranked.seriesOfGroup, (s) => (s < 0 ? ranked.names.length : s)) : null;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const g = ids[i];
    if (dense) groupCounts[g]++;
    if (!hasIndices) continue;
    const slot = slotOf(store, i, alloc[i], free[i]);
    if (slot < 0) {
      if (slot === LIVE_SLOT) live++;
      else inconsistent++;
      continue;
    }
    freed++;
    const cell = (rowOf ? rowOf[g] : g) * HISTOGRAM_BUCKETS + slot;
    cellObjects[cell]++;
    cellBytes[cell] += size[i];
  }
  if (dense) return groupedChart(ctx, by, topGroupCount, { groupCounts, objects: cellObjects, bytes: cellBytes, live, freed, inconsistent });
  return { groups: ranked!.names, otherGroup: ranked!.otherGroup, objects: cellObjects, bytes: cellBytes, live, freed, inconsistent, ...chartAxis(ctx) };
}

/** The lifetime chart's counts per group id (one pass): kept objects per group, and objects and bytes per group and bucket slot. */
export interface GroupLifetimes {
  groupCounts: Float64Array;
  /** At g * HISTOGRAM_BUCKETS + slot. */
  objects: Float64Array;
  bytes: Float64Array;
  live: number;
  freed: number;
  inconsistent: number;
}

/**
 * The chart from counts per group: the top groups by kept objects, the
 * rest folded into "other". From the objects (lifetimeChartBy) or from the
 * object cells (object-cell-queries.ts), which count the same things.
 */
export function groupedChart(ctx: QueryContext, by: LifetimeGrouping, topGroupCount: number, c: GroupLifetimes): LifetimeChart {
  const { names } = lifetimeGroups(ctx.store, by);
  const groups = topGroups(c.groupCounts, names, topGroupCount);
  const numSeries = groups.names.length + (groups.otherGroup ? 1 : 0);
  const objects = new Float64Array(numSeries * HISTOGRAM_BUCKETS);
  const bytes = new Float64Array(numSeries * HISTOGRAM_BUCKETS);
  for (let g = 0; g < names.length; g++) {
    if (c.groupCounts[g] === 0) continue;
    const s = groups.seriesOfGroup[g] < 0 ? groups.names.length : groups.seriesOfGroup[g];
    for (let b = 0; b < HISTOGRAM_BUCKETS; b++) {
      objects[s * HISTOGRAM_BUCKETS + b] += c.objects[g * HISTOGRAM_BUCKETS + b];
      bytes[s * HISTOGRAM_BUCKETS + b] += c.bytes[g * HISTOGRAM_BUCKETS + b];
    }
  }
  return { groups: groups.names, otherGroup: groups.otherGroup, objects, bytes, live: c.live, freed: c.freed, inconsistent: c.inconsistent, ...chartAxis(ctx) };
}

function chartAxis(ctx: QueryContext): { axisStart: number; axisEnd: number } {
  const store = ctx.store;
  return LAYOUTS[store.variant ?? 'E'].hasIndices && store.numObjects > 0 ? indexAxis(ctx) : { axisStart: 0, axisEnd: 0 };
}

export interface LiveChart {
  groups: string[];
  otherGroup: boolean;
  /** The range drawn, [start, end), and its bin edges (bins + 1 of them). */
  start: number;
  end: number;
  edges: Float64Array;
  /** Per bin: the most kept objects and bytes live at one index in it. */
  maxObjects: Float64Array;
  maxBytes: Float64Array;
  /** Per series s and bin b at s * bins + b: that series' own maxima (so the stack's top can exceed the total's). */
  seriesMaxObjects: Float64Array;
  seriesMaxBytes: Float64Array;
  /** The bin with the most live bytes (the first of equals), or -1. */
  peakBin: number;
  /** True when a live-bytes figure passed 2^53 - 1 and is near. */
  bytesNear: boolean;
}

/**
 * Live objects and bytes of the kept objects over [start, end) (null: the
 * capture's whole axis) in at most `bins` bins of even widths (evenEdges),
 * at least one index each. `checkpoints`: liveSeries's, kept by the caller
 * per kept objects, grouping and topGroups (the series depend on all three).
 * `known`: chartGroups of these objects when the caller has them (from the
 * object cells), else counted here.
 */
export function liveChart(
  ctx: QueryContext,
  indices: Uint32Array,
  by: LifetimeGrouping,
  topGroups: number,
  bins: number,
  range: [number, number] | null,
  checkpoints: LiveCheckpoints | null = null,
  known: ChartGroups | null = null,
): LiveChart {
  const store = ctx.store;
  const groups = known ?? chartGroups(ctx, indices, by, topGroups);
  const numSeries = groups.names.length + (groups.otherGroup ? 1 : 0);
  const hasIndices = LAYOUTS[store.variant ?? 'E'].hasIndices && store.numObjects > 0;
  const axis = hasIndices ? indexAxis(ctx) : { axisStart: 0, axisEnd: 0 };
  let [start, end] = range ?? [axis.axisStart, axis.axisEnd];
  if (!(end > start)) [start, end] = [axis.axisStart, axis.axisEnd];
  // Never more bins than indices: each bin holds at least one index.
  const n = Math.max(1, Math.min(Math.floor(bins), Math.max(1, end - start), 1 << 16));
  if (!hasIndices) {
    const z = new Float64Array(n);
    return { groups: groups.names, otherGroup: groups.otherGroup, start, end, edges: new Float64Array(n + 1), maxObjects: z, maxBytes: z.slice(), seriesMaxObjects: new Float64Array(0), seriesMaxBytes: new Float64Array(0), peakBin: -1, bytesNear: false };
  }
  const { ids } = lifetimeGroups(store, by);
  // Every group id to its series: a top group's own, else "other" (the last).
  const seriesOf = new Int32Array(groups.seriesOfGroup.length);
  for (let g = 0; g < seriesOf.length; g++) seriesOf[g] = groups.seriesOfGroup[g] < 0 ? groups.names.length : groups.seriesOfGroup[g];
  const s = liveSeries(ctx, indices, evenEdges(start, end, n), { ids, seriesOf }, numSeries, checkpoints);
  let peakBin = -1;
  for (let b = 0; b < n; b++) if (s.maxBytes[b] > 0 && (peakBin < 0 || s.maxBytes[b] > s.maxBytes[peakBin])) peakBin = b;
  return {
    groups: groups.names,
    otherGroup: groups.otherGroup,
    start,
    end,
    edges: s.edges,
    maxObjects: s.maxObjects,
    maxBytes: s.maxBytes,
    seriesMaxObjects: s.groupMaxObjects,
    seriesMaxBytes: s.groupMaxBytes,
    peakBin,
    bytesNear: s.bytesNear || s.maxBytes.some((v) => v > MAX_EXACT),
  };
}

export interface WindowBands {
  /** Kept objects live at some index of [start, end) (alloc < end, and never freed or freed after start). */
  count: number;
  /** True when count passed the limit: no bands then (the page draws a raster of the live chart instead). */
  overLimit: boolean;
  groups: string[];
  otherGroup: boolean;
  /** Per band, ordered by series then alloc index: the object, its span on the axis (free: end of the capture when never freed), its series. */
  idx: Uint32Array;
  alloc: Float64Array;
  free: Float64Array;
  /** 1 for an object never freed (its band runs to the capture's end). */
  live: Uint8Array;
  series: Uint16Array;
}

/**
 * The kept objects that are live somewhere in [start, end), as bands (one
 * per object, alloc to free), when there are at most `limit` of them.
 */
export function windowBands(ctx: QueryContext, indices: Uint32Array, by: LifetimeGrouping, topGroups: number, start: number, end: number, limit: number): WindowBands {
  const store = ctx.store;
  const groups = chartGroups(ctx, indices, by, topGroups);
  const none = {
    groups: groups.names,
    otherGroup: groups.otherGroup,
    idx: new Uint32Array(0),
    alloc: new Float64Array(0),
    free: new Float64Array(0),
    live: new Uint8Array(0),
    series: new Uint16Array(0),
  };
  if (!LAYOUTS[store.variant ?? 'E'].hasIndices || store.numObjects === 0) return { count: 0, overLimit: false, ...none };
  const { axisEnd } = indexAxis(ctx);
  const alloc = store.objects.allocIndex.data;
  const free = store.objects.freeIndex.data;
  const hits: number[] = [];
  let count = 0;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const a = alloc[i];
    const f = free[i];
    if (a >= end || (f !== 0 && (f <= start || f <= a))) continue;
    count++;
    if (count <= limit) hits.push(i);
  }
  if (count > limit) return { count, overLimit: true, ...none };
  const { ids } = lifetimeGroups(store, by);
  const other = groups.names.length;
  const seriesOf = (i: number) => (groups.seriesOfGroup[ids[i]] < 0 ? other : groups.seriesOfGroup[ids[i]]);
  hits.sort((x, y) => seriesOf(x) - seriesOf(y) || alloc[x] - alloc[y] || x - y);
  return {
    count,
    overLimit: false,
    groups: groups.names,
    otherGroup: groups.otherGroup,
    idx: Uint32Array.from(hits),
    alloc: Float64Array.from(hits, (i) => alloc[i]),
    free: Float64Array.from(hits, (i) => (free[i] === 0 ? axisEnd : free[i])),
    live: Uint8Array.from(hits, (i) => (free[i] === 0 ? 1 : 0)),
    series: Uint16Array.from(hits, seriesOf),
  };
}
