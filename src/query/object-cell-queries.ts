// The Breakdown (by type, slab cache or site), the Breakdown chart's cells,
// the filtered totals, the Lifetimes view's histogram and its live chart's
// top groups and the Quality view's counts answered from the object cells
// (object-cells.ts), equal to breakdown.ts's, lifetime-charts.ts's and
// quality.ts's answers from the objects (the tests compare them whole).
// Each returns null where the cells cannot answer: a filter on more than
// caches, types, live or freed and sentinels (cellsDecide), a grouping by
// command or pid, a figure past 2^53 - 1 (bytes, reads, writes: the counts
// of objects and lines cannot get there), or lifetimes and quality counts
// where the cells let theirs go or the chart ranks its groups first; the
// caller then reads the objects.

import { LAYOUTS } from '../format/variants.ts';
import { MAX_EXACT } from '../store/exact.ts';
import { GROUP_LIVE } from '../store/access-fold.ts';
import { breakdownRows, hierarchyOrder, namedGroups } from './breakdown.ts';
import { foldFilterProblem, groupFilter } from './cell-queries.ts';
import type { QueryContext } from './context.ts';
import { groupedChart, HISTOGRAM_BUCKETS, onePass, topGroups, type ChartGroups, type LifetimeChart } from './lifetime-charts.ts';
import { lifetimeGroups } from './lifetimes.ts';
import { allExact, LIFE_INCONSISTENT, LIFE_LIVE, LIFE_STRIDE, type ObjectCells } from './object-cells.ts';
import { NUM_CODES, QUALITY_PARTS, QualityCoder, qualityTable, type QualityRow } from './quality.ts';
import type { BreakdownKey, BreakdownRow, FilteredTotals, HierarchyCell, LifetimeGrouping, ObjectFilter } from './types.ts';

const OBJECTS = 0;
const BYTES = 1;
const LINES = 2;
const READS = 3;
const WRITES = 4;

/** Whether the object cells decide `filter` whole: caches, types, live or freed, sentinels, nothing else (other tasks is a property of an object's lines). */
export function cellsDecide(filter: ObjectFilter): boolean {
  return !filter.otherTasks && foldFilterProblem(filter) === null;
}

/** The cells `filter` keeps, or null when the cells cannot decide it. */
function keptCells(ctx: QueryContext, cells: ObjectCells, filter: ObjectFilter): number[] | null {
  if (!cells.usable || !cellsDecide(filter)) return null;
  const keeps = groupFilter(ctx.store, filter);
  if (keeps === null) return null;
  const kept: number[] = [];
  for (let c = 0; c < cells.numCells; c++) if (keeps(cells.cellSlab[c], cells.cellType[c], cells.cellFlags[c])) kept.push(c);
  return kept;
}

export function cellTotals(ctx: QueryContext, cells: ObjectCells, filter: ObjectFilter): FilteredTotals | null {
  const kept = keptCells(ctx, cells, filter);
  if (kept === null) return null;
  let objects = 0, liveObjects = 0, bytes = 0, liveBytes = 0, accesses = 0, reads = 0, writes = 0;
  for (const c of kept) {
    const live = (cells.cellFlags[c] & GROUP_LIVE) !== 0;
    objects += cells.sum(c, OBJECTS);
    bytes += cells.sum(c, BYTES);
    if (live) {
      liveObjects += cells.sum(c, OBJECTS);
      liveBytes += cells.sum(c, BYTES);
    }
    accesses += cells.sum(c, LINES);
    reads += cells.sum(c, READS);
    writes += cells.sum(c, WRITES);
  }
  if (!allExact(bytes, liveBytes, reads, writes)) return null;
  return { objects, liveObjects, bytes, liveBytes, accesses, reads, writes };
}

export function cellBreakdown(ctx: QueryContext, cells: ObjectCells, filter: ObjectFilter, by: BreakdownKey): BreakdownRow[] | null {
  if (by === 'command' || by === 'pid') return null;
  const kept = keptCells(ctx, cells, filter);
  if (kept === null) return null;
  const layout = LAYOUTS[ctx.store.variant ?? 'E'];
  const { numGroups, keyOf } = namedGroups(ctx, by);
  const siteOf = ctx.sites().siteOf;
  const groupOf = (c: number) => (by === 'type' ? (layout.hasType ? cells.cellType[c] : 0) : by === 'slab' ? (layout.hasSlab ? cells.cellSlab[c] : 0) : siteOf[cells.cellIp[c]]);
  const f = {
    objects: new Float64Array(numGroups),
    live: new Float64Array(numGroups),
    bytes: new Float64Array(numGroups),
    liveBytes: new Float64Array(numGroups),
    accessLines: new Float64Array(numGroups),
    reads: new Float64Array(numGroups),
    writes: new Float64Array(numGroups),
  };
  for (const c of kept) {
    const g = groupOf(c);
    const n = cells.sum(c, OBJECTS);
    const b = cells.sum(c, BYTES);
    f.objects[g] += n;
    f.bytes[g] += b;
    if ((cells.cellFlags[c] & GROUP_LIVE) !== 0) {
      f.live[g] += n;
      f.liveBytes[g] += b;
    }
    f.accessLines[g] += cells.sum(c, LINES);
    f.reads[g] += cells.sum(c, READS);
    f.writes[g] += cells.sum(c, WRITES);
  }
  for (let g = 0; g < numGroups; g++) if (!allExact(f.bytes[g], f.reads[g], f.writes[g])) return null;
  return breakdownRows(numGroups, keyOf, f);
}

export function cellHierarchy(ctx: QueryContext, cells: ObjectCells, filter: ObjectFilter): HierarchyCell[] | null {
  const kept = keptCells(ctx, cells, filter);
  if (kept === null) return null;
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const sites = ctx.sites();
  // Cells of several alloc IPs (one function) or both states share a chart cell.
  const byKey = new Map<string, HierarchyCell & { bytes: number }>();
  for (const c of kept) {
    const t = layout.hasType ? cells.cellType[c] : -1;
    const sl = layout.hasSlab ? cells.cellSlab[c] : -1;
    const site = sites.siteOf[cells.cellIp[c]];
    const key = `${t},${sl},${site}`;
    let e = byKey.get(key);
    if (!e) {
      e = { type: t < 0 ? '' : store.types.name(t), slab: sl < 0 ? '' : store.slabs.name(sl), site: sites.key(site), objects: 0, bytes: 0 };
      byKey.set(key, e);
    }
    e.objects += cells.sum(c, OBJECTS);
    e.bytes += cells.sum(c, BYTES);
  }
  const out = [...byKey.values()];
  if (!out.every((e) => allExact(e.bytes))) return null;
  return out.sort(hierarchyOrder);
}

/** The Lifetimes view's histogram (lifetimeChart) from the cells' lifetime counts. */
export function cellLifetimeChart(ctx: QueryContext, cells: ObjectCells, filter: ObjectFilter, by: LifetimeGrouping, topGroupCount: number): LifetimeChart | null {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  if (!onePass(ctx, by) || (layout.hasIndices && cells.life === null)) return null;
  const kept = keptCells(ctx, cells, filter);
  if (kept === null) return null;
  const B = HISTOGRAM_BUCKETS;
  const numGroups = lifetimeGroups(store, by).names.length;
  const groupOf = lifetimeGroupOf(ctx, cells, by);
  const groupCounts = new Float64Array(numGroups);
  const objects = new Float64Array(numGroups * B);
  const bytes = new Float64Array(numGroups * B);
  let live = 0;
  let freed = 0;
  let inconsistent = 0;
  const life = cells.life;
  for (const c of kept) {
    const g = groupOf(c);
    groupCounts[g] += cells.sum(c, OBJECTS);
    if (life === null) continue;
    const base = c * LIFE_STRIDE;
    for (let b = 0; b < B; b++) {
      const n = life[base + b];
      if (n === 0) continue;
      objects[g * B + b] += n;
      bytes[g * B + b] += life[base + B + b];
      freed += n;
    }
    live += life[base + LIFE_LIVE];
    inconsistent += life[base + LIFE_INCONSISTENT];
  }
  for (let k = 0; k < bytes.length; k++) if (bytes[k] > MAX_EXACT) return null;
  return groupedChart(ctx, by, topGroupCount, { groupCounts, objects, bytes, live, freed, inconsistent });
}

/** The lifetime grouping's group id (slab or type id; 0 where the variant lacks the field) of each cell. */
function lifetimeGroupOf(ctx: QueryContext, cells: ObjectCells, by: LifetimeGrouping): (c: number) => number {
  const layout = LAYOUTS[ctx.store.variant ?? 'E'];
  return (c) => (by === 'slab' ? (layout.hasSlab ? cells.cellSlab[c] : 0) : layout.hasType ? cells.cellType[c] : 0);
}

/** The live chart's top groups (chartGroups) from the cells' object counts. */
export function cellChartGroups(ctx: QueryContext, cells: ObjectCells, filter: ObjectFilter, by: LifetimeGrouping, limit: number): ChartGroups | null {
  const kept = keptCells(ctx, cells, filter);
  if (kept === null) return null;
  const { names } = lifetimeGroups(ctx.store, by);
  const groupOf = lifetimeGroupOf(ctx, cells, by);
  const counts = new Float64Array(names.length);
  for (const c of kept) counts[groupOf(c)] += cells.sum(c, OBJECTS);
  return topGroups(counts, names, limit);
}

/** The Quality view's counts (qualityRows) from the cells' quality parts: each cell's key gives its codes' alloc-IP and induced parts. */
export function cellQuality(ctx: QueryContext, cells: ObjectCells, filter: ObjectFilter, by: LifetimeGrouping): { rows: QualityRow[]; total: QualityRow } | null {
  const quality = cells.quality;
  if (quality === null) return null;
  const kept = keptCells(ctx, cells, filter);
  if (kept === null) return null;
  const { names } = lifetimeGroups(ctx.store, by);
  const groupOf = lifetimeGroupOf(ctx, cells, by);
  const coder = new QualityCoder(ctx);
  // Groups numbered as they are met, as qualityRows numbers them.
  const dense = new Map<number, number>();
  const groupNames: string[] = [];
  const hist: number[] = [];
  const catchLines: number[] = [];
  for (const c of kept) {
    const id = groupOf(c);
    let g = dense.get(id);
    if (g === undefined) {
      g = groupNames.length;
      dense.set(id, g);
      groupNames.push(names[id]);
      for (let k = 0; k < NUM_CODES; k++) hist.push(0);
      catchLines.push(0);
    }
    for (let part = 0; part < QUALITY_PARTS; part++) {
      const n = quality[c * QUALITY_PARTS + part];
      if (n === 0) continue;
      const code = coder.code(part, cells.cellIp[c], cells.cellType[c]);
      hist[g * NUM_CODES + code] += n;
    }
    // A cell's objects share its alloc IP: catch-all ones count all their access lines.
    if (coder.isCatchAllIp(cells.cellIp[c])) catchLines[g] += cells.sum(c, LINES);
  }
  return qualityTable(groupNames, Float64Array.from(hist), Float64Array.from(catchLines));
}
