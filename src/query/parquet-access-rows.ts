// The accesses and capmap tables of ./parquet-schema.ts, computed from plain
// arrays (AccessRowsSource) rather than from a store: so that the CLI's
// export can hand a copy of them to a thread of its own
// (src/cli/parquet-access-thread.ts; the source and the contract:
// ./parquet-access-source.ts), which sorts and builds these rows while
// the JS thread serves DuckDB, and so that the in-thread path (the browser,
// small exports, tests) runs the very same code. ./parquet-tables.ts adds
// the dictionaries to the blocks (RawBlock has none: a thread's copy of a
// dictionary would be another array, and writers key dictionaries by
// identity).
//
// Invariants:
// - rows come sorted by slab name, then access_fn (byte order of each name's
//   UTF-8, as Parquet compares strings), ties in file order, so that
//   row-group statistics let an engine skip most of a file when a query
//   names a cache or a function;
// - access_fn is the site key of the line's IP (siteOf); alloc_fn an id
//   among the alloc functions' own dictionary (allocOf);
// - BIGINT values are their 64 bits as two words (./parquet-words.ts).

import { ACCESS_PID_BIAS, ACCESS_PID_NONE } from '../store/kmap-store.ts';
import type { UintArray } from '../store/columns.ts';
import { radixSortSelection } from './radix-sort.ts';
import { CapmapCells, countCells } from './parquet-capmap.ts';
import type { AccessRowsApi, AccessRowsSource, RawBlock } from './parquet-access-source.ts';
import { objectRecords, type ObjectRecords } from './parquet-object-records.ts';
import { PARQUET_COLUMNS } from './parquet-schema.ts';
import { TWO_32, putBig, putNumber } from './parquet-words.ts';

/** Alloc types up to which the counting sort counts the capmap's cells too (a chain of types per key, walked per line). */
const CHAINED_TYPES_MAX = 64;
/** The accesses' counting sort keeps a count per (slab, function) pair up to this many pairs (16 MB); past it, the radix sort. */
const KEY_BUCKETS_MAX = 1 << 22;

/** The access lines in the accesses table's order (AccessRows.sortedLines). */
export interface SortedLines {
  /** Each row's object index. */
  readonly obj: Uint32Array;
  /** The line's IP id, stored pid, reads and writes, as the store's columns hold them. */
  readonly ip: UintArray;
  readonly pid: UintArray;
  readonly reads: UintArray;
  readonly writes: UintArray;
  /** Each row's line index in file order: only when reads or writes have values past 2^53 - 1 (kept by line). */
  readonly line: Uint32Array | null;
  /** Each row's object record (./parquet-object-records.ts): what the row copies from its object. */
  readonly record: Uint16Array | Uint32Array;
}

/** An empty array of the same kind as `a`. */
function like(a: UintArray, n: number): UintArray {
  return new (a.constructor as new (length: number) => UintArray)(n);
}

const ACCESS_DEFS = PARQUET_COLUMNS.accesses;
const CAPMAP_DEFS = PARQUET_COLUMNS.capmap;

/** Columns by name into PARQUET_COLUMNS order. */
function inOrder(defs: typeof ACCESS_DEFS, numRows: number, byName: Record<string, [Uint32Array | Uint8Array, Uint8Array | null]>): RawBlock {
  return { numRows, data: defs.map((d) => byName[d.name][0]), nulls: defs.map((d) => byName[d.name][1]) };
}

export class AccessRows implements AccessRowsApi {
  private sortedMemo: SortedLines | null = null;
  /** The objects' records, made by the sort (kept with the sorted rows). */
  private records: ObjectRecords | null = null;
  /** The capmap's cells, once counted (kept when the sorted rows go). */
  private capmapCells: CapmapCells | null = null;
  private wrapped = 0;

  constructor(
    private readonly src: AccessRowsSource,
    /** Tests set a small one to run the radix sort. */
    private readonly keyBucketsMax = KEY_BUCKETS_MAX,
  ) {}

  wrappedSums(): number {
    return this.wrapped;
  }

  release(): void {
    this.sortedMemo = null;
    this.records = null;
  }

  /**
   * The access lines in the table's order (slab name, then access_fn, in
   * byte order; ties in file order): each sorted row's object and its
   * line's IP id, pid, reads and writes as the store holds them.
   *
   * A counting sort on the key (slab rank, site rank): one pass over the
   * objects' lines in file order counts each key, a second places each
   * line's values at its key's running offset (stable, so ties stay in file
   * order). Both passes read the store in file order; the scatter writes
   * into as many streams as there are (slab, function) pairs, and the rows'
   * blocks then read these arrays in order. On the 1 GB benchmark kmap
   * (21 M lines) the sort and the rows' blocks take 1.7-1.8 s and 1.4-1.6 s,
   * against 2.95 s and 3.2-3.7 s for the radix sort of line indices and a
   * gather of every value through them (random reads into the line columns).
   * The arrays cost more memory than the permutation and the line -> object
   * map they replace (16 bytes a line against 8 on that file; 18 with the
   * record id below). Each row
   * also carries its object's record id (./parquet-object-records.ts: 15,037
   * records for 4.1 M objects there), so that a block reads what the row
   * copies from its object from a table in cache, not from the object at
   * random (400 MB of the 1 GB file, in process: the sort 566-600 ->
   * 613-651 ms, the blocks 537-586 -> 210-213 ms). Scattering the four
   * values themselves made the sort slower by what the blocks saved
   * (0.57 + 0.54 s -> 0.79 + 0.29 s). A key
   * space too large for a count array (more than KEY_BUCKETS_MAX slab x
   * function pairs: a hostile file) takes the radix sort of line indices
   * and the gather.
   */
  sortedLines(): SortedLines {
    if (this.sortedMemo) return this.sortedMemo;
    const src = this.src;
    const n = src.numAccesses;
    const hasSlab = src.slabRank !== null;
    const slabRank = src.slabRank ?? new Uint32Array(1);
    const { slab: slabIds, ip: ipIds, pid: pids, reads, writes, siteOf, siteRank } = src;
    const numSites = Math.max(1, siteRank.length);
    const numKeys = (hasSlab ? slabRank.length : 1) * numSites;
    // The file-order line of each row, only where a value past 2^53 - 1 must be looked up by it (a hostile file).
    const wide = src.readsWide !== null || src.writesWide !== null;
    const records = objectRecords(src);
    const recordOf = records.of;
    const out: SortedLines = {
      obj: new Uint32Array(n),
      ip: like(ipIds, n),
      pid: like(pids, n),
      reads: like(reads, n),
      writes: like(writes, n),
      line: wide ? new Uint32Array(n) : null,
      record: like(recordOf, n) as Uint16Array | Uint32Array,
    };
    const starts = src.accessStart;
    const numObjects = src.numObjects;
    if (numKeys <= this.keyBucketsMax) {
      // The capmap's cells are counted on the way (./parquet-capmap.ts): per key, a chain of its types' cells,
      // walked per line, so only while the types are few (a real capture has a score; a hostile file with
      // thousands would make the walk quadratic: countCells' Map then).
      const cells = src.exactSums && src.numTypes <= CHAINED_TYPES_MAX ? new CapmapCells(true) : null;
      const cellOfKey = cells ? new Int32Array(numKeys).fill(-1) : null;
      const nextCell: number[] = [];
      const typeIds = src.type;
      const hasType = src.hasType;
      const next = new Uint32Array(numKeys + 1);
      for (let i = 0; i < numObjects; i++) {
        const le = i + 1 < numObjects ? starts[i + 1] : n;
        const base = hasSlab ? slabRank[slabIds[i]] * numSites : 0;
        for (let j = starts[i]; j < le; j++) next[base + siteRank[siteOf[ipIds[j]]] + 1]++;
      }
      for (let k = 1; k <= numKeys; k++) next[k] += next[k - 1];
      const { obj, ip, pid, reads: r, writes: w, line, record } = out;
      for (let i = 0; i < numObjects; i++) {
        const le = i + 1 < numObjects ? starts[i + 1] : n;
        const base = hasSlab ? slabRank[slabIds[i]] * numSites : 0;
        const typeId = hasType ? typeIds[i] : 0;
        const rec = recordOf[i];
        for (let j = starts[i]; j < le; j++) {
          const id = ipIds[j];
          const key = base + siteRank[siteOf[id]];
          const at = next[key]++;
          obj[at] = i;
          record[at] = rec;
          ip[at] = id;
          pid[at] = pids[j];
          r[at] = reads[j];
          w[at] = writes[j];
          if (line) line[at] = j;
          if (cells) {
            let c = cellOfKey![key];
            while (c >= 0 && cells.type[c] !== typeId) c = nextCell[c];
            if (c < 0) {
              c = cells.open(siteOf[id], hasSlab ? slabIds[i] : 0, typeId);
              nextCell.push(cellOfKey![key]);
              cellOfKey![key] = c;
            }
            cells.add(c, i, reads[j], writes[j]);
          }
        }
      }
      this.capmapCells = cells;
    } else {
      const lineObj = new Uint32Array(n);
      for (let i = 0; i < numObjects; i++) lineObj.fill(i, starts[i], i + 1 < numObjects ? starts[i + 1] : n);
      const order = new Uint32Array(n);
      const lo = new Uint32Array(n);
      const hi = new Uint32Array(n);
      for (let j = 0; j < n; j++) {
        order[j] = j;
        lo[j] = siteRank[siteOf[ipIds[j]]];
        hi[j] = hasSlab ? slabRank[slabIds[lineObj[j]]] : 0;
      }
      radixSortSelection(order, lo, hi, false);
      for (let k = 0; k < n; k++) {
        const j = order[k];
        out.obj[k] = lineObj[j];
        out.record[k] = recordOf[lineObj[j]];
        out.ip[k] = ipIds[j];
        out.pid[k] = pids[j];
        out.reads[k] = reads[j];
        out.writes[k] = writes[j];
        if (out.line) out.line[k] = j;
      }
    }
    this.sortedMemo = out;
    this.records = records;
    return out;
  }

  /**
   * The distinct dictionary ids a sort-key column of the accesses (slab or
   * access_fn) holds in sorted rows [start, end), in row order: what a
   * writer that types each file's column by the names it holds needs
   * (src/cli/parquet-block-scan.ts). Empty for a field the variant lacks.
   *
   * The rows are sorted by slab, so a slab's rows are one run: its end is
   * found by galloping (a few lookups per slab, where reading every row's
   * object record cost 0.2 s over the 1 GB benchmark kmap). access_fn reads
   * every row (its IP is in the sorted arrays).
   */
  keyIds(name: 'slab' | 'access_fn', start: number, end: number): Uint32Array {
    if (name === 'slab' && this.src.slabRank === null) return new Uint32Array(0);
    const { record, ip } = this.sortedLines();
    const out: number[] = [];
    if (name === 'slab') {
      const fields = this.records!.fields;
      const slabAt = (k: number) => fields[4 * record[k]];
      for (let k = start; k < end; ) {
        const id = slabAt(k);
        out.push(id);
        // The run of id is [k, e): gallop to a row past it (or the end), then halve the gap.
        let lo = k;
        let step = 1;
        while (lo + step < end && slabAt(lo + step) === id) {
          lo += step;
          step *= 2;
        }
        let hi = Math.min(end, lo + step);
        while (hi - lo > 1) {
          const mid = (lo + hi) >>> 1;
          if (slabAt(mid) === id) lo = mid;
          else hi = mid;
        }
        k = hi;
      }
      return Uint32Array.from(out);
    }
    const seen = new Uint8Array(this.src.siteRank.length);
    const siteOf = this.src.siteOf;
    for (let k = start, last = -1; k < end; k++) {
      const id = siteOf[ip[k]];
      if (id === last) continue;
      last = id;
      if (!seen[id]) {
        seen[id] = 1;
        out.push(id);
      }
    }
    return Uint32Array.from(out);
  }

  rows(start: number, end: number): RawBlock {
    const src = this.src;
    const sorted = this.sortedLines();
    const n = end - start;
    const { ipHi, ipLo, siteOf } = src;
    const base = src.objectBase;
    const idx = new Uint32Array(2 * n);
    const ip = new Uint32Array(2 * n);
    const fn = new Uint32Array(n);
    const pid = new Uint32Array(2 * n);
    let pidNulls: Uint8Array | null = null;
    const slab = new Uint32Array(n);
    const type = new Uint32Array(n);
    const allocFn = new Uint32Array(n);
    const command = new Uint32Array(n);
    const reads = new Uint32Array(2 * n);
    const writes = new Uint32Array(2 * n);
    // Hot loop (one pass per access row, every array read in order; the
    // records' table is small enough to stay in cache): every column read through a local.
    const { obj: rowObj, ip: rowIp, pid: rowPid, reads: rowReads, writes: rowWrites, record: rowRecord } = sorted;
    const rec = this.records!.fields;
    // Columns of at most 32 bits (all but a hostile file's) leave the high words at 0: no division per value.
    const narrow = !(rowReads instanceof Float64Array) && !(rowWrites instanceof Float64Array) && !(rowPid instanceof Float64Array);
    for (let k = 0; k < n; k++) {
      const at = start + k;
      const obj = rowObj[at];
      // An object index is below 2^32 (the high word stays 0), but not always its idx in a capture exported in slices.
      if (base === 0) idx[2 * k] = obj;
      else putNumber(idx, k, base + obj);
      const id = rowIp[at];
      ip[2 * k] = ipLo[id];
      ip[2 * k + 1] = ipHi[id];
      fn[k] = siteOf[id];
      const stored = rowPid[at];
      if (stored === ACCESS_PID_NONE) {
        (pidNulls ??= new Uint8Array(n))[k] = 1;
      } else {
        const p = stored - ACCESS_PID_BIAS;
        pid[2 * k] = p >>> 0;
        pid[2 * k + 1] = p < 0 ? 0xffffffff : narrow ? 0 : Math.floor(p / TWO_32);
      }
      const r = 4 * rowRecord[at];
      slab[k] = rec[r];
      type[k] = rec[r + 1];
      allocFn[k] = rec[r + 2];
      command[k] = rec[r + 3];
      if (narrow) {
        reads[2 * k] = rowReads[at];
        writes[2 * k] = rowWrites[at];
      } else {
        putNumber(reads, k, rowReads[at]);
        putNumber(writes, k, rowWrites[at]);
      }
    }
    // Values past 2^53 - 1 (hostile files): their exact bits, kept by file-order line.
    if (sorted.line) {
      for (const [wideOf, words] of [[src.readsWide, reads], [src.writesWide, writes]] as const) {
        if (!wideOf) continue;
        for (let k = 0; k < n; k++) {
          const v = wideOf.get(sorted.line[start + k]);
          if (v !== undefined) putBig(words, k, v);
        }
      }
    }
    const nullUnless = (has: boolean) => (has ? null : new Uint8Array(n).fill(1));
    return inOrder(ACCESS_DEFS, n, {
      idx: [idx, null],
      access_ip: [ip, null],
      access_fn: [fn, null],
      pid: [pid, pidNulls],
      reads: [reads, null],
      writes: [writes, null],
      slab: [slab, nullUnless(src.slabRank !== null)],
      alloc_type: [type, nullUnless(src.hasType)],
      alloc_fn: [allocFn, null],
      command: [command, null],
    });
  }

  /**
   * The capmap's reads and writes sums exactly, in its row order (capmap()),
   * for a caller that adds the capmaps of a capture's slices up and must
   * know which sums pass 2^64 - 1 in all (./parquet-capmap-merge.ts).
   */
  capmapSums(): { reads: bigint[]; writes: bigint[] } {
    const src = this.src;
    const cells = (this.capmapCells ??= countCells(src));
    const order = cells.order(src.slabRank, src.siteRank);
    const exact = (nums: number[], bigs: bigint[]) => order.map((c) => (cells.exact ? BigInt(nums[c]) : bigs[c]));
    return { reads: exact(cells.reads, cells.readsBig), writes: exact(cells.writes, cells.writesBig) };
  }

  private putSum(words: Uint32Array, r: number, v: bigint): void {
    if (v > 0xffffffffffffffffn) this.wrapped++;
    putBig(words, r, v);
  }

  /**
   * The CAPMAP: access lines counted by (access_fn, slab, alloc_type), every
   * line of the capture (no filter, every task), with distinct objects. One
   * block (its rows are the distinct triples: thousands, not millions),
   * ordered as the accesses are: slab, then access_fn (byte order), then
   * type id. Its cells come from the accesses' sort when it ran and could
   * count them, else from a pass of their own (./parquet-capmap.ts).
   */
  capmap(): RawBlock {
    const src = this.src;
    const hasSlab = src.slabRank !== null;
    const cells = (this.capmapCells ??= countCells(src));
    const exact = cells.exact;
    const { fn: cellFn, slab: cellSlab, type: cellType, reads, writes, readsBig, writesBig, lines, objects } = cells;
    const order = cells.order(src.slabRank, src.siteRank);
    const n = order.length;
    const fn = new Uint32Array(n);
    const slab = new Uint32Array(n);
    const type = new Uint32Array(n);
    const rw = new Uint32Array(2 * n);
    const ww = new Uint32Array(2 * n);
    const lw = new Uint32Array(2 * n);
    const ow = new Uint32Array(2 * n);
    order.forEach((c, k) => {
      fn[k] = cellFn[c];
      slab[k] = cellSlab[c];
      type[k] = cellType[c];
      if (exact) {
        putNumber(rw, k, reads[c]);
        putNumber(ww, k, writes[c]);
      } else {
        this.putSum(rw, k, readsBig[c]);
        this.putSum(ww, k, writesBig[c]);
      }
      putNumber(lw, k, lines[c]);
      putNumber(ow, k, objects[c]);
    });
    const nullUnless = (has: boolean) => (has ? null : new Uint8Array(n).fill(1));
    return inOrder(CAPMAP_DEFS, n, {
      access_fn: [fn, null],
      slab: [slab, nullUnless(hasSlab)],
      alloc_type: [type, nullUnless(src.hasType)],
      reads: [rw, null],
      writes: [ww, null],
      access_lines: [lw, null],
      objects: [ow, null],
    });
  }
}

