// The one typed contract between the UI and the data worker (comlink).
// Everything that crosses it is small and structured-cloneable: a summary,
// a window of rows, one object's accesses. Bulk data never leaves the worker,
// with one exception the user asks for: the files of a Parquet export, each
// transferred (moved, not copied) to the page as it is written.

import type { KmapSummary } from './query/summary.ts';
import type { AccessRow, ObjectRow, SentinelInfo } from './query/rows.ts';
import type { Resolution } from './query/stats.ts';
import type { LifetimeChart, LiveChart, WindowBands } from './query/lifetime-charts.ts';
import type { MatrixView } from './query/matrix.ts';
import type { QualityRow } from './query/quality.ts';
import type { ParquetWriteProgress } from './query/parquet-hyparquet.ts';
import type {
  AccessColumn,
  BreakdownKey,
  LifetimeGrouping,
  MatrixColumnKind,
  BreakdownRow,
  FilteredTotals,
  HierarchyCell,
  NameOption,
  ObjectFilter,
  QueryResult,
  SiteDetail,
  SiteRow,
  SortSpec,
  ViewQuery,
} from './query/types.ts';

export type { AccessRow, KmapSummary, LifetimeChart, LiveChart, WindowBands, MatrixView, ObjectRow, QualityRow, Resolution, SentinelInfo };
export { QUALITY_CSV_COLUMNS, QUALITY_FLAG_TEXT, INDUCED_TYPE } from './query/quality.ts';
export { HISTOGRAM_BUCKETS } from './query/lifetime-charts.ts';
// The query vocabulary lives in src/query/types.ts; the contract re-exports it.
export * from './query/types.ts';

export type KmapSource =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'url'; url: string; name: string }
  /**
   * Memorizer's split CSV pair, read as one capture (format/split-csv.ts):
   * the allocations file, then the accesses file. `name` names both.
   */
  | { kind: 'pair'; allocations: Blob; accesses: Blob; allocationsName: string; accessesName: string; name: string };

export interface LoadProgress {
  name: string;
  /** Bytes of the file read: of a gzip file, compressed bytes (they compare with totalBytes). */
  bytesRead: number;
  /** null when the size is unknown (a fetch without Content-Length). */
  totalBytes: number | null;
  /** Mean rate since the load started. */
  bytesPerSecond: number;
  objects: number;
  accesses: number;
  badLines: number;
  done: boolean;
}

/** A load ended early: the kmap holds the complete lines of the bytes read. */
export interface PartialLoad {
  /**
   * Bytes parsed (up to the last complete line read); of a gzip file, the
   * compressed bytes that gave the text parsed (so that it compares with
   * totalBytes).
   */
  bytesKept: number;
  /** The file's size, when known. */
  totalBytes: number | null;
  /**
   * 'stopped': the user asked (stop()); 'memory': the data would have passed
   * the worker's memory budget, so loading stopped before the tab ran out.
   */
  reason: 'stopped' | 'memory';
  /** Bytes the loaded data holds (typed columns and interning tables). */
  memoryBytes: number;
  /** Bytes of the kmap shown before, held until this load ended (it counts against the budget too). */
  keptBytes: number;
}

/**
 * What the data worker holds for the page (the summary strip's "Memory"):
 * figures from the store's own columns and tables, so that a test can check
 * that a replaced or cancelled file gave its memory back.
 */
export interface MemoryUse {
  /** Bytes the loaded kmap holds: its typed columns at their capacity and its interning tables. */
  dataBytes: number;
  /** Bytes of the kmap shown before, held while a load runs (Cancel gives it back); 0 otherwise. */
  keptBytes: number;
  /**
   * Bytes the queries keep for the loaded kmap beside its data: values computed
   * once per kmap (per-object sums, allocs and frees in index order, name
   * indexes), temporaries kept for the next query, the sorted selection.
   * Not counted against the budget.
   */
  queryBytes: number;
  /** The worker's memory budget for data, or null where there is none (the CLI). */
  budgetBytes: number | null;
}

/** A file whose data will not fit in the worker's memory budget (asked before the rest is read). */
export interface MemoryWarning {
  fileBytes: number;
  /** Of a gzip file: the size of its text once decompressed (estimated from the ratio so far); null for a plain file. */
  textBytes: number | null;
  /** Bytes the whole file's data would hold once read (estimated from the part read). */
  neededBytes: number;
  /** The worker's memory budget: what the data may take while loading, with room for growth. */
  budgetBytes: number;
  /** Bytes of the kmap shown before, held (against the budget) until this load ends. */
  keptBytes: number;
  /** Objects and access lines the whole file holds (estimated). */
  objects: number;
  accessLines: number;
  /** About this fraction of the file (0 to 1) can be read before the load stops at the budget. */
  fitFraction: number;
  /** Bytes the whole file's data would hold loaded aggregates only (its access lines summed, not kept: store/access-fold.ts). */
  aggregateBytes: number;
  /** Whether the whole file fits in the budget loaded aggregates only. */
  aggregateFits: boolean;
}

/**
 * The answer to a MemoryWarning: read on and keep the part that fits
 * ('part'), read the whole file aggregates only ('aggregate': the access
 * lines read so far and from here on are summed, not kept), or cancel.
 */
export type TooBigAnswer = 'part' | 'aggregate' | 'cancel';

export type OpenResult =
  | {
      ok: true;
      summary: KmapSummary;
      seconds: number;
      /** Set when stop() ended the load early: the kmap is the file's first part. */
      partial: PartialLoad | null;
    }
  | {
      ok: false;
      cancelled: boolean;
      error: string;
      /**
       * True when a kmap was loaded before and is queryable again: a
       * replacement load that fails or is cancelled, at any moment, gives it
       * back.
       */
      previousKept: boolean;
    };

/** One file of a Parquet export: its path in the dataset (`TABLE/capture=NAME/part-KKKKK.parquet`) and its bytes. */
export interface ParquetExportFile {
  path: string;
  bytes: Uint8Array;
}

/** Rows of one table written so far (tables in order: objects, accesses, capmap). */
export type ParquetExportProgress = ParquetWriteProgress;

export type ParquetExportResult =
  | { ok: true; files: number; bytes: number; seconds: number }
  /** cancelled: cancelExport(); otherwise `error` is a sentence for the user. */
  | { ok: false; cancelled: boolean; error: string };

export type SymbolSource =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'url'; url: string; name: string };

export type SymbolsResult =
  | {
      ok: true;
      name: string;
      /** Text symbols read, and distinct functions after merging same-name ones. */
      numSymbols: number;
      numFunctions: number;
      /** Malformed lines skipped (counted, not fatal). */
      badLines: number;
      resolution: Resolution;
      /** A sentence when the map does not belong to the loaded capture (fewer than half of its alloc IPs resolve). */
      mismatch: string | null;
    }
  | { ok: false; name: string; error: string };

/** The loaded symbol file, or null (what symbolsInfo() answers). */
export type SymbolsInfo = Extract<SymbolsResult, { ok: true }> | null;

/** Some names of a field, and how many there are in all (see nameOptions). */
export interface NameList {
  options: NameOption[];
  total: number;
}

/** Which name list a filter picker offers. */
export type NameField = 'slab' | 'type' | 'command';

export interface KmapWorkerApi {
  /**
   * Loads a kmap. Until the new file is known to be a kmap (its variant
   * detected) queries see nothing; from then on they see it grow. The kmap
   * loaded before stays in memory until the new one is complete: a failure
   * or cancel at any moment gives it back (previousKept), and only a
   * successful load frees it.
   *
   * With a memory budget and a known size, the worker estimates what the
   * whole file will take from its first megabytes (at least 1 MiB) and, when
   * that will not fit, asks onTooBig once before reading on: 'part' reads
   * on (the load then stops at the budget, keeping the part that fits,
   * partial with reason 'memory'); 'aggregate' reads the whole file with
   * its access lines summed instead of kept (summary.aggregateOnly; it too
   * stops at the budget if the estimate was short); 'cancel' cancels it
   * (the previous kmap comes back).
   */
  open(source: KmapSource, onProgress: (p: LoadProgress) => void, onTooBig?: (w: MemoryWarning) => Promise<TooBigAnswer>): Promise<OpenResult>;
  /** Stops a load in progress; open() then resolves with cancelled: true. */
  cancel(): void;
  /**
   * Stops a load in progress and keeps what it read: open() resolves with
   * ok: true and `partial` set (the complete lines read; a line cut by the
   * stop is left out). Before the file is known to be a kmap there is
   * nothing to keep: the same as cancel().
   */
  stop(): void;
  /** Frees the loaded kmap. */
  close(): void;
  /**
   * How many ranges a big dropped file is parsed in at once (the data worker
   * and its parsing workers), from the next open() on; null: one per core
   * the browser reports, at least 2 (the default). 1 parses in one piece.
   * The page sets it only from localStorage `kmap.parseWorkers` (the
   * benchmark compares 1 and N there; BENCHMARKS.md).
   */
  setParseWorkers(count: number | null): void;
  /**
   * Lowers the memory budget of the next loads to `bytes` (never raises it
   * past the worker's own: half the device memory); null restores it. The
   * page sets it only from localStorage `kmap.memoryBudgetMB` (the benchmark
   * of an aggregate-only load; a user who wants the tab to take less).
   */
  setMemoryBudget(bytes: number | null): void;
  /**
   * Takes the Web Lock `name` for the worker's whole life and resolves once
   * it holds it (true), or false where Web Locks are missing. The page then
   * asks for the same lock: it is granted only when this worker is gone
   * (crashed, closed itself, or terminated), which no event reports.
   */
  holdAliveLock(name: string): Promise<boolean>;
  summary(): KmapSummary | null;
  /** What the loaded data (and a kmap kept for Cancel) holds in memory now. */
  memoryUse(): MemoryUse;
  /**
   * Loads a System.map or /proc/kallsyms and applies it to the loaded kmap
   * (and to any loaded later, until clearSymbols()). Replaces the previous
   * symbol file only when the new one parses. Resolution runs here, once per
   * distinct IP.
   */
  loadSymbols(source: SymbolSource): Promise<SymbolsResult>;
  clearSymbols(): void;
  /** The symbol file in use, with its resolution against the loaded kmap. */
  symbolsInfo(): SymbolsInfo;
  /**
   * Names of one field with their object counts in the whole file, most
   * objects first (ties by name): the first `limit` of those whose name
   * contains `query` as the page shows it (case-insensitive, after
   * query/shown-name.ts: "(empty)", ⟨U+202E⟩), and how many match in all. A file can have millions of
   * names: the page asks for a few hundred.
   */
  nameOptions(field: NameField, query?: string, limit?: number): NameList;
  /**
   * Filters and sorts; the result becomes the selection rows() reads. With
   * q.firstRows, the answer carries rows [0, firstRows) of it as rows() would
   * give them (one round trip for what a new filter or sort shows first).
   * In a loaded file of a million objects or more, a sort may answer with its
   * first rows while the rest is still being sorted between later answers:
   * rows() past them counts its window out of the keys (up to 4,096 rows, of
   * keys within 32 bits), and any other rows(), or positionOf(), waits for
   * the rest. What they give is the same either way.
   */
  query(q: ViewQuery): QueryResult;
  /** Totals over the objects the filter keeps. */
  totals(filter: ObjectFilter): FilteredTotals;
  /** The Breakdown view's groups (bytes descending, then key). */
  breakdown(filter: ObjectFilter, by: BreakdownKey): BreakdownRow[];
  /** Type -> cache -> alloc site cells of the filtered objects, biggest first (at most `limit`). */
  hierarchy(filter: ObjectFilter, limit: number): { cells: HierarchyCell[]; total: number };
  /** The Access-sites view's rows (reads + writes descending, then site). */
  sites(filter: ObjectFilter): SiteRow[];
  /** Every pid that accessed the filtered objects through one site, with task names (on demand: a hover or a detail). */
  siteDetail(filter: ObjectFilter, site: string): SiteDetail;
  /** Exactly what `kmap breakdown --by BY` / `kmap sites` print as CSV for the same filter and symbols. */
  breakdownCsv(filter: ObjectFilter, by: BreakdownKey): string;
  sitesCsv(filter: ObjectFilter): string;
  /**
   * The Lifetimes histogram of the filtered objects: the top `topGroups`
   * slab caches or types by objects (plus "other"), freed objects per
   * lifetime bucket, and the capture's whole index axis.
   */
  lifetimeChart(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number): LifetimeChart;
  /**
   * Live objects and bytes of the filtered objects over `range` ([start,
   * end) of the index axis; null: all of it) in at most `bins` bins, each
   * the maximum at any index in it, stacked by the same groups as
   * lifetimeChart. Every filter field applies, the index window included.
   */
  liveChart(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number, bins: number, range: [number, number] | null): LiveChart;
  /**
   * The filtered objects live somewhere in [start, end) (with the window in
   * the filter, all of them but those freed at their alloc index), one band
   * each, grouped as lifetimeChart groups them, when at most `limit` are;
   * else only their count.
   */
  windowBands(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number, start: number, end: number, limit: number): WindowBands;
  /** The access matrix's top rows and columns (with "other" and totals), every figure counted exactly. */
  matrix(filter: ObjectFilter, cols: MatrixColumnKind, maxRows: number, maxCols: number): MatrixView;
  /** Exactly what `kmap lifetimes --by BY`, `kmap live --bins N` and `kmap matrix --cols COLS` print for the same filter and symbols. */
  lifetimesCsv(filter: ObjectFilter, by: LifetimeGrouping): string;
  liveCsv(filter: ObjectFilter, bins: number): string;
  matrixCsv(filter: ObjectFilter, cols: MatrixColumnKind): string;
  /**
   * The filtered objects with their access lines as a kmap file (what
   * `kmap slice` prints for the same filter): variant E, or A for a variant-A
   * capture. Built here in chunks; the page saves it as a download.
   */
  kmapSlice(filter: ObjectFilter): Blob;
  /**
   * The whole loaded capture (no filter) as the Parquet dataset `kmap export
   * --parquet` writes (query/parquet-hyparquet.ts), under the capture name
   * `capture` (CAPTURE_NAME). Written block by block: each file goes to
   * onFile as soon as it is written (its bytes transferred), so the worker
   * holds the store and one block. Refused while a file loads. Ends early
   * (cancelled) on cancelExport(), and with an error when the file or the
   * symbols change meanwhile.
   */
  exportParquet(capture: string, onFile: (f: ParquetExportFile) => void, onProgress: (p: ParquetExportProgress) => void): Promise<ParquetExportResult>;
  /** Stops a running exportParquet() after the file it is writing. */
  cancelExport(): void;
  /** Data-quality counts of the filtered objects by slab cache or type (objects descending), and their sum. */
  quality(filter: ObjectFilter, by: LifetimeGrouping): { rows: QualityRow[]; total: QualityRow };
  /** Exactly what `kmap quality --by BY` prints for the same filter. */
  qualityCsv(filter: ObjectFilter, by: LifetimeGrouping): string;
  rows(start: number, count: number): ObjectRow[];
  /** Position of object idx in the current selection, or -1. */
  positionOf(idx: number): number;
  object(idx: number): ObjectRow | null;
  /**
   * One object's access lines (with function labels and the site key of
   * each), sorted here (ties in file order), at most `limit` of them (the
   * first of the sorted order): an object with millions of lines sends a
   * window, not all of them.
   */
  accesses(idx: number, sort: SortSpec<AccessColumn> | null, limit?: number): AccessRow[];
}
