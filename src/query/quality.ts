// Data quality: what in a capture is not a plain allocate-use-free object,
// per slab cache or type (the Quality view, `kmap quality`). One definition
// of each quality flag (allocIpFlags, freeIpFlags, accessPart), used by the
// codes and counts here (QualityCoder), by the object cells' counts and by
// the `flag` filter (flagTester, filter.ts), so a number and the objects it
// links to agree.
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
  const a = accessPart(sums, i);
  return a === 0 ? null : ACCESS_FLAGS[a - 1];
}

/** The access flag as a code's part: 0 none, else 1 + its index in ACCESS_FLAGS (unaccessed, readOnly, writeOnly). */
function accessPart(sums: ObjectSums, i: number): number {
  if (sums.lines[i] === 0) return 1;
  const r = sums.reads[i] > 0;
  const w = sums.writes[i] > 0;
  return r && !w ? 2 : w && !r ? 3 : 0;
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
 * Each object's flags as one code, so that a count is one increment an
 * object: ((free * 4 + alloc) * 2 + induced) * 4 + access, where free is 0
 * freed with no flag, 1 live, 2-4 the free-IP flag (FREE_FLAGS); alloc 0 or
 * 1-3 the alloc-IP flag (ALLOC_FLAGS); induced 0/1 (INDUCED_ALLOC); access 0
 * or 1-3 (ACCESS_FLAGS). The flags are the definitions above (allocIpFlags,
 * freeIpFlags, accessPart). One byte an object, computed once per context
 * (ctx.memo: a store that grew while loading gets new codes), in steps by
 * the data worker after a load (warmQualityCodes).
 */
const FREE_FLAGS = ['overlapped', 'nested', 'freeUnseen'] as const;
const ALLOC_FLAGS = ['catchAll', 'ufo', 'preregistered'] as const;
const ACCESS_FLAGS = ['unaccessed', 'readOnly', 'writeOnly'] as const;
export const NUM_CODES = 5 * 4 * 2 * 4;

/** Whether a code's alloc-IP flag is catchAll (its object's access lines count as catchAllLines). */
export function isCatchAllCode(code: number): boolean {
  return ((code >> 3) & 3) === 1;
}

/** A code's parts that the alloc IP and the type do not decide: free * 4 + access (the object cells count these per cell). */
export const QUALITY_PARTS = 5 * 4;

/** The code of each object, and its parts (the definitions above, read once per build of the codes or cells: the store's size is theirs). */
export class QualityCoder {
  private readonly freeOf: Int8Array;
  private readonly allocOf: Int8Array;
  private readonly inducedId: number;
  private readonly sums: ObjectSums;
  private readonly store: KmapStore;
  private readonly freeIp: ArrayLike<number>;

  constructor(ctx: QueryContext) {
    const store = ctx.store;
    this.store = store;
    this.freeIp = store.objects.freeIp.data;
    this.inducedId = LAYOUTS[store.variant ?? 'E'].hasType ? store.types.names().indexOf(INDUCED_TYPE) : -1;
    this.freeOf = Int8Array.from(freeIpFlags(store), (f) => (f === null ? 0 : 2 + FREE_FLAGS.indexOf(f as (typeof FREE_FLAGS)[number])));
    this.allocOf = Int8Array.from(allocIpFlags(store), (f) => (f === null ? 0 : 1 + ALLOC_FLAGS.indexOf(f as (typeof ALLOC_FLAGS)[number])));
    this.sums = objectSums(ctx);
  }

  /** Object i's free and access parts: free * 4 + access. */
  parts(i: number): number {
    const free = this.store.isLive(i) ? 1 : this.freeOf[this.freeIp[i]];
    return free * 4 + accessPart(this.sums, i);
  }

  /** A code's parts (free * 4 + access). */
  static partsOf(code: number): number {
    return (code >> 5) * 4 + (code & 3);
  }

  /** Whether alloc IP `ip` marks catch-all objects (the code's alloc part 1: isCatchAllCode). */
  isCatchAllIp(ip: number): boolean {
    return this.allocOf[ip] === 1;
  }

  /** The code of an object of these parts, alloc IP id and type id. */
  code(parts: number, ip: number, type: number): number {
    const induced = this.inducedId >= 0 && type === this.inducedId ? 1 : 0;
    return (((parts >> 2) * 4 + this.allocOf[ip]) * 2 + induced) * 4 + (parts & 3);
  }
}

/** Codes made object by object from the first: `step` codes the next ones. */
class CodesInPieces {
  readonly codes: Uint8Array;
  /** The store's objects and lines they are for. */
  readonly stamp: string;
  private next = 0;
  /** Made at the first step (the per-object sums it reads are made then), kept for the rest: the store's size is this one's. */
  private coder: QualityCoder | null = null;

  constructor(private readonly ctx: QueryContext) {
    const store = ctx.store;
    this.stamp = `${store.numObjects}:${store.numAccesses}`;
    this.codes = new Uint8Array(store.numObjects);
  }

  get done(): boolean {
    return this.next >= this.codes.length;
  }

  /** Codes the next `count` objects (at most: to the last); true once all are. */
  step(count: number): boolean {
    const o = this.ctx.store.objects;
    const coder = (this.coder ??= new QualityCoder(this.ctx));
    const allocIp = o.allocIp.data;
    const type = o.type.data;
    const codes = this.codes;
    const to = Math.min(codes.length, this.next + count);
    for (let i = this.next; i < to; i++) codes[i] = coder.code(coder.parts(i), allocIp[i], type[i]);
    this.next = to;
    return this.next >= codes.length;
  }
}

/** Codes begun in steps, per context (done, their array is the context's memo). */
const begun = new WeakMap<QueryContext, CodesInPieces>();

function codesOf(ctx: QueryContext): CodesInPieces {
  let c = begun.get(ctx);
  // A store that grew (objects or lines: a file still loading) needs new codes: an object's access flag moves with its lines.
  if (!c || c.stamp !== `${ctx.store.numObjects}:${ctx.store.numAccesses}`) {
    c = new CodesInPieces(ctx);
    begun.set(ctx, c);
  }
  return c;
}

function qualityCodes(ctx: QueryContext): Uint8Array {
  return ctx.memo('qualityCodes', () => {
    const c = codesOf(ctx);
    c.step(Number.POSITIVE_INFINITY);
    return c.codes;
  });
}

/** The context's quality codes where they are all made already (for this store size), else null: nothing is made here. */
export function qualityCodesIfMade(ctx: QueryContext): Uint8Array | null {
  const c = begun.get(ctx);
  return c && c.stamp === `${ctx.store.numObjects}:${ctx.store.numAccesses}` && c.done ? c.codes : null;
}

/** Codes the next `count` objects of the context's quality codes; true once all are (and they are its memo). */
export function warmQualityCodes(ctx: QueryContext, count: number): boolean {
  if (!codesOf(ctx).step(count)) return false;
  qualityCodes(ctx);
  return true;
}

/**
 * The kept objects' quality counts by slab cache or type, sorted by objects
 * descending, then group in byte order; `total` sums every group. Counted
 * per (group, code) (qualityCodes), then each code's columns added once.
 */
export function qualityRows(ctx: QueryContext, indices: Uint32Array, by: LifetimeGrouping): { rows: QualityRow[]; total: QualityRow } {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const lacks = by === 'slab' ? !layout.hasSlab : !layout.hasType;
  const names = lacks ? [''] : by === 'slab' ? store.slabs.names() : store.types.names();
  const ids = lacks ? null : by === 'slab' ? store.objects.slab.data : store.objects.type.data;
  const codes = qualityCodes(ctx);
  const { lines } = objectSums(ctx);
  // Codes of catch-all objects: their access lines are counted too.
  const catchAll = Uint8Array.from({ length: NUM_CODES }, (_, c) => (isCatchAllCode(c) ? 1 : 0));
  // Groups numbered as they are met (a file may have a million names and the selection a few of them).
  const groupOf = new Int32Array(names.length).fill(-1);
  const groupNames: string[] = [];
  let hist = new Float64Array(Math.max(1, Math.min(names.length, 64)) * NUM_CODES);
  let catchLines = new Float64Array(Math.max(1, Math.min(names.length, 64)));
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const id = ids ? ids[i] : 0;
    let g = groupOf[id];
    if (g < 0) {
      g = groupOf[id] = groupNames.length;
      groupNames.push(names[id]);
      if (g >= catchLines.length) {
        const grown = new Float64Array(hist.length * 2);
        grown.set(hist);
        hist = grown;
        const lines2 = new Float64Array(catchLines.length * 2);
        lines2.set(catchLines);
        catchLines = lines2;
      }
    }
    const c = codes[i];
    hist[g * NUM_CODES + c]++;
    if (catchAll[c] === 1) catchLines[g] += lines[i];
  }
  return qualityTable(groupNames, hist, catchLines);
}

/**
 * The Quality view's rows from counts per (group, code) at g * NUM_CODES +
 * code and each group's catch-all access lines: from the objects
 * (qualityRows) or from the object cells (object-cell-queries.ts).
 */
export function qualityTable(groupNames: readonly string[], hist: Float64Array, catchLines: Float64Array): { rows: QualityRow[]; total: QualityRow } {
  const COUNTED = QUALITY_CSV_COLUMNS.slice(1) as Exclude<(typeof QUALITY_CSV_COLUMNS)[number], 'group'>[];
  const col = (k: (typeof COUNTED)[number]) => COUNTED.indexOf(k);
  const width = COUNTED.length;
  // What each code adds: its columns.
  const columnsOfCode = Array.from({ length: NUM_CODES }, (_, c) => {
    const access = c & 3;
    const induced = (c >> 2) & 1;
    const alloc = (c >> 3) & 3;
    const free = c >> 5;
    const out = [col('objects')];
    if (free === 1) out.push(col('live'));
    else if (free >= 2) out.push(col(FREE_FLAGS[free - 2]));
    if (alloc > 0) out.push(col(ALLOC_FLAGS[alloc - 1]));
    if (induced === 1) out.push(col('induced'));
    if (access > 0) out.push(col(ACCESS_FLAGS[access - 1]));
    return out;
  });
  const counts = new Float64Array(groupNames.length * width);
  for (let g = 0; g < groupNames.length; g++) {
    for (let c = 0; c < NUM_CODES; c++) {
      const n = hist[g * NUM_CODES + c];
      if (n > 0) for (const k of columnsOfCode[c]) counts[g * width + k] += n;
    }
    counts[g * width + col('catchAllLines')] = catchLines[g];
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
