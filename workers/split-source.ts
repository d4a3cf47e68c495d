// The split CSV pair in the data worker: what KmapSession.open() needs to
// read Memorizer's allocations + accesses files as one capture. Kept out of
// kmap-session.ts so that its reading loop stays one loop for every source:
// the pair is a parser with KmapParser's surface (SplitCsvStream: the two
// files' bytes one after the other, told apart by the allocations file's
// size) and a stream of chunks (the allocations file's slices, then the
// accesses file's).
//
// While the accesses file loads, its rows wait beside the store (they join
// it at the end): the memory budget counts them through pendingBytes().
// The estimate made from a file's first megabytes before reading on is not
// made for a pair (its first megabytes hold objects only, so it would
// misjudge the accesses); the budget stop still applies.

import { KmapParser } from '../src/format/parser.ts';
import { SplitCsvStream } from '../src/format/split-csv.ts';
import type { KmapSource } from '../src/worker-api.ts';

type PairSource = Extract<KmapSource, { kind: 'pair' }>;

/** The parser for a source: the kmap parser, or the pair's. */
export function parserFor(source: KmapSource): KmapParser | SplitCsvStream {
  if (source.kind !== 'pair') return new KmapParser();
  return new SplitCsvStream(source.allocations.size, source.accesses.size, {
    allocationsName: source.allocationsName,
    accessesName: source.accessesName,
  });
}

/** The bytes a load will read, when known before it starts (a fetch tells later). */
export function sourceBytes(source: KmapSource): number | null {
  if (source.kind === 'file') return source.file.size;
  if (source.kind === 'pair') return source.allocations.size + source.accesses.size;
  return null;
}

/** The pair's chunks: the allocations file's, then the accesses file's, each read by `chunksOf`. */
export async function* pairChunks(source: PairSource, chunksOf: (blob: Blob) => AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunksOf(source.allocations);
  yield* chunksOf(source.accesses);
}

/** Bytes a parser holds beside its store (the pair's access rows until they join it). */
export function pendingBytes(parser: KmapParser | SplitCsvStream): number {
  return parser instanceof SplitCsvStream ? parser.reader.pendingBytes : 0;
}
