// `kmap export FILE --parquet DIR`: the tables of query/parquet-tables.ts
// written as Parquet through DuckDB's own writer (COPY ... TO, zstd), one
// capture into DIR/TABLE/capture=NAME/part-K.parquet for each table.
//
// How rows reach DuckDB: table functions (kmap_objects(), ...;
// ./parquet-block-scan.ts) hand DuckDB the blocks of ParquetTables straight
// from their typed arrays, and `COPY (SELECT * FROM kmap_TABLE()) TO file`
// streams them into one Parquet file per block of EXPORT_BLOCK_ROWS rows.
// Nothing is staged in a DuckDB table (an appender into one cost three times
// as much, measured), so memory is the parsed store (what every kmap command
// holds), the accesses' sort order, a few pieces of a block and DuckDB's row
// group being written. String columns reach DuckDB as ENUM columns (a name
// costs an id per row, and names never pass through SQL text): built once per
// dictionary, but for the sort keys, built per file of the names it holds
// (selectList in ./parquet-copy-sql.ts, and ./parquet-block-scan.ts: why).
//
// A capture is written into a work folder beside the tables
// (`DIR/.kmap-export-NAME-XXXXXX/`, never inside a table's folder, where a reader's
// glob would find it) and renamed into place table by table when all three
// are written; re-exporting a capture replaces it. The work folder is removed
// on success, on error and on SIGINT/SIGTERM, and so are a dataset folder the
// export made itself, and the folders it made on the way to it, when nothing
// was swapped into it. The swap itself is three
// renames, not one atomic step: a reader during those milliseconds (or after
// a crash in them) can see the new objects beside the old accesses.
//
// The accesses (their sort, then their rows) and the capmap are computed in
// a thread of their own from a million access lines on
// (./parquet-access-thread.ts), started before the objects are written: the
// sort then runs beside the objects' COPYs, and this thread only hands
// DuckDB the rows. `accessThread: false` (the CLI's --workers 1, and every
// export in slices, whose next slice's parse runs beside: ./export-command.ts)
// keeps them here; the files are the same either way (a test compares them
// byte for byte).
//
// DuckDB is loaded only by this command and `kmap query` (a dynamic import:
// the other commands start without it).

import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { type ParquetTables } from '../query/parquet-tables.ts';
import { PARQUET_COLUMNS, PARQUET_SCHEMA_VERSION, PARQUET_TABLE_NAMES, STATS_COLUMNS, sliceBlock, type ParquetTableName, type TableBlock } from '../query/parquet-schema.ts';
import { AccessRowsThread } from './parquet-access-thread.ts';
import { BlockScan, type KeyIds } from './parquet-block-scan.ts';
import { DICTIONARY_LIMIT, distinctIds, selectList, sqlString } from './parquet-copy-sql.ts';

/** Rows per Parquet file (and per staging block). */
export const EXPORT_BLOCK_ROWS = 1 << 20;
/** Access lines from which the accesses are sorted and built in a thread of their own (below it, starting the thread costs more than it saves). */
export const ACCESS_THREAD_LINES = 1 << 20;

export interface ExportedTable {
  readonly table: ParquetTableName;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
}

/** DuckDB could not write the export (a full disk, a file it cannot create), or the accesses' thread failed: its message; nothing of it is left in the dataset. */
export class ExportFailed extends Error {}

/** The export stopped on SIGINT or SIGTERM; nothing of it is left in the dataset. */
export class ExportInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted (${signal}); the dataset folder is as it was`);
  }
}

export interface ExportResult {
  readonly tables: ExportedTable[];
  /** The capture was in the dataset already (its old files are gone). */
  readonly replaced: boolean;
  /** Sums past 2^64 - 1 written as their low 64 bits (ParquetTables.wrappedSums). */
  readonly wrappedSums: number;
}

export interface ExportProgress {
  readonly table: ParquetTableName;
  /** Rows of the table written of the current store's `rows`. */
  readonly rowsDone: number;
  readonly rows: number;
  /** Rows of the table written from the stores before (the slices before this one). */
  readonly rowsBefore: number;
}

export type DuckApi = typeof import('@duckdb/node-api');
export type Bindings = typeof import('@duckdb/node-bindings');

/** What the accesses' thread threw (its start, its sort) as the export's failure: one line for the user, not a stack. */
async function threadFailure<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw e instanceof ExportFailed || e instanceof ExportInterrupted ? e : new ExportFailed(e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e));
  }
}

/** The partition folder of a capture in a table. */
export function partitionDir(dir: string, table: ParquetTableName, capture: string): string {
  return path.join(dir, table, `capture=${capture}`);
}

export async function loadDuckDb(): Promise<{ api: DuckApi; bindings: Bindings }> {
  const api = await import('@duckdb/node-api');
  const mod = (await import('@duckdb/node-bindings')) as Bindings & { default?: Bindings };
  const bindings = mod.default ?? mod;
  return { api, bindings };
}

/**
 * Writes the capture's three tables under `dir`, from one store. `blockRows`
 * sets rows per file and `pieceRows` rows per piece of a file
 * (./parquet-block-scan.ts); tests use small ones.
 */
export async function exportParquet(
  tables: ParquetTables,
  dirArg: string,
  capture: string,
  opts: ExportOptions & {
    /** Sort and build the accesses and the capmap in a thread of their own (./parquet-access-thread.ts); default: from ACCESS_THREAD_LINES lines on. */
    accessThread?: boolean;
  } = {},
): Promise<ExportResult> {
  const out = await ParquetExport.open(dirArg, capture, opts);
  try {
    const { capmap } = await out.writeRows(tables, { accessThread: opts.accessThread });
    await out.writeCapmap(capmap, tables.capmapWrappedSums);
    return await out.commit();
  } finally {
    await out.close();
  }
}

export interface ExportOptions {
  blockRows?: number;
  pieceRows?: number;
  onProgress?: (p: ExportProgress) => void;
  /** Told of SIGINT or SIGTERM at once (a caller waiting on something else than DuckDB stops it). */
  onInterrupt?: (e: ExportInterrupted) => void;
}

/** Files a table may have in one capture: their names have five digits (part-00000 ... part-99999), so that name order is file order. */
export const MAX_FILES = 100_000;

/**
 * One capture's export into a dataset folder: open(), then writeRows() for
 * each store of the capture in file order (the whole capture, or its slices:
 * ./export-command.ts), writeCapmap() once, commit() to swap the tables into
 * place; close() always (it removes the work folder, stops listening for
 * signals and closes DuckDB). Files are numbered on across the stores.
 */
export class ParquetExport {
  /** Files written so far per table (the next file's number) and rows in them. */
  private readonly files: Record<ParquetTableName, number> = { objects: 0, accesses: 0, capmap: 0 };
  private readonly rows: Record<ParquetTableName, number> = { objects: 0, accesses: 0, capmap: 0 };
  private wrapped = 0;
  private interrupted: NodeJS.Signals | null = null;
  /** Set when undoing a failed swap failed too: the work folder then holds the old partitions and is kept. */
  private keepWork = false;
  /** The work folder (open() makes it). */
  private work: string | null = null;
  /** The first folder open() made on the way to the dataset folder (null: it was there): removed again by an export that writes nothing. */
  private made: string | null = null;
  private committed = false;
  private readonly meta = `KV_METADATA {kmap_parquet_schema: ${sqlString(String(PARQUET_SCHEMA_VERSION))}}`;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.interrupted = signal;
    this.scan.abort();
    for (const con of this.cons) con.interrupt();
    this.opts.onInterrupt?.(new ExportInterrupted(signal));
  };

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly cons: DuckDBConnection[],
    private readonly scan: BlockScan,
    /** Absolute, so that DuckDB reads the path as Node does (it would expand a leading ~ itself). */
    private readonly dir: string,
    private readonly capture: string,
    private readonly opts: ExportOptions,
  ) {
    // Ctrl-C or a kill: the scans end and the COPYs are interrupted, then the
    // work folder goes (close()) and the dataset stays as it was. Not
    // process.exit() here: DuckDB's threads wait on the JS thread for rows, so
    // exiting under them hangs; the export unwinds instead.
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  static async open(dirArg: string, capture: string, opts: ExportOptions = {}): Promise<ParquetExport> {
    const { api, bindings } = await loadDuckDb();
    // One DuckDB thread: each COPY runs on the thread that called it, and a
    // COPY from a JS table function is one pipeline, so DuckDB's own worker
    // threads added CPU and no speed (in process on the 1 GB benchmark kmap,
    // two runs each: threads=1 9.97-10.52 s wall, 13.3-14.6 CPU-s; threads=2
    // 12.0-12.5 s, 19.2-20.7 CPU-s; threads=3 14.2 s, 24.5 CPU-s).
    const instance = await api.DuckDBInstance.create(':memory:', { threads: '1' });
    // One connection per COPY running at once (./parquet-block-scan.ts: why two).
    const cons = await Promise.all(Array.from({ length: Math.max(1, Math.min(2, availableParallelism())) }, () => instance.connect()));
    const scan = new BlockScan(api, bindings, opts.pieceRows);
    for (const con of cons) for (const table of PARQUET_TABLE_NAMES) scan.register(con, table);
    const out = new ParquetExport(instance, cons, scan, path.resolve(dirArg), capture, opts);
    try {
      out.made = (await mkdir(out.dir, { recursive: true })) ?? null;
      // Its own work folder (two exports of one capture at once do not share one).
      out.work = await mkdtemp(path.join(out.dir, `.kmap-export-${capture}-`));
      for (const table of PARQUET_TABLE_NAMES) await mkdir(path.join(out.work, table), { recursive: true });
    } catch (e) {
      await out.close();
      throw e;
    }
    return out;
  }

  /** Throws ExportInterrupted once SIGINT or SIGTERM came (a caller's long step between writes asks). */
  throwIfInterrupted(): void {
    if (this.interrupted) throw new ExportInterrupted(this.interrupted);
  }

  /**
   * Writes the objects and accesses of one store (the capture's next
   * objects, ParquetTables.objectBase on) and returns its capmap block; its
   * objects' sums that wrapped (ParquetTables.objectsWrappedSums) join the
   * result's, the capmap's come with writeCapmap().
   */
  async writeRows(tables: ParquetTables, opts: { accessThread?: boolean } = {}): Promise<{ capmap: TableBlock }> {
    this.throwIfInterrupted();
    this.scan.forgetTypes();
    let thread: AccessRowsThread | null = null;
    try {
      // Started first: it sorts the access lines while this thread writes the objects.
      if (opts.accessThread ?? (tables.numRows('accesses') >= ACCESS_THREAD_LINES && availableParallelism() > 1)) {
        thread = await threadFailure(() => AccessRowsThread.start(tables.accessRowsSource(), { keyBucketsMax: tables.keyBucketsMax }));
        tables.setAccessRows(thread);
      }
      const noKeys = (c: number) => {
        throw new Error(`kmap export: objects.${PARQUET_COLUMNS.objects[c].name} is no sort key`);
      };
      const dictionarySize = (c: string) => tables.dictionarySize(c);
      await this.writeTable('objects', tables.numRows('objects'), (s, e) => tables.objectsBlock(s, e), noKeys, null, dictionarySize);
      const keyIds = (c: number, s: number, e: number) => tables.accessesKeyIds(PARQUET_COLUMNS.accesses[c].name as 'slab' | 'access_fn', s, e);
      // Nothing waits on the thread before it serves (AccessRowsThread.ready).
      if (thread) await threadFailure(() => thread!.ready());
      const ask = thread ? (s: number, e: number) => thread!.ask(s, e) : null;
      await this.writeTable('accesses', tables.numRows('accesses'), (s, e) => tables.accessesBlock(s, e), keyIds, ask, dictionarySize);
      const capmap = thread ? await threadFailure(async () => tables.capmapBlock()) : tables.capmapBlock();
      tables.releaseAccesses();
      this.wrapped += tables.objectsWrappedSums;
      return { capmap };
    } finally {
      thread?.close();
    }
  }

  /** Writes the capmap (one file, whatever its rows) with how many of its sums wrapped: once, after the last writeRows(). */
  async writeCapmap(capmap: TableBlock, wrappedSums: number): Promise<void> {
    this.throwIfInterrupted();
    this.wrapped += wrappedSums;
    this.scan.forgetTypes();
    const dicts = new Map(PARQUET_COLUMNS.capmap.map((d, c) => [d.name, capmap.columns[c].dict?.length ?? 0]));
    await this.writeTable('capmap', capmap.numRows, (s, e) => sliceBlock(capmap, s, e), (c, s, e) => distinctIds(capmap.columns[c].data.subarray(s, e)), null, (c) => dicts.get(c) ?? 0);
  }

  /**
   * Writes one table's rows [0, numRows) of the current store as files
   * this.files[table] on (the capmap: one file). The first failure stops
   * the other COPYs (scans end, COPYs interrupted) and is thrown once every
   * COPY has returned: nothing runs under the cleanup.
   */
  private async writeTable(
    table: ParquetTableName,
    numRows: number,
    make: (start: number, end: number) => TableBlock,
    keyIds: KeyIds,
    ask: ((start: number, end: number) => void) | null,
    dictionarySize: (column: string) => number,
  ): Promise<void> {
    const fileRows = table === 'capmap' ? Math.max(1, numRows) : (this.opts.blockRows ?? EXPORT_BLOCK_ROWS);
    // A store with no rows of a table adds no file to it (but the capmap's one, and the first store's).
    if (numRows === 0 && table !== 'capmap' && this.files[table] > 0) return;
    const target = path.join(this.work!, table);
    // The first piece is built here (its columns type the table): with the thread, this waits for its sort.
    const begin = () => this.scan.beginTable(table, numRows, fileRows, make, keyIds, ask);
    const numFiles = ask ? await threadFailure(async () => begin()) : begin();
    if (this.files[table] + numFiles > MAX_FILES) {
      throw new ExportFailed(`the ${table} table would pass ${MAX_FILES.toLocaleString('en-US')} files (their names have five digits): export with a larger --slice-mb`);
    }
    // One row group per file where a sort key is typed per file (./parquet-block-scan.ts).
    const rowGroup = [...STATS_COLUMNS[table]].some((n) => PARQUET_COLUMNS[table].some((d) => d.name === n && d.type === 'VARCHAR')) ? `ROW_GROUP_SIZE ${Math.max(1, fileRows)}, ` : '';
    const base = this.files[table];
    const rowsBefore = this.rows[table];
    let nextFile = 0;
    let rowsDone = 0;
    let failure: unknown = null;
    const stopAll = (e: unknown) => {
      failure ??= e;
      this.scan.abort();
      for (const c of this.cons) c.interrupt();
    };
    await Promise.allSettled(
      this.cons.map(async (con) => {
        for (let k = nextFile++; k < numFiles && failure === null && !this.interrupted; k = nextFile++) {
          const file = path.join(target, `part-${String(base + k).padStart(5, '0')}.parquet`);
          try {
            await con.run(`COPY (SELECT ${selectList(table, dictionarySize)} FROM kmap_${table}(${k})) TO ${sqlString(file)} (FORMAT parquet, ${rowGroup}COMPRESSION zstd, COMPRESSION_LEVEL 1, DICTIONARY_SIZE_LIMIT ${DICTIONARY_LIMIT}, ${this.meta})`);
          } catch (e) {
            stopAll(e);
            return;
          }
          rowsDone += Math.min(numRows, (k + 1) * fileRows) - Math.min(numRows, k * fileRows);
          this.opts.onProgress?.({ table, rowsDone, rows: numRows, rowsBefore });
        }
      }),
    );
    this.throwIfInterrupted();
    if (failure !== null) throw failure instanceof Error ? new ExportFailed(failure.message) : new ExportFailed(String(failure));
    this.scan.endTable();
    this.files[table] += numFiles;
    this.rows[table] += numRows;
  }

  /**
   * All three written: swaps them in, each old partition first moved into
   * the work folder (the table folders are made first, so that a folder that
   * cannot be made swaps nothing). A rename that fails undoes the ones before
   * it, so the dataset is as it was; a signal now waits for the swap.
   */
  async commit(): Promise<ExportResult> {
    this.throwIfInterrupted();
    const work = this.work!;
    const out: ExportedTable[] = [];
    for (const table of PARQUET_TABLE_NAMES) {
      let bytes = 0;
      const target = path.join(work, table);
      for (const f of await readdir(target)) bytes += (await stat(path.join(target, f))).size;
      out.push({ table, rows: this.rows[table], files: this.files[table], bytes });
    }
    this.throwIfInterrupted();
    let replaced = false;
    for (const table of PARQUET_TABLE_NAMES) await mkdir(path.join(this.dir, table), { recursive: true });
    const done: { final: string; old: string | null; fresh: string }[] = [];
    try {
      for (const table of PARQUET_TABLE_NAMES) {
        const final = partitionDir(this.dir, table, this.capture);
        const old = path.join(work, `old-${table}`);
        let moved = false;
        try {
          await rename(final, old);
          moved = true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
        const step = { final, old: moved ? old : null, fresh: path.join(work, table) };
        try {
          await rename(step.fresh, final);
        } catch (e) {
          if (step.old) await rename(step.old, final);
          throw e;
        }
        done.push(step);
        replaced ||= moved;
      }
    } catch (e) {
      try {
        for (const step of done.reverse()) {
          await rename(step.final, step.fresh);
          if (step.old) await rename(step.old, step.final);
        }
      } catch {
        this.keepWork = true;
        throw new ExportFailed(`${e instanceof Error ? e.message : String(e)}; the swap could not be undone either: the old partitions are in ${work}`);
      }
      throw e;
    }
    this.committed = true;
    return { tables: out, replaced, wrappedSums: this.wrapped };
  }

  /** Ends the export, done or not: signals, the work folder (but after a swap that could not be undone), DuckDB. */
  async close(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    if (this.work && !this.keepWork) await rm(this.work, { recursive: true, force: true });
    this.work = null;
    // A dataset folder this export made and filled with nothing goes too, with the folders it made on the way
    // (rmdir: only while empty; the table folders, made before a swap that was undone, first).
    if (this.made && !this.committed && !this.keepWork) {
      for (const table of PARQUET_TABLE_NAMES) await rmdir(path.join(this.dir, table)).catch(() => {});
      const made = this.made;
      for (let d = this.dir; d === made || d.startsWith(made + path.sep); d = path.dirname(d)) {
        try {
          await rmdir(d);
        } catch {
          break;
        }
      }
    }
    for (const con of this.cons) con.closeSync();
    this.instance.closeSync();
  }
}
