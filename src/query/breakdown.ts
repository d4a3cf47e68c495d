// Grouping of the filtered objects: the Breakdown view, `kmap breakdown`, the
// filtered totals of the summary strip and `kmap stats`, and the type ->
// cache -> site hierarchy of the Breakdown chart. One pass over the kept
// objects and their access lines; groups are dense ids (interned names, pids
// remapped, site ids), turned into key strings only at the end.

import { LAYOUTS } from '../format/variants.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import type { BreakdownKey, BreakdownRow, FilteredTotals, HierarchyCell } from './types.ts';
import { OBJECT_PID_BIAS } from '../store/kmap-store.ts';

/** Access lines, reads and writes of every object (sums over its lines), computed once per store size. */
export interface ObjectSums {
  lines: Float64Array;
  reads: Float64Array;
  writes: Float64Array;
}

export function objectSums(ctx: QueryContext): ObjectSums {
  const store = ctx.store;
  return ctx.memo('objectSums', () => {
    const n = store.numObjects;
    const starts = store.objects.accessStart.data;
    const r = store.accesses.reads.data;
    const w = store.accesses.writes.data;
    const lines = new Float64Array(n);
    const reads = new Float64Array(n);
    const writes = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const start = starts[i];
      const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
      let sr = 0;
      let sw = 0;
      for (let a = start; a < end; a++) {
        sr += r[a];
        sw += w[a];
      }
      lines[i] = end - start;
      reads[i] = sr;
      writes[i] = sw;
    }
    return { lines, reads, writes };
  });
}

export function filteredTotals(ctx: QueryContext, indices: Uint32Array): FilteredTotals {
  const store = ctx.store;
  const { lines, reads, writes } = objectSums(ctx);
  const size = store.objects.size.data;
  const t: FilteredTotals = { objects: indices.length, liveObjects: 0, bytes: 0, liveBytes: 0, accesses: 0, reads: 0, writes: 0 };
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    t.bytes += size[i];
    if (store.isLive(i)) {
      t.liveObjects++;
      t.liveBytes += size[i];
    }
    t.accesses += lines[i];
    t.reads += reads[i];
    t.writes += writes[i];
  }
  return t;
}

/** Dense group id of each kept object, and the key string of each group id. */
function groupIds(ctx: QueryContext, indices: Uint32Array, by: BreakdownKey): { ids: Int32Array; numGroups: number; keyOf: (g: number) => string } {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const o = store.objects;
  const ids = new Int32Array(indices.length);
  const byColumn = (col: ArrayLike<number>, count: number, name: (id: number) => string) => {
    for (let p = 0; p < indices.length; p++) ids[p] = col[indices[p]];
    return { ids, numGroups: count, keyOf: name };
  };
  switch (by) {
    case 'type':
      if (!layout.hasType) return { ids, numGroups: 1, keyOf: () => '' };
      return byColumn(o.type.data, store.types.size, (id) => store.types.name(id));
    case 'slab':
      if (!layout.hasSlab) return { ids, numGroups: 1, keyOf: () => '' };
      return byColumn(o.slab.data, store.slabs.size, (id) => store.slabs.name(id));
    case 'command':
      return byColumn(o.command.data, store.commands.size, (id) => store.commands.name(id));
    case 'site': {
      const sites = ctx.sites();
      const siteOf = sites.siteOf;
      const ip = o.allocIp.data;
      for (let p = 0; p < indices.length; p++) ids[p] = siteOf[ip[indices[p]]];
      return { ids, numGroups: sites.numSites, keyOf: (g) => sites.key(g) };
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
  const { lines, reads, writes } = objectSums(ctx);
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
  // Several ids may share one key (an IP and a function never do; names are
  // interned once): merge by key to be safe.
  const rows = new Map<string, BreakdownRow>();
  for (let g = 0; g < numGroups; g++) {
    if (objects[g] === 0) continue;
    const key = keyOf(g);
    const row = rows.get(key);
    if (row) {
      row.objects += objects[g];
      row.live += live[g];
      row.bytes += bytes[g];
      row.liveBytes += liveBytes[g];
      row.accessLines += accessLines[g];
      row.reads += sumReads[g];
      row.writes += sumWrites[g];
    } else {
      rows.set(key, {
        key,
        objects: objects[g],
        live: live[g],
        bytes: bytes[g],
        liveBytes: liveBytes[g],
        accessLines: accessLines[g],
        reads: sumReads[g],
        writes: sumWrites[g],
      });
    }
  }
  return [...rows.values()].sort((a, b) => b.bytes - a.bytes || compareBytes(a.key, b.key));
}

/** Objects and bytes by (type, slab, alloc site): the cells of the Breakdown chart, biggest first. */
export function hierarchy(ctx: QueryContext, indices: Uint32Array): HierarchyCell[] {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const sites = ctx.sites();
  const o = store.objects;
  const cells = new Map<string, HierarchyCell>();
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const t = layout.hasType ? o.type.data[i] : -1;
    const s = layout.hasSlab ? o.slab.data[i] : -1;
    const site = sites.siteOf[o.allocIp.data[i]];
    const id = `${t},${s},${site}`;
    let cell = cells.get(id);
    if (!cell) {
      cell = {
        type: t < 0 ? '' : store.types.name(t),
        slab: s < 0 ? '' : store.slabs.name(s),
        site: sites.key(site),
        objects: 0,
        bytes: 0,
      };
      cells.set(id, cell);
    }
    cell.objects++;
    cell.bytes += o.size.data[i];
  }
  return [...cells.values()].sort(
    (a, b) => b.bytes - a.bytes || compareBytes(a.type, b.type) || compareBytes(a.slab, b.slab) || compareBytes(a.site, b.site),
  );
}
