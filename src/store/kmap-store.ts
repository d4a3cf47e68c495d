// The columnar store of one parsed kmap: struct-of-arrays, one typed column
// per field, objects and access lines in file order.
//
// Invariants:
// - object `o` owns access lines [accessStart[o], accessStart[o + 1]) (the
//   last object's range ends at numAccesses);
// - 64-bit values (addresses, IPs) are never JS numbers: addresses are hi/lo
//   Uint32 halves, IPs are ids into `ips`;
// - sizes, indices, reads and writes (64-bit decimals) are numbers up to
//   2^53 - 1; a bigger one is exact in its column's `wide` map
//   (AdaptiveUintColumn.exact(i));
// - names (command, slab, type) are ids into their interners;
// - an access line's pid is stored as pid + 2, so 0 means "no pid in this
//   variant" and 1 means pid -1 (no task context);
// - an object's pid is stored as pid + 1, so 0 means pid -1 (objectPid()
//   gives it back); the order of stored values is the order of pids.
// - a store read from Memorizer's split CSV pair (format/split-csv.ts) is the
//   store of the equivalent variant-E kmap, ids included; `split` names its
//   two files and what the join of their rows could not decide.
// - an aggregate-only store (`fold` set: ./access-fold.ts) keeps no access
//   rows: its access columns stay empty, numAccesses counts the lines folded,
//   and accessStart still gives each object's lines as a range of that count.

import { AccessFold, GROUP_LIVE, GROUP_SENTINEL } from './access-fold.ts';
import { AdaptiveUintColumn, exactSumRange, SparseUint32Column, Uint32Column } from './columns.ts';
import { MAX_EXACT, type Exact } from './exact.ts';
import { IpInterner, NameInterner } from './interners.ts';

/**
 * The kmap variant letters (their layouts: format/variants.ts). Defined here
 * because the store's liveness rule depends on the variant and the store
 * imports nothing else in the project.
 */
export type VariantLetter = 'A' | 'B' | 'C' | 'D' | 'E';

export const ACCESS_PID_NONE = 0;
export const ACCESS_PID_BIAS = 2;
/** Added to an object's pid when stored (pid -1 is stored as 0). */
export const OBJECT_PID_BIAS = 1;

export interface BadLine {
  /** 1-based line number in the file. */
  readonly lineNum: number;
  /** The line, cut to 200 characters. */
  readonly text: string;
  readonly reason: string;
  /** The file the line is in, when the data came in two files (the split CSV pair); absent for a kmap. */
  readonly file?: string;
}

/**
 * A store read from Memorizer's split CSV pair (docs/kmap-format.md, "The
 * split CSV files"): the two file names and the join's own counts.
 */
export interface SplitSource {
  readonly allocations: string;
  readonly accesses: string;
  /** Access rows whose alloc_index several objects share (jiffies indices): joined by the documented rule, but a guess. */
  ambiguousRows: number;
  /** Distinct alloc_index values behind ambiguousRows. */
  ambiguousIndices: number;
  /** Access rows that matched no object (each is also a bad line of the accesses file). */
  orphanRows: number;
}

export const MAX_KEPT_BAD_LINES = 100;

export class ObjectColumns {
  readonly allocIp = new AdaptiveUintColumn(1024, 'u16');
  readonly freeIp = new AdaptiveUintColumn(1024, 'u8');
  readonly vaHi = new Uint32Column(1024);
  readonly vaLo = new Uint32Column(1024);
  readonly size = new AdaptiveUintColumn(1024, 'u16');
  readonly pid = new AdaptiveUintColumn(1024, 'u16');
  readonly allocIndex = new AdaptiveUintColumn(1024, 'u32');
  readonly freeIndex = new AdaptiveUintColumn(1024, 'u32');
  readonly type = new AdaptiveUintColumn(1024, 'u8');
  readonly newType = new AdaptiveUintColumn(1024, 'u8');
  readonly command = new AdaptiveUintColumn(1024, 'u8');
  readonly slab = new AdaptiveUintColumn(1024, 'u8');
  readonly accessStart = new AdaptiveUintColumn(1024, 'u32');

  all(): (AdaptiveUintColumn | Uint32Column)[] {
    return [
      this.allocIp, this.freeIp, this.vaHi, this.vaLo, this.size, this.pid, this.allocIndex,
      this.freeIndex, this.type, this.newType, this.command, this.slab, this.accessStart,
    ];
  }
}

export class AccessColumns {
  readonly ip = new AdaptiveUintColumn(4096, 'u16');
  readonly pid = new AdaptiveUintColumn(4096, 'u16');
  readonly writes = new AdaptiveUintColumn(4096, 'u8');
  readonly reads = new AdaptiveUintColumn(4096, 'u8');
  /** Caller IP ids of `from:IP,caller:IP,w,r` lines, by access index (rare; 8 bytes each however many). */
  readonly callers = new SparseUint32Column();

  all(): AdaptiveUintColumn[] {
    return [this.ip, this.pid, this.writes, this.reads];
  }
}

export class KmapStore {
  variant: VariantLetter | null = null;
  readonly objects = new ObjectColumns();
  /** Replaced once, whole, when the split CSV reader attaches the accesses file (format/split-csv.ts). */
  accesses = new AccessColumns();
  readonly ips = new IpInterner();
  readonly commands = new NameInterner();
  readonly slabs = new NameInterner();
  /** Alloc types and new-alloc types share one interner. */
  readonly types = new NameInterner();
  /** Set when the data came from the split CSV pair instead of a kmap. */
  split: SplitSource | null = null;
  /** Set in an aggregate-only store: the access lines summed as they were read, instead of kept (./access-fold.ts). */
  fold: AccessFold | null = null;

  // Running totals, kept as the parser appends. Sizes and counts are 64-bit:
  // the parser adds them up in doubles, which is exact while a sum stays at
  // or below 2^53 - 1 (./exact.ts); `bytes`, `reads` and `writes` give the
  // exact sums, summed again from the columns only past that.
  numLive = 0;
  bytesNear = 0;
  readsNear = 0;
  writesNear = 0;
  numBlankLines = 0;
  numBadLines = 0;
  readonly badLines: BadLine[] = [];
  /** Object counts by interned id, grown as ids appear. */
  objectsBySlab: number[] = [];
  objectsByType: number[] = [];
  objectsByCommand: number[] = [];

  /** Total size of the objects, exact. */
  get bytes(): Exact {
    return this.bytesNear <= MAX_EXACT ? this.bytesNear : exactSumRange(this.objects.size, 0, this.numObjects);
  }

  /** Reads over all access lines, exact. */
  get reads(): Exact {
    if (this.readsNear <= MAX_EXACT) return this.readsNear;
    return this.fold ? exactSumRange(this.fold.reads, 0, this.numObjects) : exactSumRange(this.accesses.reads, 0, this.numAccesses);
  }

  /** Writes over all access lines, exact. */
  get writes(): Exact {
    if (this.writesNear <= MAX_EXACT) return this.writesNear;
    return this.fold ? exactSumRange(this.fold.writes, 0, this.numObjects) : exactSumRange(this.accesses.writes, 0, this.numAccesses);
  }

  get numObjects(): number {
    return this.objects.allocIp.length;
  }

  get numAccesses(): number {
    return this.fold ? this.fold.lines : this.accesses.ip.length;
  }

  /**
   * Makes this an aggregate-only store: the access lines held so far are
   * folded (./access-fold.ts) and their columns let go; lines the parser
   * appends from here on are folded as they come. Objects keep their ids
   * and their line ranges. `sentinelIps`: 1 by IP id for the alloc IPs that
   * are sentinels (query/filter.ts, sentinelIpMask: the store cannot tell);
   * `fold`: the empty fold to fold into (a test's, with a small limit on its
   * dense arrays).
   */
  foldAccessRows(sentinelIps: Uint8Array, fold = new AccessFold()): void {
    if (this.fold) return;
    this.foldRowsInto(fold, 0, this.numObjects, sentinelIps);
    this.accesses = new AccessColumns();
    this.fold = fold;
  }

  /**
   * Folds objects [from, to) and their access lines into `fold` (which has
   * folded objects [0, from)); the store keeps its rows. `sentinelIps`: as
   * foldAccessRows; null counts no object as a sentinel (the memory
   * estimate, which only counts cells: a few fewer).
   */
  foldRowsInto(fold: AccessFold, from: number, to: number, sentinelIps: Uint8Array | null): void {
    if (this.fold) throw new Error('the store is folded already: it has no access rows to fold');
    const o = this.objects;
    const a = this.accesses;
    for (let i = from; i < to; i++) {
      const flags = (this.isLive(i) ? GROUP_LIVE : 0) | (sentinelIps !== null && sentinelIps[o.allocIp.data[i]] === 1 ? GROUP_SENTINEL : 0);
      fold.startObject(i, o.slab.data[i], o.type.data[i], o.pid.data[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS, flags);
      const [start, end] = this.accessRange(i);
      for (let k = start; k < end; k++) {
        const w = a.writes.data[k];
        const r = a.reads.data[k];
        fold.line(a.ip.data[k], a.pid.data[k], w, r, w > MAX_EXACT ? a.writes.wide!.get(k)! : 0n, r > MAX_EXACT ? a.reads.wide!.get(k)! : 0n);
      }
    }
  }

  accessRange(objIdx: number): [number, number] {
    const start = this.objects.accessStart.data[objIdx];
    const end = objIdx + 1 < this.numObjects ? this.objects.accessStart.data[objIdx + 1] : this.numAccesses;
    return [start, end];
  }

  /** The allocating pid of an object (-1 when the kernel printed -1). */
  objectPid(objIdx: number): number {
    return this.objects.pid.data[objIdx] - OBJECT_PID_BIAS;
  }

  isLive(objIdx: number): boolean {
    if (this.variant === 'A') {
      const id = this.objects.freeIp.data[objIdx];
      return this.ips.hi.data[id] === 0 && this.ips.lo.data[id] === 0;
    }
    return this.objects.freeIndex.data[objIdx] === 0;
  }

  /** Bytes held by the object columns (with their share of nothing else). */
  get objectBytes(): number {
    return this.objects.all().reduce((n, c) => n + c.byteLength, 0);
  }

  get accessBytes(): number {
    return this.accesses.all().reduce((n, c) => n + c.byteLength, 0) + this.accesses.callers.byteLength + (this.fold?.byteLength ?? 0);
  }

  /**
   * Bytes of the rows the columns hold (entries times width), without room
   * reserved beyond them: the same for one file however it was read (the
   * summary's figure; objectBytes and accessBytes, what is allocated, are the
   * memory budget's).
   */
  rowBytes(): { objects: number; accesses: number } {
    const used = (c: { byteLength: number; length: number; data: { length: number; BYTES_PER_ELEMENT: number } }) => c.byteLength - (c.data.length - c.length) * c.data.BYTES_PER_ELEMENT;
    return {
      objects: this.objects.all().reduce((n, c) => n + used(c), 0),
      accesses: this.accesses.all().reduce((n, c) => n + used(c), 0) + this.accesses.callers.byteLength + (this.fold?.usedBytes ?? 0),
    };
  }

  /** Bytes of the interning tables (IPs and names). */
  get internBytes(): number {
    return this.ips.byteLength + this.commands.byteLength + this.slabs.byteLength + this.types.byteLength;
  }

  /**
   * Drops growth slack once the file is complete. `maxSlack`: a column whose
   * unused share of its capacity is at most this is left as it is (a store
   * reserved from an estimate: its unused tail was never written, so it holds
   * address space, not memory, and trimming would copy the column).
   */
  trim(maxSlack = 0): void {
    for (const c of [...this.objects.all(), ...this.accesses.all()]) {
      if (c.data.length - c.length > maxSlack * c.data.length) c.trim();
    }
    this.accesses.callers.trim();
    this.fold?.trim();
  }

  /**
   * The store is complete: drops growth slack (trim), except that a store
   * reserved from an estimate (reserve()) keeps up to RESERVED_SLACK of each
   * column: that tail was never written, so it holds address space, not
   * memory, and trimming it would copy every column (measured: 1.2 s of a 6 s
   * `kmap stats` on 1 GB, for 7% of slack).
   */
  trimFinished(): void {
    this.trim(this.reserved ? RESERVED_SLACK : 0);
  }

  /** Set by reserve(): the columns were sized from an estimate of the whole file. */
  private reserved = false;

  /** Makes room for `objects` objects and `accesses` access lines (appends up to them copy no column). */
  reserve(objects: number, accesses: number): void {
    this.reserved = true;
    for (const c of this.objects.all()) c.reserve(objects);
    // An aggregate-only store keeps per-object sums, not access rows.
    if (this.fold) this.fold.reserveObjects(objects);
    else for (const c of this.accesses.all()) c.reserve(accesses);
  }
}

/** Extra room on an estimate, so that a file a little denser than its head still fits. */
const RESERVE_MARGIN = 1.05;

/**
 * Slack a column reserved from an estimate keeps when the store is complete
 * (trimFinished) instead of being copied to its length: the estimate came out
 * a little high, and its unused tail was never written.
 */
export const RESERVED_SLACK = 1 / 8;

/**
 * Reserves the store's columns for `total` bytes of kmap, estimated from the
 * rows of its first `parsed` bytes (the CLI, which knows a file's size): the
 * parse then grows no column, and (the first range of a parallel parse,
 * reserved for the whole file) the other ranges are appended without moving
 * it. Room never written costs address space, not memory: a large zeroed
 * buffer is mapped lazily. An estimate that comes out low costs one growth.
 */
export function reserveForBytes(store: KmapStore, parsed: number, total: number): void {
  if (parsed <= 0 || store.numObjects === 0) return;
  const scale = (total / parsed) * RESERVE_MARGIN;
  store.reserve(Math.ceil(store.numObjects * scale) + 1024, Math.ceil(store.numAccesses * scale) + 1024);
}

/** [name, count] for the ids that occur, in descending count order (ties by name). */
export function countPairs(names: readonly string[], counts: readonly number[]): [string, number][] {
  const pairs: [string, number][] = [];
  for (let id = 0; id < counts.length; id++) if (counts[id] > 0) pairs.push([names[id], counts[id]]);
  pairs.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs;
}

/**
 * The `limit` biggest [name, count] pairs among the ids that occur and that
 * `accept` keeps, in countPairs' order, and how many there are in all. A
 * bounded heap, so that a file with millions of distinct names (commands)
 * costs one pass, not a sort of them all.
 */
export function topCountPairs(
  names: readonly string[],
  counts: readonly number[],
  limit: number,
  accept: ((name: string) => boolean) | null = null,
): { pairs: [string, number][]; total: number } {
  // `before(a, b)`: a comes first in the output order (more objects, then the smaller name).
  const before = (a: [string, number], b: [string, number]) => a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
  const heap: [string, number][] = []; // worst kept pair at the root
  let total = 0;
  for (let id = 0; id < counts.length; id++) {
    if (!(counts[id] > 0)) continue;
    const name = names[id];
    if (accept && !accept(name)) continue;
    total++;
    const pair: [string, number] = [name, counts[id]];
    if (heap.length < limit) {
      heap.push(pair);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!before(heap[parent], heap[i])) break;
        [heap[parent], heap[i]] = [heap[i], heap[parent]];
        i = parent;
      }
    } else if (limit > 0 && before(pair, heap[0])) {
      heap[0] = pair;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < heap.length && before(heap[worst], heap[l])) worst = l;
        if (r < heap.length && before(heap[worst], heap[r])) worst = r;
        if (worst === i) break;
        [heap[worst], heap[i]] = [heap[i], heap[worst]];
        i = worst;
      }
    }
  }
  heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  return { pairs: heap, total };
}

/**
 * Name -> count for the ids that occur. The keys are inserted biggest first,
 * but JavaScript lists integer-like keys ("42") first whatever the insertion
 * order, so a reader that needs the order sorts (or uses countPairs).
 */
export function countsByName(names: readonly string[], counts: readonly number[]): Record<string, number> {
  return Object.fromEntries(countPairs(names, counts));
}
