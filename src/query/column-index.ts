// Objects grouped by the id of an interned column (slab cache, alloc type,
// command), so that a filter on a few names visits only their objects
// instead of every object of the store.
//
// The index is a counting sort of object indices by id (stable: each id's
// objects in ascending index), 4 bytes an object plus one offset per id,
// built once per column when a filter first profits from it and kept in the
// query context (memoIndex). A store that grows while it loads keeps the
// index it has for the objects it covered; the objects added since are
// scanned, and the index is rebuilt once they are more than a quarter of it.
//
// A filter profits when the names it keeps hold few of the objects
// (PROFITABLE_SHARE): the candidates are then gathered from the index and
// put back in ascending order through a bitmap of the store's objects (one
// bit each), which costs their number plus n/32 words, where a scan reads
// every object's id. Above that share, the scan is as fast and needs no
// index.

import type { KmapStore } from '../store/kmap-store.ts';
import type { QueryContext } from './context.ts';

export type IndexedColumn = 'slab' | 'type' | 'command';

/** Candidates from the index only when the kept names hold at most this share of the objects. */
export const PROFITABLE_SHARE = 1 / 8;

interface ColumnIndex {
  /** Objects covered: indices [0, covered). */
  covered: number;
  /** Objects of id g: objects[starts[g]], ..., objects[starts[g + 1] - 1], ascending. */
  starts: Uint32Array;
  objects: Uint32Array;
}

const memos = new WeakMap<QueryContext, Map<IndexedColumn, ColumnIndex>>();

function columnData(store: KmapStore, column: IndexedColumn): ArrayLike<number> {
  return store.objects[column].data;
}

function buildIndex(store: KmapStore, column: IndexedColumn, numIds: number): ColumnIndex {
  const n = store.numObjects;
  const ids = columnData(store, column);
  const starts = new Uint32Array(numIds + 1);
  for (let i = 0; i < n; i++) starts[ids[i] + 1]++;
  for (let g = 0; g < numIds; g++) starts[g + 1] += starts[g];
  const next = starts.slice(0, numIds);
  const objects = new Uint32Array(n);
  for (let i = 0; i < n; i++) objects[next[ids[i]]++] = i;
  return { covered: n, starts, objects };
}

/** The context's index of `column`, (re)built when missing or when the store grew by more than a quarter since it was built. */
function memoIndex(ctx: QueryContext, column: IndexedColumn, numIds: number): ColumnIndex {
  let byColumn = memos.get(ctx);
  if (!byColumn) memos.set(ctx, (byColumn = new Map()));
  const have = byColumn.get(column);
  // Ids interned after the build belong to objects after it (the scanned tail).
  if (have && ctx.store.numObjects - have.covered <= have.covered / 4) return have;
  const built = buildIndex(ctx.store, column, numIds);
  byColumn.set(column, built);
  return built;
}

/** Bytes of the indexes kept for `ctx`. */
export function indexBytes(ctx: QueryContext): number {
  let n = 0;
  for (const index of memos.get(ctx)?.values() ?? []) n += index.starts.byteLength + index.objects.byteLength;
  return n;
}

function runningCounts(store: KmapStore, column: IndexedColumn): readonly number[] {
  return column === 'slab' ? store.objectsBySlab : column === 'type' ? store.objectsByType : store.objectsByCommand;
}

/** How many objects have an id kept by `mask`, from the store's running counts. */
function keptCount(counts: readonly number[], mask: Uint8Array): number {
  let total = 0;
  for (let g = 0; g < mask.length; g++) if (mask[g] === 1) total += counts[g] ?? 0;
  return total;
}

/**
 * The objects that the name masks keep, in ascending index, gathered from
 * the index of the column whose mask keeps the fewest objects, when that is
 * few enough for the index to pay (PROFITABLE_SHARE); otherwise null, and
 * the caller scans every object. Masks are 1 = kept, by id; a null mask
 * keeps every name. Only one column's mask is applied: the caller still
 * tests every condition on each candidate. The array is the context's
 * scratch ('candidates'): read it before the next call.
 */
export function candidatesByName(ctx: QueryContext, masks: readonly [IndexedColumn, Uint8Array | null][]): Uint32Array | null {
  const store = ctx.store;
  const n = store.numObjects;
  let best: [IndexedColumn, Uint8Array] | null = null;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const [column, mask] of masks) {
    if (!mask) continue;
    const count = keptCount(runningCounts(store, column), mask);
    if (count < bestCount) [best, bestCount] = [[column, mask], count];
  }
  if (!best || bestCount > n * PROFITABLE_SHARE) return null;
  const [column, mask] = best;
  if (mask.length === 0 || bestCount === 0) return new Uint32Array(0);
  const { covered, starts, objects } = memoIndex(ctx, column, mask.length);
  // Mark the kept objects the index covers, then read the marks in order.
  const bits = ctx.scratch.u32('candidates.bits', Math.ceil(covered / 32));
  let marked = 0;
  for (let g = 0; g < mask.length && g + 1 < starts.length; g++) {
    if (mask[g] !== 1) continue;
    for (let k = starts[g]; k < starts[g + 1]; k++) {
      const i = objects[k];
      bits[i >>> 5] |= 1 << (i & 31);
    }
    marked += starts[g + 1] - starts[g];
  }
  const out = ctx.scratch.u32('candidates', marked + (n - covered), false); // read only up to what was written
  let m = 0;
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w];
    while (word !== 0) {
      const low = word & -word;
      out[m++] = (w << 5) + 31 - Math.clz32(low);
      word ^= low;
    }
  }
  // Objects added since the index was built: scanned.
  const ids = columnData(store, column);
  for (let i = covered; i < n; i++) if (mask[ids[i]] === 1) out[m++] = i;
  return out.subarray(0, m);
}
