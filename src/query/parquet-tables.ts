// The rows of one store as the Parquet tables of ./parquet-schema.ts, in
// blocks that both writers consume (the CLI's through DuckDB's COPY,
// src/cli/parquet-export.ts; the browser's through hyparquet-writer,
// ./parquet-hyparquet.ts).
//
// Invariants:
// - a `*_fn` column is the site key (query/site-keys.ts): the function the IP
//   resolves to with symbols, else the IP as 16 hex digits, the spelling
//   `kmap sites` and `kmap matrix` print. It is never null;
// - `accesses` rows come sorted by slab name, then access_fn (byte order),
//   ties in file order, so that row-group statistics let an engine skip most
//   of a file when a query names a cache or a function;
// - BIGINT values are written as their 64 bits (./parquet-schema.ts).

import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import type { AdaptiveUintColumn, UintArray } from '../store/columns.ts';
import { MAX_EXACT } from '../store/exact.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { radixSortSelection } from './radix-sort.ts';
import { CapmapCells, countCells, exactSums } from './parquet-capmap.ts';
import { PARQUET_COLUMNS, type BlockColumn, type ParquetTableName, type TableBlock } from './parquet-schema.ts';

const TWO_32 = 4294967296;
/** Alloc types up to which the counting sort counts the capmap's cells too (a chain of types per key, walked per line). */
const CHAINED_TYPES_MAX = 64;
/** The accesses' counting sort keeps a count per (slab, function) pair up to this many pairs (16 MB); past it, the radix sort. */
const KEY_BUCKETS_MAX = 1 << 22;

/** Writes v (an unsigned 64-bit value: a number up to 2^53 - 1) into words at row r. */
function putNumber(words: Uint32Array, r: number, v: number): void {
  words[2 * r] = v >>> 0;
  words[2 * r + 1] = Math.floor(v / TWO_32) >>> 0;
}

function putBig(words: Uint32Array, r: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  words[2 * r] = Number(u & 0xffffffffn);
  words[2 * r + 1] = Number(u >> 32n);
}

/** An exact column's entries at rows[k] (or at start + k) as 64-bit words. */
function exactWords(col: AdaptiveUintColumn, numRows: number, at: (k: number) => number): Uint32Array {
  const words = new Uint32Array(2 * numRows);
  const data = col.data;
  for (let k = 0; k < numRows; k++) putNumber(words, k, data[at(k)]);
  if (col.wide) {
    for (let k = 0; k < numRows; k++) {
      const v = col.wide.get(at(k));
      if (v !== undefined) putBig(words, k, v);
    }
  }
  return words;
}

/** The site keys of a context as a dictionary (site id -> key) and each key's rank in byte order. */
function siteDictionary(ctx: QueryContext): { names: string[]; rank: Uint32Array } {
  const sites = ctx.sites();
  const names: string[] = new Array(sites.numSites);
  for (let s = 0; s < sites.numSites; s++) names[s] = sites.key(s);
  return { names, rank: ranks(names) };
}

/**
 * The site keys one IP column uses, as that column's own dictionary: its
 * names in first-use order and, per IP id, the id among them (0 for IPs the
 * column does not use). A writer that repeats a dictionary in every row group
 * (DuckDB's ENUM columns) then repeats hundreds of allocating functions, not
 * every accessing IP of a capture without symbols.
 */
function usedSites(ipIds: ArrayLike<number>, count: number, siteOf: Int32Array, sites: { names: string[] }, numIps: number): { names: string[]; ofIp: Uint32Array } {
  const local = new Int32Array(sites.names.length).fill(-1);
  const names: string[] = [];
  const ofIp = new Uint32Array(Math.max(1, numIps));
  const seen = new Uint8Array(Math.max(1, numIps));
  for (let i = 0; i < count; i++) {
    const ip = ipIds[i];
    if (seen[ip]) continue;
    seen[ip] = 1;
    const site = siteOf[ip];
    if (local[site] < 0) {
      local[site] = names.length;
      names.push(sites.names[site]);
    }
    ofIp[ip] = local[site];
  }
  return { names, ofIp };
}

/** rank[id]: the position of names[id] in byte order of the names' UTF-8 (as Parquet compares strings). */
function ranks(names: readonly string[]): Uint32Array {
  const order = names.map((_, i) => i).sort((a, b) => compareBytes(names[a], names[b]) || a - b);
  const rank = new Uint32Array(names.length);
  order.forEach((id, r) => (rank[id] = r));
  return rank;
}

/** The access lines in the accesses table's order (ParquetTables.sortedLines). */
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
}

/** The dictionary of a string field the variant lacks (one array, as writers key dictionaries by identity). */
const NO_NAMES: readonly string[] = [];

/** An empty array of the same kind as `a`. */
function like(a: UintArray, n: number): UintArray {
  return new (a.constructor as new (length: number) => UintArray)(n);
}

/**
 * The rows of one store as Parquet tables, in blocks of at most `blockRows`
 * rows (a writer holds one block at a time besides the store).
 */
export class ParquetTables {
  private readonly store: KmapStore;
  private readonly layout;
  private readonly sites: { names: string[]; rank: Uint32Array };
  private readonly siteOf: Int32Array;
  /** The dictionaries of alloc_fn and free_fn (usedSites). */
  private readonly allocSites: { names: string[]; ofIp: Uint32Array };
  private readonly freeSites: { names: string[]; ofIp: Uint32Array };
  private sortedMemo: SortedLines | null = null;
  private objectRecordsMemo: Uint32Array | null = null;
  /** The capmap's cells, once counted (kept when the accesses' arrays go). */
  private capmapCells: CapmapCells | null = null;
  /**
   * Sums (an object's reads or writes, a capmap cell's) that passed 2^64 - 1
   * and were written as their low 64 bits: only a hostile kmap has one; the
   * CLI says how many.
   */
  wrappedSums = 0;

  constructor(
    ctx: QueryContext,
    /** Tests set a small one to run the radix sort. */
    private readonly keyBucketsMax = KEY_BUCKETS_MAX,
  ) {
    this.store = ctx.store;
    this.layout = LAYOUTS[this.store.variant ?? 'E'];
    this.sites = siteDictionary(ctx);
    this.siteOf = ctx.sites().siteOf;
    const o = this.store.objects;
    const numIps = this.store.ips.size;
    this.allocSites = usedSites(o.allocIp.data, this.store.numObjects, this.siteOf, this.sites, numIps);
    this.freeSites = usedSites(o.freeIp.data, this.store.numObjects, this.siteOf, this.sites, numIps);
  }

  private putSum(words: Uint32Array, r: number, v: bigint): void {
    if (v > 0xffffffffffffffffn) this.wrappedSums++;
    putBig(words, r, v);
  }

  numRows(table: Exclude<ParquetTableName, 'capmap'>): number {
    return table === 'objects' ? this.store.numObjects : this.store.numAccesses;
  }

  /** The dictionary of each VARCHAR column of a table (the same arrays every block refers to). */
  private dictOf(name: string): readonly string[] {
    const s = this.store;
    switch (name) {
      case 'alloc_fn':
        return this.allocSites.names;
      case 'free_fn':
        return this.freeSites.names;
      case 'access_fn':
        return this.sites.names;
      case 'alloc_type':
      case 'new_alloc_type':
        return s.types.names();
      case 'command':
        return s.commands.names();
      case 'slab':
        return s.slabs.names();
      default:
        throw new Error(`parquet-tables: no dictionary for ${name}`);
    }
  }

  /** How many names a VARCHAR column's dictionary holds (0 for a field the variant lacks). */
  dictionarySize(name: string): number {
    return this.absent(name) ? 0 : this.dictOf(name).length;
  }

  /** A string field this variant does not have: every row null, and an empty dictionary (so no writer invents statistics for it). */
  private absent(name: string): boolean {
    const l = this.layout;
    return (name === 'slab' && !l.hasSlab) || (name === 'alloc_type' && !l.hasType) || (name === 'new_alloc_type' && !l.hasNewType);
  }

  private column(table: ParquetTableName, name: string, data: Uint32Array | Uint8Array, nulls: Uint8Array | null = null): BlockColumn {
    const def = PARQUET_COLUMNS[table].find((c) => c.name === name)!;
    return { def, data, dict: def.type !== 'VARCHAR' ? null : this.absent(name) ? NO_NAMES : this.dictOf(name), nulls };
  }

  /**
   * Lets go of what only the accesses table needs (its sorted lines and the
   * object records, about 16 bytes per access line and per object); a
   * writer calls it once that table is written.
   */
  releaseAccesses(): void {
    this.sortedMemo = null;
    this.objectRecordsMemo = null;
  }

  /** Objects [start, end) in file order. */
  objectsBlock(start: number, end: number): TableBlock {
    const s = this.store;
    const o = s.objects;
    const n = end - start;
    const at = (k: number) => start + k;
    const ipHi = s.ips.hi.data;
    const ipLo = s.ips.lo.data;
    const idx = new Uint32Array(2 * n);
    const allocIp = new Uint32Array(2 * n);
    const allocFn = new Uint32Array(n);
    const pid = new Uint32Array(2 * n);
    const address = new Uint32Array(2 * n);
    const freeIp = new Uint32Array(2 * n);
    const freeFn = new Uint32Array(n);
    const live = new Uint8Array(n);
    const lines = new Uint32Array(2 * n);
    for (let k = 0; k < n; k++) {
      const i = start + k;
      putNumber(idx, k, i);
      const a = o.allocIp.data[i];
      allocIp[2 * k] = ipLo[a];
      allocIp[2 * k + 1] = ipHi[a];
      allocFn[k] = this.allocSites.ofIp[a];
      const p = o.pid.data[i] - OBJECT_PID_BIAS;
      pid[2 * k] = p >>> 0;
      pid[2 * k + 1] = p < 0 ? 0xffffffff : Math.floor(p / TWO_32);
      address[2 * k] = o.vaLo.data[i];
      address[2 * k + 1] = o.vaHi.data[i];
      const f = o.freeIp.data[i];
      freeIp[2 * k] = ipLo[f];
      freeIp[2 * k + 1] = ipHi[f];
      freeFn[k] = this.freeSites.ofIp[f];
      live[k] = s.isLive(i) ? 1 : 0;
      const [ls, le] = s.accessRange(i);
      putNumber(lines, k, le - ls);
    }
    const { reads, writes } = this.objectTotals(start, end);
    const hasIdx = this.layout.hasIndices;
    const allNull = hasIdx ? null : new Uint8Array(n).fill(1);
    const ids = (c: AdaptiveUintColumn) => Uint32Array.from(c.data.subarray(start, end));
    const named = (has: boolean, c: AdaptiveUintColumn) => (has ? ids(c) : new Uint32Array(n));
    const nullUnless = (has: boolean) => (has ? null : new Uint8Array(n).fill(1));
    const T = 'objects';
    return {
      numRows: n,
      columns: [
        this.column(T, 'idx', idx),
        this.column(T, 'alloc_ip', allocIp),
        this.column(T, 'alloc_fn', allocFn),
        this.column(T, 'pid', pid),
        this.column(T, 'address', address),
        this.column(T, 'size', exactWords(o.size, n, at)),
        this.column(T, 'alloc_index', hasIdx ? exactWords(o.allocIndex, n, at) : new Uint32Array(2 * n), allNull),
        this.column(T, 'free_index', hasIdx ? exactWords(o.freeIndex, n, at) : new Uint32Array(2 * n), allNull),
        this.column(T, 'free_ip', freeIp),
        this.column(T, 'free_fn', freeFn),
        this.column(T, 'alloc_type', named(this.layout.hasType, o.type), nullUnless(this.layout.hasType)),
        this.column(T, 'new_alloc_type', named(this.layout.hasNewType, o.newType), nullUnless(this.layout.hasNewType)),
        this.column(T, 'command', ids(o.command)),
        this.column(T, 'slab', named(this.layout.hasSlab, o.slab), nullUnless(this.layout.hasSlab)),
        this.column(T, 'live', live),
        this.column(T, 'access_lines', lines),
        this.column(T, 'reads', reads),
        this.column(T, 'writes', writes),
      ],
    };
  }

  /** Per object of [start, end): its reads and writes summed over its lines, as words (exact). */
  private objectTotals(start: number, end: number): { reads: Uint32Array; writes: Uint32Array } {
    const s = this.store;
    const n = end - start;
    const out = { reads: new Uint32Array(2 * n), writes: new Uint32Array(2 * n) };
    const pairs: [AdaptiveUintColumn, Uint32Array][] = [
      [s.accesses.reads, out.reads],
      [s.accesses.writes, out.writes],
    ];
    for (const [c, words] of pairs) {
      const data = c.data;
      // The capture's grand total bounds every object's: one check decides whether doubles are exact.
      const exact = !c.wide && (c === s.accesses.reads ? s.readsNear : s.writesNear) <= MAX_EXACT;
      for (let k = 0; k < n; k++) {
        const [ls, le] = s.accessRange(start + k);
        if (exact) {
          let sum = 0;
          for (let j = ls; j < le; j++) sum += data[j];
          putNumber(words, k, sum);
        } else {
          let sum = 0n;
          for (let j = ls; j < le; j++) sum += c.wide?.get(j) ?? BigInt(data[j]);
          this.putSum(words, k, sum);
        }
      }
    }
    return out;
  }

  /**
   * The access lines in the accesses table's order (slab name, then
   * access_fn, in byte order; ties in file order): each sorted row's object
   * and its line's IP id, pid, reads and writes as the store holds them.
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
   * map they replace (16 bytes a line against 8 on that file). A key space too large for a count array (more
   * than KEY_BUCKETS_MAX slab x function pairs: a hostile file) takes the
   * radix sort of line indices and the gather.
   */
  sortedLines(): SortedLines {
    if (this.sortedMemo) return this.sortedMemo;
    const s = this.store;
    const a = s.accesses;
    const n = s.numAccesses;
    const slabRank = this.layout.hasSlab ? ranks(s.slabs.names()) : new Uint32Array(Math.max(1, s.slabs.size));
    const slabIds = s.objects.slab.data;
    const ipIds = a.ip.data;
    const pids = a.pid.data;
    const reads = a.reads.data;
    const writes = a.writes.data;
    const siteRank = this.sites.rank;
    const siteOf = this.siteOf;
    const hasSlab = this.layout.hasSlab;
    const numSites = Math.max(1, this.sites.names.length);
    const numKeys = (hasSlab ? slabRank.length : 1) * numSites;
    // The file-order line of each row, only where a value past 2^53 - 1 must be looked up by it (a hostile file).
    const wide = a.reads.wide !== null || a.writes.wide !== null;
    const out: SortedLines = { obj: new Uint32Array(n), ip: like(ipIds, n), pid: like(pids, n), reads: like(reads, n), writes: like(writes, n), line: wide ? new Uint32Array(n) : null };
    // Object i owns lines [starts[i], starts[i + 1]) (the last: to numAccesses).
    const starts = s.objects.accessStart.data;
    const numObjects = s.numObjects;
    if (numKeys <= this.keyBucketsMax) {
      // The capmap's cells are counted on the way (./parquet-capmap.ts): per key, a chain of its types' cells,
      // walked per line, so only while the types are few (a real capture has a score; a hostile file with
      // thousands would make the walk quadratic: countCells' Map then).
      const cells = exactSums(s) && s.types.size <= CHAINED_TYPES_MAX ? new CapmapCells(true) : null;
      const cellOfKey = cells ? new Int32Array(numKeys).fill(-1) : null;
      const nextCell: number[] = [];
      const typeIds = s.objects.type.data;
      const hasType = this.layout.hasType;
      const next = new Uint32Array(numKeys + 1);
      for (let i = 0; i < numObjects; i++) {
        const le = i + 1 < numObjects ? starts[i + 1] : n;
        const base = hasSlab ? slabRank[slabIds[i]] * numSites : 0;
        for (let j = starts[i]; j < le; j++) next[base + siteRank[siteOf[ipIds[j]]] + 1]++;
      }
      for (let k = 1; k <= numKeys; k++) next[k] += next[k - 1];
      const { obj, ip, pid, reads: r, writes: w, line } = out;
      for (let i = 0; i < numObjects; i++) {
        const le = i + 1 < numObjects ? starts[i + 1] : n;
        const base = hasSlab ? slabRank[slabIds[i]] * numSites : 0;
        const typeId = hasType ? typeIds[i] : 0;
        for (let j = starts[i]; j < le; j++) {
          const id = ipIds[j];
          const key = base + siteRank[siteOf[id]];
          const at = next[key]++;
          obj[at] = i;
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
        out.ip[k] = ipIds[j];
        out.pid[k] = pids[j];
        out.reads[k] = reads[j];
        out.writes[k] = writes[j];
        if (out.line) out.line[k] = j;
      }
    }
    this.sortedMemo = out;
    return out;
  }

  /**
   * What an access row copies from its object (slab, alloc type, alloc_fn,
   * command ids), four words per object side by side: the accesses' gather
   * reads one cache line per row for them instead of four scattered columns.
   */
  private objectRecords(): Uint32Array {
    if (this.objectRecordsMemo) return this.objectRecordsMemo;
    const s = this.store;
    const o = s.objects;
    const rec = new Uint32Array(4 * s.numObjects);
    const allocOf = this.allocSites.ofIp;
    for (let i = 0; i < s.numObjects; i++) {
      rec[4 * i] = o.slab.data[i];
      rec[4 * i + 1] = o.type.data[i];
      rec[4 * i + 2] = allocOf[o.allocIp.data[i]];
      rec[4 * i + 3] = o.command.data[i];
    }
    this.objectRecordsMemo = rec;
    return rec;
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
  accessesKeyIds(name: 'slab' | 'access_fn', start: number, end: number): Uint32Array {
    if (this.absent(name)) return new Uint32Array(0);
    const { obj, ip } = this.sortedLines();
    const out: number[] = [];
    if (name === 'slab') {
      const rec = this.objectRecords();
      const slabAt = (k: number) => rec[4 * obj[k]];
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
    const seen = new Uint8Array(this.dictOf(name).length);
    const siteOf = this.siteOf;
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

  /** Access rows [start, end) of sortedLines(). */
  accessesBlock(start: number, end: number): TableBlock {
    const s = this.store;
    const a = s.accesses;
    const sorted = this.sortedLines();
    const n = end - start;
    const ipHi = s.ips.hi.data;
    const ipLo = s.ips.lo.data;
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
    // Hot loop (one pass per access row, every array read in order but the
    // object records): every column read through a local.
    const { obj: rowObj, ip: rowIp, pid: rowPid, reads: rowReads, writes: rowWrites } = sorted;
    const rec = this.objectRecords();
    const siteOf = this.siteOf;
    for (let k = 0; k < n; k++) {
      const at = start + k;
      const obj = rowObj[at];
      idx[2 * k] = obj; // an object index is below 2^32: the high word stays 0
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
        pid[2 * k + 1] = p < 0 ? 0xffffffff : Math.floor(p / TWO_32);
      }
      const r = 4 * obj;
      slab[k] = rec[r];
      type[k] = rec[r + 1];
      allocFn[k] = rec[r + 2];
      command[k] = rec[r + 3];
      putNumber(reads, k, rowReads[at]);
      putNumber(writes, k, rowWrites[at]);
    }
    // Values past 2^53 - 1 (hostile files): their exact bits, kept by file-order line.
    if (sorted.line) {
      for (const [col, words] of [[a.reads, reads], [a.writes, writes]] as const) {
        if (!col.wide) continue;
        for (let k = 0; k < n; k++) {
          const v = col.wide.get(sorted.line[start + k]);
          if (v !== undefined) putBig(words, k, v);
        }
      }
    }
    const T = 'accesses';
    const nullUnless = (has: boolean) => (has ? null : new Uint8Array(n).fill(1));
    return {
      numRows: n,
      columns: [
        this.column(T, 'idx', idx),
        this.column(T, 'access_ip', ip),
        this.column(T, 'access_fn', fn),
        this.column(T, 'pid', pid, pidNulls),
        this.column(T, 'reads', reads),
        this.column(T, 'writes', writes),
        this.column(T, 'slab', slab, nullUnless(this.layout.hasSlab)),
        this.column(T, 'alloc_type', type, nullUnless(this.layout.hasType)),
        this.column(T, 'alloc_fn', allocFn),
        this.column(T, 'command', command),
      ],
    };
  }

  /**
   * The CAPMAP: access lines counted by (access_fn, slab, alloc_type), every
   * line of the capture (no filter, every task), with distinct objects. One
   * block (its rows are the distinct triples: thousands, not millions),
   * ordered as the accesses are: slab, then access_fn (byte order), then
   * type id. Its cells come from the accesses' sort when it ran and could
   * count them, else from a pass of their own (./parquet-capmap.ts).
   */
  capmapBlock(): TableBlock {
    const s = this.store;
    const hasSlab = this.layout.hasSlab;
    const hasType = this.layout.hasType;
    const cells = (this.capmapCells ??= countCells(s, this.siteOf, this.sites.names.length, hasSlab, hasType));
    const exact = cells.exact;
    const { fn: cellFn, slab: cellSlab, type: cellType, reads, writes, readsBig, writesBig, lines, objects } = cells;
    const order = cells.order(hasSlab ? ranks(s.slabs.names()) : null, this.sites.rank);
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
    const T = 'capmap';
    const nullUnless = (has: boolean) => (has ? null : new Uint8Array(n).fill(1));
    return {
      numRows: n,
      columns: [
        this.column(T, 'access_fn', fn),
        this.column(T, 'slab', slab, nullUnless(hasSlab)),
        this.column(T, 'alloc_type', type, nullUnless(hasType)),
        this.column(T, 'reads', rw),
        this.column(T, 'writes', ww),
        this.column(T, 'access_lines', lw),
        this.column(T, 'objects', ow),
      ],
    };
  }
}
