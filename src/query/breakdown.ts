// Grouping of the filtered objects: the Breakdown view, `kmap breakdown`, the
// filtered totals of the summary strip and `kmap stats`, and the type ->
// cache -> site hierarchy of the Breakdown chart. One pass over the kept
// objects and their access lines; groups are dense ids (interned names, pids
// remapped, site ids), turned into key strings only at the end.

import { LAYOUTS } from '../format/variants.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import type { BreakdownKey, BreakdownRow, FilteredTotals, HierarchyCell } from './types.ts';
import { OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import { addEntry } from '../store/columns.ts';
import { objectSumExact, objectSums, objectSumsToGo, type ObjectSums } from './object-sums.ts';
import { addExact, compareExact, ExactSum, MAX_EXACT, type Exact } from '../store/exact.ts';

/** Adds object i's size, reads or writes to `sum` exactly. */
function addObject(store: KmapStore, sums: ObjectSums, sum: ExactSum, i: number, which: 'size' | 'reads' | 'writes'): void {
  if (which === 'size') addEntry(sum, store.objects.size, i);
  else sum.addExact(objectSumExact(store, sums, i, which));
}

// Sums below are made in doubles, which is exact while a sum stays at or
// below 2^53 - 1 (../store/exact.ts); a bigger one is summed again with
// ExactSum. Only absurd files (sizes or counts near 2^64) take that path.

/**
 * The totals of the kept objects. When every object is kept (the filter keeps
 * all: `indices` are distinct, so their count says so), the access lines,
 * reads and writes are the store's own totals and the per-object sums are not
 * needed: summing them afresh over every access line was most of a refresh
 * while a file loads (the store grows, so they are summed again each time)
 * and of the last one when it is loaded (129 ms of the 1 GB benchmark kmap's
 * last refresh in Chromium's data worker).
 */
export function filteredTotals(ctx: QueryContext, indices: Uint32Array): FilteredTotals {
  const store = ctx.store;
  const all = indices.length === store.numObjects;
  // Fewer objects kept than are left to sum (the data worker's warm-up not
  // done yet, or the CLI's one question): their own lines are summed, a
  // share of what the rest of every object's sums would cost.
  const own = !all && indices.length < objectSumsToGo(ctx);
  const sums = all || own ? null : objectSums(ctx);
  const size = store.objects.size.data;
  let objects = 0, liveObjects = 0, bytes = 0, liveBytes = 0, accesses = 0, sumReads = 0, sumWrites = 0;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    objects++;
    bytes += size[i];
    if (store.isLive(i)) {
      liveObjects++;
      liveBytes += size[i];
    }
  }
  if (sums) {
    const { lines, reads, writes } = sums;
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p];
      accesses += lines[i];
      sumReads += reads[i];
      sumWrites += writes[i];
    }
  } else if (own) {
    [accesses, sumReads, sumWrites] = ownLineSums(store, indices);
  }
  const exact = (near: number, which: 'size' | 'reads' | 'writes', liveOnly = false): Exact => {
    if (near <= MAX_EXACT) return near;
    // Past 2^53 - 1 (absurd files only): summed again exactly, from every object's sums.
    const exactSums = sums ?? objectSums(ctx);
    const sum = new ExactSum();
    for (let p = 0; p < indices.length; p++) if (!liveOnly || store.isLive(indices[p])) addObject(store, exactSums, sum, indices[p], which);
    return sum.value;
  };
  return {
    objects,
    liveObjects,
    bytes: exact(bytes, 'size'),
    liveBytes: exact(liveBytes, 'size', true),
    accesses: all ? store.numAccesses : accesses,
    reads: all ? store.reads : exact(sumReads, 'reads'),
    writes: all ? store.writes : exact(sumWrites, 'writes'),
  };
}

/** The access lines, reads and writes of the objects `indices`, from their own lines (or an aggregate-only store's per-object sums), as doubles. */
function ownLineSums(store: KmapStore, indices: Uint32Array): [number, number, number] {
  const starts = store.objects.accessStart.data;
  const n = store.numObjects;
  const fold = store.fold;
  const r = store.accesses.reads.data;
  const w = store.accesses.writes.data;
  let lines = 0;
  let reads = 0;
  let writes = 0;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const start = starts[i];
    const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
    lines += end - start;
    if (fold) {
      reads += fold.reads.data[i];
      writes += fold.writes.data[i];
    } else {
      for (let a = start; a < end; a++) {
        reads += r[a];
        writes += w[a];
      }
    }
  }
  return [lines, reads, writes];
}

/** The groups of a Breakdown key that is a name or a site: how many ids, and the key of each (one group '' where the variant lacks the column). */
export function namedGroups(ctx: QueryContext, by: 'type' | 'slab' | 'command' | 'site'): { numGroups: number; keyOf: (g: number) => string } {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  switch (by) {
    case 'type':
      return layout.hasType ? { numGroups: store.types.size, keyOf: (id) => store.types.name(id) } : { numGroups: 1, keyOf: () => '' };
    case 'slab':
      return layout.hasSlab ? { numGroups: store.slabs.size, keyOf: (id) => store.slabs.name(id) } : { numGroups: 1, keyOf: () => '' };
    case 'command':
      return { numGroups: store.commands.size, keyOf: (id) => store.commands.name(id) };
    case 'site': {
      const sites = ctx.sites();
      return { numGroups: sites.numSites, keyOf: (g) => sites.key(g) };
    }
  }
}

/** Dense group id of each kept object (scratch: used by breakdown() only), and the key string of each group id. */
function groupIds(ctx: QueryContext, indices: Uint32Array, by: BreakdownKey): { ids: Int32Array; numGroups: number; keyOf: (g: number) => string } {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const o = store.objects;
  const ids = ctx.scratch.i32('breakdown.ids', indices.length);
  const byColumn = (col: ArrayLike<number>) => {
    for (let p = 0; p < indices.length; p++) ids[p] = col[indices[p]];
    return { ids, ...namedGroups(ctx, by as 'type' | 'slab' | 'command') };
  };
  switch (by) {
    case 'type':
      return layout.hasType ? byColumn(o.type.data) : { ids, ...namedGroups(ctx, by) };
    case 'slab':
      return layout.hasSlab ? byColumn(o.slab.data) : { ids, ...namedGroups(ctx, by) };
    case 'command':
      return byColumn(o.command.data);
    case 'site': {
      const siteOf = ctx.sites().siteOf;
      const ip = o.allocIp.data;
      for (let p = 0; p < indices.length; p++) ids[p] = siteOf[ip[indices[p]]];
      return { ids, ...namedGroups(ctx, by) };
    }
    case 'pid': {
      // Pids are remapped to dense ids in order of first appearance (a
      // look-up array over the pid range; pids are below pid_max, 2^22).
      // Stored pids are pid + 1 (-1 is 0).
      const pid = o.pid.data;
      let max = 0;
      for (let p = 0; p < indices.length; p++) if (pid[indices[p]] > max) max = pid[indices[p]];
      const values: number[] = [];
      if (max < 1 << 24) {
        const dense = new Int32Array(max + 1).fill(-1);
        for (let p = 0; p < indices.length; p++) {
          const v = pid[indices[p]];
          let g = dense[v];
          if (g < 0) {
            g = dense[v] = values.length;
            values.push(v);
          }
          ids[p] = g;
        }
      } else {
        // A damaged file with huge pids: a Map instead of a huge array.
        const dense = new Map<number, number>();
        for (let p = 0; p < indices.length; p++) {
          const v = pid[indices[p]];
          let g = dense.get(v);
          if (g === undefined) {
            dense.set(v, (g = values.length));
            values.push(v);
          }
          ids[p] = g;
        }
      }
      return { ids, numGroups: values.length, keyOf: (g) => String(values[g] - OBJECT_PID_BIAS) };
    }
  }
}

/** Rows sorted by bytes descending, then key in byte order (the CLI's order). */
export function breakdown(ctx: QueryContext, indices: Uint32Array, by: BreakdownKey): BreakdownRow[] {
  const store = ctx.store;
  const { ids, numGroups, keyOf } = groupIds(ctx, indices, by);
  const sums = objectSums(ctx);
  const { lines, reads, writes } = sums;
  const size = store.objects.size.data;
  const objects = new Float64Array(numGroups);
  const live = new Float64Array(numGroups);
  const bytes = new Float64Array(numGroups);
  const liveBytes = new Float64Array(numGroups);
  const accessLines = new Float64Array(numGroups);
  const sumReads = new Float64Array(numGroups);
  const sumWrites = new Float64Array(numGroups);
  for (let p = 0; p < indices.length; p++) {
    const g = ids[p];
    const i = indices[p];
    objects[g]++;
    bytes[g] += size[i];
    if (store.isLive(i)) {
      live[g]++;
      liveBytes[g] += size[i];
    }
    accessLines[g] += lines[i];
    sumReads[g] += reads[i];
    sumWrites[g] += writes[i];
  }
  // A group sum above 2^53 - 1: that group's sums again, exactly.
  const exact = new Map<number, { bytes: ExactSum; liveBytes: ExactSum; reads: ExactSum; writes: ExactSum }>();
  for (let g = 0; g < numGroups; g++) {
    if (Math.max(bytes[g], liveBytes[g], sumReads[g], sumWrites[g]) > MAX_EXACT) {
      exact.set(g, { bytes: new ExactSum(), liveBytes: new ExactSum(), reads: new ExactSum(), writes: new ExactSum() });
    }
  }
  if (exact.size > 0) {
    for (let p = 0; p < indices.length; p++) {
      const e = exact.get(ids[p]);
      if (!e) continue;
      const i = indices[p];
      addObject(store, sums, e.bytes, i, 'size');
      if (store.isLive(i)) addObject(store, sums, e.liveBytes, i, 'size');
      addObject(store, sums, e.reads, i, 'reads');
      addObject(store, sums, e.writes, i, 'writes');
    }
  }
  return breakdownRows(numGroups, keyOf, { objects, live, bytes, liveBytes, accessLines, reads: sumReads, writes: sumWrites }, exact);
}

/** Each group's figures, by group id. */
export interface GroupFigures {
  objects: ArrayLike<number>;
  live: ArrayLike<number>;
  bytes: ArrayLike<number>;
  liveBytes: ArrayLike<number>;
  accessLines: ArrayLike<number>;
  reads: ArrayLike<number>;
  writes: ArrayLike<number>;
}

/**
 * The Breakdown's rows from each group's figures (groups without objects
 * left out; `exact`: the exact sums of groups whose doubles passed 2^53 - 1),
 * sorted by bytes descending, then key in byte order (the CLI's order).
 */
export function breakdownRows(
  numGroups: number,
  keyOf: (g: number) => string,
  f: GroupFigures,
  exact: ReadonlyMap<number, { bytes: ExactSum; liveBytes: ExactSum; reads: ExactSum; writes: ExactSum }> = new Map(),
): BreakdownRow[] {
  // Several ids may share one key (an IP and a function never do; names are
  // interned once): merge by key to be safe.
  const rows = new Map<string, BreakdownRow>();
  for (let g = 0; g < numGroups; g++) {
    if (f.objects[g] === 0) continue;
    const key = keyOf(g);
    const e = exact.get(g);
    const add = {
      objects: f.objects[g],
      live: f.live[g],
      bytes: e ? e.bytes.value : f.bytes[g],
      liveBytes: e ? e.liveBytes.value : f.liveBytes[g],
      accessLines: f.accessLines[g],
      reads: e ? e.reads.value : f.reads[g],
      writes: e ? e.writes.value : f.writes[g],
    };
    const row = rows.get(key);
    if (row) {
      row.objects += add.objects;
      row.live += add.live;
      row.bytes = addExact(row.bytes, add.bytes);
      row.liveBytes = addExact(row.liveBytes, add.liveBytes);
      row.accessLines += add.accessLines;
      row.reads = addExact(row.reads, add.reads);
      row.writes = addExact(row.writes, add.writes);
    } else {
      rows.set(key, { key, ...add });
    }
  }
  return [...rows.values()].sort((a, b) => compareExact(b.bytes, a.bytes) || compareBytes(a.key, b.key));
}

/** Hierarchy cells counted in dense arrays up to this many (type x slab x site); beyond, by key in a Map. */
const DENSE_HIERARCHY_CELLS = 1 << 22;

/**
 * Objects and bytes by (type, slab, alloc site): the cells of the Breakdown
 * chart, biggest first. A cell is the number (type * slabs + slab) * sites +
 * site (type and slab 0 where the variant lacks them; sites are numbered
 * over every IP of the store, access IPs too). It is counted in dense
 * scratch arrays when there are at most `denseCells` such numbers and not
 * many more than the objects counted (the 2.4 GB benchmark file: 3.4 M
 * numbers for 9.9 M objects); else in a Map by that number, or by a string
 * of the three ids where the numbers pass 2^53 (a file with hundreds of
 * thousands of names). `denseCells` and `numericCells` (the limits of the
 * first two ways) are there for the tests of every way.
 */
export function hierarchy(ctx: QueryContext, indices: Uint32Array, denseCells = DENSE_HIERARCHY_CELLS, numericCells = Number.MAX_SAFE_INTEGER): HierarchyCell[] {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const sites = ctx.sites();
  const o = store.objects;
  const numSlabs = layout.hasSlab ? Math.max(1, store.slabs.size) : 1;
  const numSites = Math.max(1, sites.numSites);
  const numCells = (layout.hasType ? Math.max(1, store.types.size) : 1) * numSlabs * numSites;
  const typeOf = layout.hasType ? o.type.data : null;
  const slabOf = layout.hasSlab ? o.slab.data : null;
  const ip = o.allocIp.data;
  const siteOf = sites.siteOf;
  const size = o.size.data;
  const cellOf = (i: number) => ((typeOf ? typeOf[i] : 0) * numSlabs + (slabOf ? slabOf[i] : 0)) * numSites + siteOf[ip[i]];
  const keyOf: (i: number) => number | string =
    numCells <= numericCells ? cellOf : (i) => `${typeOf ? typeOf[i] : 0},${slabOf ? slabOf[i] : 0},${siteOf[ip[i]]}`;
  // Each cell's objects and bytes (a double sum until the check below), and an object of it (for its names).
  const found: { key: number | string; first: number; objects: number; bytes: number }[] = [];
  // Dense only where cells are numbers (keyOf is cellOf), few, and not many more than the objects.
  if (numCells <= Math.min(denseCells, numericCells, 4 * indices.length + 65536)) {
    const objects = ctx.scratch.f64('hierarchy.objects', numCells);
    const bytes = ctx.scratch.f64('hierarchy.bytes', numCells);
    const first = ctx.scratch.u32('hierarchy.first', numCells, false); // read only where objects > 0
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p];
      const c = cellOf(i);
      if (objects[c]++ === 0) first[c] = i;
      bytes[c] += size[i];
    }
    for (let c = 0; c < numCells; c++) if (objects[c] > 0) found.push({ key: c, first: first[c], objects: objects[c], bytes: bytes[c] });
  } else {
    const byCell = new Map<number | string, { key: number | string; first: number; objects: number; bytes: number }>();
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p];
      const key = keyOf(i);
      let e = byCell.get(key);
      if (!e) byCell.set(key, (e = { key, first: i, objects: 0, bytes: 0 }));
      e.objects++;
      e.bytes += size[i];
    }
    found.push(...byCell.values());
  }
  // A cell's bytes above 2^53 - 1 (near in doubles): summed again exactly.
  const exact = new Map<number | string, ExactSum>();
  for (const f of found) if (f.bytes > MAX_EXACT) exact.set(f.key, new ExactSum());
  if (exact.size > 0) {
    for (let p = 0; p < indices.length; p++) {
      const sum = exact.get(keyOf(indices[p]));
      if (sum) addEntry(sum, o.size, indices[p]);
    }
  }
  const cells: HierarchyCell[] = found.map(({ key, first, objects, bytes }) => ({
    type: typeOf ? store.types.name(typeOf[first]) : '',
    slab: slabOf ? store.slabs.name(slabOf[first]) : '',
    site: sites.key(siteOf[ip[first]]),
    objects,
    bytes: exact.get(key)?.value ?? bytes,
  }));
  return cells.sort(hierarchyOrder);
}

/** The Breakdown chart's cells, biggest first, then by type, slab and site in byte order. */
export function hierarchyOrder(a: HierarchyCell, b: HierarchyCell): number {
  return compareExact(b.bytes, a.bytes) || compareBytes(a.type, b.type) || compareBytes(a.slab, b.slab) || compareBytes(a.site, b.site);
}
