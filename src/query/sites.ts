// Access sites: the access lines of the filtered objects grouped by the
// accessing function (or IP without symbols): reads, writes, access lines,
// distinct objects, distinct access pids, the caches touched and the pids
// that touched. With filter.otherTasks, only lines whose pid differs from
// the allocating pid count. One pass over the kept objects' access lines.

import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE } from '../store/kmap-store.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { PairCounter } from './pair-counter.ts';
import type { SiteRow } from './types.ts';

const TOP = 8;

/** Task name of each pid, from the objects that pid allocated (the most frequent command). */
export function pidCommands(ctx: QueryContext): Map<number, string> {
  const store = ctx.store;
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
  for (const [p, [c]] of best) out.set(p, store.commands.name(c));
  return out;
}

/** Rows sorted by reads + writes descending, then site key in byte order (the CLI's order). */
export function accessSites(ctx: QueryContext, indices: Uint32Array, otherTasks: boolean, pidNames?: Map<number, string>): SiteRow[] {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const hasPid = layout.accessPid !== 'none';
  const hasSlab = layout.hasSlab;
  const sites = ctx.sites();
  const siteOf = sites.siteOf;
  const numSites = sites.numSites;
  const reads = new Float64Array(numSites);
  const writes = new Float64Array(numSites);
  const lines = new Float64Array(numSites);
  const objects = new Float64Array(numSites);
  const lastObj = new Int32Array(numSites).fill(-1);
  const sitePid = new PairCounter(4096);
  const siteSlab = new PairCounter(4096);
  const n = store.numObjects;
  const starts = store.objects.accessStart.data;
  const objPid = store.objects.pid.data;
  const objSlab = store.objects.slab.data;
  const accIp = store.accesses.ip.data;
  const accPid = store.accesses.pid.data;
  const accR = store.accesses.reads.data;
  const accW = store.accesses.writes.data;
  const onlyOthers = otherTasks && hasPid;
  if (otherTasks && !hasPid) return [];
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const start = starts[i];
    const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
    const slab = objSlab[i];
    const owner = objPid[i];
    for (let a = start; a < end; a++) {
      const code = accPid[a];
      if (onlyOthers && (code === ACCESS_PID_NONE || code - ACCESS_PID_BIAS === owner)) continue;
      const s = siteOf[accIp[a]];
      reads[s] += accR[a];
      writes[s] += accW[a];
      lines[s]++;
      if (lastObj[s] !== i) {
        lastObj[s] = i;
        objects[s]++;
      }
      if (hasPid && code !== ACCESS_PID_NONE) sitePid.add(s, code, 1);
      if (hasSlab) siteSlab.add(s, slab, 1);
    }
  }
  const pidLists = new Map<number, { pid: number; accessLines: number }[]>();
  sitePid.forEach((s, code, count) => {
    let list = pidLists.get(s);
    if (!list) pidLists.set(s, (list = []));
    list.push({ pid: code - ACCESS_PID_BIAS, accessLines: count });
  });
  const slabLists = new Map<number, { name: string; accessLines: number }[]>();
  siteSlab.forEach((s, slab, count) => {
    let list = slabLists.get(s);
    if (!list) slabLists.set(s, (list = []));
    list.push({ name: store.slabs.name(slab), accessLines: count });
  });
  const names = pidNames ?? pidCommands(ctx);
  const byKey = new Map<string, SiteRow>();
  for (let s = 0; s < numSites; s++) {
    if (lines[s] === 0) continue;
    const pids = pidLists.get(s) ?? [];
    const caches = slabLists.get(s) ?? [];
    pids.sort((a, b) => b.accessLines - a.accessLines || a.pid - b.pid);
    caches.sort((a, b) => b.accessLines - a.accessLines || compareBytes(a.name, b.name));
    byKey.set(sites.key(s), {
      site: sites.key(s),
      reads: reads[s],
      writes: writes[s],
      accessLines: lines[s],
      objects: objects[s],
      pids: pids.length,
      caches: caches.slice(0, TOP),
      numCaches: caches.length,
      topPids: pids.slice(0, TOP).map((x) => ({ ...x, command: names.get(x.pid) ?? null })),
    });
  }
  return [...byKey.values()].sort((a, b) => b.reads + b.writes - (a.reads + a.writes) || compareBytes(a.site, b.site));
}
