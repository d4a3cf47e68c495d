// Reads a kmap file from disk into the parser in fixed-size chunks (Node only).
// Memory stays at one chunk plus the store, whatever the file's size. A file
// that starts with gzip's magic number (whatever its name) is decompressed
// while it streams (gunzip-kmap.ts); its progress counts compressed bytes
// against the file's size.

import { open } from 'node:fs/promises';
import { isGzip } from '../format/gzip.ts';
import { KmapParser } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { parseGzipFile } from './gunzip-kmap.ts';

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
  options: { chunkBytes?: number; onProgress?: (p: ReadProgress) => void } = {},
): Promise<KmapStore> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buf = new Uint8Array(options.chunkBytes ?? NODE_CHUNK_BYTES);
    const parser = new KmapParser();
    let bytesRead = 0;
    for (;;) {
      const { bytesRead: n } = await handle.read(buf, 0, buf.length, null);
      if (n === 0) break;
      if (bytesRead === 0 && isGzip(buf.subarray(0, n))) {
        return await parseGzipFile(handle, size, buf.slice(0, n), parser, options.onProgress);
      }
      parser.push(buf.subarray(0, n));
      bytesRead += n;
      options.onProgress?.({ bytesRead, totalBytes: size, objects: parser.store.numObjects, accessLines: parser.store.numAccesses });
    }
    return parser.finish();
  } finally {
    await handle.close();
  }
}
