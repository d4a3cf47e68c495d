// Live objects and bytes over the index axis: the kept objects' maxima per
// bin (`kmap live`, the Lifetimes view's live chart), walked over every alloc
// and free in index order.
//
// The liveness rule and the reading of indices as doubles are lifetimes.ts's:
// an object is live at index t when alloc <= t < free, or alloc <= t when it
// was never freed (free index 0).
//
// The live bins keep each bin's maximum, so no peak is lost at any bin
// count: the walk visits every alloc and free in index order (frees before
// allocs at the same index, so a count between the two is never above the
// count at that index) and takes the maximum after each alloc (the totals
// after every event, which is the same: a free never raises them). The one
// stream of events (event-orders.ts) is made once per store size and shared
// by every filter. A walk may start at a checkpoint a wider walk left
// (live-checkpoints.ts) instead of at the first event.

import { LAYOUTS } from '../format/variants.ts';
import { exactOf, MAX_EXACT } from '../store/exact.ts';
import type { QueryContext } from './context.ts';
import { eventOrders, indexAxis } from './event-orders.ts';
import type { LiveCheckpoints } from './live-checkpoints.ts';
import type { LiveBin } from './types.ts';

/**
 * The first position p in [from, events.length) whose event's index is
 * above x (strict) or at least x (!strict); events.length when none is.
 */
function firstPast(events: Uint32Array, alloc: ArrayLike<number>, free: ArrayLike<number>, from: number, x: number, strict: boolean): number {
  let lo = from;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid];
    const t = e & 1 ? alloc[e >>> 1] : free[e >>> 1];
    if (strict ? t > x : t >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bin edges over [start, end): width floor(span / n), the last bin takes the remainder. */
export function binEdges(start: number, end: number, n: number): Float64Array {
  const edges = new Float64Array(n + 1);
  const width = Math.floor((end - start) / n);
  for (let b = 0; b < n; b++) edges[b] = start + b * width;
  edges[n] = end;
  return edges;
}

/**
 * Bin edges over [start, end) spread evenly: bin b starts at
 * start + floor(b * span / n), so bins differ in width by one index at most
 * (the charts' bins; `kmap live` keeps binEdges, its documented contract,
 * whose last bin takes the whole remainder).
 */
export function evenEdges(start: number, end: number, n: number): Float64Array {
  const edges = new Float64Array(n + 1);
  const span = end - start;
  for (let b = 0; b < n; b++) edges[b] = start + Math.floor((b * span) / n);
  edges[n] = end;
  return edges;
}

export interface LiveSeries {
  /** Bin edges: bin b is [edges[b], edges[b + 1]). */
  edges: Float64Array;
  /** The most objects and bytes live at one index of each bin, over all kept objects. */
  maxObjects: Float64Array;
  maxBytes: Float64Array;
  /** Per group g (0..numGroups-1) and bin b, at g * bins + b: the group's own maxima. */
  groupMaxObjects: Float64Array;
  groupMaxBytes: Float64Array;
  /** True when some live-bytes figure passed 2^53 - 1 and is near, not exact. */
  bytesNear: boolean;
}

/**
 * Live objects and bytes of the kept objects in the bins [edges[b],
 * edges[b + 1]), each bin holding the maximum at any index in it.
 * `groups` (optional) maps an object to a group 0..numGroups-1 for the
 * stacked series. `checkpoints` (optional, kept by the caller for these
 * kept objects and groups): the walk starts at the last one at or before
 * its first bin, and a walk over a wider span than they were recorded over
 * records its bin starts there (after the entries it started from).
 */
export function liveSeries(
  ctx: QueryContext,
  indices: Uint32Array,
  edges: Float64Array,
  groups: { ids: ArrayLike<number>; seriesOf: Int32Array } | null = null,
  numGroups = 0,
  checkpoints: LiveCheckpoints | null = null,
): LiveSeries {
  const store = ctx.store;
  const { events, sizes } = eventOrders(ctx);
  const bins = edges.length - 1;
  const maxObjects = new Float64Array(bins);
  const maxBytes = new Float64Array(bins);
  const groupMaxObjects = new Float64Array(bins * numGroups);
  const groupMaxBytes = new Float64Array(bins * numGroups);
  // Kept objects as a mask (and their group + 1, so 0 = not kept).
  const keep = ctx.scratch.u8('liveSeries.keep', store.numObjects);
  if (groups) {
    // Group ids -> series: object i is in series seriesOf[ids[i]].
    const { ids, seriesOf } = groups;
    for (let p = 0; p < indices.length; p++) keep[indices[p]] = seriesOf[ids[indices[p]]] + 1;
  } else {
    for (let p = 0; p < indices.length; p++) keep[indices[p]] = 1;
  }
  const alloc = store.objects.allocIndex.data;
  const free = store.objects.freeIndex.data;
  // Per group g at g * 4: its live objects and bytes, then their maxima so
  // far in the bin (one array, so a group's four figures share a cache line).
  const group = new Float64Array(numGroups * 4);
  const grouped = groups !== null;
  let objects = 0;
  let bytes = 0;
  let p = 0;
  let bytesNear = false;
  const from = checkpoints ? checkpoints.lastAtOrBelow(edges[0], numGroups) : -1;
  if (from >= 0) {
    const c = checkpoints!.counts;
    const at = from * checkpoints!.stride;
    p = checkpoints!.pos[from];
    objects = c[at];
    bytes = c[at + 1];
    for (let g = 0; g < numGroups; g++) {
      group[g * 4] = c[at + 2 + 2 * g];
      group[g * 4 + 1] = c[at + 3 + 2 * g];
    }
  }
  // A walk wider than what is kept records its bin starts after the entries
  // it started from (each entry, old or new, counts every event before it).
  const record = checkpoints !== null && checkpoints.wants(edges[bins] - edges[0]) ? checkpoints : null;
  record?.begin(bins, numGroups, edges[bins] - edges[0], from);
  // Events in index order, a free before an alloc at the same index. A free
  // only lowers the counts, so the maxima after allocs are the maxima after
  // every event: the totals take them after each one without a branch on
  // alloc or free (they interleave at random; a mispredicted branch per event
  // was a third of the walk), the groups after allocs only. The loops are
  // written out per case to keep the per-event work inline (this walk visits
  // every event up to the range's end).
  for (let b = 0; b < bins; b++) {
    const bs = edges[b];
    const be = edges[b + 1];
    if (be <= bs) continue; // an empty bin: no index in it
    // Everything up to and including index bs; the counts at bs start the bin's maxima.
    const atStart = firstPast(events, alloc, free, p, bs, true);
    for (; p < atStart; p++) {
      const e = events[p];
      const k = keep[e >>> 1];
      if (k === 0) continue;
      const d = (e & 1) * 2 - 1;
      const s = d * sizes[p];
      objects += d;
      bytes += s;
      if (grouped) {
        group[(k - 1) * 4] += d;
        group[(k - 1) * 4 + 1] += s;
      }
    }
    if (record) {
      const k = record.length++;
      const at = k * record.stride;
      record.at[k] = bs;
      record.pos[k] = p;
      record.counts[at] = objects;
      record.counts[at + 1] = bytes;
      for (let g = 0; g < numGroups; g++) {
        record.counts[at + 2 + 2 * g] = group[g * 4];
        record.counts[at + 3 + 2 * g] = group[g * 4 + 1];
      }
    }
    let mo = objects;
    let mb = bytes;
    const atEnd = firstPast(events, alloc, free, p, be, false);
    if (grouped) {
      for (let g = 0; g < numGroups * 4; g += 4) {
        group[g + 2] = group[g];
        group[g + 3] = group[g + 1];
      }
      for (; p < atEnd; p++) {
        const e = events[p];
        const k = keep[e >>> 1];
        if (k === 0) continue;
        const d = (e & 1) * 2 - 1;
        const s = d * sizes[p];
        objects += d;
        bytes += s;
        mo = Math.max(mo, objects);
        mb = Math.max(mb, bytes);
        const at = (k - 1) * 4;
        const go = (group[at] += d);
        const gb = (group[at + 1] += s);
        if (d > 0) {
          if (go > group[at + 2]) group[at + 2] = go;
          if (gb > group[at + 3]) group[at + 3] = gb;
        }
      }
      for (let g = 0; g < numGroups; g++) {
        groupMaxObjects[g * bins + b] = group[g * 4 + 2];
        groupMaxBytes[g * bins + b] = group[g * 4 + 3];
      }
    } else {
      for (; p < atEnd; p++) {
        const e = events[p];
        if (keep[e >>> 1] === 0) continue;
        const d = (e & 1) * 2 - 1;
        objects += d;
        bytes += d * sizes[p];
        mo = Math.max(mo, objects);
        mb = Math.max(mb, bytes);
      }
    }
    maxObjects[b] = mo;
    maxBytes[b] = mb;
    if (mb > MAX_EXACT) bytesNear = true;
  }
  return { edges, maxObjects, maxBytes, groupMaxObjects, groupMaxBytes, bytesNear };
}

/**
 * `kmap live`: the capture's whole axis [min alloc index, max index seen + 1)
 * in `bins` bins, with the kept objects' maxima. Live bytes are exact: a bin
 * whose figure passed 2^53 - 1 is computed again with bigints.
 */
export function liveBins(ctx: QueryContext, indices: Uint32Array, bins: number): LiveBin[] {
  const store = ctx.store;
  if (!LAYOUTS[store.variant ?? 'E'].hasIndices || store.numObjects === 0) return [];
  const { axisStart, axisEnd } = indexAxis(ctx);
  const s = liveSeries(ctx, indices, binEdges(axisStart, axisEnd, bins));
  const exact = s.bytesNear ? exactMaxBytes(ctx, indices, s.edges) : null;
  const out: LiveBin[] = [];
  for (let b = 0; b < bins; b++) {
    out.push({ binStart: s.edges[b], binEnd: s.edges[b + 1], maxLiveObjects: s.maxObjects[b], maxLiveBytes: exact ? exactOf(exact[b]) : s.maxBytes[b] });
  }
  return out;
}

/** Each bin's maximum of live bytes with bigints (the same walk as liveSeries). */
function exactMaxBytes(ctx: QueryContext, indices: Uint32Array, edges: Float64Array): bigint[] {
  const store = ctx.store;
  const { events } = eventOrders(ctx);
  const keep = ctx.scratch.u8('exactMaxBytes.keep', store.numObjects);
  for (let p = 0; p < indices.length; p++) keep[indices[p]] = 1;
  const alloc = store.objects.allocIndex.data;
  const free = store.objects.freeIndex.data;
  let bytes = 0n;
  let p = 0;
  const step = () => {
    const e = events[p++];
    if (keep[e >>> 1]) {
      const s = BigInt(store.objects.size.exact(e >>> 1));
      bytes += e & 1 ? s : -s;
    }
  };
  const out: bigint[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    if (edges[b + 1] <= edges[b]) {
      out.push(0n);
      continue;
    }
    const atStart = firstPast(events, alloc, free, p, edges[b], true);
    while (p < atStart) step();
    let max = bytes;
    const atEnd = firstPast(events, alloc, free, p, edges[b + 1], false);
    while (p < atEnd) {
      step();
      if (bytes > max) max = bytes;
    }
    out.push(max);
  }
  return out;
}
