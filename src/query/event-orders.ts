// The one stream of every alloc and free of a store in index order, with
// each event's object size beside it, that the live chart walks
// (live-series.ts), and the capture's index axis. Made once per store size
// (QueryContext.memo): placed by rank where the indices come from one
// counter, else radix-sorted (orderEvents).

import type { UintArray } from '../store/columns.ts';
import { MAX_EXACT } from '../store/exact.ts';
import type { QueryContext } from './context.ts';
import { radixSortSelection } from './radix-sort.ts';

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
