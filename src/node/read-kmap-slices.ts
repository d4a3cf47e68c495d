// A kmap file read in slices (format/kmap-slicer.ts): plain, gzip or a pipe,
// in one thread, each slice handed to `onSlice` as soon as it ends, and the
// read held until onSlice's promise settles. Memory is one slice's store (and
// what onSlice keeps of it), whatever the file's size.

import { KmapSlicer, type KmapSlice } from '../format/kmap-slicer.ts';
import { readIntoSink, type ReadProgress } from './read-kmap-file.ts';

export interface SlicesRead {
  /** Slices handed to onSlice. */
  readonly slices: number;
  /** The file's distinct names of one kind came near the cap (KmapSlicer.namesNearCap): the slices may differ from the whole parse. */
  readonly namesNearCap: boolean;
}

export interface SlicesOptions {
  /** Text per slice, about (KmapSlicer.sliceBytes). */
  readonly sliceBytes: number;
  readonly chunkBytes?: number;
  readonly onProgress?: (p: ReadProgress) => void;
  /** The cap on distinct names (tests lower it). */
  readonly maxNames?: number;
  /** Ends the read at once with its reason, also while it waits on an idle pipe. */
  readonly signal?: AbortSignal;
}

export async function readKmapSlices(path: string, options: SlicesOptions, onSlice: (slice: KmapSlice) => Promise<void>): Promise<SlicesRead> {
  const slicer = new KmapSlicer(options.sliceBytes, options.maxNames);
  let slices = 0;
  const drain = async () => {
    for (const slice of slicer.takeSlices()) {
      slices++;
      await onSlice(slice);
    }
  };
  await readIntoSink(
    path,
    {
      push: (chunk) => slicer.push(chunk),
      finish: () => slicer.finish(),
      get objects() {
        return slicer.counts.numObjects;
      },
      get accessLines() {
        return slicer.counts.numAccesses;
      },
      drain,
    },
    options,
  );
  // The last slice (finish() ended it).
  await drain();
  return { slices, namesNearCap: slicer.namesNearCap };
}
