// The Parquet export of the loaded capture (KmapWorkerApi.exportParquet): the
// files of query/parquet-hyparquet.ts, one block at a time, each handed to
// `send` as soon as it is written (the worker then drops it: the page holds
// the output), with progress in rows per table.
//
// Between two files the loop yields to the worker's message queue, so that
// cancelExport() (and any query) is heard: a cancel stops the export before
// the next block is built. One block (2^20 rows, about 2 s of writing for
// the accesses table) is the longest a cancel waits. The caller says whether
// the export was cancelled, or the data changed under it (a new file opened,
// symbols loaded or cleared), which ends it with nothing more sent.

import { parquetFiles } from '../src/query/parquet-hyparquet.ts';
import { ParquetTables } from '../src/query/parquet-tables.ts';
import { CAPTURE_NAME, CAPTURE_NAME_RULE } from '../src/query/parquet-schema.ts';
import type { QueryContext } from '../src/query/context.ts';
import type { ParquetExportFile, ParquetExportProgress, ParquetExportResult } from '../src/worker-api.ts';

export interface ExportHooks {
  /** Why the export must stop now, or null to go on. */
  interrupted(): 'cancelled' | 'changed' | null;
  /** Hands one file over (the bytes are not used here afterwards). */
  send(file: ParquetExportFile): void | Promise<void>;
  onProgress(p: ParquetExportProgress): void;
  /** Rows per file (tests); default the CLI's 2^20. */
  blockRows?: number;
}

/** The sentence for a capture name that cannot name a partition folder, or null. */
export function captureNameProblem(capture: string): string | null {
  if (CAPTURE_NAME.test(capture)) return null;
  return `A capture name is ${CAPTURE_NAME_RULE}.`;
}

/**
 * Working memory the export takes in this worker besides the store: the
 * accesses' sort (a line's position, object and key: 16 bytes a line while it
 * sorts) and one block being written: about 200 bytes a row, counted from
 * its columns (60-120 bytes of typed arrays, 8 per string reference and per
 * dictionary index in hyparquet-writer, the encoded file), not measured.
 */
export function exportWorkingBytes(numObjects: number, numAccesses: number, blockRows = 1 << 20): number {
  return numAccesses * 16 + Math.min(blockRows, Math.max(numObjects, numAccesses)) * 200;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function exportCapture(ctx: QueryContext, capture: string, hooks: ExportHooks): Promise<ParquetExportResult> {
  const problem = captureNameProblem(capture);
  if (problem) return { ok: false, cancelled: false, error: problem };
  const t0 = performance.now();
  let files = 0;
  let bytes = 0;
  const stopped = (why: 'cancelled' | 'changed'): ParquetExportResult =>
    why === 'cancelled'
      ? { ok: false, cancelled: true, error: 'The Parquet export was cancelled.' }
      : { ok: false, cancelled: false, error: 'The loaded file or its symbols changed while the Parquet files were written; export again.' };
  const written = parquetFiles(new ParquetTables(ctx), capture, { blockRows: hooks.blockRows });
  try {
    for (;;) {
      await nextTask();
      const why = hooks.interrupted();
      if (why) return stopped(why);
      const step = written.next();
      if (step.done) break;
      const { file, progress } = step.value;
      files++;
      bytes += file.bytes.byteLength;
      await hooks.send({ path: file.path, bytes: file.bytes });
      hooks.onProgress(progress);
    }
  } catch (err) {
    return { ok: false, cancelled: false, error: `The Parquet files could not be written (${err instanceof Error ? err.message : String(err)}).` };
  } finally {
    written.return(undefined);
  }
  return { ok: true, files, bytes, seconds: (performance.now() - t0) / 1000 };
}
