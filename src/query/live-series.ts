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
// stream of events is made once per store size (placed by rank, or
// radix-sorted: orderEvents) and shared by every filter. A walk may start at a checkpoint a wider walk left
// (live-checkpoints.ts) instead of at the first event.

import { LAYOUTS } from '../format/variants.ts';
import { exactOf, MAX_EXACT } from '../store/exact.ts';
import type { UintArray } from '../store/columns.ts';
import type { QueryContext } from './context.ts';
import type { LiveCheckpoints } from './live-checkpoints.ts';
import { radixSortSelection } from './radix-sort.ts';
import type { LiveBin } from './types.ts';

const TWO_31 = 0x80000000;

/**
 * Every alloc and free of the store in index order, as one stream: an
 * object's alloc is `id * 2 + 1`, its free `id * 2`, a free before an alloc
 * at the same index. Allocs of the objects ever live (never freed, or freed
 * after their alloc index), frees of the objects freed after their alloc
 * index. One stream, so a walk reads it in order and looks an event's index
 * up only where it searches for a bin's edge.
 *
 * `sizes` holds each event's object size in the same order (the size
 * column's own width), so that the walk reads sizes in order too: the
 * objects' ids are in no time order, and a read of the size column at each
 * event's id is a cache miss into a column of 4 bytes an object, where the
 * walk's other random read, its keep mask, is 1 byte an object (in Node at
 * 9.9 M objects, 16.8 M events, the whole-axis walk with 11 series: 353 ->
 * 284 ms). Its cost: one more array of events.length entries (4 bytes an
 * event with 32-bit sizes), kept with the stream (counted in
 * QueryContext.heldBytes).
 */
export interface EventOrders {
  events: Uint32Array;
  sizes: UintArray;
  /** [min alloc index, max index seen + 1): the capture's whole axis (0, 0 when empty). */
  axisStart: number;
  axisEnd: number;
}

/**
 * max + 1, or where that rounds back to max (2^53 and up: a damaged file)
 * the next double above it, so that the last index is still in the axis.
 */
function justAbove(max: number): number {
  return max < MAX_EXACT ? max + 1 : max + 2 ** (Math.floor(Math.log2(max)) - 52);
}

/** Object ids are carried shifted left by one in a Uint32Array. */
const MAX_EVENT_OBJECTS = 2 ** 31;

export function eventOrders(ctx: QueryContext): EventOrders {
  const store = ctx.store;
  return ctx.memo('eventOrders', () => {
    const n = store.numObjects;
    if (n > MAX_EVENT_OBJECTS) throw new Error(`the live chart handles at most ${MAX_EVENT_OBJECTS} objects (this store has ${n})`);
    const alloc = store.objects.allocIndex.data;
    const free = store.objects.freeIndex.data;
    const { events, sizes } = orderEvents(alloc, free, store.objects.size.data, n);
    return { events, sizes, ...indexAxis(ctx) };
  });
}

/**
 * EventOrders' axis alone, one read of the two index columns: what the
 * lifetime chart and the index window need, without the stream's sort.
 */
export function indexAxis(ctx: QueryContext): { axisStart: number; axisEnd: number } {
  const store = ctx.store;
  return ctx.memo('indexAxis', () => {
    const n = store.numObjects;
    const alloc = store.objects.allocIndex.data;
    const free = store.objects.freeIndex.data;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const a = alloc[i];
      const f = free[i];
      if (a < min) min = a;
      if (a > max) max = a;
      if (f > max) max = f;
    }
    return { axisStart: n > 0 ? min : 0, axisEnd: n > 0 ? justAbove(max) : 0 };
  });
}

/**
 * Placement's bitmap and word ranks take 1 bit and 1 bit a slot (an index in
 * [min, max]): at most this many slots an event keeps them within 4 bytes an
 * event, a third of what the radix sort holds beside the events (the keys
 * and the sort's two scratch arrays). Shared indices add a second bitmap of
 * the same size and a map entry and list place for each of their events.
 */
const PLACE_SLOTS_PER_EVENT = 16;

/**
 * Placement gives up once more than this share of the events share their
 * index with another. Each of those goes through a map (about ten times an
 * unshared event's cost), so past a few percent the radix sort is faster:
 * at 0.5 M objects, placement took 15 ms with none shared and 25 ms with 3%
 * of the objects moved onto another's index, the radix sort 19-26 ms.
 */
const PLACE_MAX_SHARED = 1 / 64;

/**
 * EventOrders' stream: every event of objects [0, n) in (index, free before
 * alloc, event) order, and which way it was made. Exported for the tests,
 * which check both ways against a comparator sort.
 *
 * Placement first: Memorizer's indices come from one counter shared by
 * allocs and frees, so nearly every index belongs to one event, and an
 * event's place in the stream is the number of events at lower indices.
 * One pass marks each event's index (less the smallest) in a bitmap, a
 * prefix count of the bitmap's words ranks them, and a second pass writes
 * each event at its rank (at 9.9 M objects, 16.7 M events, in Node: about
 * a quarter of the radix sort's time, and no array as long as the stream
 * beside it). Indices several events share (the catch-all objects all sit
 * at index 0; damaged or merged files repeat some) take as many places as
 * they have events, filled from a list per index in the sort's order.
 * Placement gives up, and the radix sort runs, where more than
 * PLACE_MAX_SHARED of the events share an index or the indices span more
 * than PLACE_SLOTS_PER_EVENT slots an event.
 */
export function orderEvents(alloc: ArrayLike<number>, free: ArrayLike<number>, size: UintArray, n: number): { events: Uint32Array; sizes: UintArray; placed: boolean } {
  let numEvents = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const a = alloc[i];
    const f = free[i];
    if (f !== 0 && f <= a) continue;
    if (a < min) min = a;
    if (a > max) max = a;
    if (f > max) max = f;
    numEvents += f === 0 ? 1 : 2;
  }
  const sizes = new (size.constructor as new (n: number) => UintArray)(numEvents);
  if (numEvents === 0) return { events: new Uint32Array(0), sizes, placed: false };
  const placed = placeEvents(alloc, free, size, n, min, max - min + 1, sizes);
  if (placed) return { events: placed, sizes, placed: true };
  const events = sortEvents(alloc, free, n, max, numEvents);
  for (let p = 0; p < numEvents; p++) sizes[p] = size[events[p] >>> 1];
  return { events, sizes, placed: false };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Slots (indices less the smallest) that several events share, and their
 * events: counted in the marking pass, listed in the writing pass.
 */
class SharedSlots {
  /** Bit s set: slot s is shared (it is cleared from the placement bitmap). */
  readonly bits: Int32Array;
  /** slot -> its events: a count after marking, the list after writing. */
  readonly counts = new Map<number, number>();
  readonly lists = new Map<number, number[]>();
  /** Events at shared slots, all told. */
  events = 0;

  constructor(words: number) {
    this.bits = new Int32Array(words);
  }

  /** An event met slot s already marked; the events at shared slots so far. */
  meet(s: number): number {
    const w = s >>> 5;
    const m = 1 << (s & 31);
    if ((this.bits[w] & m) === 0) {
      this.bits[w] |= m;
      this.counts.set(s, 2);
      this.events += 2;
    } else {
      this.counts.set(s, this.counts.get(s)! + 1);
      this.events++;
    }
    return this.events;
  }

  /** Events at the shared slots of word w below slot s. */
  below(w: number, s: number): number {
    return this.sum(w, this.bits[w] & ((1 << (s & 31)) - 1));
  }

  /** Events at the shared slots of word w. */
  inWord(w: number): number {
    return this.sum(w, this.bits[w]);
  }

  /** Events at the slots of word w whose bits `b` has. */
  private sum(w: number, b: number): number {
    let sum = 0;
    while (b !== 0) {
      const low = b & -b;
      sum += this.counts.get(w * 32 + (31 - Math.clz32(low)))!;
      b ^= low;
    }
    return sum;
  }
}

/** The events in order by placement; null where it gives up (orderEvents). */
function placeEvents(alloc: ArrayLike<number>, free: ArrayLike<number>, size: UintArray, n: number, min: number, span: number, sizes: UintArray): Uint32Array | null {
  const numEvents = sizes.length;
  if (span > PLACE_SLOTS_PER_EVENT * numEvents || span > TWO_31) return null;
  const words = Math.ceil(span / 32);
  const bits = new Int32Array(words);
  let shared: SharedSlots | null = null;
  const maxShared = numEvents * PLACE_MAX_SHARED;
  for (let i = 0; i < n; i++) {
    const a = alloc[i];
    const f = free[i];
    if (f !== 0 && f <= a) continue;
    let s = a - min;
    let w = s >>> 5;
    let m = 1 << (s & 31);
    if ((bits[w] & m) === 0) bits[w] |= m;
    else if ((shared ??= new SharedSlots(words)).meet(s) > maxShared) return null;
    if (f === 0) continue;
    s = f - min;
    w = s >>> 5;
    m = 1 << (s & 31);
    if ((bits[w] & m) === 0) bits[w] |= m;
    else if ((shared ??= new SharedSlots(words)).meet(s) > maxShared) return null;
  }
  const sb = shared?.bits ?? null;
  // Events before each word: its own slots' events come after.
  const before = new Uint32Array(words);
  let count = 0;
  for (let w = 0; w < words; w++) {
    before[w] = count;
    if (sb !== null && sb[w] !== 0) {
      bits[w] &= ~sb[w];
      count += shared!.inWord(w);
    }
    count += popcount(bits[w]);
  }
  // Each event's size is written beside it, read here in object order: the
  // walk reads sizes in event order, and a gather after placement would read
  // the size column at random.
  const events = new Uint32Array(numEvents);
  for (let i = 0; i < n; i++) {
    const a = alloc[i];
    const f = free[i];
    if (f !== 0 && f <= a) continue;
    const z = size[i];
    let s = a - min;
    let w = s >>> 5;
    let m = 1 << (s & 31);
    if (sb === null || sb[w] === 0) {
      const p = before[w] + popcount(bits[w] & (m - 1));
      events[p] = i * 2 + 1;
      sizes[p] = z;
    } else placeNearShared(events, sizes, z, shared!, bits, before, s, i * 2 + 1);
    if (f === 0) continue;
    s = f - min;
    w = s >>> 5;
    m = 1 << (s & 31);
    if (sb === null || sb[w] === 0) {
      const p = before[w] + popcount(bits[w] & (m - 1));
      events[p] = i * 2;
      sizes[p] = z;
    } else placeNearShared(events, sizes, z, shared!, bits, before, s, i * 2);
  }
  // A shared slot's events: frees, then allocs, each in event order (the
  // order they were listed in).
  if (shared !== null) {
    for (const [s, list] of shared.lists) {
      const w = s >>> 5;
      let at = before[w] + popcount(bits[w] & ((1 << (s & 31)) - 1)) + shared.below(w, s);
      for (const e of list) if ((e & 1) === 0) events[at++] = e;
      for (const e of list) if ((e & 1) === 1) events[at++] = e;
      for (let p = at - list.length; p < at; p++) sizes[p] = size[events[p] >>> 1];
    }
  }
  return events;
}

/** An event at slot s of a word holding shared slots: listed if s is one of them, else placed after them. */
function placeNearShared(events: Uint32Array, sizes: UintArray, z: number, shared: SharedSlots, bits: Int32Array, before: Uint32Array, s: number, e: number): void {
  const w = s >>> 5;
  const m = 1 << (s & 31);
  if ((shared.bits[w] & m) !== 0) {
    const list = shared.lists.get(s);
    if (list) list.push(e);
    else shared.lists.set(s, [e]);
    return;
  }
  const p = before[w] + popcount(bits[w] & (m - 1)) + shared.below(w, s);
  events[p] = e;
  sizes[p] = z;
}

/**
 * One sort of every event by (index, alloc after free): the key is index *
 * 2 + (1 for an alloc), split into 32-bit words. Exact while indices stay
 * below 2^53; past that (a damaged file) a comparator sort on the indices'
 * doubles, which is what the walk compares.
 */
function sortEvents(alloc: ArrayLike<number>, free: ArrayLike<number>, n: number, max: number, numEvents: number): Uint32Array {
  const events = new Uint32Array(numEvents);
  const lo = new Uint32Array(numEvents);
  let hi: Uint32Array | null = null;
  let k = 0;
  if (max < TWO_31) {
    for (let i = 0; i < n; i++) {
      const a = alloc[i];
      const f = free[i];
      if (f !== 0 && f <= a) continue;
      events[k] = i * 2 + 1;
      lo[k++] = a * 2 + 1;
      if (f === 0) continue;
      events[k] = i * 2;
      lo[k++] = f * 2;
    }
  } else {
    hi = new Uint32Array(numEvents);
    for (let i = 0; i < n; i++) {
      const a = alloc[i];
      const f = free[i];
      if (f !== 0 && f <= a) continue;
      events[k] = i * 2 + 1;
      lo[k] = (a % TWO_31) * 2 + 1;
      hi[k++] = Math.floor(a / TWO_31);
      if (f === 0) continue;
      events[k] = i * 2;
      lo[k] = (f % TWO_31) * 2;
      hi[k++] = Math.floor(f / TWO_31);
    }
  }
  if (max <= MAX_EXACT) radixSortSelection(events, lo, hi, false);
  else {
    const at = (e: number) => (e & 1 ? alloc[e >>> 1] : free[e >>> 1]);
    events.sort((x, y) => at(x) - at(y) || (x & 1) - (y & 1) || x - y);
  }
  return events;
}

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
