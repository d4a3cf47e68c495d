// The parallel parse in the CLI: a kmap file cut into byte ranges at object
// lines (format/ranges.ts). This thread parses the first range; one worker
// thread per further range reads its own range with positional reads and
// parses it into a store of its own, sent back as transferable columns
// (store/store-parts.ts) and appended, in file order, to the first range's
// store: the store the single parse gives. (The data worker in the page does
// the same: workers/parallel-load.ts.)
//
// This module is also the workers' entry: a thread started with
// `workerData.kmapRange` parses that range and posts the part (what the
// thread loads: ./thread-entry.ts).
//
// readKmapFileInRanges() returns null whenever the single parse must decide
// (a head that does not name a variant, a file that offers no cut, a stitch
// that cannot promise the single parse's result): the caller parses in one
// piece then, so every error and edge case keeps one implementation.

import { open, type FileHandle } from 'node:fs/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { appendRanges, planFile, rangeParser, type FilePlan } from '../format/ranges.ts';
import type { Variant } from '../format/variants.ts';
import { reserveForBytes, type KmapStore } from '../store/kmap-store.ts';
import { storeToPart, transferList, type StorePart } from '../store/store-parts.ts';
import { chunksAhead } from './chunks-ahead.ts';
import type { ReadProgress } from './read-kmap-file.ts';
import { threadEntry } from './thread-entry.ts';

/** One range for a worker: [start, end) of the file at `path`. */
interface RangeJob {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly variant: Variant;
  readonly chunkBytes: number;
  /** Fold the access lines into per-object sums alone (ParserOptions.sumsOnly), as the first range does. */
  readonly sumsOnly: boolean;
}

type FromWorker =
  | { readonly type: 'progress'; readonly bytes: number; readonly objects: number; readonly accessLines: number }
  | { readonly type: 'done'; readonly part: StorePart }
  | { readonly type: 'error'; readonly message: string; readonly name: string };

async function parseRangeInThread(job: RangeJob, post: (m: FromWorker, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const handle = await open(job.path, 'r');
  try {
    const parser = rangeParser(job.variant, false, { sumsOnly: job.sumsOnly });
    for await (const chunk of chunksAhead(handle, job.start, job.end, job.chunkBytes)) {
      const start = parser.bytesIn === 0;
      parser.push(chunk);
      if (start) reserveForBytes(parser.store, chunk.length, job.end - job.start);
      post({ type: 'progress', bytes: parser.bytesIn, objects: parser.store.numObjects, accessLines: parser.store.numAccesses });
    }
    const part = storeToPart(parser.finish(), parser.linesRead);
    post({ type: 'done', part }, transferList(part));
  } finally {
    await handle.close();
  }
}

if (!isMainThread && parentPort && (workerData as { kmapRange?: RangeJob } | null)?.kmapRange) {
  const port = parentPort;
  const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  parseRangeInThread((workerData as { kmapRange: RangeJob }).kmapRange, post).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', message: e.message, name: e.name });
  });
}

/** Reads up to `length` bytes at `from` (fewer at the file's end). */
async function readAt(handle: FileHandle, from: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let at = 0;
  while (at < length) {
    const { bytesRead } = await handle.read(buf, at, length - at, from + at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return buf.subarray(0, at);
}

export interface ParallelReadOptions {
  readonly workers: number;
  readonly chunkBytes: number;
  readonly onProgress?: (p: ReadProgress) => void;
  /** Fold the access lines into per-object sums alone (ParserOptions.sumsOnly). */
  readonly sumsOnly?: boolean;
  /**
   * What the threads run: this module (the default), or a bundle holding it
   * (the tests pass the CLI bundle, since a thread cannot load TypeScript).
   */
  readonly threadUrl?: URL;
}

/**
 * Parses the file at `path` (`size` bytes, not gzip) in `workers` threads;
 * null when it must be parsed in one piece instead (see the header).
 */
export async function readKmapFileInRanges(path: string, size: number, options: ParallelReadOptions): Promise<{ store: KmapStore; threads: number } | null> {
  const handle = await open(path, 'r');
  let plan: FilePlan | null;
  try {
    plan = await planFile(size, options.workers, (from, length) => readAt(handle, from, length));
  } finally {
    await handle.close();
  }
  if (!plan) return null;
  const { starts, variant } = plan;
  // This thread parses the first range; a worker thread each of the others.
  const jobs: RangeJob[] = starts.slice(1).map((start, k) => ({
    path, start, end: starts[k + 2] ?? size, variant, chunkBytes: options.chunkBytes, sumsOnly: options.sumsOnly ?? false,
  }));
  const thread = options.threadUrl ? { url: options.threadUrl, done: () => {} } : await threadEntry(import.meta.url);
  try {
    const first = rangeParser(variant, true, { sumsOnly: options.sumsOnly });
    const report = (others: ReadProgress) =>
      options.onProgress?.({
        bytesRead: first.bytesIn + others.bytesRead, totalBytes: size,
        objects: first.store.numObjects + others.objects, accessLines: first.store.numAccesses + others.accessLines,
      });
    let others: ReadProgress = { bytesRead: 0, totalBytes: size, objects: 0, accessLines: 0 };
    const workers = runJobs(jobs, thread.url, (p) => report((others = p)), size);
    // Should the first range fail, the workers are stopped, and their failure (if any) is not an unhandled one.
    workers.parts.catch(() => {});
    try {
      const handle = await open(path, 'r');
      try {
        for await (const chunk of chunksAhead(handle, 0, starts[1], options.chunkBytes)) {
          const start = first.bytesIn === 0;
          first.push(chunk);
          if (start) reserveForBytes(first.store, chunk.length, size);
          report(others);
        }
      } finally {
        await handle.close();
      }
      first.finish();
    } catch (err) {
      workers.stop();
      throw err;
    }
    return appendRanges(first, await workers.parts) ? { store: first.store, threads: starts.length } : null;
  } finally {
    thread.done();
  }
}

/** The jobs, one worker thread each: their parts in job order; stop() ends them all. */
function runJobs(jobs: readonly RangeJob[], threadUrl: URL, onProgress: (p: ReadProgress) => void, size: number): { parts: Promise<StorePart[]>; stop(): void } {
  const parts: (StorePart | null)[] = jobs.map(() => null);
  const progress = jobs.map(() => ({ bytes: 0, objects: 0, accessLines: 0 }));
  const workers: Worker[] = [];
  const stop = () => {
    for (const w of workers) void w.terminate();
  };
  const all = new Promise<StorePart[]>((resolve, reject) => {
    let left = jobs.length;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      stop();
      reject(err);
    };
    jobs.forEach((job, k) => {
      const worker = new Worker(threadUrl, { workerData: { kmapRange: job } });
      workers.push(worker);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'progress') {
          progress[k] = m;
          const sum = progress.reduce((s, p) => ({ bytes: s.bytes + p.bytes, objects: s.objects + p.objects, accessLines: s.accessLines + p.accessLines }));
          onProgress({ bytesRead: sum.bytes, totalBytes: size, objects: sum.objects, accessLines: sum.accessLines });
        } else if (m.type === 'done') {
          parts[k] = m.part;
          void worker.terminate();
          if (--left === 0) resolve(parts as StorePart[]);
        } else {
          const err = new Error(m.message);
          err.name = m.name;
          fail(err);
        }
      });
      worker.on('error', (err) => fail(err));
      worker.on('exit', (code) => {
        if (parts[k] === null) fail(new Error(`a parsing thread stopped (exit code ${code}) before it finished bytes ${job.start}-${job.end}`));
      });
    });
  });
  return { parts: all, stop };
}
