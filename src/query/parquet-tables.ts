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
import type { AdaptiveUintColumn } from '../store/columns.ts';
import { MAX_EXACT } from '../store/exact.ts';
import { compareBytes } from './compare.ts';
import type { QueryContext } from './context.ts';
import { radixSortSelection } from './radix-sort.ts';
import { PARQUET_COLUMNS, type BlockColumn, type ParquetTableName, type TableBlock } from './parquet-schema.ts';

const TWO_32 = 4294967296;

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

/** rank[id]: the position of names[id] in byte order of the names' UTF-8 (as Parquet compares strings). */
function ranks(names: readonly string[]): Uint32Array {
  const order = names.map((_, i) => i).sort((a, b) => compareBytes(names[a], names[b]) || a - b);
  const rank = new Uint32Array(names.length);
  order.forEach((id, r) => (rank[id] = r));
  return rank;
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
  private accessOrderMemo: { order: Uint32Array; objOf: Uint32Array } | null = null;
  /**
   * Sums (an object's reads or writes, a capmap cell's) that passed 2^64 - 1
   * and were written as their low 64 bits: only a hostile kmap has one; the
   * CLI says how many.
   */
  wrappedSums = 0;

  constructor(ctx: QueryContext) {
    this.store = ctx.store;
    this.layout = LAYOUTS[this.store.variant ?? 'E'];
    this.sites = siteDictionary(ctx);
    this.siteOf = ctx.sites().siteOf;
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
      case 'free_fn':
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

  private column(table: ParquetTableName, name: string, data: Uint32Array | Uint8Array, nulls: Uint8Array | null = null): BlockColumn {
    const def = PARQUET_COLUMNS[table].find((c) => c.name === name)!;
    return { def, data, dict: def.type === 'VARCHAR' ? this.dictOf(name) : null, nulls };
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
      allocFn[k] = this.siteOf[a];
      const p = o.pid.data[i] - OBJECT_PID_BIAS;
      pid[2 * k] = p >>> 0;
      pid[2 * k + 1] = p < 0 ? 0xffffffff : Math.floor(p / TWO_32);
      address[2 * k] = o.vaLo.data[i];
      address[2 * k + 1] = o.vaHi.data[i];
      const f = o.freeIp.data[i];
      freeIp[2 * k] = ipLo[f];
      freeIp[2 * k + 1] = ipHi[f];
      freeFn[k] = this.siteOf[f];
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
   * Access line indices in the accesses table's order (slab name, then
   * access_fn, in byte order; ties in file order), and each line's object.
   */
  accessOrder(): { order: Uint32Array; objOf: Uint32Array } {
    if (this.accessOrderMemo) return this.accessOrderMemo;
    const s = this.store;
    const n = s.numAccesses;
    const objOf = new Uint32Array(n);
    for (let i = 0; i < s.numObjects; i++) {
      const [ls, le] = s.accessRange(i);
      objOf.fill(i, ls, le);
    }
    const slabRank = this.layout.hasSlab ? ranks(s.slabs.names()) : new Uint32Array(Math.max(1, s.slabs.size));
    const slabIds = s.objects.slab.data;
    const ipIds = s.accesses.ip.data;
    const siteRank = this.sites.rank;
    const siteOf = this.siteOf;
    const hasSlab = this.layout.hasSlab;
    // One 32-bit key (slab rank, site rank) when it fits: half the radix passes of two words.
    const numSites = Math.max(1, this.sites.names.length);
    const oneWord = (hasSlab ? slabRank.length : 1) * numSites <= 0x100000000;
    const lo = new Uint32Array(n);
    const hi = oneWord ? null : new Uint32Array(n);
    const order = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      order[j] = j;
      const site = siteRank[siteOf[ipIds[j]]];
      const slab = hasSlab ? slabRank[slabIds[objOf[j]]] : 0;
      if (hi) {
        lo[j] = site;
        hi[j] = slab;
      } else {
        lo[j] = slab * numSites + site;
      }
    }
    radixSortSelection(order, lo, hi, false);
    this.accessOrderMemo = { order, objOf };
    return this.accessOrderMemo;
  }

  /** Access rows [start, end) of accessOrder(). */
  accessesBlock(start: number, end: number): TableBlock {
    const s = this.store;
    const o = s.objects;
    const a = s.accesses;
    const { order, objOf } = this.accessOrder();
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
    const accReads = a.reads.data;
    const accWrites = a.writes.data;
    // Hot loop (one pass per access row): every column read through a local.
    const accIp = a.ip.data;
    const accPid = a.pid.data;
    const objSlab = o.slab.data;
    const objType = o.type.data;
    const objAllocIp = o.allocIp.data;
    const objCommand = o.command.data;
    const siteOf = this.siteOf;
    for (let k = 0; k < n; k++) {
      const j = order[start + k];
      const obj = objOf[j];
      idx[2 * k] = obj; // an object index is below 2^32: the high word stays 0
      const id = accIp[j];
      ip[2 * k] = ipLo[id];
      ip[2 * k + 1] = ipHi[id];
      fn[k] = siteOf[id];
      const stored = accPid[j];
      if (stored === ACCESS_PID_NONE) {
        (pidNulls ??= new Uint8Array(n))[k] = 1;
      } else {
        const p = stored - ACCESS_PID_BIAS;
        pid[2 * k] = p >>> 0;
        pid[2 * k + 1] = p < 0 ? 0xffffffff : Math.floor(p / TWO_32);
      }
      slab[k] = objSlab[obj];
      type[k] = objType[obj];
      allocFn[k] = siteOf[objAllocIp[obj]];
      command[k] = objCommand[obj];
      putNumber(reads, k, accReads[j]);
      putNumber(writes, k, accWrites[j]);
    }
    // Values past 2^53 - 1 (hostile files): their exact bits.
    for (const [col, words] of [[a.reads, reads], [a.writes, writes]] as const) {
      if (!col.wide) continue;
      for (let k = 0; k < n; k++) {
        const v = col.wide.get(order[start + k]);
        if (v !== undefined) putBig(words, k, v);
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
   * type id.
   *
   * One pass over the lines in file order (sequential reads; a walk in the
   * accesses' sorted order was twice as slow, measured): an object's lines
   * are contiguous, so a cell counts an object when its last-seen object
   * differs. A cell's key is a number while (site, slab, type) fits 2^53; a
   * hostile file with a million of each falls back to string keys.
   */
  capmapBlock(): TableBlock {
    const s = this.store;
    const numSlabs = Math.max(1, s.slabs.size);
    const numTypes = Math.max(1, s.types.size);
    const hasSlab = this.layout.hasSlab;
    const hasType = this.layout.hasType;
    const numeric = Math.max(1, this.sites.names.length) * numSlabs * numTypes <= MAX_EXACT;
    const cellOf = new Map<number | string, number>();
    const cellFn: number[] = [];
    const cellSlab: number[] = [];
    const cellType: number[] = [];
    const reads: number[] = [];
    const writes: number[] = [];
    const readsBig: bigint[] = [];
    const writesBig: bigint[] = [];
    const lines: number[] = [];
    const objects: number[] = [];
    const lastObj: number[] = [];
    // One check: when the capture's totals are exact doubles, every cell's sum is too.
    const exact = !s.accesses.reads.wide && !s.accesses.writes.wide && s.readsNear <= MAX_EXACT && s.writesNear <= MAX_EXACT;
    const ipIds = s.accesses.ip.data;
    const siteOf = this.siteOf;
    const r = s.accesses.reads;
    const w = s.accesses.writes;
    for (let i = 0; i < s.numObjects; i++) {
      const [ls, le] = s.accessRange(i);
      const slabId = hasSlab ? s.objects.slab.data[i] : 0;
      const typeId = hasType ? s.objects.type.data[i] : 0;
      const group = slabId * numTypes + typeId;
      for (let j = ls; j < le; j++) {
        const site = siteOf[ipIds[j]];
        const key = numeric ? site * numSlabs * numTypes + group : `${site},${slabId},${typeId}`;
        let c = cellOf.get(key);
        if (c === undefined) {
          c = cellFn.length;
          cellOf.set(key, c);
          cellFn.push(site);
          cellSlab.push(slabId);
          cellType.push(typeId);
          reads.push(0);
          writes.push(0);
          readsBig.push(0n);
          writesBig.push(0n);
          lines.push(0);
          objects.push(0);
          lastObj.push(-1);
        }
        if (exact) {
          reads[c] += r.data[j];
          writes[c] += w.data[j];
        } else {
          readsBig[c] += r.wide?.get(j) ?? BigInt(r.data[j]);
          writesBig[c] += w.wide?.get(j) ?? BigInt(w.data[j]);
        }
        lines[c]++;
        if (lastObj[c] !== i) {
          lastObj[c] = i;
          objects[c]++;
        }
      }
    }
    const slabRank = hasSlab ? ranks(s.slabs.names()) : null;
    const siteRank = this.sites.rank;
    const order = cellFn
      .map((_, c) => c)
      .sort((a, b) => (slabRank ? slabRank[cellSlab[a]] - slabRank[cellSlab[b]] : 0) || siteRank[cellFn[a]] - siteRank[cellFn[b]] || cellType[a] - cellType[b]);
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
