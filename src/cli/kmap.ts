// The kmap command line: the same parser and queries as the dashboard
// (src/query/), for scripts and for files too big for a browser tab.
//
//   kmap stats     FILE [FILTERS] [--symbols MAP] [--json]
//   kmap breakdown FILE --by type|slab|command|pid|site [FILTERS] [--symbols MAP] [--json]
//   kmap sites     FILE [FILTERS] [--symbols MAP] [--json]
//   kmap lifetimes FILE [FILTERS] [--by slab|type] [--json]
//   kmap live      FILE [FILTERS] --bins N [--json]
//   kmap matrix    FILE [FILTERS] [--symbols MAP] --cols slab|type [--json]
//   kmap quality   FILE [FILTERS] [--by slab|type] [--json]
//   kmap slice     FILE [FILTERS] [--symbols MAP]
//   kmap dump      FILE [--symbols MAP]
//   kmap export    FILE --parquet DIR [--symbols MAP] [--capture NAME] [--slice-mb N]
//   kmap query     DIR "SQL"|- [--json]
//
// FILE is a kmap, or the two files of Memorizer's split CSV pair
// (allocations and accesses, in either order): every command reads them as
// the equivalent kmap (node/read-split-csv.ts). A kmap may be
// gzip-compressed (src/node/read-kmap-file.ts decompresses a file that
// starts with gzip's magic number while it streams).
//
// Output contracts (README.md, "Command line"): the table commands print
// CSV with a header (query/csv.ts, the same function the dashboard's
// "Download CSV" uses), or with --json an array of objects with the same
// keys. Diagnostics go to stderr; exit 2 for usage, 1 for unreadable input.

import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { KmapFormatError } from '../format/sniff.ts';
import { readKmapFile } from '../node/read-kmap-file.ts';
import { readSplitCsvFiles, splitPairOf } from '../node/read-split-csv.ts';
import { breakdown } from '../query/breakdown.ts';
import { QueryContext } from '../query/context.ts';
import { breakdownCsv, breakdownJson, columnsJson, jsonText, lifetimesCsv, liveCsv, matrixCsv, qualityCsv, sitesCsv, sitesJson } from '../query/csv.ts';
import { QUALITY_CSV_COLUMNS, qualityRows } from '../query/quality.ts';
import { filterObjects } from '../query/filter.ts';
import { lifetimeHistogram } from '../query/lifetimes.ts';
import { liveBins } from '../query/live-series.ts';
import { kmapSliceChunks } from '../query/kmap-slice.ts';
import { matrixRows } from '../query/matrix.ts';
import { dumpLine } from '../query/dump.ts';
import { accessSites } from '../query/sites.ts';
import { filteredStatsJson, mismatchMessage, resolution, symbolsMismatch } from '../query/stats.ts';
import { statsJson, summarize } from '../query/summary.ts';
import { LIFETIME_CSV_COLUMNS, LIVE_CSV_COLUMNS, MATRIX_CSV_COLUMNS, QUALITY_FLAGS, type LifetimeGrouping } from '../query/types.ts';
import { LAYOUTS } from '../format/variants.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap, SymbolFormatError, type SymbolTable } from '../symbols/symbol-map.ts';
import { parseArgs, UsageError, type CliArgs } from './args.ts';
import { DEFAULT_SLICE_MB, runExport } from './export-command.ts';
import { ExportFailed, ExportInterrupted } from './parquet-export.ts';
import { QueryError, runQuery } from './query-command.ts';
import { ProgressLine } from './progress.ts';
import { readable, terminalSafe } from './readable.ts';

const USAGE = `usage: kmap stats     FILE [FILTERS] [--symbols MAP] [--json]
       kmap breakdown FILE --by type|slab|command|pid|site [FILTERS] [--symbols MAP] [--json]
       kmap sites     FILE [FILTERS] [--symbols MAP] [--json]
       kmap lifetimes FILE [FILTERS] [--by slab|type] [--json]
       kmap live      FILE [FILTERS] --bins N [--json]
       kmap matrix    FILE [FILTERS] [--symbols MAP] --cols slab|type [--json]
       kmap quality   FILE [FILTERS] [--by slab|type] [--json]
       kmap slice     FILE [FILTERS] [--symbols MAP]
       kmap dump      FILE [--symbols MAP]
       kmap export    FILE --parquet DIR [--symbols MAP] [--capture NAME] [--slice-mb N]
       kmap query     DIR "SQL"|- [--json]
  stats      totals, counts by slab cache, type and command, the first bad lines
             (--json: exactly one JSON object; with filters, of the filtered objects)
  breakdown  the filtered objects grouped: key,objects,live,bytes,liveBytes,accessLines,reads,writes
             (CSV sorted by bytes, then key)
  sites      the filtered objects' access lines by accessing function (or IP):
             site,reads,writes,accessLines,objects,pids (CSV sorted by reads + writes, then site)
  lifetimes  freed objects by lifetime (free index - alloc index) in buckets [0,1), [2^k,2^(k+1)):
             group,bucketLow,bucketHigh,objects,bytes (sorted by group, then bucketLow; --by default slab)
  live       the capture's index range [min alloc index, max index + 1) in N bins, each with the most
             filtered objects and bytes live at one index in it: binStart,binEnd,maxLiveObjects,maxLiveBytes
  matrix     access lines by (accessing function or IP, the object's slab cache or type):
             site,column,reads,writes,accessLines,objects (sorted by reads + writes, site, column)
  quality    data-quality counts by slab cache (default) or type:
             ${QUALITY_CSV_COLUMNS.join(',')}
             (sorted by objects, then group)
  slice      the filtered objects with their access lines as a kmap (variant E; A stays A), to share a part
  dump       every object with its accesses as JSON, one object per line (NDJSON)
  export     the capture as Parquet tables objects, accesses and capmap under DIR/TABLE/capture=NAME/
             (NAME: --capture, default the file's name; docs/parquet-schema.md); prints table,rows,files,bytes,folder.
             A kmap of more than N MB (--slice-mb, default ${DEFAULT_SLICE_MB}), a gzip one or a pipe is read and
             written in slices of about N MB, so memory follows N, not the file; the accesses are then
             sorted within each slice
  query      SQL (DuckDB) over a folder written by export: views objects, accesses, capmap (column capture
             from the folders); - reads the SQL from stdin; prints CSV with a header, or --json
FILTERS (repeat a flag for OR; different flags AND):
  --slab NAME  --type NAME  --command NAME  --pid N (allocating pid; --pid=-1 works)
  --live | --freed   --no-sentinels (hide alloc IP 0, UFO type codes, feedbeef)
  --min-size N  --max-size N  --other-tasks (objects, and in sites lines, of tasks other than the allocating one)
  --search TEXT (the dashboard's search: comm:ls slab:dentry fn:d_alloc ip:HEX addr:HEX pid:N words)
  --flag ${QUALITY_FLAGS.join('|')}
    (objects with that data-quality flag; kmap quality counts them)
  --window START-END (an index window, END not included) with --window-meaning allocated (default:
    allocated in it) | liveAtEnd (live at index END - 1) | survived (allocated in it, not freed in it)
--symbols MAP: a System.map or /proc/kallsyms; sites and alloc sites become function names.
--workers N: threads that parse a kmap of 16 MB or more (default: one per core, at least 2; 1 reads
  in one thread, and export then also sorts the access lines, or parses its slices, in it; on more
  than one core, export in slices parses the next slice in one thread beside the writing, whatever N
  above 1). Every command that reads a kmap takes it; the output is the same.
FILE: a kmap, or two files: Memorizer's split CSV pair (allocations and accesses, in either order),
  read as the equivalent kmap: kmap stats allocations accesses.
A kmap may be gzip-compressed (.gz, known by its first bytes), decompressed as it is read.`;

/** Parsing threads when --workers is not given: one per core, at least 2 (a kmap parse is one core's work per thread). */
function defaultWorkers(): number {
  return Math.max(2, availableParallelism());
}

/** The file an error is about, for the one-line message ('' when the message names it: the split pair's). */
let currentFile = '';

async function loadSymbols(path: string): Promise<SymbolTable> {
  currentFile = path;
  const text = await readFile(path, 'utf8');
  return parseSymbolMap(text);
}

/**
 * The commands answered from each object's own figures (its line count and
 * the sums of its lines' reads and writes), never from a line's IP or pid:
 * they read a kmap with its access lines folded into per-object sums as they
 * are parsed (AccessFold.sumsOnly), not kept: about 2 bytes a line where the kept lines take 12.
 * Not with --symbols, whose check of how many access IPs resolve reads each
 * line's IP (query/stats.ts, resolution).
 */
const SUMS_ONLY_COMMANDS: ReadonlySet<string> = new Set(['stats', 'breakdown', 'lifetimes', 'live', 'quality']);

function readsSumsOnly(args: CliArgs): boolean {
  return SUMS_ONLY_COMMANDS.has(args.command) && args.symbols === null;
}

async function load(args: CliArgs): Promise<{ store: KmapStore; ctx: QueryContext; threads: number }> {
  // Symbols first: a bad symbol file fails before a long parse.
  const table = args.symbols !== null ? await loadSymbols(args.symbols) : null;
  currentFile = args.file;
  const pair = args.files.length === 2 ? await splitPairOf([args.files[0], args.files[1]], (f) => (currentFile = f)) : null;
  if (pair) currentFile = '';
  const progress = new ProgressLine(process.stderr, args.file);
  let store: KmapStore;
  let threads = 1;
  try {
    store = pair
      ? await readSplitCsvFiles(pair, { onProgress: (p) => progress.update(p) })
      : await readKmapFile(args.file, {
          onProgress: (p) => progress.update(p), workers: args.workers ?? defaultWorkers(), onThreads: (n) => (threads = n), sumsOnly: readsSumsOnly(args),
        });
  } finally {
    progress.done();
  }
  if (store.split) noteSplitJoin(store);
  const ctx = new QueryContext(store, table ? new IpSymbols(table, store.ips) : null);
  if (args.symbols !== null) {
    const r = resolution(ctx, null);
    if (symbolsMismatch(r)) process.stderr.write(`kmap: warning: ${mismatchMessage(args.symbols, r)}\n`);
  }
  return { store, ctx, threads };
}

async function write(raw: string): Promise<void> {
  const text = process.stdout.isTTY ? terminalSafe(raw) : raw;
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  const args = parseArgs(argv);
  // A slice is a kmap file, byte for byte (names with any bytes): for a file or a pipe, never a terminal.
  if (args.command === 'slice' && process.stdout.isTTY) throw new UsageError('slice writes a kmap file: send it to a file (kmap slice FILE ... > part.kmap) or a pipe');
  if (args.command === 'query') {
    await runQuery(args.file, args.sql!, args.json, write);
    return 0;
  }
  if (args.command === 'export') {
    await runExport(args, { whole: async () => (await load(args)).ctx, symbols: async () => (args.symbols !== null ? await loadSymbols(args.symbols) : null), blame: (f) => (currentFile = f) }, write);
    return 0;
  }
  const t0 = performance.now();
  const { store, ctx, threads } = await load(args);
  switch (args.command) {
    case 'stats': {
      const summary = summarize(store);
      const indices = args.filtered ? filterObjects(ctx, args.filter).indices : null;
      reportFilterProblems(ctx, args);
      if (args.json) {
        const base = indices ? filteredStatsJson(ctx, indices, summary) : statsJson(summary);
        const extra = args.symbols !== null ? resolution(ctx, indices) : null;
        const json = extra ? { ...base, allocResolved: extra.allocResolved, accessResolved: extra.accessResolved } : base;
        await write(jsonText(json) + '\n');
      } else {
        const filtered = indices ? filteredStatsJson(ctx, indices, summary) : null;
        const res = args.symbols !== null ? resolution(ctx, indices) : null;
        await write(readable(args.file, summary, filtered, res, (performance.now() - t0) / 1000, threads) + '\n');
      }
      return 0;
    }
    case 'breakdown': {
      const indices = filterObjects(ctx, args.filter).indices;
      reportFilterProblems(ctx, args);
      const rows = breakdown(ctx, indices, args.by!);
      await write(args.json ? breakdownJson(rows) : breakdownCsv(rows, args.by!));
      return 0;
    }
    case 'sites': {
      const indices = filterObjects(ctx, args.filter).indices;
      reportFilterProblems(ctx, args);
      const rows = accessSites(ctx, indices, args.filter.otherTasks);
      await write(args.json ? sitesJson(rows) : sitesCsv(rows));
      return 0;
    }
    case 'lifetimes': {
      const indices = filterObjects(ctx, args.filter).indices;
      reportFilterProblems(ctx, args);
      noteNoIndices(store, args);
      const h = lifetimeHistogram(ctx, indices, args.by as LifetimeGrouping);
      if (h.inconsistent > 0) {
        process.stderr.write(`kmap: note: ${h.inconsistent} freed object${h.inconsistent === 1 ? ' has' : 's have'} a free index below the alloc index; left out.\n`);
      }
      await write(args.json ? columnsJson(LIFETIME_CSV_COLUMNS, h.rows) : lifetimesCsv(h.rows));
      return 0;
    }
    case 'live': {
      const indices = filterObjects(ctx, args.filter).indices;
      reportFilterProblems(ctx, args);
      noteNoIndices(store, args);
      const bins = liveBins(ctx, indices, args.bins!);
      await write(args.json ? columnsJson(LIVE_CSV_COLUMNS, bins) : liveCsv(bins));
      return 0;
    }
    case 'matrix': {
      const indices = filterObjects(ctx, args.filter).indices;
      reportFilterProblems(ctx, args);
      const rows = matrixRows(ctx, indices, args.cols!, args.filter.otherTasks);
      await write(args.json ? columnsJson(MATRIX_CSV_COLUMNS, rows) : matrixCsv(rows));
      return 0;
    }
    case 'quality': {
      const indices = filterObjects(ctx, args.filter).indices;
      reportFilterProblems(ctx, args);
      const { rows } = qualityRows(ctx, indices, args.by as LifetimeGrouping);
      await write(args.json ? columnsJson(QUALITY_CSV_COLUMNS, rows) : qualityCsv(rows));
      return 0;
    }
    case 'slice': {
      const indices = filterObjects(ctx, args.filter).indices;
      reportFilterProblems(ctx, args);
      for (const chunk of kmapSliceChunks(store, indices)) {
        if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
      return 0;
    }
    case 'dump':
      await writeDump(store, args.symbols !== null ? ctx : null);
      return 0;
  }
  throw new UsageError(`unknown command ${JSON.stringify(args.command)}`);
}

/** Names the filter asks for that the file lacks, and unreadable search terms: on stderr, output unchanged. */
function reportFilterProblems(ctx: QueryContext, args: CliArgs): void {
  const r = filterObjects(ctx, args.filter);
  for (const name of r.unknownNames) process.stderr.write(`kmap: note: ${args.file} has no ${name}; it matches no object.\n`);
  for (const e of r.searchErrors) process.stderr.write(`kmap: note: ${e}\n`);
}

/** What the join of the split pair could not decide, on stderr (docs/kmap-format.md, "The split CSV files"). */
function noteSplitJoin(store: KmapStore): void {
  const s = store.split!;
  const n = (x: number) => x.toLocaleString('en-US');
  if (s.ambiguousRows > 0) {
    process.stderr.write(
      `kmap: note: ${n(s.ambiguousRows)} access row${s.ambiguousRows === 1 ? '' : 's'} of ${s.accesses} name${s.ambiguousRows === 1 ? 's' : ''} an alloc_index that several objects share ` +
        `(${n(s.ambiguousIndices)} such index${s.ambiguousIndices === 1 ? '' : 'es'}); each went to one of them by the walk order rule of docs/kmap-format.md ("The split CSV files").\n`,
    );
  }
  if (s.orphanRows > 0) {
    process.stderr.write(`kmap: note: ${n(s.orphanRows)} access row${s.orphanRows === 1 ? '' : 's'} of ${s.accesses} match${s.orphanRows === 1 ? 'es' : ''} no object of ${s.allocations}; counted as bad lines.\n`);
  }
}

/** Variant A has no alloc or free indices: lifetimes and live bins are empty, said on stderr. */
function noteNoIndices(store: KmapStore, args: CliArgs): void {
  if (store.variant && !LAYOUTS[store.variant].hasIndices) {
    process.stderr.write(`kmap: note: ${args.file} is format ${store.variant}, which has no alloc or free indices; ${args.command} has no rows.\n`);
  }
}

async function writeDump(store: KmapStore, ctx: QueryContext | null): Promise<void> {
  let batch: string[] = [];
  const flush = async () => {
    const text = batch.join('');
    batch = [];
    await write(text);
  };
  for (let i = 0; i < store.numObjects; i++) {
    batch.push(dumpLine(store, i, ctx));
    if (batch.length >= 4096) await flush();
  }
  await flush();
}

/** A file system error in words (the path is printed before it). */
function fsErrorText(err: { code: string; message?: unknown }): string {
  const words: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'is a directory, not a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a part of the path is not a directory',
    ENXIO: 'cannot be opened by its path (a socket?): save it to a file and give that',
  };
  return words[err.code] ?? String(err.message ?? err.code);
}

// A reader that stops early (`kmap dump FILE | head`) closes the pipe: stop
// quietly, as other command-line tools do, instead of a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// In the bundle, the parsing threads load this same file (node/parallel-read.ts): only the main thread runs the command.
if (isMainThread) main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // An error may quote a file name or a field of the file: escaped on a terminal.
    const say = (text: string) => process.stderr.write(process.stderr.isTTY ? terminalSafe(text) : text);
    if (err instanceof UsageError) {
      process.stderr.write(`kmap: ${err.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof ExportFailed) {
      say(`kmap: ${currentFile ? `${currentFile}: ` : ''}${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof ExportInterrupted) {
      process.stderr.write(`kmap: export ${err.message}\n`);
      // Cleaned up by now: ended by the signal itself, as an interrupted program is (a shell sees 130 or 143).
      // An exit (the exit code set, or process.exit(), tried) waited on a FIFO left idle until the read blocked
      // on it returned; the signal does not.
      process.removeAllListeners(err.signal);
      process.kill(process.pid, err.signal);
    } else if (err instanceof QueryError) {
      say(`kmap: query: ${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof KmapFormatError || err instanceof SymbolFormatError) {
      say(currentFile ? `kmap: ${currentFile}: ${err.message}\n` : `kmap: ${err.message}\n`);
      process.exitCode = 1;
    } else if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
      say(`kmap: ${currentFile ? `${currentFile}: ` : ''}${fsErrorText(err as { code: string; message?: unknown })}\n`);
      process.exitCode = 1;
    } else {
      throw err;
    }
  },
);
