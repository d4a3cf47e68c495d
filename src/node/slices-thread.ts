// A kmap read in slices (./read-kmap-slices.ts) in a worker thread of its
// own, so that the thread parses slice k + 1 while the caller writes slice k
// (`kmap export` in slices: the parse and the writing share the machine's
// cores instead of taking turns).
//
// How a slice crosses: the thread turns its store into a part
// (store/store-parts.ts: plain typed arrays, transferred, not copied) and
// this thread appends the part to an empty store of the variant, which gives
// the slice's own store back, id for id (the parallel parse's stitch, with
// one part).
//
// Memory: the thread posts slice k + 1 only once the caller is done with
// slice k (it says so after onSlice settles), and parses on meanwhile, so at
// most two slices are held: the one being written and the next.
//
// Failures: the thread's error (a damaged file, an unreadable one) is
// rethrown here as what it was (a KmapFormatError, a file system error with
// its code); a thread that stops without a word is an error too. An error
// of the caller's (onSlice, onProgress) ends the thread, and so does
// options.signal at once (Ctrl-C while the thread waits on an idle pipe).
//
// This module is also the thread's entry: a thread started with
// `workerData.kmapSlices` reads the file (./thread-entry.ts).

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { KmapSlice } from '../format/kmap-slicer.ts';
import { rangeParser, presentNameColumns } from '../format/ranges.ts';
import { KmapFormatError } from '../format/sniff.ts';
import type { Variant } from '../format/variants.ts';
import { appendParts, storeToPart, transferList, type StorePart } from '../store/store-parts.ts';
import type { ReadProgress } from './read-kmap-file.ts';
import { readKmapSlices, type SlicesOptions, type SlicesRead } from './read-kmap-slices.ts';
import { threadEntry } from './thread-entry.ts';

interface Job {
  readonly path: string;
  readonly sliceBytes: number;
  readonly chunkBytes?: number;
  readonly maxNames?: number;
}

type SliceMeta = Omit<KmapSlice, 'store'>;

type FromThread =
  | { readonly type: 'progress'; readonly progress: ReadProgress }
  | { readonly type: 'slice'; readonly meta: SliceMeta; readonly part: StorePart }
  | { readonly type: 'done'; readonly read: SlicesRead }
  | { readonly type: 'error'; readonly message: string; readonly name: string; readonly code: string | null };

type ToThread = { readonly type: 'written'; readonly index: number };

if (!isMainThread && parentPort && (workerData as { kmapSlices?: Job } | null)?.kmapSlices) {
  const port = parentPort;
  const job = (workerData as { kmapSlices: Job }).kmapSlices;
  const post = (m: FromThread, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  // Slices the caller is done with; a slice is posted once the one before it is.
  let written = 0;
  let wake: (() => void) | null = null;
  port.on('message', (m: ToThread) => {
    written = Math.max(written, m.index + 1);
    wake?.();
  });
  readKmapSlices(job.path, { sliceBytes: job.sliceBytes, chunkBytes: job.chunkBytes, maxNames: job.maxNames, onProgress: (progress) => post({ type: 'progress', progress }) }, async (slice) => {
    while (written < slice.index) await new Promise<void>((resolve) => (wake = resolve));
    const { store, ...meta } = slice;
    const part = storeToPart(store, slice.lines);
    post({ type: 'slice', meta, part }, transferList(part));
  }).then(
    (read) => {
      post({ type: 'done', read });
      port.close();
    },
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const code = (e as NodeJS.ErrnoException).code;
      post({ type: 'error', message: e.message, name: e.name, code: typeof code === 'string' ? code : null });
      port.close();
    },
  );
}

/** The store of a slice that crossed as a part: the part appended to an empty store of its variant. */
function sliceOf(meta: SliceMeta, part: StorePart): KmapSlice {
  const variant = part.variant as Variant;
  const parser = rangeParser(variant, false);
  const store = parser.finish();
  appendParts(store, 0, [part], presentNameColumns(variant));
  return { ...meta, store };
}

/** The thread's error as this thread throws it: the same class and code, so that the CLI words it alike. */
function rethrown(m: Extract<FromThread, { type: 'error' }>): Error {
  const e = m.name === 'KmapFormatError' || m.name === 'GzipDataError' ? new KmapFormatError(m.message) : new Error(m.message);
  if (m.code !== null) (e as NodeJS.ErrnoException).code = m.code;
  return e;
}

/**
 * readKmapSlices() with the parse in a thread of its own (see the header):
 * the same slices, in order, to `onSlice`.
 */
export async function readKmapSlicesInThread(
  path: string,
  /** readKmapSlices()'s; `signal` stops the thread too; `threadUrl`: what the thread runs (./thread-entry.ts). */
  options: SlicesOptions & { readonly threadUrl?: URL },
  onSlice: (slice: KmapSlice) => Promise<void>,
): Promise<SlicesRead> {
  const entry = options.threadUrl ? { url: options.threadUrl, done: () => {} } : await threadEntry(import.meta.url);
  const job: Job = { path, sliceBytes: options.sliceBytes, chunkBytes: options.chunkBytes, maxNames: options.maxNames };
  const worker = new Worker(entry.url, { workerData: { kmapSlices: job } });
  // The thread's messages in order, taken one at a time (a slice is written before the next message is read).
  const queue: FromThread[] = [];
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const ring = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: FromThread) => {
    queue.push(m);
    ring();
  });
  worker.on('error', (e) => {
    failure ??= e;
    ring();
  });
  worker.on('exit', () => {
    ended = true;
    ring();
  });
  options.signal?.addEventListener('abort', ring);
  try {
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason;
      let m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        if (ended) throw new Error(`the thread that reads ${path} stopped before the end of it`);
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (m.type === 'progress') options.onProgress?.(m.progress);
      else if (m.type === 'slice') {
        const index = m.meta.index;
        const slice = sliceOf(m.meta, m.part);
        // The part was copied into the slice's store: the message lets go of it while the slice is written.
        m = undefined;
        await onSlice(slice);
        worker.postMessage({ type: 'written', index } satisfies ToThread);
      } else if (m.type === 'done') return m.read;
      else throw rethrown(m);
    }
  } finally {
    options.signal?.removeEventListener('abort', ring);
    // Not awaited: a thread blocked in a read of an idle pipe ends only when the read returns (the process
    // exits then too); the caller's cleanup does not wait for it.
    void worker.terminate();
    entry.done();
  }
}
