// Reads Memorizer's split CSV pair from disk (Node only): tells the two files
// apart by their header lines, in either order, then streams the allocations
// file and the accesses file through the reader in fixed-size chunks
// (format/split-csv.ts). Memory: one chunk, the store, and what the reader
// holds beside it while the accesses file loads.
//
// Kept apart from read-kmap-file.ts on purpose: the kmap reader stays one
// file's loop, and the pair has its own.

import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { sniffNotKmap, KmapFormatError } from '../format/sniff.ts';
import { SplitCsvReader } from '../format/split-csv.ts';
import { chunksInOrder } from './chunks-ahead.ts';
import { firstLine, notSplitMessage, otherKind, sniffSplitCsv, type SplitCsvKind } from '../format/split-csv-header.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { NODE_CHUNK_BYTES, type ReadProgress } from './read-kmap-file.ts';

const HEAD_BYTES = 4096;

export interface SplitPaths {
  allocations: string;
  accesses: string;
}

/** The first bytes of a file (the whole file when it is shorter), and whether that is all of it. */
async function head(path: string): Promise<{ bytes: Uint8Array; whole: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return { bytes: buf.subarray(0, bytesRead), whole: bytesRead < HEAD_BYTES };
  } finally {
    await handle.close();
  }
}

/**
 * Which of two files is the allocations file and which the accesses file,
 * from their header lines. `onFile` is told which file is being read: an
 * error (unreadable, or a KmapFormatError saying why it is not one of the
 * pair) is about that file; when both files are the same kind, onFile('') is
 * called and the message names both.
 */
export async function splitPairOf(paths: readonly [string, string], onFile: (path: string) => void = () => {}): Promise<SplitPaths> {
  const kinds: (SplitCsvKind | null)[] = [];
  for (const path of paths) {
    onFile(path);
    const { bytes, whole } = await head(path);
    const kind = sniffSplitCsv(bytes, whole)?.kind ?? null;
    if (kind === null) {
      const expected = kinds[0] ? otherKind(kinds[0]) : null;
      const why = bytes.length === 0 ? 'The file is empty.' : (sniffNotKmap(bytes) ?? notSplitMessage(firstLine(bytes, whole), expected));
      throw new KmapFormatError(`${why} (Two files are read as Memorizer's allocations and accesses files.)`);
    }
    kinds.push(kind);
  }
  if (kinds[0] === kinds[1]) {
    onFile('');
    throw new KmapFormatError(`${paths[0]} and ${paths[1]} are both Memorizer's "${kinds[0]}" file; the other file of the pair is its "${otherKind(kinds[0]!)}" file.`);
  }
  return kinds[0] === 'allocations' ? { allocations: paths[0], accesses: paths[1] } : { allocations: paths[1], accesses: paths[0] };
}

async function readInto(path: string, buf: Uint8Array, push: (chunk: Uint8Array) => void, progress: (n: number) => void): Promise<void> {
  const handle = await open(path, 'r');
  try {
    for await (const chunk of chunksInOrder(handle, buf)) {
      push(chunk);
      progress(chunk.length);
    }
  } finally {
    await handle.close();
  }
}

/** Reads the pair into a store; bad lines and errors name each file by its base name. */
export async function readSplitCsvFiles(
  paths: SplitPaths,
  options: { chunkBytes?: number; onProgress?: (p: ReadProgress) => void } = {},
): Promise<KmapStore> {
  const sizes = await Promise.all([paths.allocations, paths.accesses].map(async (p) => {
    const h = await open(p, 'r');
    try {
      return (await h.stat()).size;
    } finally {
      await h.close();
    }
  }));
  const totalBytes = sizes[0] + sizes[1];
  const reader = new SplitCsvReader({ allocationsName: basename(paths.allocations), accessesName: basename(paths.accesses) });
  const buf = new Uint8Array(options.chunkBytes ?? NODE_CHUNK_BYTES);
  let bytesRead = 0;
  const progress = (n: number) => {
    bytesRead += n;
    options.onProgress?.({ bytesRead, totalBytes, objects: reader.store.numObjects, accessLines: reader.pendingAccesses });
  };
  await readInto(paths.allocations, buf, (c) => reader.pushAllocations(c), progress);
  reader.endAllocations();
  await readInto(paths.accesses, buf, (c) => reader.pushAccesses(c), progress);
  return reader.finish();
}
