// `kmap export FILE --parquet DIR [--symbols MAP] [--capture NAME]`: the
// loaded capture written as the Parquet dataset of docs/parquet-schema.md,
// with what was written (and the bad lines that were not) reported.

import path from 'node:path';
import { ParquetTables } from '../query/parquet-tables.ts';
import { captureNameOf } from '../query/parquet-schema.ts';
import type { QueryContext } from '../query/context.ts';
import { csvField } from '../query/csv.ts';
import type { CliArgs } from './args.ts';
import { exportParquet, partitionDir, type ExportProgress } from './parquet-export.ts';

const n = (x: number) => x.toLocaleString('en-US');

export async function runExport(args: CliArgs, ctx: QueryContext, write: (text: string) => Promise<void>): Promise<void> {
  const store = ctx.store;
  const capture = args.capture ?? captureNameOf(args.files[0], args.files.length === 2);
  const dir = args.parquet!;
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  const onProgress = (p: ExportProgress) => {
    const now = performance.now();
    if (!tty || now - lastDraw < 200) return;
    lastDraw = now;
    process.stderr.write(`\r\x1b[2Kkmap: writing ${p.table}: ${n(p.rowsDone)} of ${n(p.rows)} rows`);
  };
  const t0 = performance.now();
  let written;
  try {
    // --workers 1: one thread for the JS work; else the accesses are sorted in a thread of their own (from a million lines).
    written = await exportParquet(new ParquetTables(ctx), dir, capture, { onProgress, accessThread: args.workers === 1 ? false : undefined });
  } finally {
    if (tty) process.stderr.write('\r\x1b[2K');
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
  if (store.numBadLines > 0) {
    const first = store.badLines.slice(0, 5).map((b) => `  line ${b.lineNum}${b.file ? ` of ${b.file}` : ''}: ${b.reason}`);
    process.stderr.write(`kmap: ${n(store.numBadLines)} bad line${store.numBadLines === 1 ? ' was' : 's were'} not exported; the first:\n${first.join('\n')}\n`);
  }
}
