// The data worker's answers about the kmap it holds: the summary, name
// lists, the selection and its rows, every aggregate and every CSV, over
// `store` with the symbols in `ctx`. KmapSession (./kmap-session.ts) extends
// this with the lifecycle: loading, cancelling, the kmap kept for a Cancel,
// symbols. Split so that each file has one job.
//
// Caching: filter results (indices) and aggregates are cached by the
// filter's canonical key (filterKey) for one store generation and, while a
// file loads, one store size (stamp()); the lifecycle bumps `generation`
// and clears both caches whenever the store or the symbols change. The
// result cache keeps the most recently used (a hit counts as a use), and
// holds one mutable entry kind besides answers: the live chart's
// LiveCheckpoints per filter and grouping, which its walks fill.

import { breakdown, filteredTotals, hierarchy } from '../src/query/breakdown.ts';
import { objectSums, objectSumsMade, warmObjectSums } from '../src/query/object-sums.ts';
import { objectCells, objectCellsToGo, warmObjectCells, type ObjectCells } from '../src/query/object-cells.ts';
import { cellBreakdown, cellChartGroups, cellHierarchy, cellLifetimeChart, cellQuality, cellsDecide, cellTotals } from '../src/query/object-cell-queries.ts';
import { QueryContext } from '../src/query/context.ts';
import { breakdownCsv, lifetimesCsv, liveCsv, matrixCsv, qualityCsv, sitesCsv } from '../src/query/csv.ts';
import { filterObjects, type FilterResult } from '../src/query/filter.ts';
import { foldFilterProblem, foldMatrixRows, foldMatrixView, foldSites, indexMatrixRows, indexMatrixView, indexSites } from '../src/query/cell-queries.ts';
import { kmapSliceChunks } from '../src/query/kmap-slice.ts';
import { lifetimeChart, liveChart, onePass, windowBands, type LifetimeChart, type LiveChart, type WindowBands } from '../src/query/lifetime-charts.ts';
import { lifetimeHistogram } from '../src/query/lifetimes.ts';
import { LiveCheckpoints } from '../src/query/live-checkpoints.ts';
import { liveBins } from '../src/query/live-series.ts';
import { matrixRows, matrixView, type MatrixView } from '../src/query/matrix.ts';
import { firstInOrder } from '../src/query/first-in-order.ts';
import { WindowInOrder, type WindowTuning } from '../src/query/window-in-order.ts';
import { sortSelection } from '../src/query/object-query.ts';
import { dropOrderMaking, firstByStoreOrder, makeOrderInSteps, sortByStoreOrderInSteps, wouldMakeOrder } from '../src/query/sort-orders.ts';
import { runToEnd } from '../src/query/steps.ts';
import { qualityRows, warmQualityCodes, type QualityRow } from '../src/query/quality.ts';
import { accessRowsWindow, objectRow } from '../src/query/rows.ts';
import { shownName } from '../src/query/shown-name.ts';
import { siteCells, siteCellsToGo, warmSiteCells, type SiteCells } from '../src/query/site-cells.ts';
import { accessSites, pidCommands, siteDetail } from '../src/query/sites.ts';
import { summarize } from '../src/query/summary.ts';
import { emptyFilter, filterKey } from '../src/query/types.ts';
import { LAYOUTS } from '../src/format/variants.ts';
import { KmapParser } from '../src/format/parser.ts';
import { topCountPairs, type KmapStore } from '../src/store/kmap-store.ts';
import type {
  AccessColumn,
  AccessRow,
  BreakdownKey,
  BreakdownRow,
  FilteredTotals,
  HierarchyCell,
  LifetimeGrouping,
  MatrixColumnKind,
  NameField,
  NameList,
  ObjectColumn,
  ObjectFilter,
  ObjectRow,
  QueryResult,
  SiteDetail,
  SiteRow,
  SortSpec,
  ViewQuery,
} from '../src/worker-api.ts';

/**
 * The cache's value for `key`, computed and added when missing; a hit moves
 * it to the most recent end, and past `max` entries the least recently used
 * goes (a Map keeps insertion order).
 */
function lruGet<V>(cache: Map<string, V>, key: string, max: number, compute: () => V): V {
  if (cache.has(key)) {
    const hit = cache.get(key) as V;
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const value = compute();
  cache.set(key, value);
  while (cache.size > max) cache.delete(cache.keys().next().value!);
  return value;
}

/** Filter results kept (each up to 4 bytes per object). */
const MAX_CACHED_FILTERS = 4;
/** Aggregate results kept. */
const MAX_CACHED_RESULTS = 32;
/** Delay before a loaded kmap's per-object sums are begun (warmAfterLoad): the page's first questions about it come first. */
const WARM_AFTER_MS = 250;
/** Objects summed per turn of the warm-up (about 10-20 ms at 4 access lines an object), so that questions get in between. */
const WARM_STEP_OBJECTS = 1 << 19;
/** Objects indexed per turn of the site index's warm-up (about 20-40 ms at 3-5 access lines an object). */
const WARM_STEP_SITE_OBJECTS = 1 << 17;
/**
 * In a store of at least this many objects, a sort that would make the
 * store's order by its column (sort-orders.ts) answers at once with its
 * first rows (firstInOrder) and makes the order in turns (SORT_TURN_MS
 * each, SORT_STEP_OBJECTS at a time): at 10 M objects the order costs
 * 300-1,300 ms in one piece, at 23 M 0.5-1.8 s, most of it the first touch
 * of its arrays. A sort that walks a kept order answers with the walk
 * stopped at its first rows (firstByStoreOrder) and walks the rest in
 * turns (20-140 ms in all at 10-23 M objects). Smaller stores sort at once.
 */
export const STEPPED_SORT_MIN_OBJECTS = 1 << 20;
/** Rows of a stepped sort answered before its order is made: the table's first page and more. */
const FIRST_ROWS_AHEAD = 256;
/**
 * A window of at most this many rows past a stepped sort's first ones (a
 * scroll: the table asks pages of 128) is counted out of the keys while the
 * order is made (WindowInOrder: at 23 M objects, after the sort's first
 * turns have counted the keys, two passes at most, 86-100 ms in Chromium,
 * against 0.4-1.9 s for the whole sort; keys past 32 bits, such as
 * addresses, by their high words first: 1-96 ms at 9.9 M objects in Node
 * once counted, against 1.0-2.0 s); a bigger one finishes the sort at once.
 */
const WINDOW_MAX_ROWS = 4096;
/** The length of one turn of a stepped sort (a question that comes meanwhile waits at most this). */
const SORT_TURN_MS = 16;
/** Objects per step of a stepped sort (about 1-4 ms each, more where the memory is touched the first time). */
const SORT_STEP_OBJECTS = 1 << 18;
/** The key of the filter that keeps every object. */
const EMPTY_FILTER_KEY = filterKey(emptyFilter());
/** Names per count list in a summary (the page asks for names with nameOptions). */
export const SUMMARY_NAMES = 20;

/** A sort answered by its first rows while the store's order by its column is made (SessionQueries.query). */
interface PendingSort {
  /** The context it sorts on: a new one (a new store, symbols) leaves it. */
  readonly ctx: QueryContext;
  /** The filter's selection, in file order (the filter cache's: never written). */
  readonly indices: Uint32Array;
  readonly sort: SortSpec<ObjectColumn>;
  /** Its first rows' objects, as the whole sort will have them. */
  readonly first: Uint32Array;
  /** Of `indices`, how many are copied into the sorted buffer so far. */
  copied: number;
  /** The store's order by the sort's column is kept (or was already): turns walk it once the copy is done. */
  made: boolean;
  /** The walk of the order into the sorted buffer, once begun (null: the order went; the sort is finished at once). */
  walk?: Generator<void, void> | null;
  /** Windows past the first rows, counted out of the keys (made by the sort's first turn, or the first such window). */
  windows?: WindowInOrder;
}

export abstract class SessionQueries {
  /** The kmap that queries see: the last one loaded, or the one loading once it is known to be a kmap. */
  protected store: KmapStore | null = null;
  /** Whether `store` holds a whole file (not one still loading or cut short by a cancel): it will not grow. */
  protected storeComplete = false;
  protected ctx: QueryContext | null = null;
  /** The selection, once sorted (selection reads it, finishing a stepped sort first). */
  private settled: Uint32Array = new Uint32Array(0);
  /**
   * A stepped sort (query()): its first rows are answered, and a window of
   * rows past them is counted out of the keys (rows()); the rest waits for
   * the store's order by its column, made in turns (sortTurn). Reading the
   * selection (a position, an export, a window too big or not countable)
   * finishes it at once.
   */
  private pendingSort: PendingSort | null = null;
  private sortTimer: ReturnType<typeof setTimeout> | null = null;
  /** Stores of at least this many objects sort in steps (STEPPED_SORT_MIN_OBJECTS; tests set less). */
  protected steppedSortMinObjects = STEPPED_SORT_MIN_OBJECTS;
  /** Windows of at most this many rows are counted out of a stepped sort's keys (WINDOW_MAX_ROWS; tests set less). */
  protected windowMaxRows = WINDOW_MAX_ROWS;
  /** How WindowInOrder reads the keys (tests set small blocks, so that its count takes many turns). */
  protected windowTuning: WindowTuning = {};
  /** A stepped sort's turns and steps (SORT_TURN_MS, SORT_STEP_OBJECTS; tests set less, to stop between steps: a turn takes one step at least). */
  protected sortTurnMs = SORT_TURN_MS;
  protected sortStepObjects = SORT_STEP_OBJECTS;

  /** The rows the table pages through: the filtered objects in display order (a stepped sort is finished first). */
  protected get selection(): Uint32Array {
    this.settleSort();
    return this.settled;
  }

  protected set selection(indices: Uint32Array) {
    this.dropPendingSort();
    this.settled = indices;
  }
  /** Position of each object in the selection (+1; 0 = filtered out), built on demand. */
  protected positions: Uint32Array | null = null;
  /**
   * Buffers kept for the next selection: the sorted selection's and the
   * positions'. Both are as long as the store, and a fresh buffer that long
   * costs more to touch than the work done in it (src/query/scratch.ts).
   * The lifecycle drops them with each new context (forgetBuffers()).
   */
  private sortedBuffer: Uint32Array | null = null;
  private positionsBuffer: Uint32Array | null = null;
  /** Bumped when the store or the symbols change: cached results are stale. */
  protected generation = 0;
  protected filterCache = new Map<string, FilterResult>();
  protected resultCache = new Map<string, unknown>();

  /** The store's summary; kept for a loaded file (it reads every object's alloc index: 25-50 ms at 23 M objects, on every refresh of the page). */
  summary() {
    const store = this.store;
    if (!store) return null;
    return this.storeComplete ? this.cached('summary', emptyFilter(), () => summarize(store, SUMMARY_NAMES)) : summarize(store, SUMMARY_NAMES);
  }

  /**
   * Makes the loaded kmap's per-object sums a moment after its load, once
   * the page has had its first answers, in turns of WARM_STEP_OBJECTS
   * objects, then the objects' quality codes (query/quality.ts) and its
   * object cells (query/object-cells.ts, which count the codes made) in
   * turns of as many, then its site index (query/site-cells.ts), the
   * longest, in turns of WARM_STEP_SITE_OBJECTS: the load's last refresh
   * needs none of them (the totals of every object are the store's own),
   * but the first filter, Breakdown or sort by reads needs the sums, the
   * Breakdown, the totals, the lifetime histogram and the Quality counts of
   * filters on caches, types and liveness answer from the object cells, the
   * access sites and the matrix from the index, other filters' Quality
   * counts by the codes, and each
   * would pay for them then (about 100 ms per 4 M objects for the sums, a
   * pass over every line for the index: more than a second each at 5 GB).
   * A question that needs one of them before its last turn has the rest
   * made at once; a context replaced meanwhile (a new file, symbols) is
   * left alone.
   */
  protected warmAfterLoad(): void {
    this.stopWarming();
    const ctx = this.ctx;
    if (!ctx) return;
    const folded = ctx.store.fold !== null;
    const turn = () => {
      // A stepped sort counting its keys for a scroll's windows goes first (a scroll comes soon after a
      // sort, and waits for the rest of that count): the warm-up waits for its end, a sort turn at a time.
      if (this.ctx === ctx && this.countingWindows()) {
        this.warmTimer = setTimeout(turn, this.sortTurnMs);
        return;
      }
      const t0 = performance.now();
      const done =
        this.ctx !== ctx ||
        (warmObjectSums(ctx, WARM_STEP_OBJECTS) &&
          warmQualityCodes(ctx, WARM_STEP_OBJECTS) &&
          warmObjectCells(ctx, WARM_STEP_OBJECTS) &&
          (folded || warmSiteCells(ctx, WARM_STEP_SITE_OBJECTS)));
      this.turnTook('warmTurn', performance.now() - t0);
      this.warmTimer = done ? null : setTimeout(turn, 0);
    };
    this.warmTimer = setTimeout(turn, WARM_AFTER_MS);
  }

  /** Whether a stepped sort's turns are counting its keys for a scroll's windows (sortTurn's first work). */
  private countingWindows(): boolean {
    const p = this.pendingSort;
    return p !== null && p.ctx === this.ctx && !p.made && !(p.windows?.prepared ?? false);
  }

  /** Each turn's ms, of the warm-up ('warmTurn') or of a stepped sort ('sortTurn'): a question that came during a turn waited for its end (the data worker logs the long ones). */
  protected turnTook(_name: 'warmTurn' | 'sortTurn', _ms: number): void {}

  /** The warm-up's next turn, while one is due. */
  private warmTimer: ReturnType<typeof setTimeout> | null = null;

  /** Ends a warm-up (its context is going: a new file, symbols, close), so that its timer holds nothing. */
  protected stopWarming(): void {
    if (this.warmTimer !== null) clearTimeout(this.warmTimer);
    this.warmTimer = null;
  }


  /** The cache key prefix: results hold for one store generation and, while loading, one size. */
  protected stamp(): string {
    const s = this.store;
    return s ? `${this.generation}:${s.numObjects}:${s.numAccesses}` : 'none';
  }

  protected filtered(filter: ObjectFilter): FilterResult {
    const ctx = this.ctx!;
    return lruGet(this.filterCache, `${this.stamp()}|${filterKey(filter)}`, MAX_CACHED_FILTERS, () => filterObjects(ctx, filter));
  }

  protected cached<T>(op: string, filter: ObjectFilter, compute: () => T): T {
    return lruGet(this.resultCache, `${op}|${this.stamp()}|${filterKey(filter)}`, MAX_CACHED_RESULTS, compute) as T;
  }

  nameOptions(field: NameField, query = '', limit = Number.POSITIVE_INFINITY): NameList {
    const store = this.store;
    if (!store) return { options: [], total: 0 };
    const layout = LAYOUTS[store.variant ?? 'E'];
    if ((field === 'slab' && !layout.hasSlab) || (field === 'type' && !layout.hasType)) return { options: [], total: 0 };
    const [interner, counts] =
      field === 'slab'
        ? [store.slabs, store.objectsBySlab]
        : field === 'type'
          ? [store.types, store.objectsByType]
          : [store.commands, store.objectsByCommand];
    const needle = query.trim().toLowerCase();
    // Matched as the pickers show names (shownName: "(empty)", ⟨U+202E⟩), as their local narrowing does.
    const accept = needle === '' ? null : (name: string) => shownName(name).toLowerCase().includes(needle);
    const { pairs, total } = topCountPairs(interner.names(), counts, limit, accept);
    return { options: pairs.map(([name, objects]) => ({ name, objects })), total };
  }

  query(q: ViewQuery): QueryResult {
    if (!this.store || !this.ctx) return { total: 0, numObjects: 0, unknownNames: [], searchErrors: [] };
    const ctx = this.ctx;
    const f = this.filtered(q.filter);
    let indices = f.indices;
    this.positions = null;
    let pending: PendingSort | null = null;
    if (q.sort && !(q.sort.key === 'idx' && !q.sort.desc)) {
      // A sort in turns by this column whose order is not made yet: this one makes it as well (a filter under that sort).
      const before = this.pendingSort;
      const due = before !== null && before.ctx === ctx && !before.made && before.sort.key === q.sort.key;
      // The sorted buffer may hold the current selection: it is gone from here on, whether or not the sort succeeds.
      this.selection = new Uint32Array(0);
      // A big store's first rows first: from the kept order (the walk
      // stopped at them) or, where the order would be made, by firstInOrder.
      let first: Uint32Array | null = null;
      let made = false;
      if (this.storeComplete && this.store.numObjects >= this.steppedSortMinObjects) {
        const k = Math.max(FIRST_ROWS_AHEAD, q.firstRows ?? 0);
        first = firstByStoreOrder(ctx, indices, q.sort, k);
        made = first !== null;
        if (!first && wouldMakeOrder(ctx, q.sort.key, indices.length, due)) first = firstInOrder(ctx, indices, q.sort, k);
      }
      if (first) {
        pending = { ctx, indices, sort: q.sort, first, copied: 0, made };
      } else {
        // A copy: the filter's indices stay cached in file order.
        const sorted = this.sortedFor(indices.length);
        sorted.set(indices);
        // A whole file's selection is sorted again at each filter change: worth keeping the store's order by that column.
        sortSelection(ctx, sorted, q.sort, this.storeComplete);
        indices = sorted;
      }
    }
    // An order being made for a sort replaced now holds memory for nothing (this one's own goes on).
    dropOrderMaking(ctx, pending && !pending.made ? pending.sort.key : null);
    if (pending) {
      this.pendingSort = pending;
      // After the page's other questions of this refresh (sent with the query, answered first).
      this.sortTimer = setTimeout(this.sortTurn, this.sortTurnMs);
    } else {
      this.selection = indices;
    }
    const result: QueryResult = { total: f.indices.length, numObjects: this.store.numObjects, unknownNames: f.unknownNames, searchErrors: f.searchErrors };
    if (q.firstRows !== undefined) result.firstRows = this.rows(0, q.firstRows);
    return result;
  }

  /** The first `m` elements of the buffer kept for sorted selections (made as long as the store the first time). */
  private sortedFor(m: number): Uint32Array {
    if (!this.sortedBuffer || this.sortedBuffer.length < m) this.sortedBuffer = new Uint32Array(this.store!.numObjects);
    return this.sortedBuffer.subarray(0, m);
  }

  /**
   * One turn of a stepped sort: the keys counted for a scroll's windows
   * (unless the order is kept), then the filter's selection copied into the
   * sorted buffer (its first touch, a step at a time), then the store's
   * order made unless kept, then the selection sorted by walking it (20-140
   * ms at 10-23 M objects, in steps too).
   */
  private readonly sortTurn = (): void => {
    this.sortTimer = null;
    const p = this.pendingSort;
    if (!p || p.ctx !== this.ctx) return;
    // First the keys counted for the windows of a scroll, which comes soon after a sort (one pass in turns: 40-100 ms
    // at 23 M objects); not when the order is kept (its walk is done in 20-140 ms of turns).
    if (!p.made && !p.windows?.prepared) {
      const t0 = performance.now();
      p.windows ??= new WindowInOrder(p.ctx, p.indices, p.sort, this.windowTuning);
      p.windows.prepare(t0 + this.sortTurnMs);
      this.turnTook('sortTurn', performance.now() - t0);
      this.sortTimer = setTimeout(this.sortTurn, 0);
      return;
    }
    // The warm-up's per-object sums come first: nearly every question needs them (the totals of any filter).
    if (this.warmTimer !== null && !objectSumsMade(p.ctx)) {
      this.sortTimer = setTimeout(this.sortTurn, this.sortTurnMs);
      return;
    }
    const t0 = performance.now();
    const deadline = t0 + this.sortTurnMs;
    const m = p.indices.length;
    // One kind of work a turn, a step of it at least: copy, make, or walk.
    if (p.copied < m) {
      const sorted = this.sortedFor(m);
      do {
        const end = Math.min(m, p.copied + this.sortStepObjects);
        sorted.set(p.indices.subarray(p.copied, end), p.copied);
        p.copied = end;
      } while (p.copied < m && performance.now() < deadline);
    } else if (!p.made) {
      p.made = makeOrderInSteps(p.ctx, p.sort.key, deadline, this.sortStepObjects);
    } else {
      p.walk ??= sortByStoreOrderInSteps(p.ctx, this.sortedFor(m), p.sort, this.sortStepObjects);
      let done = p.walk === null;
      while (!done) {
        done = p.walk!.next().done === true;
        if (performance.now() >= deadline) break;
      }
      if (done) this.settleSort();
    }
    this.turnTook('sortTurn', performance.now() - t0);
    if (this.pendingSort === p) this.sortTimer = setTimeout(this.sortTurn, 0);
  };

  /**
   * Finishes a stepped sort at once (what is left of its turns): the
   * selection is then whole. `keepOrder` false (before a slice or an
   * export, which need the room): no order is made for it, the one being
   * made is dropped and the selection sorted apart (or by the kept order,
   * when one is).
   */
  protected settleSort(keepOrder = true): void {
    const p = this.pendingSort;
    if (!p) return;
    this.dropPendingSort();
    if (p.ctx !== this.ctx) return;
    const sorted = this.sortedFor(p.indices.length);
    if (p.walk) {
      // The rest of the walk begun in its turns (the copy is whole by then).
      runToEnd(p.walk);
    } else {
      if (!keepOrder) dropOrderMaking(p.ctx);
      sorted.set(p.indices.subarray(p.copied), p.copied);
      // Finishes the order being made (the same column) and walks it, or sorts apart.
      sortSelection(p.ctx, sorted, p.sort, keepOrder);
    }
    this.settled = sorted;
  }

  private dropPendingSort(): void {
    this.pendingSort = null;
    if (this.sortTimer !== null) clearTimeout(this.sortTimer);
    this.sortTimer = null;
  }

  totals(filter: ObjectFilter): FilteredTotals {
    if (!this.ctx) return { objects: 0, liveObjects: 0, bytes: 0, liveBytes: 0, accesses: 0, reads: 0, writes: 0 };
    return this.cached('totals', filter, () => {
      // Every object's totals need no per-object sums (the store's own): the cells only when made already.
      const cells = this.objectCells(filter, filterKey(filter) !== EMPTY_FILTER_KEY);
      return (cells && cellTotals(this.ctx!, cells, filter)) ?? filteredTotals(this.ctx!, this.filtered(filter).indices);
    });
  }

  breakdown(filter: ObjectFilter, by: BreakdownKey): BreakdownRow[] {
    if (!this.ctx) return [];
    return this.cached(`breakdown:${by}`, filter, () => {
      // The cells know no command or pid: those read the objects, and make no cells for it.
      const cells = by === 'command' || by === 'pid' ? null : this.objectCells(filter);
      return (cells && cellBreakdown(this.ctx!, cells, filter, by)) ?? breakdown(this.ctx!, this.filtered(filter).indices, by);
    });
  }

  hierarchy(filter: ObjectFilter, limit: number): { cells: HierarchyCell[]; total: number } {
    if (!this.ctx) return { cells: [], total: 0 };
    const all = this.cached('hierarchy', filter, () => {
      const cells = this.objectCells(filter);
      return (cells && cellHierarchy(this.ctx!, cells, filter)) ?? hierarchy(this.ctx!, this.filtered(filter).indices);
    });
    return { cells: all.slice(0, Math.max(0, limit)), total: all.length };
  }

  /**
   * The object cells of a whole store (query/object-cells.ts), for a filter
   * they decide; null while the file loads (the cells are made once, after
   * the load), for another filter, or when they were given up. While the
   * warm-up still sums them, a filter that keeps fewer objects than are
   * left to sum reads its objects instead (about the same cost per object;
   * at 5 GB, right after the load, the cells made at once for the first
   * filter's totals took 300-355 ms where its objects take about 50), and
   * so does every question without `make`: the totals of every object,
   * which need no per-object sums; the lifetime histogram, the live chart's
   * groups and the Quality counts, which need no cells from the objects;
   * the kept count that chooses between the site index and the lines.
   */
  private objectCells(filter: ObjectFilter, make = true): ObjectCells | null {
    if (!this.ctx || !this.storeComplete || !cellsDecide(filter)) return null;
    const toGo = objectCellsToGo(this.ctx);
    if (toGo > 0 && (!make || this.filtered(filter).indices.length < toGo)) return null;
    const cells = objectCells(this.ctx);
    return cells.usable ? cells : null;
  }

  /**
   * An aggregate-only store answers the sites and the matrix from its fold,
   * for the filters a fold can apply: true then, false for a store with its
   * lines; a filter it cannot apply is refused with the reason.
   */
  private fromFold(filter: ObjectFilter): boolean {
    if (!this.store?.fold) return false;
    const problem = foldFilterProblem(filter);
    if (problem !== null) throw new Error(problem);
    return true;
  }

  /**
   * The site index of a whole store with its lines, for a filter its cells
   * decide (query/cell-queries.ts); null while the file loads (the index
   * would be made again at every size), for an aggregate-only store, for an
   * index abandoned (too many cells) and for any other filter: those read
   * the lines. While the warm-up still builds it, a filter that keeps fewer
   * objects than are left to index reads its objects' lines instead of
   * having the rest indexed first (each costs about a pass over as many
   * objects' lines): the first look after a load, live objects only, took
   * 553-637 ms at 9.9 M objects waiting for the index, where their lines
   * take about 170. Both ways begin with the passes over every line
   * (line-passes.ts: the sites' dense pid ids, the matrix's grid rows), made
   * at once if the warm-up has not made them yet. The count comes from the
   * object cells where the warm-up has made them (it makes them before the
   * index), else from the filter (computed and cached).
   */
  private siteIndex(filter: ObjectFilter): SiteCells | null {
    if (!this.ctx || !this.storeComplete || this.ctx.store.fold || foldFilterProblem(filter) !== null) return null;
    const toGo = siteCellsToGo(this.ctx);
    if (toGo > 0) {
      // The objects kept but for other tasks, which the lines decide (one more pass over the kept objects' lines).
      const kept = this.keptCount({ ...filter, otherTasks: false });
      if (kept * (filter.otherTasks ? 2 : 1) < toGo) return null;
    }
    const index = siteCells(this.ctx);
    // Abandoned: too many cells for the lines (a file of random IPs).
    return index.usable ? index : null;
  }

  /** How many objects `filter` keeps: the object cells' count where they are complete and decide it, else the filter's. */
  private keptCount(filter: ObjectFilter): number {
    const cells = this.objectCells(filter, false);
    const totals = cells && cellTotals(this.ctx!, cells, filter);
    return totals ? totals.objects : this.filtered(filter).indices.length;
  }

  sites(filter: ObjectFilter): SiteRow[] {
    if (!this.ctx) return [];
    if (this.fromFold(filter)) return this.cached('sites', filter, () => foldSites(this.ctx!, filter));
    return this.cached('sites', filter, () => {
      const index = this.siteIndex(filter);
      // An index whose pids were too many to keep as bits answers the matrix only.
      if (index?.pidsKnown) return indexSites(this.ctx!, index, filter);
      return accessSites(this.ctx!, this.filtered(filter).indices, filter.otherTasks);
    });
  }

  siteDetail(filter: ObjectFilter, site: string): SiteDetail {
    // An aggregate-only store kept no pids of its lines.
    if (!this.ctx || this.store?.fold) return { site, pids: [] };
    const ctx = this.ctx;
    return siteDetail(ctx, this.filtered(filter).indices, filter.otherTasks, site, ctx.memo('pidCommands', () => pidCommands(ctx.store)));
  }

  breakdownCsv(filter: ObjectFilter, by: BreakdownKey): string {
    return breakdownCsv(this.breakdown(filter, by), by);
  }

  sitesCsv(filter: ObjectFilter): string {
    return sitesCsv(this.sites(filter));
  }

  /** The context and filtered objects an analysis runs on (an empty store before any load). */
  protected input(filter: ObjectFilter): [QueryContext, Uint32Array] {
    if (!this.ctx) return [new QueryContext(new KmapParser().store), new Uint32Array(0)];
    return [this.ctx, this.filtered(filter).indices];
  }

  lifetimeChart(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number): LifetimeChart {
    return this.cached(`lifetimes:${by}:${topGroups}`, filter, () => {
      // The cells once the warm-up has made them: the chart from the objects
      // needs neither the per-object sums nor the cells, so it does not
      // have them made at once; nor where the chart ranks its groups first,
      // which the cells do not answer.
      const cells = this.ctx && onePass(this.ctx, by) ? this.objectCells(filter, false) : null;
      return (cells && cellLifetimeChart(this.ctx!, cells, filter, by, topGroups)) ?? lifetimeChart(...this.input(filter), by, topGroups);
    });
  }

  liveChart(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number, bins: number, range: [number, number] | null): LiveChart {
    const key = `live:${by}:${topGroups}:${bins}:${range ? range.join('-') : 'all'}`;
    // Where a zoom's walk may start: the whole-axis chart's bin starts, for this filter and grouping.
    const checkpoints = this.cached(`live-checkpoints:${by}:${topGroups}`, filter, () => new LiveCheckpoints());
    return this.cached(key, filter, () => {
      // The top groups from the object cells where the warm-up has made them (a pass over the kept objects less).
      const cells = this.objectCells(filter, false);
      const groups = cells && cellChartGroups(this.ctx!, cells, filter, by, topGroups);
      return liveChart(...this.input(filter), by, topGroups, bins, range, checkpoints, groups);
    });
  }

  windowBands(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number, start: number, end: number, limit: number): WindowBands {
    return this.cached(`bands:${by}:${topGroups}:${start}:${end}:${limit}`, filter, () => windowBands(...this.input(filter), by, topGroups, start, end, limit));
  }

  matrix(filter: ObjectFilter, cols: MatrixColumnKind, maxRows: number, maxCols: number): MatrixView {
    if (this.fromFold(filter)) return this.cached(`matrix:${cols}:${maxRows}:${maxCols}`, filter, () => foldMatrixView(...this.input(filter), filter, cols, maxRows, maxCols));
    return this.cached(`matrix:${cols}:${maxRows}:${maxCols}`, filter, () => {
      const index = this.siteIndex(filter);
      // The index asks for the filter's objects only when its "other" row needs them.
      if (index) return indexMatrixView(this.ctx!, index, () => this.filtered(filter).indices, filter, cols, maxRows, maxCols);
      return matrixView(...this.input(filter), cols, filter.otherTasks, maxRows, maxCols);
    });
  }

  lifetimesCsv(filter: ObjectFilter, by: LifetimeGrouping): string {
    return lifetimesCsv(lifetimeHistogram(...this.input(filter), by).rows);
  }

  liveCsv(filter: ObjectFilter, bins: number): string {
    return liveCsv(liveBins(...this.input(filter), Math.max(1, Math.floor(bins))));
  }

  matrixCsv(filter: ObjectFilter, cols: MatrixColumnKind): string {
    if (this.fromFold(filter)) return matrixCsv(foldMatrixRows(this.input(filter)[0], filter, cols));
    const index = this.siteIndex(filter);
    if (index) return matrixCsv(indexMatrixRows(this.ctx!, index, filter, cols));
    return matrixCsv(matrixRows(...this.input(filter), cols, filter.otherTasks));
  }

  quality(filter: ObjectFilter, by: LifetimeGrouping): { rows: QualityRow[]; total: QualityRow } {
    return this.cached(`quality:${by}`, filter, () => {
      // The cells once the warm-up has made them; before that the objects' codes (made at once if need be).
      const cells = this.objectCells(filter, false);
      return (cells && cellQuality(this.ctx!, cells, filter, by)) ?? qualityRows(...this.input(filter), by);
    });
  }

  qualityCsv(filter: ObjectFilter, by: LifetimeGrouping): string {
    return qualityCsv(this.quality(filter, by).rows);
  }

  /** Bytes a slice may take in this worker (null: no limit); the lifecycle knows the budget. */
  protected sliceRoom(): number | null {
    return null;
  }

  kmapSlice(filter: ObjectFilter): Blob {
    const [ctx, indices] = this.input(filter);
    if (ctx.store.fold) {
      throw new Error('this kmap was loaded aggregates only: a kmap slice lists the objects\' access lines, which were summed, not kept. The command line writes one from the file: kmap slice FILE [FILTERS] > part.kmap');
    }
    // The Blob holds the whole slice here: refuse one that would not fit,
    // estimated at 160 bytes an object and 40 an access line (above the
    // averages of the sample and the 1 GB benchmark file: about 100 and 26),
    // before writing it.
    const room = this.sliceRoom();
    if (room !== null) {
      const sums = objectSums(ctx);
      let lines = 0;
      for (let p = 0; p < indices.length; p++) lines += sums.lines[indices[p]];
      const estimate = indices.length * 160 + lines * 40;
      if (estimate > room) {
        const mb = (n: number) => `${Math.round(n / 1e6).toLocaleString('en-US')} MB`;
        throw new Error(
          `a kmap of ${indices.length.toLocaleString('en-US')} objects would take about ${mb(estimate)}, more than this tab has left (${mb(Math.max(0, room))}); ` +
            'narrow the filters, or write it with the CLI: kmap slice FILE [FILTERS] > part.kmap',
        );
      }
    }
    return new Blob([...kmapSliceChunks(ctx.store, indices)] as BlobPart[], { type: 'text/plain' });
  }

  /** Bytes the queries keep for the loaded kmap (MemoryUse.queryBytes). */
  protected queryBytes(): number {
    return (this.ctx?.heldBytes() ?? 0) + (this.sortedBuffer?.byteLength ?? 0) + (this.positionsBuffer?.byteLength ?? 0);
  }

  /**
   * Lets the reused selection buffers go (with the context they were made
   * for: a new store or symbols), a stepped sort finished first (its
   * selection is in them), without making an order the context's end would
   * let go.
   */
  protected forgetBuffers(): void {
    this.settleSort(false);
    this.sortedBuffer = null;
    this.positionsBuffer = null;
  }

  rows(start: number, count: number): ObjectRow[] {
    if (!this.store) return [];
    const pending = this.pendingSort;
    if (pending && pending.ctx === this.ctx) {
      const ctx = pending.ctx;
      // A stepped sort's first rows, while its order is made.
      const first = pending.first;
      if (Math.max(0, start) + Math.max(0, count) <= first.length) {
        const rows: ObjectRow[] = [];
        for (let p = Math.max(0, start); p < start + count; p++) rows.push(objectRow(this.store, first[p], ctx));
        return rows;
      }
      // A window past them (a scroll), counted out of the keys; the order's turns go on. (Under a kept order
      // whose keys are not counted yet, finishing its walk, 20-140 ms, costs less and serves every window after.)
      if (count <= this.windowMaxRows && (!pending.made || pending.windows?.prepared)) {
        pending.windows ??= new WindowInOrder(ctx, pending.indices, pending.sort, this.windowTuning);
        const objects = pending.windows.rows(start, count);
        if (objects) return Array.from(objects, (i) => objectRow(this.store!, i, ctx));
      }
    }
    const end = Math.min(this.selection.length, start + count);
    const rows: ObjectRow[] = [];
    for (let p = Math.max(0, start); p < end; p++) rows.push(objectRow(this.store, this.selection[p], this.ctx ?? undefined));
    return rows;
  }

  positionOf(idx: number): number {
    if (!this.store || idx < 0 || idx >= this.store.numObjects) return -1;
    if (!this.positions || this.positions.length !== this.store.numObjects) {
      if (!this.positionsBuffer || this.positionsBuffer.length !== this.store.numObjects) this.positionsBuffer = new Uint32Array(this.store.numObjects);
      else this.positionsBuffer.fill(0);
      this.positions = this.positionsBuffer;
      for (let p = 0; p < this.selection.length; p++) this.positions[this.selection[p]] = p + 1;
    }
    return this.positions[idx] - 1;
  }

  object(idx: number): ObjectRow | null {
    if (!this.store || !Number.isInteger(idx) || idx < 0 || idx >= this.store.numObjects) return null;
    return objectRow(this.store, idx, this.ctx ?? undefined);
  }

  accesses(idx: number, sort: SortSpec<AccessColumn> | null, limit = Number.POSITIVE_INFINITY): AccessRow[] {
    if (!this.store || !Number.isInteger(idx) || idx < 0 || idx >= this.store.numObjects) return [];
    const rows = accessRowsWindow(this.store, idx, sort, Math.max(0, limit), this.ctx ?? undefined);
    if (rows.length > 0 && this.ctx) {
      const ctx = this.ctx;
      const names = ctx.memo('pidCommands', () => pidCommands(ctx.store));
      for (const r of rows) r.pidCommand = r.pid === null ? null : (names.get(r.pid) ?? null);
    }
    return rows;
  }
}
