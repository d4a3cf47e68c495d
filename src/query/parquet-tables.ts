// The rows of one store as the Parquet tables of ./parquet-schema.ts, in
// blocks that both writers consume (the CLI's through DuckDB's COPY,
// src/cli/parquet-export.ts; the browser's through hyparquet-writer,
// ./parquet-hyparquet.ts). The objects table is built here; the accesses
// and the capmap come from ./parquet-access-rows.ts (in this thread, or in
// a thread of their own: setAccessRows), and get their dictionaries here.
//
// Invariants:
// - a `*_fn` column is the site key (query/site-keys.ts): the function the IP
//   resolves to with symbols, else the IP as 16 hex digits, the spelling
//   `kmap sites` and `kmap matrix` print. It is never null;
// - `accesses` rows come sorted by slab name, then access_fn (byte order),
//   ties in file order (./parquet-access-rows.ts);
// - BIGINT values are written as their 64 bits (./parquet-words.ts).

import { LAYOUTS } from '../format/variants.ts';
import { OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import type { AdaptiveUintColumn } from '../store/columns.ts';
import { MAX_EXACT } from '../store/exact.ts';
import type { QueryContext } from './context.ts';
import { AccessRows } from './parquet-access-rows.ts';
import { accessRowsSource, byteOrderRanks, type AccessRowsApi, type AccessRowsSource, type RawBlock } from './parquet-access-source.ts';
import { PARQUET_COLUMNS, type BlockColumn, type ParquetTableName, type TableBlock } from './parquet-schema.ts';
import { TWO_32, putBig, putNumber } from './parquet-words.ts';

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
  return { names, rank: byteOrderRanks(names) };
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

/** The dictionary of a string field the variant lacks (one array, as writers key dictionaries by identity). */
const NO_NAMES: readonly string[] = [];

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
  /** The accesses and capmap rows: this thread's AccessRows until setAccessRows() gives others. */
  private rowsApi: AccessRowsApi | null = null;
  /** Objects' sums that passed 2^64 - 1 (wrappedSums). */
  private objectsWrapped = 0;

  constructor(
    ctx: QueryContext,
    /** Tests set a small one to run the radix sort (./parquet-access-rows.ts), here or in the export's thread. */
    readonly keyBucketsMax?: number,
    /** The idx of the store's first object: the objects of the slices before it (a capture exported in slices). */
    readonly objectBase = 0,
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

  /**
   * Sums (an object's reads or writes, a capmap cell's) that passed 2^64 - 1
   * and were written as their low 64 bits: only a hostile kmap has one; the
   * CLI says how many.
   */
  get wrappedSums(): number {
    return this.objectsWrapped + this.capmapWrappedSums;
  }

  /** Of wrappedSums, the objects' (their reads and writes summed over their lines). */
  get objectsWrappedSums(): number {
    return this.objectsWrapped;
  }

  /** Of wrappedSums, the capmap's (once capmapBlock() has run). */
  get capmapWrappedSums(): number {
    return this.rowsApi?.wrappedSums() ?? 0;
  }

  /** The capmap's sums exactly, in its row order (AccessRows.capmapSums); null when another thread holds the rows. */
  capmapSums(): { reads: bigint[]; writes: bigint[] } | null {
    const rows = this.accessRows();
    return rows instanceof AccessRows ? rows.capmapSums() : null;
  }

  /** What the accesses and capmap tables are computed from (views of the store; threadCopy() copies them). */
  accessRowsSource(): AccessRowsSource {
    return accessRowsSource(this.store, { siteOf: this.siteOf, rank: this.sites.rank }, this.allocSites.ofIp, this.layout, this.objectBase);
  }

  /** Takes the accesses and capmap rows from `rows` (a thread that holds a copy of accessRowsSource()) instead of computing them here. */
  setAccessRows(rows: AccessRowsApi): void {
    this.rowsApi = rows;
  }

  private accessRows(): AccessRowsApi {
    return (this.rowsApi ??= new AccessRows(this.accessRowsSource(), this.keyBucketsMax));
  }

  private putSum(words: Uint32Array, r: number, v: bigint): void {
    if (v > 0xffffffffffffffffn) this.objectsWrapped++;
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
    this.rowsApi?.release();
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
      putNumber(idx, k, this.objectBase + i);
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

  /** The distinct dictionary ids a sort key (slab, access_fn) holds in the accesses' sorted rows [start, end), in row order (AccessRows.keyIds). */
  accessesKeyIds(name: 'slab' | 'access_fn', start: number, end: number): Uint32Array {
    return this.absent(name) ? new Uint32Array(0) : this.accessRows().keyIds(name, start, end);
  }

  /** Access rows [start, end), sorted by slab, then access_fn (./parquet-access-rows.ts). */
  accessesBlock(start: number, end: number): TableBlock {
    return this.withDictionaries('accesses', this.accessRows().rows(start, end));
  }

  /** The CAPMAP, one block (AccessRows.capmap). */
  capmapBlock(): TableBlock {
    return this.withDictionaries('capmap', this.accessRows().capmap());
  }

  private withDictionaries(table: 'accesses' | 'capmap', raw: RawBlock): TableBlock {
    return { numRows: raw.numRows, columns: PARQUET_COLUMNS[table].map((d, c) => this.column(table, d.name, raw.data[c], raw.nulls[c])) };
  }
}
