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
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    const size = info.size;
    const chunkBytes = options.chunkBytes ?? NODE_CHUNK_BYTES;
    const parser = new KmapParser({ sumsOnly: options.sumsOnly });
    // The first chunk from the file's position (a gzip file's reader goes on from there); the rest of
    // a file read ahead into the first chunk's buffer and one more, of a pipe one chunk after another.
    const first = new Uint8Array(chunkBytes);
    const { bytesRead: n } = await handle.read(first, 0, chunkBytes, null);
    if (n > 0 && isGzip(first.subarray(0, n))) return await parseGzipFile(handle, size, first.subarray(0, n), parser, options.onProgress);
    const progress = () => options.onProgress?.({ bytesRead: parser.bytesIn, totalBytes: size, objects: parser.store.numObjects, accessLines: parser.store.numAccesses });
    if (n > 0) {
      parser.push(first.subarray(0, n));
      reserveForBytes(parser.store, n, size);
      progress();
      const rest = info.isFile() ? chunksAhead(handle, n, Infinity, chunkBytes, first) : chunksInOrder(handle, first);
      for await (const chunk of rest) {
        parser.push(chunk);
        progress();
      }
    }
    return parser.finish();
  } finally {
    await handle.close();
  }
}
