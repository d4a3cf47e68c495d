// One store in pieces: the parallel parse (format/ranges.ts) gives each
// worker a byte range of the file, starting at an object line, and each
// worker parses its range into a KmapStore of its own. storeToPart() turns
// such a store into plain data (typed arrays, transferable between threads:
// structured clone keeps no classes), and stitchParts() appends the parts, in
// file order, into one store that is the store the single parse gives, id for
// id (the tests compare the two whole, src/store/store-parts.test.ts).
//
// Why the ids come out the same: a table assigns ids in first-seen order, and
// a part's ids are in first-seen order within its range; interning part 0's
// values in id order, then part 1's, ... assigns every value the id of its
// first appearance in the file.
//
// What a part cannot know, the stitch fixes: access ranges (accessStart) and
// bad lines' numbers are local to the range and are shifted by what comes
// before; only the first MAX_KEPT_BAD_LINES bad lines of the whole file are
// kept. Everything else the single parse decides line by line, with no state
// carried past an object line, which is why a range must start at one.

import { Uint32Column, type UintArray } from './columns.ts';
import { IpInterner, NameInterner } from './interners.ts';
import { KmapStore, MAX_KEPT_BAD_LINES, type BadLine, type VariantLetter } from './kmap-store.ts';

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

/** A store as plain data, for structured clone; its buffers are listed by transferList(). */
export interface StorePart {
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
  readonly numLive: number;
  readonly bytesNear: number;
  readonly readsNear: number;
  readonly writesNear: number;
  readonly numBlankLines: number;
  readonly numBadLines: number;
  readonly objectsBySlab: readonly number[];
  readonly objectsByType: readonly number[];
  readonly objectsByCommand: readonly number[];
  /** Numbered from the range's first line (1). */
  readonly badLines: readonly BadLine[];
  /** Lines in the range (blank and bad ones included): what the next range's line numbers start after. */
  readonly numLines: number;
}

/** What ids each column holds, for the re-mapping: the IP table, or a name table. */
const OBJECT_IDS: Partial<Record<ObjectColumnName, 'ips' | 'commands' | 'slabs' | 'types'>> = {
  allocIp: 'ips', freeIp: 'ips', type: 'types', newType: 'types', command: 'commands', slab: 'slabs',
};
const OBJECT_COLUMNS: readonly ObjectColumnName[] = [
  'allocIp', 'freeIp', 'vaHi', 'vaLo', 'size', 'pid', 'allocIndex', 'freeIndex', 'type', 'newType', 'command', 'slab', 'accessStart',
];
const ACCESS_COLUMNS: readonly AccessColumnName[] = ['ip', 'pid', 'writes', 'reads'];

function columnPart(c: { data: UintArray; length: number; wide?: Map<number, bigint> | null }): ColumnPart {
  // A copy of the used part: the store's buffer has slack, and a subarray would transfer the whole of it.
  return { data: c.data.slice(0, c.length), length: c.length, wide: c.wide ?? null };
}

/** A parsed range's store as a part; `numLines` is the number of lines the parser read. */
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
    ipHi: store.ips.hi.data.slice(0, store.ips.size),
    ipLo: store.ips.lo.data.slice(0, store.ips.size),
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
  };
}

/** The buffers of a part, to transfer (not copy) with postMessage. */
export function transferList(part: StorePart): ArrayBuffer[] {
  const cols = [...Object.values(part.objects), ...Object.values(part.accesses)].map((c) => c.data.buffer as ArrayBuffer);
  const rest = [part.callerIdx, part.callerIp, part.ipHi, part.ipLo, ...[part.commands, part.slabs, part.types].flatMap((n) => [n.bytes, n.ends])];
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
 * The parts, in file order, as one store: the single parse's store of the
 * whole file (ids, totals, bad lines and their numbers). The parts must come
 * from ranges that each start at an object line (format/ranges.ts) and that
 * together cover the file; the first range's parse holds the file's start.
 * `present`: the optional name columns that the variant's lines carry (the
 * others hold 0 and are copied as they are).
 */
export function stitchParts(parts: readonly StorePart[], present: ReadonlySet<OptionalNameColumn>): KmapStore {
  const store = new KmapStore();
  store.variant = parts[0]?.variant ?? null;
  appendParts(store, 0, parts, present);
  return store;
}

/**
 * Appends the parts of the ranges that follow the one `store` holds (parsed
 * in place: the data worker's first range, whose rows showed while the file
 * loaded), `linesBefore` being the lines of that range. The same rules as
 * stitchParts.
 */
export function appendParts(store: KmapStore, linesBefore: number, parts: readonly StorePart[], present: ReadonlySet<OptionalNameColumn>): void {
  // Room for all parts at once: each column is then copied once, and trim() has nothing to do.
  const numObjects = store.numObjects + parts.reduce((n, p) => n + p.objects.allocIp.length, 0);
  const numAccesses = store.numAccesses + parts.reduce((n, p) => n + p.accesses.ip.length, 0);
  for (const c of store.objects.all()) c.reserve(numObjects);
  for (const c of store.accesses.all()) c.reserve(numAccesses);
  for (const part of parts) {
    if (part.variant !== store.variant) throw new Error(`stitchParts: a part of variant ${part.variant} after ${store.variant}`);
    const ips = mapIps(store.ips, part);
    const names = { commands: mapNames(store.commands, part.commands), slabs: mapNames(store.slabs, part.slabs), types: mapNames(store.types, part.types) };
    const maps = { ips, ...names };
    const accessesBefore = store.numAccesses;
    const o = store.objects;
    for (const k of OBJECT_COLUMNS) {
      const c = part.objects[k];
      const to = o[k];
      const ids = OBJECT_IDS[k];
      const optional = k === 'type' || k === 'slab' || k === 'newType';
      if (to instanceof Uint32Column) to.appendData(c.data as Uint32Array, c.length);
      else if (ids && (!optional || present.has(k))) to.appendMapped(c.data, c.length, maps[ids]);
      else to.appendData(c.data, c.length, c.wide, k === 'accessStart' ? accessesBefore : 0);
    }
    const a = store.accesses;
    a.ip.appendMapped(part.accesses.ip.data, part.accesses.ip.length, ips);
    for (const k of ['pid', 'writes', 'reads'] as const) a[k].appendData(part.accesses[k].data, part.accesses[k].length, part.accesses[k].wide);
    for (let i = 0; i < part.callerIdx.length; i++) a.callers.set(accessesBefore + part.callerIdx[i], ips[part.callerIp[i]]);
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
  }
  store.trim();
}
