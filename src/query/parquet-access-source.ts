// What the accesses and capmap tables (./parquet-access-rows.ts) are
// computed from, as plain arrays (AccessRowsSource), and what a writer asks
// of them (AccessRowsApi). Plain arrays, so that threadCopy() can hand a
// copy to another thread (src/cli/parquet-access-thread.ts) by transfer,
// sharing no memory with the store the JS thread goes on reading.

import type { KmapStore } from '../store/kmap-store.ts';
import type { UintArray } from '../store/columns.ts';
import { compareBytes } from './compare.ts';
import { exactSums } from './parquet-capmap.ts';

/**
 * What the accesses and capmap tables read of a store and its site keys.
 * Per object, per access line and per IP id, as the store's columns hold
 * them (accessRowsSource() takes views of them; threadCopy() copies them).
 */
export interface AccessRowsSource {
  /** The idx of object 0: the objects before this store's in the capture (a capture exported in slices). */
  readonly objectBase: number;
  readonly numObjects: number;
  readonly numAccesses: number;
  /** Per object: its first access line (object i owns [accessStart[i], accessStart[i + 1]), the last to numAccesses). */
  readonly accessStart: UintArray;
  /** Per object: its slab, type and command ids, and its alloc IP id. */
  readonly slab: UintArray;
  readonly type: UintArray;
  readonly command: UintArray;
  readonly allocIp: UintArray;
  /** Per access line: IP id, stored pid, reads and writes; reads and writes past 2^53 - 1 exactly, by line (null: none). */
  readonly ip: UintArray;
  readonly pid: UintArray;
  readonly reads: UintArray;
  readonly writes: UintArray;
  readonly readsWide: ReadonlyMap<number, bigint> | null;
  readonly writesWide: ReadonlyMap<number, bigint> | null;
  /** Every reads and writes sum of the capture fits a double exactly (exactSums). */
  readonly exactSums: boolean;
  /** Per IP id: its 64 bits, its site id, and its alloc_fn id (0 where no object allocates there). */
  readonly ipLo: Uint32Array;
  readonly ipHi: Uint32Array;
  readonly siteOf: Int32Array;
  readonly allocOf: Uint32Array;
  /** Per site id: the rank of its key in byte order. */
  readonly siteRank: Uint32Array;
  /** Per slab id: the rank of its name in byte order; null in a variant without slabs. */
  readonly slabRank: Uint32Array | null;
  /** Distinct types (the types interner's size). */
  readonly numTypes: number;
  readonly hasType: boolean;
}

/** rank[id]: the position of names[id] in byte order of the names' UTF-8 (as Parquet compares strings). */
export function byteOrderRanks(names: readonly string[]): Uint32Array {
  const order = names.map((_, i) => i).sort((a, b) => compareBytes(names[a], names[b]) || a - b);
  const rank = new Uint32Array(names.length);
  order.forEach((id, r) => (rank[id] = r));
  return rank;
}

/** A store's source, as views of its columns (nothing copied). */
export function accessRowsSource(
  s: KmapStore,
  sites: { readonly siteOf: Int32Array; readonly rank: Uint32Array },
  allocOf: Uint32Array,
  layout: { readonly hasSlab: boolean; readonly hasType: boolean },
  objectBase = 0,
): AccessRowsSource {
  const o = s.objects;
  const a = s.accesses;
  const n = s.numObjects;
  const lines = s.numAccesses;
  return {
    objectBase,
    numObjects: n,
    numAccesses: lines,
    accessStart: o.accessStart.data.subarray(0, n),
    slab: o.slab.data.subarray(0, n),
    type: o.type.data.subarray(0, n),
    command: o.command.data.subarray(0, n),
    allocIp: o.allocIp.data.subarray(0, n),
    ip: a.ip.data.subarray(0, lines),
    pid: a.pid.data.subarray(0, lines),
    reads: a.reads.data.subarray(0, lines),
    writes: a.writes.data.subarray(0, lines),
    readsWide: a.reads.wide,
    writesWide: a.writes.wide,
    exactSums: exactSums(s),
    ipLo: s.ips.lo.data.subarray(0, s.ips.size),
    ipHi: s.ips.hi.data.subarray(0, s.ips.size),
    siteOf: sites.siteOf,
    allocOf,
    siteRank: sites.rank,
    slabRank: layout.hasSlab ? byteOrderRanks(s.slabs.names()) : null,
    numTypes: s.types.size,
    hasType: layout.hasType,
  };
}

/** The distinct buffers under some arrays (a transfer list names each buffer once). */
function buffersOf(arrays: readonly (ArrayBufferView | null)[]): ArrayBuffer[] {
  return [...new Set(arrays.flatMap((a) => (a ? [a.buffer as ArrayBuffer] : [])))];
}

/** The buffers of a source's arrays (to transfer a copy: threadCopy). */
export function sourceBuffers(src: AccessRowsSource): ArrayBuffer[] {
  return buffersOf([src.accessStart, src.slab, src.type, src.command, src.allocIp, src.ip, src.pid, src.reads, src.writes, src.ipLo, src.ipHi, src.siteOf, src.allocOf, src.siteRank, src.slabRank]);
}

/** A copy of a source that shares no memory with it, and the buffers to transfer it by. */
export function threadCopy(src: AccessRowsSource): { source: AccessRowsSource; transfer: ArrayBuffer[] } {
  const own = <T extends UintArray | Int32Array>(a: T): T => a.slice() as T;
  const source: AccessRowsSource = {
    ...src,
    accessStart: own(src.accessStart),
    slab: own(src.slab),
    type: own(src.type),
    command: own(src.command),
    allocIp: own(src.allocIp),
    ip: own(src.ip),
    pid: own(src.pid),
    reads: own(src.reads),
    writes: own(src.writes),
    readsWide: src.readsWide ? new Map(src.readsWide) : null,
    writesWide: src.writesWide ? new Map(src.writesWide) : null,
    ipLo: own(src.ipLo),
    ipHi: own(src.ipHi),
    siteOf: own(src.siteOf),
    allocOf: own(src.allocOf),
    siteRank: own(src.siteRank),
    slabRank: src.slabRank ? own(src.slabRank) : null,
  };
  return { source, transfer: sourceBuffers(source) };
}

/** A block's values in PARQUET_COLUMNS order, without dictionaries (./parquet-tables.ts adds them). */
export interface RawBlock {
  readonly numRows: number;
  readonly data: readonly (Uint32Array | Uint8Array)[];
  /** 1 where a row's value is null; null when no row of the block is. */
  readonly nulls: readonly (Uint8Array | null)[];
}

/** Every buffer of a block (to transfer it). */
export function blockBuffers(b: RawBlock): ArrayBuffer[] {
  return buffersOf([...b.data, ...b.nulls]);
}

/** What a writer asks of the accesses and capmap rows: AccessRows here, or its thread (src/cli/parquet-access-thread.ts). */
export interface AccessRowsApi {
  /** The distinct ids a sort key (slab, access_fn) holds in sorted rows [start, end), in row order (empty in a variant without the field). */
  keyIds(name: 'slab' | 'access_fn', start: number, end: number): Uint32Array;
  /** Sorted rows [start, end) of the accesses table. */
  rows(start: number, end: number): RawBlock;
  /** The capmap table, one block; its sums past 2^64 - 1 counted in wrappedSums(). */
  capmap(): RawBlock;
  /** Sums written as their low 64 bits so far. */
  wrappedSums(): number;
  /** Lets go of the sorted rows (once the accesses table is written; the capmap is still to come). */
  release(): void;
}

