// Reads a kmap file from disk into the parser in fixed-size chunks (Node only).
// Memory stays at one chunk plus the store, whatever the file's size. A file
// that starts with gzip's magic number (whatever its name) is decompressed
// while it streams (gunzip-kmap.ts); its progress counts compressed bytes
// against the file's size. With `workers` above 1, a plain file of at least
// PARALLEL_MIN_BYTES is parsed in that many threads (parallel-read.ts), with
// the same store as the result (onThreads hears how many threads parsed it).
// With `sumsOnly` the access lines are folded into per-object sums alone
// (ParserOptions.sumsOnly), for a caller that reads nothing else of them.

import { open, stat } from 'node:fs/promises';
import { isGzip } from '../format/gzip.ts';
import { KmapParser } from '../format/parser.ts';
import { reserveForBytes, type KmapStore } from '../store/kmap-store.ts';
import { PARALLEL_MIN_BYTES } from '../format/ranges.ts';
import { chunksAhead, chunksInOrder } from './chunks-ahead.ts';
import { parseGzipFile } from './gunzip-kmap.ts';
import { openInput } from './input-handle.ts';
import { readKmapFileInRanges } from './parallel-read.ts';

export const NODE_CHUNK_BYTES = 16 * 1024 * 1024;

export interface ReadProgress {
  /** Bytes of the file read (of a gzip file: compressed bytes decompressed so far). */
  bytesRead: number;
  totalBytes: number;
  /** Objects and access lines parsed so far. */
  objects: number;
  accessLines: number;
}

/**
 * What the readers feed text into: a KmapParser (parserSink), or a parser in
 * slices (./read-kmap-slices.ts), whose drain() writes out the slices ended
 * so far and is awaited after each push (a slice's write holds the read).
 */
export interface KmapSink<T> {
  push(chunk: Uint8Array): void;
  /** Ends the input (after the last push) and gives the result. */
  finish(): T;
  /** Objects and access lines parsed so far (for progress). */
  readonly objects: number;
  readonly accessLines: number;
  drain?(): Promise<void>;
  /** Told, after the first chunk of a file that is not gzip, how big that chunk and the file are (to reserve room). */
  sized?(firstBytes: number, fileBytes: number): void;
}

/** A parser as a sink: finish() gives its store. */
export function parserSink(parser: KmapParser): KmapSink<KmapStore> {
  return {
    push: (chunk) => parser.push(chunk),
    finish: () => parser.finish(),
    get objects() {
      return parser.store.numObjects;
    },
    get accessLines() {
      return parser.store.numAccesses;
    },
    sized: (firstBytes, fileBytes) => reserveForBytes(parser.store, firstBytes, fileBytes),
  };
}

export async function readKmapFile(
  path: string,
  options: { chunkBytes?: number; onProgress?: (p: ReadProgress) => void; workers?: number; onThreads?: (threads: number) => void; sumsOnly?: boolean } = {},
): Promise<KmapStore> {
  const workers = options.workers ?? 1;
  // Only a regular file has ranges to read at (a pipe has no positions): anything else is read in one piece.
  if (workers > 1 && (await stat(path)).isFile()) {
    const handle = await open(path, 'r');
    let plain: boolean;
    let size: number;
    try {
      size = (await handle.stat()).size;
      const magic = new Uint8Array(2);
      const { bytesRead } = await handle.read(magic, 0, 2, 0);
      plain = size >= PARALLEL_MIN_BYTES && !isGzip(magic.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
    if (plain) {
      const got = await readKmapFileInRanges(path, size, { workers, chunkBytes: options.chunkBytes ?? NODE_CHUNK_BYTES, onProgress: options.onProgress, sumsOnly: options.sumsOnly });
      if (got) {
        options.onThreads?.(got.threads);
        return got.store;
      }
    }
  }
  return readIntoSink(path, parserSink(new KmapParser({ sumsOnly: options.sumsOnly })), options);
}

/**
 * Reads the file at `path` in one thread into `sink` (a gzip file through
 * ./gunzip-kmap.ts, decompressed as it streams) and returns what the sink's
 * finish() gives.
 */
export async function readIntoSink<T>(
  path: string,
  sink: KmapSink<T>,
  options: {
    chunkBytes?: number;
    onProgress?: (p: ReadProgress) => void;
    /**
     * Ends the read at once with its reason, also while a read of an idle pipe
     * is pending (that read is left to return on its own; the handle is closed
     * after it, not waited for).
     */
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  const signal = options.signal;
  // Every wait of the read races the signal.
  const aborted = signal
    ? new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      })
    : null;
  aborted?.catch(() => {});
  const raced = <R>(p: Promise<R>): Promise<R> => (aborted ? Promise.race([p, aborted]) : p);
  // A file, FIFO or device; or a standard input that is a socket (./input-handle.ts).
  const handle = await openInput(path);
  try {
    const info = await handle.stat();
    const size = info.size;
    const chunkBytes = options.chunkBytes ?? NODE_CHUNK_BYTES;
    // The first chunk from the file's position (a gzip file's reader goes on from there); the rest of
    // a file read ahead into the first chunk's buffer and one more, of a pipe one chunk after another.
    const first = new Uint8Array(chunkBytes);
    const { bytesRead: n } = await raced(handle.read(first, 0, chunkBytes, null));
    if (n > 0 && isGzip(first.subarray(0, n))) return await parseGzipFile(handle, size, first.subarray(0, n), abortable(sink, signal), options.onProgress, signal);
    let bytesIn = 0;
    const take = async (chunk: Uint8Array) => {
      sink.push(chunk);
      if (bytesIn === 0) sink.sized?.(chunk.length, size);
      bytesIn += chunk.length;
      options.onProgress?.({ bytesRead: bytesIn, totalBytes: size, objects: sink.objects, accessLines: sink.accessLines });
      // Not raced: a slice being written stops on the signal by itself (ParquetExport), and nothing may close under it.
      if (sink.drain) await sink.drain();
    };
    if (n > 0) {
      await take(first.subarray(0, n));
      const rest = (info.isFile() ? chunksAhead(handle, n, Infinity, chunkBytes, first) : chunksInOrder(handle, first))[Symbol.asyncIterator]();
      for (let r = await raced(rest.next()); !r.done; r = await raced(rest.next())) await take(r.value);
    }
    return sink.finish();
  } finally {
    // A read still pending on an idle pipe would hold close() until it returns.
    if (signal?.aborted) void handle.close().catch(() => {});
    else await handle.close();
  }
}

/** A sink that takes nothing more once `signal` has aborted (a read that returns after the abort parses nothing). */
function abortable<T>(sink: KmapSink<T>, signal: AbortSignal | undefined): KmapSink<T> {
  if (!signal) return sink;
  const check = () => {
    if (signal.aborted) throw signal.reason;
  };
  return {
    push: (chunk) => {
      check();
      sink.push(chunk);
    },
    finish: () => {
      check();
      return sink.finish();
    },
    get objects() {
      return sink.objects;
    },
    get accessLines() {
      return sink.accessLines;
    },
    drain: sink.drain ? async () => (check(), sink.drain!()) : undefined,
  };
}
