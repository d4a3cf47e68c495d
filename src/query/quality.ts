// Data quality: what in a capture is not a plain allocate-use-free object,
// per slab cache or type (the Quality view, `kmap quality`). One definition
// of each quality flag (objectHasFlag), used by the counts here and by the
// `flag` filter (filter.ts), so a number and the objects it links to agree.
//
// Flags (docs/kmap-format.md, "Sentinels"):
// - overlapped: free IP deadbeef (closed by an overlapping allocation, no free seen);
// - nested: free IP fedbeef (closed by a nested allocation at the same address);
// - freeUnseen: freed (free index set) but free IP 0;
// - ufo: alloc IP 1..ff (an object made up on a missed lookup; the value is its type code);
// - preregistered: alloc IP feedbeef (registered when SLUB built a slab, not handed out since);
// - catchAll: alloc IP 0 (a per-type catch-all that gathers accesses to untracked memory);
// - unaccessed: no access line; readOnly: reads but no writes; writeOnly: writes but no reads.
// Live objects (never freed) and INDUCED_ALLOC objects are counted too;
// they are reached through the existing state and type filters.

import { allocIpSentinel, freeIpSentinel } from '../format/sentinels.ts';
import { LAYOUTS } from '../format/variants.ts';
import { objectSums, type ObjectSums } from './object-sums.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import type { LifetimeGrouping, QualityFlag } from './types.ts';


/** What each flag keeps, as the page and the CLI's help say it. */
export const QUALITY_FLAG_TEXT: Readonly<Record<QualityFlag, string>> = {
  overlapped: 'closed by an overlapping allocation (free IP deadbeef)',
  nested: 'closed by a nested allocation (free IP fedbeef)',
  freeUnseen: 'freed without the freeing instruction seen (free IP 0)',
  ufo: 'UFO objects (alloc IP a type code: made up on a missed lookup)',
  preregistered: 'pre-registered by a new slab, never handed out (alloc IP feedbeef)',
  catchAll: 'catch-all objects (alloc IP 0)',
  unaccessed: 'never accessed (no access line)',
  readOnly: 'read but never written',
  writeOnly: 'written but never read',
};

/** The alloc type name of induced allocations. */
export const INDUCED_TYPE = 'INDUCED_ALLOC';

/** Per IP id: the alloc-IP flag it marks (catchAll, ufo, preregistered), or null. */
function allocIpFlags(store: KmapStore): (QualityFlag | null)[] {
  const out: (QualityFlag | null)[] = [];
  for (let id = 0; id < store.ips.size; id++) {
    const s = allocIpSentinel(store.ips.hi.data[id], store.ips.lo.data[id]);
    out.push(s === null ? null : s.kind === 'catch-all' ? 'catchAll' : s.kind === 'ufo' ? 'ufo' : 'preregistered');
  }
  return out;
}

/** Per IP id: the free-IP flag it marks for a freed object (overlapped, nested, freeUnseen), or null. */
function freeIpFlags(store: KmapStore): (QualityFlag | null)[] {
  const out: (QualityFlag | null)[] = [];
  for (let id = 0; id < store.ips.size; id++) {
    const s = freeIpSentinel(store.ips.hi.data[id], store.ips.lo.data[id], false);
    out.push(s === null ? null : s.kind === 'deadbeef' ? 'overlapped' : s.kind === 'fedbeef' ? 'nested' : 'freeUnseen');
  }
  return out;
}

/** Tests objects for one flag; built once per query (IP tables by id, object sums). */
export function flagTester(ctx: QueryContext, flag: QualityFlag): (i: number) => boolean {
  const store = ctx.store;
  const o = store.objects;
  switch (flag) {
    case 'catchAll':
    case 'ufo':
    case 'preregistered': {
      const byIp = allocIpFlags(store).map((f) => f === flag);
      return (i) => byIp[o.allocIp.data[i]];
    }
    case 'overlapped':
    case 'nested':
    case 'freeUnseen': {
      const byIp = freeIpFlags(store).map((f) => f === flag);
      return (i) => !store.isLive(i) && byIp[o.freeIp.data[i]];
    }
    case 'unaccessed':
    case 'readOnly':
    case 'writeOnly': {
      const sums = objectSums(ctx);
      return (i) => accessFlag(sums, i) === flag;
    }
  }
}

function accessFlag(sums: ObjectSums, i: number): 'unaccessed' | 'readOnly' | 'writeOnly' | null {
  if (sums.lines[i] === 0) return 'unaccessed';
  const r = sums.reads[i] > 0;
  const w = sums.writes[i] > 0;
  return r && !w ? 'readOnly' : w && !r ? 'writeOnly' : null;
}

/** One group of the Quality view; the CSV columns are exactly these keys. */
export interface QualityRow {
  group: string;
  objects: number;
  live: number;
  overlapped: number;
  nested: number;
  freeUnseen: number;
  ufo: number;
  induced: number;
  preregistered: number;
  catchAll: number;
  /** Access lines of the catch-all objects: accesses to memory no tracked object covered. */
  catchAllLines: number;
  unaccessed: number;
  readOnly: number;
  writeOnly: number;
}
export const QUALITY_CSV_COLUMNS = [
  'group', 'objects', 'live', 'overlapped', 'nested', 'freeUnseen', 'ufo', 'induced', 'preregistered', 'catchAll', 'catchAllLines', 'unaccessed', 'readOnly', 'writeOnly',
] as const satisfies readonly (keyof QualityRow)[];

/**
 * The kept objects' quality counts by slab cache or type, sorted by objects
 * descending, then group in byte order; `total` sums every group.
 */
export function qualityRows(ctx: QueryContext, indices: Uint32Array, by: LifetimeGrouping): { rows: QualityRow[]; total: QualityRow } {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const lacks = by === 'slab' ? !layout.hasSlab : !layout.hasType;
  const names = lacks ? [''] : by === 'slab' ? store.slabs.names() : store.types.names();
  const ids = lacks ? null : by === 'slab' ? store.objects.slab.data : store.objects.type.data;
  const typeNames = layout.hasType ? store.types.names() : [];
  const inducedId = typeNames.indexOf(INDUCED_TYPE);
  // Counted by number: a row of COUNTED columns per group, each flag as its column.
  const COUNTED = QUALITY_CSV_COLUMNS.slice(1) as Exclude<(typeof QUALITY_CSV_COLUMNS)[number], 'group'>[];
  const col = (k: (typeof COUNTED)[number]) => COUNTED.indexOf(k);
  const width = COUNTED.length;
  // Filled by a loop: Int8Array.from with a map function is V8's slow path (a tenth of the speed on a million IPs).
  const columnsOf = (flags: (QualityFlag | null)[]) => {
    const out = new Int8Array(flags.length);
    for (let id = 0; id < flags.length; id++) out[id] = flags[id] ? col(flags[id] as (typeof COUNTED)[number]) : -1;
    return out;
  };
  const allocCol = columnsOf(allocIpFlags(store));
  const freeCol = columnsOf(freeIpFlags(store));
  const [OBJECTS, LIVE, INDUCED, CATCH_ALL, CATCH_ALL_LINES] = (['objects', 'live', 'induced', 'catchAll', 'catchAllLines'] as const).map(col);
  const accessCol = { unaccessed: col('unaccessed'), readOnly: col('readOnly'), writeOnly: col('writeOnly') };
  const sums = objectSums(ctx);
  const { lines } = sums;
  const o = store.objects;
  const allocIp = o.allocIp.data;
  const freeIp = o.freeIp.data;
  const type = o.type.data;
  // Groups numbered as they are met (a file may have a million names and the selection a few of them).
  const groupOf = new Int32Array(names.length).fill(-1);
  const groupNames: string[] = [];
  let counts = new Float64Array(Math.min(names.length, 64) * width);
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const id = ids ? ids[i] : 0;
    let g = groupOf[id];
    if (g < 0) {
      g = groupOf[id] = groupNames.length;
      groupNames.push(names[id]);
      if ((g + 1) * width > counts.length) {
        const grown = new Float64Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
    }
    const row = g * width;
    counts[row + OBJECTS]++;
    if (store.isLive(i)) counts[row + LIVE]++;
    else if (freeCol[freeIp[i]] >= 0) counts[row + freeCol[freeIp[i]]]++;
    const a = allocCol[allocIp[i]];
    if (a >= 0) {
      counts[row + a]++;
      if (a === CATCH_ALL) counts[row + CATCH_ALL_LINES] += lines[i];
    }
    if (inducedId >= 0 && type[i] === inducedId) counts[row + INDUCED]++;
    const x = accessFlag(sums, i);
    if (x) counts[row + accessCol[x]]++;
  }
  const blank = (group: string): QualityRow => ({
    group, objects: 0, live: 0, overlapped: 0, nested: 0, freeUnseen: 0, ufo: 0, induced: 0, preregistered: 0, catchAll: 0, catchAllLines: 0, unaccessed: 0, readOnly: 0, writeOnly: 0,
  });
  const rows: QualityRow[] = [];
  for (let g = 0; g < groupNames.length; g++) {
    const row = blank(groupNames[g]);
    COUNTED.forEach((k, c) => (row[k] = counts[g * width + c]));
    rows.push(row);
  }
  const list = rows.sort((a, b) => b.objects - a.objects || compareBytes(a.group, b.group));
  const total = blank('');
  for (const r of list) for (const k of QUALITY_CSV_COLUMNS) if (k !== 'group') total[k] += r[k];
  return { rows: list, total };
}
