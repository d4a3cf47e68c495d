// `kmap export FILE --parquet DIR [--symbols MAP] [--capture NAME] [--slice-mb N]`:
// the capture written as the Parquet dataset of docs/parquet-schema.md, with
// what was written (and the bad lines that were not) reported.
//
// Two ways in, one dataset out:
// - whole: a plain kmap of at most one slice (N MB, default DEFAULT_SLICE_MB)
//   and the split CSV pair are loaded as every command loads them (a plain
//   file parsed in several threads), and the one store is written;
// - in slices: a bigger kmap, a gzip one (its text's size is not known
//   ahead) or a pipe is read in slices of about N MB (node/read-kmap-slices.ts),
//   and each slice's objects and accesses are written as soon as it is parsed,
//   then let go: memory follows the slice, not the file. The objects are the
//   same rows in the same order either way, the capmap the same rows
//   (query/parquet-capmap-merge.ts); the accesses are the same rows, sorted
//   by slab then access_fn within each slice (a file never spans two). A
//   capture of one slice is written exactly as the whole way writes it.
//   When the file's distinct names of one kind come near the cap on distinct
//   names (format/kmap-slicer.ts), the slices could differ from the whole
//   parse: a file is then exported again the whole way, and stderr says so;
//   a pipe, which cannot be read twice, fails with a message saying why.
//   Ctrl-C while the input is read stops its thread and unwinds at once; a
//   read pending on an idle pipe holds the process's exit until it returns.

import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isGzip } from '../format/gzip.ts';
import type { KmapSlice } from '../format/kmap-slicer.ts';
import { MAX_DISTINCT_NAMES } from '../format/name-cap.ts';
import { isStdinSocket } from '../node/input-handle.ts';
import { readKmapSlices } from '../node/read-kmap-slices.ts';
import { readKmapSlicesInThread } from '../node/slices-thread.ts';
import type { ReadProgress } from '../node/read-kmap-file.ts';
import { QueryContext } from '../query/context.ts';
import { csvField } from '../query/csv.ts';
import { CapmapMerge } from '../query/parquet-capmap-merge.ts';
import { captureNameOf } from '../query/parquet-schema.ts';
import { ParquetTables } from '../query/parquet-tables.ts';
import { allocIpsResolved, allocResolution, mismatchMessage, symbolsMismatch } from '../query/stats.ts';
import type { BadLine } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import type { SymbolTable } from '../symbols/symbol-map.ts';
import { UsageError, type CliArgs } from './args.ts';
import { ExportFailed, MAX_FILES, ParquetExport, exportParquet, partitionDir, type ExportProgress, type ExportResult } from './parquet-export.ts';
import { ProgressLine } from './progress.ts';

/**
 * MB of kmap text per slice by default (a plain kmap of at most this many is
 * exported whole). Measured on this 2-core machine (BENCHMARKS.md, "Export in
 * slices"): the 5 GB benchmark kmap took 35-39 s at peak RSS 1.1 GB in
 * slices of 256 MB, 42 s at 5.7 GB whole (49 s at 2.8 GB in slices of 1024 MB,
 * an earlier build); the 1 GB one 8.5 s at 1.1 GB in slices of 256 MB, 7.3 s
 * at 1.8 GB whole.
 */
export const DEFAULT_SLICE_MB = 256;

/** Bad lines quoted on stderr (their count is printed too). */
const QUOTED_BAD_LINES = 5;

const n = (x: number) => x.toLocaleString('en-US');

/** What the export reads its input with (src/cli/kmap.ts gives them). */
export interface ExportInputs {
  /** The capture loaded whole, as every command loads it (progress, warnings and the split pair's notes included). */
  whole(): Promise<QueryContext>;
  /** The --symbols table (null without); loaded before the kmap, so that a bad symbol file fails first. */
  symbols(): Promise<SymbolTable | null>;
  /** Which file an error from here on is about: the kmap while it is read, the dataset while it is written. */
  blame(file: string): void;
  /** The cap on distinct names the slices are parsed and checked under (default MAX_DISTINCT_NAMES; tests lower it). */
  readonly maxNames?: number;
}

/** What the report on stderr reads of the export's input. */
interface ExportedInput {
  readonly numBadLines: number;
  /** The first bad lines, numbered in the file. */
  readonly badLines: readonly BadLine[];
}

/** Whether the input is read in slices (a kmap, not the split pair, that is no plain file of at most one slice), and whether it is a regular file. */
async function inSlices(args: CliArgs, sliceBytes: number): Promise<{ sliced: boolean; regular: boolean; size: number }> {
  if (args.files.length !== 1) return { sliced: false, regular: true, size: 0 };
  const info = await stat(args.file);
  const at = { regular: info.isFile(), size: info.size };
  if (!info.isFile() || info.size > sliceBytes) return { sliced: true, ...at };
  const handle = await open(args.file, 'r');
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return { sliced: isGzip(magic.subarray(0, bytesRead)), ...at };
  } finally {
    await handle.close();
  }
}

export async function runExport(args: CliArgs, inputs: ExportInputs, write: (text: string) => Promise<void>): Promise<void> {
  const capture = args.capture ?? captureNameOf(args.files[0], args.files.length === 2);
  const dir = args.parquet!;
  const sliceBytes = (args.sliceMb ?? DEFAULT_SLICE_MB) * 1e6;
  const tty = process.stderr.isTTY === true;
  const t0 = performance.now();
  inputs.blame(args.file);
  const input0 = await inSlices(args, sliceBytes);
  // Each slice starts files of its own: a plain kmap that would pass the names' five digits is refused before any work.
  if (input0.sliced && input0.regular && input0.size / sliceBytes >= MAX_FILES - 1) {
    throw new UsageError(`--slice-mb ${args.sliceMb ?? DEFAULT_SLICE_MB} cuts ${args.file} into more slices than a table may have files (${n(MAX_FILES)}): give a larger --slice-mb`);
  }
  const sliced = input0.sliced ? await exportInSlices(args, inputs, capture, sliceBytes, input0.regular) : null;
  let written: ExportResult;
  let input: ExportedInput;
  if (sliced) {
    ({ written, input } = sliced);
  } else {
    const ctx = await inputs.whole();
    inputs.blame(dir); // a file system error now is about the dataset folder
    let lastDraw = 0;
    const onProgress = (p: ExportProgress) => {
      const now = performance.now();
      if (!tty || now - lastDraw < 200) return;
      lastDraw = now;
      process.stderr.write(`\r\x1b[2Kkmap: writing ${p.table}: ${n(p.rowsDone)} of ${n(p.rows)} rows`);
    };
    try {
      // --workers 1: one thread for the JS work; else the accesses are sorted in a thread of their own (from a million lines).
      written = await exportParquet(new ParquetTables(ctx), dir, capture, { onProgress, accessThread: args.workers === 1 ? false : undefined });
    } finally {
      if (tty) process.stderr.write('\r\x1b[2K');
    }
    input = ctx.store;
  }
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const lines = [`table,rows,files,bytes,folder`];
  for (const t of written.tables) lines.push(`${t.table},${t.rows},${t.files},${t.bytes},${csvField(partitionDir(dir, t.table, capture))}`);
  await write(lines.join('\n') + '\n');
  process.stderr.write(`kmap: wrote capture ${capture} to ${path.resolve(dir)} in ${seconds} s${written.replaced ? ' (it replaced the capture of that name)' : ''}\n`);
  if (written.wrappedSums > 0) {
    process.stderr.write(
      `kmap: note: ${n(written.wrappedSums)} sum${written.wrappedSums === 1 ? '' : 's'} of reads or writes passed 2^64 - 1 and ${written.wrappedSums === 1 ? 'was' : 'were'} written as ${written.wrappedSums === 1 ? 'its' : 'their'} low 64 bits (kmap stats has the exact totals).\n`,
    );
  }
  if (input.numBadLines > 0) {
    const first = input.badLines.slice(0, QUOTED_BAD_LINES).map((b) => `  line ${b.lineNum}${b.file ? ` of ${b.file}` : ''}: ${b.reason}`);
    process.stderr.write(`kmap: ${n(input.numBadLines)} bad line${input.numBadLines === 1 ? ' was' : 's were'} not exported; the first:\n${first.join('\n')}\n`);
  }
}

/**
 * The kmap read and written slice by slice (see the header); null when the
 * slices may differ from the whole parse (nothing of them is left in the
 * dataset then, and the caller exports the whole way).
 */
async function exportInSlices(
  args: CliArgs,
  inputs: ExportInputs,
  capture: string,
  sliceBytes: number,
  /** The input is a regular file, which can be read again (a pipe cannot). */
  regular: boolean,
): Promise<{ written: ExportResult; input: ExportedInput } | null> {
  const table = await inputs.symbols();
  inputs.blame(args.file);
  const progress = new ProgressLine(process.stderr, args.file);
  let read: ReadProgress = { bytesRead: 0, totalBytes: 0, objects: 0, accessLines: 0 };
  let writing = '';
  const draw = () => progress.update(read, { verb: 'exporting', tail: writing });
  const badLines: BadLine[] = [];
  let numBadLines = 0;
  const merge = new CapmapMerge();
  // The distinct allocating IPs of all the slices, for the symbol file's check (as the whole export makes it).
  const allocIps = new Map<bigint, boolean>();
  // Opened at the first slice, so that a file that fails before it leaves no folder behind.
  let out: ParquetExport | null = null;
  const stop = new AbortController();
  try {
    const onSlice = async (slice: KmapSlice) => {
      const store = slice.store;
      const ctx = new QueryContext(store, table ? new IpSymbols(table, store.ips) : null);
      if (table) allocIpsResolved(ctx, allocIps);
      numBadLines += store.numBadLines;
      for (const b of store.badLines) if (badLines.length < QUOTED_BAD_LINES) badLines.push({ ...b, lineNum: b.lineNum + slice.linesBefore });
      inputs.blame(args.parquet!);
      out ??= await ParquetExport.open(args.parquet!, capture, {
        onProgress: (p: ExportProgress) => {
          writing = `writing ${p.table} (${n(p.rowsBefore + p.rowsDone)} rows)`;
          draw();
        },
        onInterrupt: (e) => stop.abort(e),
      });
      const tables = new ParquetTables(ctx, undefined, slice.objectsBefore);
      // The accesses are sorted here: the next slice's parse already runs beside this slice's writing. (With
      // their own thread too, on this 2-core machine: 8.08-8.33 s against 7.84-8.25 s for the 1 GB benchmark
      // kmap, 3 interleaved rounds, and 0.8 CPU-s and about 100 MB more.)
      const { capmap } = await out.writeRows(tables, { accessThread: false });
      merge.add(capmap, tables.capmapSums(), tables.capmapWrappedSums);
      writing = '';
      inputs.blame(args.file);
    };
    const readOptions = {
      sliceBytes,
      maxNames: inputs.maxNames,
      signal: stop.signal,
      onProgress: (p: ReadProgress) => {
        read = p;
        out?.throwIfInterrupted();
        draw();
      },
    };
    // The next slice is parsed in a thread of its own while this one is written; --workers 1, or a standard input
    // that is a socket (only this thread can read it: ../node/input-handle.ts): one after the other, here.
    const inThread = args.workers !== 1 && availableParallelism() > 1 && !isStdinSocket(args.file);
    const got = inThread ? await readKmapSlicesInThread(args.file, readOptions, onSlice) : await readKmapSlices(args.file, readOptions, onSlice);
    progress.done();
    const exporting: ParquetExport = out!;
    exporting.throwIfInterrupted();
    if (got.namesNearCap) {
      const near = `its slices hold nearly ${n(inputs.maxNames ?? MAX_DISTINCT_NAMES)} distinct names of one kind (commands, slab caches or alloc types), so it must be exported in one piece`;
      if (!regular) throw new ExportFailed(`${near}, and a pipe cannot be read twice: save it to a file and export that.`);
      process.stderr.write(`kmap: note: ${args.file}: ${near}: exporting it again that way.\n`);
      exporting.throwIfInterrupted();
      return null;
    }
    if (table && args.symbols !== null) {
      const r = allocResolution(allocIps);
      if (symbolsMismatch(r)) process.stderr.write(`kmap: warning: ${mismatchMessage(args.symbols, r)}\n`);
    }
    inputs.blame(args.parquet!);
    const capmap = merge.result();
    await exporting.writeCapmap(capmap.block, capmap.wrapped);
    return { written: await exporting.commit(), input: { numBadLines, badLines } };
  } finally {
    progress.done();
    await (out as ParquetExport | null)?.close();
  }
}
