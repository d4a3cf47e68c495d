// Filter and sort over the store's objects: produces the selection (a
// Uint32Array of object indices) that the table's window reads. Filtering is
// filter.ts; sorting is a radix sort over one numeric key per object
// (sort-keys.ts), or a walk of the store's order by it (sort-orders.ts).

import { radixSortSelection } from './radix-sort.ts';
import type { QueryContext } from './context.ts';
import { filterObjects, type FilterResult } from './filter.ts';
import { sortKeyWords } from './sort-keys.ts';
import { sortByStoreOrder } from './sort-orders.ts';
import type { ObjectColumn, SortSpec, ViewQuery } from './types.ts';

export interface Selection extends Omit<FilterResult, 'indices'> {
  /** Object indices, in display order. */
  readonly indices: Uint32Array;
}

/** The filter (filter.ts) then the sort: the selection the objects table pages through. */
export function selectObjects(ctx: QueryContext, query: ViewQuery): Selection {
  const result = filterObjects(ctx, query.filter);
  const indices = result.indices;
  if (query.sort && !(query.sort.key === 'idx' && !query.sort.desc)) sortSelection(ctx, indices, query.sort);
  return { ...result, indices };
}

/**
 * Sorts `indices` (distinct objects in ascending index: a filter's
 * selection) in place; ties keep file order in both directions. A
 * selection of much of the store walks the store's order by that column
 * when one is kept, or made when `keepOrder` (the data worker's loaded
 * kmap, which sorts again at each filter change; not a file still loading,
 * nor the CLI's one sort) and worth making (sort-orders.ts); else a radix
 * sort of its key words. The temporaries (the key words, the sort's
 * buffers) are the context's scratch.
 */
export function sortSelection(ctx: QueryContext, indices: Uint32Array, sort: SortSpec<ObjectColumn>, keepOrder = false): void {
  if (sortByStoreOrder(ctx, indices, sort, keepOrder)) return;
  const { lo, hi } = sortKeyWords(ctx, indices, sort.key);
  radixSortSelection(indices, lo, hi, sort.desc, ctx.scratch);
}
