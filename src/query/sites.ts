// Access sites: the access lines of the filtered objects grouped by the
// accessing function (or IP without symbols): reads, writes, access lines,
// distinct objects, distinct access pids and the caches touched. With
// otherTasks, only lines whose pid differs from the allocating pid count.
//
// One pass over the kept objects' access lines (tens of millions at 1 GB),
// so the per-line work is array arithmetic only:
// - distinct objects: the last object counted per site (an object's lines
//   are contiguous);
// - distinct pids: a bit per (site, pid) in a bitmap, pids remapped to dense
//   ids once per store; a hash set only when the bitmap would be too big;
// - caches: a dense (site, cache) count matrix, or a hash when too big.
// The pids of one site with their counts are siteDetail(), on demand.

import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import { addEntry } from '../store/columns.ts';
import { addExact, compareExact, ExactSum, MAX_EXACT } from '../store/exact.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { linePass, LinePass } from './line-passes.ts';
import { PairCounter } from './pair-counter.ts';
import type { SiteDetail, SiteRow } from './types.ts';

const TOP_CACHES = 8;
/** Largest (site x pid) bitmap and (site x cache) matrix, in cells. */
const MAX_BITMAP_BITS = 1 << 29; // 64 MiB
const MAX_MATRIX_CELLS = 1 << 23; // 32 MiB of Uint32

/** Task name of each pid, from the objects that pid allocated (the most frequent command). */
export function pidCommands(store: KmapStore): Map<number, string> {
  const counts = new PairCounter(1024);
  const pid = store.objects.pid.data;
  const cmd = store.objects.command.data;
  for (let i = 0; i < store.numObjects; i++) counts.add(pid[i], cmd[i], 1);
  const best = new Map<number, [number, number]>();
  counts.forEach((p, c, n) => {
    const b = best.get(p);
    if (!b || n > b[1] || (n === b[1] && compareBytes(store.commands.name(c), store.commands.name(b[0])) < 0)) best.set(p, [c, n]);
  });
  const out = new Map<number, string>();
  for (const [p, [c]] of best) out.set(p - OBJECT_PID_BIAS, store.commands.name(c));
  return out;
}

/** Dense ids of the access pid codes that occur: idOf[code] (or -1), numbered as they first occur; null for absurd pids. */
export type DensePidIds = { idOf: Int32Array; count: number } | null;

/** Codes of 2^24 and up: a damaged file, whose pids the hash paths count instead. */
const MAX_DENSE_PID = 1 << 24;

/** densePidIds' pass over the lines (line-passes.ts): ids as codes first occur, the table grown as they come. */
class DensePidPass extends LinePass<DensePidIds> {
  private idOf = new Int32Array(1024).fill(-1);
  private count = 0;
  private max = 0;
  private absurd = false;

  protected visit(from: number, to: number): void {
    if (this.absurd) return;
    const pid = this.store.accesses.pid.data;
    let idOf = this.idOf;
    let max = this.max;
    for (let a = from; a < to; a++) {
      const code = pid[a];
      if (code >= idOf.length) {
        if (code >= MAX_DENSE_PID) {
          this.absurd = true;
          return;
        }
        const grown = new Int32Array(Math.min(MAX_DENSE_PID, Math.max(code + 1, idOf.length * 2))).fill(-1);
        grown.set(idOf);
        idOf = this.idOf = grown;
      }
      if (code > max) max = code;
      if (idOf[code] < 0) idOf[code] = this.count++;
    }
    this.max = max;
  }

  protected finish(): DensePidIds {
    const idOf = this.idOf;
    this.idOf = new Int32Array(0);
    return this.absurd ? null : { idOf: idOf.length === this.max + 1 ? idOf : idOf.slice(0, this.max + 1), count: this.count };
  }
}

/** The context's pass for densePidIds, begun now if it was not (the site index's warm-up makes it in turns). */
export function densePidPass(ctx: QueryContext): LinePass<DensePidIds> {
  return linePass(ctx, 'densePidIds', (c) => new DensePidPass(c.store));
}

export function densePidIds(ctx: QueryContext): DensePidIds {
  return ctx.memo('densePidIds', () => densePidPass(ctx).result());
}

/** Rows sorted by reads + writes descending, then site key in byte order (the CLI's order). */
export function accessSites(ctx: QueryContext, indices: Uint32Array, otherTasks: boolean): SiteRow[] {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const hasPid = layout.accessPid !== 'none';
  const hasSlab = layout.hasSlab;
  if (otherTasks && !hasPid) return [];
  const sites = ctx.sites();
  const siteOf = sites.siteOf;
  const numSites = sites.numSites;
  const reads = new Float64Array(numSites);
  const writes = new Float64Array(numSites);
  const lines = new Float64Array(numSites);
  const objects = new Float64Array(numSites);
  const pids = new Float64Array(numSites);
  const lastObj = new Int32Array(numSites).fill(-1);

  const dense = hasPid ? densePidIds(ctx) : null;
  const pidId = dense?.idOf ?? new Int32Array(0);
  const numPids = dense?.count ?? 0;
  const useBitmap = dense !== null && numSites * numPids <= MAX_BITMAP_BITS;
  const seen = useBitmap ? new Uint32Array(Math.ceil((numSites * numPids) / 32)) : null;
  const seenHash = useBitmap ? null : new PairCounter(4096);
  const numSlabs = hasSlab ? store.slabs.size : 0;
  const useMatrix = numSites * numSlabs <= MAX_MATRIX_CELLS;
  const slabCells = hasSlab && useMatrix ? new Uint32Array(numSites * numSlabs) : null;
  const slabHash = hasSlab && !useMatrix ? new PairCounter(4096) : null;

  const n = store.numObjects;
  const starts = store.objects.accessStart.data;
  const objPid = store.objects.pid.data;
  const objSlab = store.objects.slab.data;
  const accIp = store.accesses.ip.data;
  const accPid = store.accesses.pid.data;
  const accR = store.accesses.reads.data;
  const accW = store.accesses.writes.data;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const start = starts[i];
    const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
    const slab = objSlab[i];
    const owner = objPid[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
    for (let a = start; a < end; a++) {
      const code = accPid[a];
      if (otherTasks && (code === ACCESS_PID_NONE || code === owner)) continue;
      const s = siteOf[accIp[a]];
      reads[s] += accR[a];
      writes[s] += accW[a];
      lines[s]++;
      if (lastObj[s] !== i) {
        lastObj[s] = i;
        objects[s]++;
      }
      if (code !== ACCESS_PID_NONE && hasPid) {
        if (seen) {
          // Pid-major: an object's lines are mostly one task's, so
          // consecutive lines stay within one row of the bitmap.
          const bit = pidId[code] * numSites + s;
          const word = bit >>> 5;
          const mask = 1 << (bit & 31);
          if ((seen[word] & mask) === 0) {
            seen[word] |= mask;
            pids[s]++;
          }
        } else {
          const before = seenHash!.size;
          seenHash!.add(s, code, 1);
          if (seenHash!.size !== before) pids[s]++;
        }
      }
      if (slabCells) slabCells[s * numSlabs + slab]++;
      else if (slabHash) slabHash.add(s, slab, 1);
    }
  }

  // A site's reads or writes above 2^53 - 1 (near in doubles): summed again exactly.
  const exact = new Map<number, { reads: ExactSum; writes: ExactSum }>();
  for (let s = 0; s < numSites; s++) if (reads[s] > MAX_EXACT || writes[s] > MAX_EXACT) exact.set(s, { reads: new ExactSum(), writes: new ExactSum() });
  if (exact.size > 0) {
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p];
      const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
      const owner = objPid[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
      for (let a = starts[i]; a < end; a++) {
        const e = exact.get(siteOf[accIp[a]]);
        if (!e || (otherTasks && (accPid[a] === ACCESS_PID_NONE || accPid[a] === owner))) continue;
        addEntry(e.reads, store.accesses.reads, a);
        addEntry(e.writes, store.accesses.writes, a);
      }
    }
  }

  const slabGroups = slabHash?.grouped(numSites) ?? null;
  const rows: SiteRow[] = [];
  for (let s = 0; s < numSites; s++) {
    if (lines[s] === 0) continue;
    const caches: { name: string; accessLines: number }[] = [];
    if (slabCells) {
      for (let c = 0; c < numSlabs; c++) {
        const count = slabCells[s * numSlabs + c];
        if (count > 0) caches.push({ name: store.slabs.name(c), accessLines: count });
      }
    } else if (slabGroups) {
      for (let k = slabGroups.starts[s]; k < slabGroups.starts[s + 1]; k++) {
        caches.push({ name: store.slabs.name(slabGroups.b[k]), accessLines: slabGroups.counts[k] });
      }
    }
    caches.sort((x, y) => y.accessLines - x.accessLines || compareBytes(x.name, y.name));
    const e = exact.get(s);
    rows.push({
      site: sites.key(s),
      reads: e ? e.reads.value : reads[s],
      writes: e ? e.writes.value : writes[s],
      accessLines: lines[s],
      objects: objects[s],
      pids: pids[s],
      caches: caches.slice(0, TOP_CACHES),
      numCaches: caches.length,
    });
  }
  return rows.sort((a, b) => compareExact(addExact(b.reads, b.writes), addExact(a.reads, a.writes)) || compareBytes(a.site, b.site));
}

/** Every pid that accessed the kept objects through `site`, most access lines first. */
export function siteDetail(ctx: QueryContext, indices: Uint32Array, otherTasks: boolean, site: string, pidNames: Map<number, string>): SiteDetail {
  const store = ctx.store;
  const ipMask = ctx.sites().ipMask([site]);
  const byPid = new Map<number, { accessLines: number; reads: ExactSum; writes: ExactSum }>();
  const accIp = store.accesses.ip.data;
  const accPid = store.accesses.pid.data;
  const objPid = store.objects.pid.data;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const [start, end] = store.accessRange(i);
    for (let a = start; a < end; a++) {
      if (ipMask[accIp[a]] !== 1) continue;
      const code = accPid[a];
      if (code === ACCESS_PID_NONE) continue;
      const pid = code - ACCESS_PID_BIAS;
      if (otherTasks && pid === objPid[i] - OBJECT_PID_BIAS) continue;
      let e = byPid.get(pid);
      if (!e) byPid.set(pid, (e = { accessLines: 0, reads: new ExactSum(), writes: new ExactSum() }));
      e.accessLines++;
      addEntry(e.reads, store.accesses.reads, a);
      addEntry(e.writes, store.accesses.writes, a);
    }
  }
  const list = [...byPid].map(([pid, e]) => ({ pid, command: pidNames.get(pid) ?? null, accessLines: e.accessLines, reads: e.reads.value, writes: e.writes.value }));
  list.sort((a, b) => b.accessLines - a.accessLines || a.pid - b.pid);
  return { site, pids: list };
}
