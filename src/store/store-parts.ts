// One store in pieces: the parallel parse (format/ranges.ts) gives each
// worker a byte range of the file, starting at an object line, and each
// worker parses its range into a KmapStore of its own. storeToPart() turns
// such a store into plain data (typed arrays, transferable between threads:
// structured clone keeps no classes), and appendParts() appends the parts, in
// file order, to the first range's store, giving the store the single parse
// gives, id for id (the tests compare the two whole: src/format/ranges.test.ts).
//
// Why the ids come out the same: a table assigns ids in first-seen order, and
// a part's ids are in first-seen order within its range; the first range's
// store has its ids already, and interning part 1's values in id order, then
// part 2's, ... assigns every value the id of its first appearance in the file.
//
// What a part cannot know, the stitch fixes: access ranges (accessStart) and
// bad lines' numbers are local to the range and are shifted by what comes
// before; only the first MAX_KEPT_BAD_LINES bad lines of the whole file are
// kept. Everything else the single parse decides line by line, with no state
// carried past an object line, which is why a range must start at one.

import type { FoldPart } from './access-fold.ts';
import { Uint32Column, type UintArray } from './columns.ts';
import { IpInterner, NameInterner } from './interners.ts';
import { MAX_KEPT_BAD_LINES, type BadLine, type KmapStore, type VariantLetter } from './kmap-store.ts';

/** One column's first `length` values and its exact values above 2^53 - 1 (by index). */
export interface ColumnPart {
  readonly data: UintArray;
  readonly length: number;
  readonly wide: ReadonlyMap<number, bigint> | null;
}

/** Names by id: name `id` is bytes[ends[id - 1] (0 for id 0), ends[id]). */
export interface NamesPart {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/** The object columns, by name (ObjectColumns' fields). */
export type ObjectColumnName =
  'allocIp' | 'freeIp' | 'vaHi' | 'vaLo' | 'size' | 'pid' | 'allocIndex' | 'freeIndex' | 'type' | 'newType' | 'command' | 'slab' | 'accessStart';
export type AccessColumnName = 'ip' | 'pid' | 'writes' | 'reads';

/** The store's running totals, as the store names them (summed, or merged by name, when parts are appended). */
type StoreTotals = Readonly<Pick<KmapStore, 'numLive' | 'bytesNear' | 'readsNear' | 'writesNear' | 'numBlankLines' | 'numBadLines' | 'objectsBySlab' | 'objectsByType' | 'objectsByCommand'>>;

/** A store as plain data, for structured clone; its buffers are listed by transferList(). */
export interface StorePart extends StoreTotals {
  readonly variant: VariantLetter | null;
  readonly objects: Record<ObjectColumnName, ColumnPart>;
  readonly accesses: Record<AccessColumnName, ColumnPart>;
  /** The `from:IP,caller:IP` callers: access index and caller IP id. */
  readonly callerIdx: Uint32Array;
  readonly callerIp: Uint32Array;
  readonly ipHi: Uint32Array;
  readonly ipLo: Uint32Array;
  readonly commands: NamesPart;
  readonly slabs: NamesPart;
  readonly types: NamesPart;
  /** Numbered from the range's first line (1). */
  readonly badLines: readonly BadLine[];
  /** Lines in the range (blank and bad ones included): what the next range's line numbers start after. */
  readonly numLines: number;
  /** An aggregate-only range's folded access lines (its access columns are then empty); null for one with its lines. */
  readonly fold: FoldPart | null;
}

/** What ids each column holds, for the re-mapping: the IP table, or a name table. */
const OBJECT_IDS: Partial<Record<ObjectColumnName, 'ips' | 'commands' | 'slabs' | 'types'>> = {
  allocIp: 'ips', freeIp: 'ips', type: 'types', newType: 'types', command: 'commands', slab: 'slabs',
};
export const OBJECT_COLUMNS: readonly ObjectColumnName[] = [
  'allocIp', 'freeIp', 'vaHi', 'vaLo', 'size', 'pid', 'allocIndex', 'freeIndex', 'type', 'newType', 'command', 'slab', 'accessStart',
];
export const ACCESS_COLUMNS: readonly AccessColumnName[] = ['ip', 'pid', 'writes', 'reads'];

function columnPart(c: { data: UintArray; length: number; wide?: Map<number, bigint> | null }): ColumnPart {
  // The column's own buffer, slack and all: moving it costs nothing, and its unused tail was never written (a large
  // zeroed buffer is mapped lazily), so it holds address space, not memory. Copying the used part would cost both.
  return { data: c.data, length: c.length, wide: c.wide ?? null };
}

/**
 * A parsed range's store as a part; `numLines` is the number of lines the
 * parser read. The columns are taken, not copied: the store must not be used
 * after its part is transferred.
 */
export function storeToPart(store: KmapStore, numLines: number): StorePart {
  const o = store.objects;
  const a = store.accesses;
  const callers = [...a.callers.entries()];
  return {
    variant: store.variant,
    objects: Object.fromEntries(OBJECT_COLUMNS.map((k) => [k, columnPart(o[k])])) as Record<ObjectColumnName, ColumnPart>,
    accesses: Object.fromEntries(ACCESS_COLUMNS.map((k) => [k, columnPart(a[k])])) as Record<AccessColumnName, ColumnPart>,
    callerIdx: Uint32Array.from(callers, ([k]) => k),
    callerIp: Uint32Array.from(callers, ([, v]) => v),
    ipHi: store.ips.hi.data.subarray(0, store.ips.size),
    ipLo: store.ips.lo.data.subarray(0, store.ips.size),
    commands: store.commands.exportBytes(),
    slabs: store.slabs.exportBytes(),
    types: store.types.exportBytes(),
    numLive: store.numLive,
    bytesNear: store.bytesNear,
    readsNear: store.readsNear,
    writesNear: store.writesNear,
    numBlankLines: store.numBlankLines,
    numBadLines: store.numBadLines,
    objectsBySlab: store.objectsBySlab,
    objectsByType: store.objectsByType,
    objectsByCommand: store.objectsByCommand,
    badLines: store.badLines,
    numLines,
    fold: store.fold?.toPart() ?? null,
  };
}

/** The buffers of a part, to transfer (not copy) with postMessage. */
export function transferList(part: StorePart): ArrayBuffer[] {
  const cols = [...Object.values(part.objects), ...Object.values(part.accesses)].map((c) => c.data.buffer as ArrayBuffer);
  const rest: ArrayBufferView[] = [part.callerIdx, part.callerIp, part.ipHi, part.ipLo, ...[part.commands, part.slabs, part.types].flatMap((n) => [n.bytes, n.ends])];
  const f = part.fold;
  if (f) rest.push(f.reads.data, f.writes.data, f.otherLines.data, f.cellIp, f.cellSlab, f.cellType, f.cellFlags, f.sums);
  return [...new Set([...cols, ...rest.map((a) => a.buffer as ArrayBuffer)])];
}

function mapNames(into: NameInterner, names: NamesPart): Uint32Array {
  const map = new Uint32Array(names.ends.length);
  let start = 0;
  for (let id = 0; id < names.ends.length; id++) {
    map[id] = into.intern(names.bytes, start, names.ends[id]);
    start = names.ends[id];
  }
  return map;
}

function mapIps(into: IpInterner, part: StorePart): Uint32Array {
  const map = new Uint32Array(part.ipHi.length);
  for (let id = 0; id < map.length; id++) map[id] = into.intern(part.ipHi[id], part.ipLo[id]);
  return map;
}

/** Bytes per entry a value needs in an AdaptiveUintColumn: 1, 2, 4 or 8. */
function widthFor(max: number): number {
  return max <= 0xff ? 1 : max <= 0xffff ? 2 : max <= 0xffffffff ? 4 : 8;
}

/** The largest of map[id] over a part's id column (0 when empty). */
function maxMapped(c: ColumnPart, map: Uint32Array): number {
  let max = 0;
  for (let i = 0; i < c.length; i++) if (map[c.data[i]] > max) max = map[c.data[i]];
  return max;
}

/** Adds a part's per-name counts (by its ids) to the store's (by map[id]). */
function addCounts(into: number[], counts: readonly number[], map: Uint32Array): void {
  for (let id = 0; id < counts.length; id++) {
    if (!(counts[id] > 0)) continue;
    const to = map[id];
    while (into.length <= to) into.push(0);
    into[to] += counts[id];
  }
}

/** The name columns that hold 0, not an id, in a variant without their field (which ones: format/variants.ts). */
export type OptionalNameColumn = 'type' | 'slab' | 'newType';

/**
 * Appends the parts of the ranges that follow the one `store` holds (parsed
 * in place, by the thread that asked for the others), `linesBefore` being
 * the lines of that range: the single parse's store of the whole file (ids,
 * totals, bad lines and their numbers). The ranges must each start at an
 * object line (format/ranges.ts) and together cover the file. `present`:
 * the optional name columns that the variant's lines carry (the others hold
 * 0 and are copied as they are).
 */
export function appendParts(store: KmapStore, linesBefore: number, parts: readonly StorePart[], present: ReadonlySet<OptionalNameColumn>): void {
  if (parts.some((p) => (p.fold === null) !== (store.fold === null))) throw new Error('appendParts: an aggregate-only part and a part with its lines');
  for (const part of parts) if (part.variant !== store.variant) throw new Error(`appendParts: a part of variant ${part.variant} after ${store.variant}`);
  // Every part's ids in the store's tables, part after part: the single parse's ids (see the header).
  const allMaps = parts.map((part) => ({
    ips: mapIps(store.ips, part),
    commands: mapNames(store.commands, part.commands),
    slabs: mapNames(store.slabs, part.slabs),
    types: mapNames(store.types, part.types),
  }));
  // Each column at the width its values will need first, then room for all parts at once (none to make when
  // the first range's store was reserved from an estimate that holds): appending then copies no reserved
  // column again to widen it. An id column's width is that of the largest id it will hold, as in the single parse.
  // The largest id each table gives: no mapped id passes it (most stitches then need no scan for an id column's width).
  const tableMax = { ips: store.ips.size - 1, commands: store.commands.size - 1, slabs: store.slabs.size - 1, types: store.types.size - 1 };
  const lines = store.numAccesses + parts.reduce((n, p) => n + (p.fold ? p.fold.lines : p.accesses.ip.length), 0);
  store.objects.accessStart.widenTo(widthFor(lines));
  /** The width an id column needs for the parts' ids: scanned only when the table's largest id would not fit it. */
  const idWidth = (to: { data: UintArray }, table: keyof typeof tableMax, column: (p: StorePart) => ColumnPart) => {
    if (widthFor(tableMax[table]) <= to.data.BYTES_PER_ELEMENT) return 0;
    return parts.reduce((w, p, index) => Math.max(w, widthFor(maxMapped(column(p), allMaps[index][table]))), 0);
  };
  // Each column widened once, to the widest any part needs.
  for (const key of OBJECT_COLUMNS) {
    const to = store.objects[key];
    const ids = OBJECT_IDS[key];
    const optional = key === 'type' || key === 'slab' || key === 'newType';
    if (to instanceof Uint32Column || key === 'accessStart') continue;
    to.widenTo(ids && (!optional || present.has(key)) ? idWidth(to, ids, (p) => p.objects[key]) : Math.max(0, ...parts.map((p) => p.objects[key].data.BYTES_PER_ELEMENT)));
  }
  store.accesses.ip.widenTo(idWidth(store.accesses.ip, 'ips', (p) => p.accesses.ip));
  for (const key of ['pid', 'writes', 'reads'] as const) store.accesses[key].widenTo(Math.max(0, ...parts.map((p) => p.accesses[key].data.BYTES_PER_ELEMENT)));
  const fold = store.fold;
  if (fold) for (const key of ['reads', 'writes', 'otherLines'] as const) fold[key].widenTo(Math.max(0, ...parts.map((p) => p.fold?.[key].data.BYTES_PER_ELEMENT ?? 0)));
  store.reserve(
    store.numObjects + parts.reduce((n, p) => n + p.objects.allocIp.length, 0),
    store.numAccesses + parts.reduce((n, p) => n + p.accesses.ip.length, 0),
  );
  parts.forEach((part, index) => {
    const maps = allMaps[index];
    const { ips, ...names } = maps;
    const accessesBefore = store.numAccesses;
    const o = store.objects;
    for (const k of OBJECT_COLUMNS) {
      const c = part.objects[k];
      const to = o[k];
      const ids = OBJECT_IDS[k];
      const optional = k === 'type' || k === 'slab' || k === 'newType';
      if (to instanceof Uint32Column) to.appendData(c.data as Uint32Array, c.length);
      else if (ids && (!optional || present.has(k))) to.appendMapped(c.data, c.length, maps[ids], tableMax[ids]);
      else to.appendData(c.data, c.length, c.wide, k === 'accessStart' ? accessesBefore : 0);
    }
    const a = store.accesses;
    a.ip.appendMapped(part.accesses.ip.data, part.accesses.ip.length, ips, tableMax.ips);
    for (const k of ['pid', 'writes', 'reads'] as const) a[k].appendData(part.accesses[k].data, part.accesses[k].length, part.accesses[k].wide);
    for (let i = 0; i < part.callerIdx.length; i++) a.callers.set(accessesBefore + part.callerIdx[i], ips[part.callerIp[i]]);
    store.fold?.appendPart(part.fold!, ips, present.has('slab') ? names.slabs : null, present.has('type') ? names.types : null);
    addCounts(store.objectsBySlab, part.objectsBySlab, names.slabs);
    addCounts(store.objectsByType, part.objectsByType, names.types);
    addCounts(store.objectsByCommand, part.objectsByCommand, names.commands);
    store.numLive += part.numLive;
    store.bytesNear += part.bytesNear;
    store.readsNear += part.readsNear;
    store.writesNear += part.writesNear;
    store.numBlankLines += part.numBlankLines;
    store.numBadLines += part.numBadLines;
    for (const bad of part.badLines) {
      if (store.badLines.length >= MAX_KEPT_BAD_LINES) break;
      store.badLines.push({ ...bad, lineNum: bad.lineNum + linesBefore });
    }
    linesBefore += part.numLines;
  });
  // Reserved above: a column keeps a little slack rather than being copied to its length (KmapStore.trimFinished).
  store.trimFinished();
}
