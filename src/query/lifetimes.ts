// Allocation lifetimes: the lifetime histogram (`kmap lifetimes`, the
// Lifetimes view's histogram); live objects and bytes per bin over the index
// axis (`kmap live`, the live chart) are in live-series.ts.
//
// One liveness rule, used by both and by the index window of filter.ts: an
// object is live at index t when alloc <= t < free, or alloc <= t when it
// was never freed (free index 0). So where one object is freed and another
// allocated at the same index, the freed one is no longer live there; an
// object freed at or before its alloc index (a damaged line) is never live.
//
// Indices are read as doubles, exact up to 2^53 - 1; larger ones (only a
// damaged file has them) are placed at their nearest double.

import { LAYOUTS } from '../format/variants.ts';
import { compareBytes } from './compare.ts';
import { exactOf, MAX_EXACT, type Exact } from '../store/exact.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import type { QueryContext } from './context.ts';
import type { LifetimeGrouping, LifetimeRow } from './types.ts';

const TWO_32 = 0x100000000;

/** The lifetime bucket of a non-negative lifetime: -1 for [0, 1), k for [2^k, 2^(k+1)). */
export function lifetimeBucket(lifetime: number): number {
  if (lifetime < 1) return -1;
  if (lifetime < TWO_32) return 31 - Math.clz32(lifetime);
  return 32 + lifetimeBucket(Math.floor(lifetime / TWO_32));
}

/** lifetimeSlot of an object never freed, and of one freed before its alloc index (a damaged line). */
export const LIVE_SLOT = -1;
export const INCONSISTENT_SLOT = -2;

/**
 * The histogram slot of object i's lifetime: 0 for [0, 1), k + 1 for
 * [2^k, 2^(k+1)) (so 0..64); LIVE_SLOT or INCONSISTENT_SLOT when it has none.
 * Exact for any 64-bit indices (bigints past 2^53 - 1).
 */
export function lifetimeSlot(store: KmapStore, i: number): number {
  return slotOf(store, i, store.objects.allocIndex.data[i], store.objects.freeIndex.data[i]);
}

/**
 * lifetimeSlot of object i given its alloc and free indices as the columns
 * hold them (`a`, `f`): for loops over many objects that read the columns
 * themselves (a call per object through the store cost about a third of
 * the lifetime chart's pass).
 */
export function slotOf(store: KmapStore, i: number, a: number, f: number): number {
  if (f === 0) return LIVE_SLOT;
  if (f > MAX_EXACT || a > MAX_EXACT) {
    const d = BigInt(store.objects.freeIndex.exact(i)) - BigInt(store.objects.allocIndex.exact(i));
    return d < 0n ? INCONSISTENT_SLOT : d === 0n ? 0 : d.toString(2).length;
  }
  return f < a ? INCONSISTENT_SLOT : lifetimeBucket(f - a) + 1;
}

/** A bucket's bounds: [0, 1) for -1, [2^k, 2^(k+1)) else (bigints from 2^53 up). */
export function bucketBounds(k: number): [Exact, Exact] {
  const pow = (e: number): Exact => (e < 53 ? 2 ** e : 1n << BigInt(e));
  return k < 0 ? [0, 1] : [pow(k), pow(k + 1)];
}

/** Group id of each object (slab or type id), and the group names; one group '' where the variant lacks the field. */
export function lifetimeGroups(store: KmapStore, by: LifetimeGrouping): { ids: ArrayLike<number>; names: readonly string[] } {
  const layout = LAYOUTS[store.variant ?? 'E'];
  if (by === 'slab' ? !layout.hasSlab : !layout.hasType) return { ids: new Uint8Array(store.numObjects), names: [''] };
  return by === 'slab' ? { ids: store.objects.slab.data, names: store.slabs.names() } : { ids: store.objects.type.data, names: store.types.names() };
}

export interface LifetimeHistogram {
  rows: LifetimeRow[];
  /** Kept objects never freed (they have no lifetime). */
  live: number;
  /** Kept freed objects whose free index is below their alloc index (a damaged line): left out. */
  inconsistent: number;
}

/**
 * Freed objects by group and lifetime bucket, sorted by group (byte order)
 * then bucketLow; every group with a freed object, empty buckets left out.
 * Variant A has no indices: no rows.
 */
export function lifetimeHistogram(ctx: QueryContext, indices: Uint32Array, by: LifetimeGrouping): LifetimeHistogram {
  const store = ctx.store;
  if (!LAYOUTS[store.variant ?? 'E'].hasIndices) return { rows: [], live: 0, inconsistent: 0 };
  const { ids, names } = lifetimeGroups(store, by);
  const size = store.objects.size.data;
  // Buckets -1..63 (a 64-bit lifetime) as slots 0..64; dense per group id
  // unless a damaged file has absurdly many groups (then per group seen).
  const SLOTS = 65;
  const dense = names.length * SLOTS <= 1 << 22;
  const denseObjects = dense ? new Float64Array(names.length * SLOTS) : null;
  const denseBytes = dense ? new Float64Array(names.length * SLOTS) : null;
  const counts = new Map<number, { objects: Float64Array; bytes: Float64Array }>();
  let live = 0;
  let inconsistent = 0;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const slot = lifetimeSlot(store, i);
    if (slot < 0) {
      if (slot === LIVE_SLOT) live++;
      else inconsistent++;
      continue;
    }
    const g = ids[i];
    if (denseObjects) {
      denseObjects[g * SLOTS + slot]++;
      denseBytes![g * SLOTS + slot] += size[i];
    } else {
      let c = counts.get(g);
      if (!c) counts.set(g, (c = { objects: new Float64Array(SLOTS), bytes: new Float64Array(SLOTS) }));
      c.objects[slot]++;
      c.bytes[slot] += size[i];
    }
  }
  if (denseObjects) {
    for (let g = 0; g < names.length; g++) {
      const objects = denseObjects.subarray(g * SLOTS, (g + 1) * SLOTS);
      if (objects.some((x) => x > 0)) counts.set(g, { objects, bytes: denseBytes!.subarray(g * SLOTS, (g + 1) * SLOTS) });
    }
  }
  let bytesOverflow = false;
  for (const c of counts.values()) if (c.bytes.some((x) => x > MAX_EXACT)) bytesOverflow = true;
  // A bucket's bytes past 2^53 - 1 are near in doubles: summed again with bigints.
  const exactBytes = bytesOverflow ? exactBucketBytes(store, indices, ids) : null;
  const rows: LifetimeRow[] = [];
  const groups = [...counts.keys()].sort((a, b) => compareBytes(names[a], names[b]) || a - b);
  for (const g of groups) {
    const c = counts.get(g)!;
    for (let slot = 0; slot < SLOTS; slot++) {
      if (c.objects[slot] === 0) continue;
      const [bucketLow, bucketHigh] = bucketBounds(slot - 1);
      const exact = exactBytes?.get(g * SLOTS + slot);
      rows.push({ group: names[g], bucketLow, bucketHigh, objects: c.objects[slot], bytes: exact !== undefined ? exactOf(exact) : c.bytes[slot] });
    }
  }
  return { rows, live, inconsistent };
}

/** Bytes per (group, slot) with bigints (only for sums past 2^53 - 1). */
function exactBucketBytes(store: KmapStore, indices: Uint32Array, ids: ArrayLike<number>): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const slot = lifetimeSlot(store, i);
    if (slot < 0) continue;
    const key = ids[i] * 65 + slot;
    out.set(key, (out.get(key) ?? 0n) + BigInt(store.objects.size.exact(i)));
  }
  return out;
}
